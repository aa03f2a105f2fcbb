// The `survey …` commands. Counts, never names: no command says who has or
// has not answered.
import { deliveries, turnout } from './turnout.js';
import { failure, info, success, type Message } from '../message.js';
import type { Deps } from '../deps.js';
import type { SurveyCommand } from './survey-grammar.js';
import { requireCoordinator, requireMember, type Context } from '../context.js';
import { bankFor, MAX_ROTATING_FACTORS, slug } from './bank.js';
import { formatDuration } from './duration.js';
import { formatLocal } from '../time.js';
import { nextSlot } from './schedule.js';
import { closeRound, openRound, openRoundOf } from './rounds.js';
import type { Partnership, Schedule } from '../model.js';

const MAX_CUSTOM_PER_FACTOR = 4;

const describeSchedule = (s: Schedule, p: Partnership) => {
  const day = typeof s.day === 'number' ? `day ${s.day} of each month` : s.cadence === 'monthly' ? `the first ${cap(s.day)} of each month` : `${s.cadence === 'weekly' ? 'every' : 'every other'} ${cap(s.day)}`;
  return `${day} at ${s.time} (${p.timezone})`;
};
const cap = (w: string) => w[0]!.toUpperCase() + w.slice(1);
const pct = (a: number, b: number) => (b ? `${Math.round((100 * a) / b)}%` : '—');

export async function survey(deps: Deps, ctx: Context, cmd: SurveyCommand): Promise<Message> {
  if (cmd.name === 'survey status') return requireMember(ctx) ?? status(deps, ctx.partnership);
  const refused = await requireCoordinator(deps.store, ctx, 'run check-ins');
  if (refused) return refused;
  const p = ctx.partnership;
  const now = deps.clock.now();

  switch (cmd.name) {
    case 'survey schedule': {
      if (!cmd.schedule) {
        const { schedule: _off, ...rest } = p;
        await deps.store.savePartnership(rest);
        return success('Scheduled check-ins are off. `survey now` still opens one whenever you like.');
      }
      const schedule: Schedule = { ...cmd.schedule, since: now.toISOString() };
      await deps.store.savePartnership({ ...p, schedule });
      return success(`Check-ins for ${p.name}: ${describeSchedule(schedule, p)}. The next opens ${formatLocal(nextSlot(schedule, p.timezone, now.getTime()), p.timezone)}.`);
    }
    case 'survey now': {
      const open = await openRoundOf(deps, p.id);
      if (open) return failure(`Check-in #${open.number} is still open (until ${formatLocal(open.closesAt, p.timezone)}). Close it first with \`survey close\`.`);
      if ((await deps.store.members(p.id)).every((m) => m.role === 'critical-friend')) return failure('There is nobody to ask yet: members join with `join <invite-code> <organisation>`.');
      const { round, invited, unreachable } = await openRound(deps, p, cmd.kind, cmd.windowMinutes ? { windowMinutes: cmd.windowMinutes } : {});
      const what = cmd.kind === 'healthcheck' ? `Health check #${round.number} (all ${round.itemIds.length} statements)` : `Check-in #${round.number}`;
      const missing = unreachable ? ` ${unreachable} of them cannot be messaged yet: on Teams, a person must open a chat with Trellis once.` : '';
      return success(`${what} is open until ${formatLocal(round.closesAt, p.timezone)}, sent privately to ${invited} member${invited === 1 ? '' : 's'}.${missing}`);
    }
    case 'survey close': {
      const open = await openRoundOf(deps, p.id);
      if (!open) return info('No check-in is open. Open one with `survey now`.');
      const { answered, invited } = await closeRound(deps, p, open);
      return success(`Check-in #${open.number} is closed: ${answered} of ${invited} answered (${pct(answered, invited)}).`);
    }
    case 'survey settings': {
      const survey = { ...p.survey, ...(cmd.remindAfterMinutes ? { remindAfterMinutes: cmd.remindAfterMinutes } : {}), ...(cmd.windowMinutes ? { windowMinutes: cmd.windowMinutes } : {}) };
      if (survey.remindAfterMinutes >= survey.windowMinutes) {
        return failure(`The reminder (after ${formatDuration(survey.remindAfterMinutes)}) must come before the check-in closes (after ${formatDuration(survey.windowMinutes)}).`);
      }
      await deps.store.savePartnership({ ...p, survey });
      return success(`Check-ins stay open ${formatDuration(survey.windowMinutes)}; anyone who has not answered is reminded after ${formatDuration(survey.remindAfterMinutes)}.`);
    }
    case 'survey question add':
      return addQuestion(deps, p, cmd.factor, cmd.text);
  }
}

