// setup, invite, home, status, set: the partnership itself.
import { closedOn, erasureDay, isClosed } from './closed.js';
import { commandButton, failure, info, success, type Message } from '../message.js';
import {
  DEFAULT_SURVEY_SETTINGS,
  DEFAULT_THRESHOLD,
  DEFAULT_TIMEZONE,
  KEEP_SENT_DAYS,
  retentionOf,
  type Member,
  type Partnership,
  type Platform,
  type RetentionSettings,
} from '../model.js';
import type { Deps } from '../deps.js';
import { TrellisError } from '../errors.js';
import { formatDate, hasDaylightSaving } from '../time.js';
import type { CommandRequest } from '../request.js';
import { RETENTION_WORDS, type SettingCommand } from './partnership-grammar.js';
import { requireCoordinator, requireMember, type Context } from '../context.js';
import { sendSetupChecklist } from './setup-checklist.js';

export const PLATFORM_NAMES: Record<Platform, string> = { slack: 'Slack', teams: 'Teams', email: 'email', playground: 'Playground' };

export async function setup(deps: Deps, req: CommandRequest, name: string): Promise<Message> {
  const { store, clock } = deps;
  const { caller, place } = req;
  if (place.kind !== 'channel') {
    return failure('Run `setup <name>` in the channel (or team) your partnership will use, so Trellis knows where its home is.');
  }
  const existing = await store.partnershipByHome(caller.platform, place.conversationId);
  if (existing) return failure(`This channel is already home to ${existing.name}. Type \`status\` to see it.`);

  const inviteCode = await freshInviteCode(deps);
  const now = clock.now().toISOString();
  const partnership: Partnership = {
    id: deps.newId(),
    name,
    purpose: '',
    type: 'coordinating',
    homes: [{ platform: caller.platform, workspace: caller.workspace, conversationId: place.conversationId, label: place.label ?? 'this channel' }],
    timezone: DEFAULT_TIMEZONE,
    threshold: DEFAULT_THRESHOLD,
    inviteCode,
    createdAt: now,
    survey: DEFAULT_SURVEY_SETTINGS,
  };
  const coordinator: Member = {
    id: deps.newId(),
    partnershipId: partnership.id,
    platform: caller.platform,
    workspace: caller.workspace,
    userId: caller.userId,
    displayName: caller.displayName,
    role: 'coordinator',
    joinedAt: now,
    wasCoordinator: true,
  };
  await store.savePartnership(partnership);
  await store.saveMember(coordinator);
  const checklist = await sendSetupChecklist(deps, partnership, coordinator);
  return success(
    `*${name}* is set up, with ${caller.displayName} as coordinator.\n` +
      `Invite code: *${inviteCode}* — partners join from Slack, Teams or anywhere Trellis runs with \`join ${inviteCode} <organisation>\`.\n` +
      'Next: add the partner organisations with `org add <name> <sector>`.' +
      (checklist ? `\n${caller.displayName}: your set-up checklist is in your private chat with Trellis.` : ''),
    { title: 'Partnership created', audience: 'conversation', buttons: [commandButton('Status', 'status'), commandButton('Help', 'help')] },
  );
}

// 31^8 codes make a clash rare; a few tries make it vanishingly so.
async function freshInviteCode(deps: Deps): Promise<string> {
  for (let i = 0; i < 10; i++) {
    const code = deps.newInviteCode();
    if (!(await deps.store.partnershipByInvite(code))) return code;
  }
  throw new TrellisError('UNEXPECTED', 'Could not find an unused invite code after 10 tries.');
}

export function invite(ctx: Context): Message {
  const refused = requireMember(ctx);
  if (refused) return refused;
  const { name, inviteCode } = ctx.partnership;
  return info(`Invite code for *${name}*: *${inviteCode}*\nTo join, type \`join ${inviteCode} <organisation>\` to Trellis in Slack or Teams.`);
}

export async function home(deps: Deps, req: CommandRequest, ctx: Context): Promise<Message> {
  const refused = await requireCoordinator(deps.store, ctx, 'choose the home channel');
  if (refused) return refused;
  const { caller, place } = req;
  if (place.kind !== 'channel') return failure('Type `home` in the channel (or team) that should become the home.');
  const other = await deps.store.partnershipByHome(caller.platform, place.conversationId);
  if (other && other.id !== ctx.partnership.id) return failure(`This channel is already home to ${other.name}.`);
  if (other) return info(`This channel is already the home of ${ctx.partnership.name}.`);
  // One home per workspace (or tenant): each organisation's own channel can carry the digests.
  const homes = ctx.partnership.homes.filter((h) => h.platform !== caller.platform || h.workspace !== caller.workspace);
  homes.push({ platform: caller.platform, workspace: caller.workspace, conversationId: place.conversationId, label: place.label ?? 'this channel' });
  await deps.store.savePartnership({ ...ctx.partnership, homes });
  return success(`This channel is now the ${PLATFORM_NAMES[caller.platform]} home of *${ctx.partnership.name}*.`, { audience: 'conversation' });
}

export async function status(deps: Deps, ctx: Context): Promise<Message> {
  const refused = requireMember(ctx);
  if (refused) return refused;
  const p = ctx.partnership;
  const [orgs, members] = await Promise.all([deps.store.organisations(p.id), deps.store.members(p.id)]);
  const byPlatform = Object.entries(PLATFORM_NAMES)
    .map(([key, label]) => [label, members.filter((m) => m.platform === key).length] as const)
    .filter(([, n]) => n > 0)
    .map(([label, n]) => `${n} on ${label}`);
  return info(p.purpose || 'No purpose recorded yet — a coordinator can add one with `set purpose <text>`.', {
    title: p.name,
    fields: [
      { label: 'Type', value: p.type },
      { label: 'Organisations', value: String(orgs.length) },
      { label: 'Members', value: `${members.length}${byPlatform.length ? ` (${byPlatform.join(', ')})` : ''}` },
      { label: 'Home', value: p.homes.map((h) => `${h.label} (${PLATFORM_NAMES[h.platform]})`).join(', ') },
      { label: 'Timezone', value: p.timezone },
      { label: 'Anonymity threshold', value: `results shown only for groups of ${p.threshold} or more` },
      { label: 'Retention', value: retentionLine(p) },
      ...(isClosed(p)
        ? [{ label: 'Closed', value: `on ${closedOn(p)}; everything but the figures is ${p.erasedAt ? 'erased' : `erased on ${formatDate(erasureDay(p))}`}` }]
        : []),
    ],
    buttons: [commandButton('Members', 'members'), commandButton('Organisations', 'org list')],
  });
}

/** Who may change settings: `set` and its form refuse alike. */
export const mayChangeSettings = (deps: Deps, ctx: Context) => requireCoordinator(deps.store, ctx, 'change settings');

export async function set(deps: Deps, ctx: Context, cmd: SettingCommand): Promise<Message> {
  const refused = await mayChangeSettings(deps, ctx);
  if (refused) return refused;
  const p = ctx.partnership;
  if (cmd.setting === 'retention') return setRetention(deps, p, cmd.which, cmd.value);
  await deps.store.savePartnership({ ...p, [cmd.setting]: cmd.value });
  if (cmd.setting === 'threshold' && cmd.value !== p.threshold) return success(thresholdChanged(p, cmd.value));
  const done = `${cmd.setting[0]!.toUpperCase()}${cmd.setting.slice(1)} of ${p.name} is now: ${cmd.value}.`;
  if (cmd.setting === 'timezone' && losesSummerTime(p.timezone, cmd.value, deps.clock.now().getUTCFullYear())) {
    return success(
      `${done}\nNote: ${p.timezone} changes its clocks for summer time and ${cmd.value} does not, so check-ins will open an hour off local time for part of the year. ` +
        `If the partnership keeps ${p.timezone}'s clocks, set it back.`,
      { buttons: [commandButton('Set it back', `set timezone ${p.timezone}`)] },
    );
  }
  return success(done);
}

/**
 * A zone without daylight saving chosen in place of one with it, in the same
 * part of the world or as bare UTC/GMT (`Europe/London` → `UTC`): most often a
 * partnership that does change its clocks, picking "the winter offset".
 */
function losesSummerTime(from: string, to: string, year: number): boolean {
  const region = (tz: string) => (tz.includes('/') ? tz.split('/')[0] : 'Etc');
  const sameRegion = region(from) === region(to) || region(to) === 'Etc';
  return sameRegion && hasDaylightSaving(from, year) && !hasDaylightSaving(to, year);
}

/** A lower threshold cannot reach back: people answered under the one in force then (thresholdFor). */
function thresholdChanged(p: Partnership, value: number): string {
  if (value > p.threshold) return `Threshold of ${p.name} is now: ${value}. It applies at once, to every result, earlier check-ins and reviews included.`;
  return (
    `Threshold of ${p.name} is now: ${value}, for check-ins and reviews opened from now on. ` +
    `Those already opened keep the threshold they opened with (until now ${p.threshold}): people answered them under that promise.`
  );
}

/** `status`'s one line on retention (the outbox's period is the install's, not the partnership's). */
function retentionLine(p: Partnership): string {
  const r = retentionOf(p);
  return `concern text ${r.concernMonths} months after closing, comments ${r.commentMonths} months after their check-in, invitations ${r.invitationDays} days, a closed partnership's personal data ${r.closedMonths} months; sent messages ${KEEP_SENT_DAYS} days`;
}

async function setRetention(deps: Deps, p: Partnership, which: keyof RetentionSettings, value: number): Promise<Message> {
  const before = retentionOf(p);
  await deps.store.savePartnership({ ...p, retention: { ...p.retention, [which]: value } });
  const { what, unit, after, fate } = Object.values(RETENTION_WORDS).find((w) => w.which === which)!;
  return success(
    `${p.name} now keeps ${what.toLowerCase()} for ${value} ${unit} ${after} (until now ${before[which]}). ` +
      `This takes effect at the next scheduled run, within a minute: anything older is ${fate} then.`,
  );
}