async function status(deps: Deps, p: Partnership): Promise<Message> {
  const rounds = (await deps.store.rounds(p.id)).sort((a, b) => b.number - a.number);
  const fields = [
    { label: 'Schedule', value: p.schedule ? describeSchedule(p.schedule, p) : 'none (use `survey schedule`)' },
    { label: 'Window and reminder', value: `open ${formatDuration(p.survey.windowMinutes)}, reminder after ${formatDuration(p.survey.remindAfterMinutes)}` },
  ];
  if (p.schedule) fields.push({ label: 'Next scheduled', value: formatLocal(nextSlot(p.schedule, p.timezone, deps.clock.now().getTime()), p.timezone) });
  const latest = rounds[0];
  if (!latest) return info('No check-ins yet.', { title: 'Check-ins', fields });
  const { invited, answered } = await turnout(deps, latest);
  if (!latest.closedAt) {
    const { queued, failed } = await deliveries(deps, latest);
    if (queued) fields.push({ label: 'Still being sent', value: `${queued} check-in${queued === 1 ? '' : 's'} (Slack and Teams take messages at their own pace)` });
    if (failed) fields.push({ label: 'Not delivered', value: `${failed} check-in${failed === 1 ? '' : 's'} refused by the platform (for example a deactivated account)` });
  }
  const state = latest.closedAt ? `closed ${formatLocal(latest.closedAt, p.timezone)}` : `open until ${formatLocal(latest.closesAt, p.timezone)}`;
  return info(`Check-in #${latest.number} is ${state}: ${answered} of ${invited} answered (${pct(answered, invited)}).`, { title: 'Check-ins', fields });
}

async function addQuestion(deps: Deps, p: Partnership, factorName: string, text: string): Promise<Message> {
  const custom = await deps.store.customItems(p.id);
  const bank = bankFor(custom);
  const existing = bank.factor(factorName) ?? bank.factor(slug(factorName));
  if (existing) {
    if (custom.filter((c) => c.factor === existing.factor).length >= MAX_CUSTOM_PER_FACTOR) return failure(`${existing.label} already has ${MAX_CUSTOM_PER_FACTOR} statements of your own; that is the most a factor takes.`);
    if (existing.items.some((i) => i.text.toLowerCase() === text.toLowerCase())) return failure(`${existing.label} already asks that.`);
    await deps.store.saveCustomItem({ id: `custom-${deps.newId()}`, partnershipId: p.id, factor: existing.factor, text });
    return success(`Added to ${existing.label}: "${text}". It joins the rotation from the next check-in.`);
  }
  const rotating = bank.factors.filter((f) => !f.core).length;
  if (rotating >= MAX_ROTATING_FACTORS) return failure(`${p.name} already has ${rotating} rotating factors — the most that can each be asked at least once every 4 check-ins. Add the statement to an existing factor instead.`);
  await deps.store.saveCustomItem({ id: `custom-${deps.newId()}`, partnershipId: p.id, factor: slug(factorName), factorLabel: factorName, text });
  return success(`Created the factor "${factorName}" with the statement "${text}". It joins the rotation from the next check-in.`);
}
