// The protocol register: finding, listing, showing, saving, retiring.
import { failure, info, linkButton, success, type Button, type Message, type Reply } from '../message.js';
import type { Deps } from '../deps.js';
import type { Partnership, Protocol } from '../model.js';
import { requireCoordinator, type Context } from '../context.js';
import { addMonths, daysBetween, formatDate, localDay, localToday } from '../time.js';
import { checkProtocol, kindLabel, NEW_PROTOCOL, protocolForm } from './protocol-form.js';
import { quoted, reviewSummary } from './review-summary.js';

export const refOf = (protocol: Protocol) => `P-${protocol.ref}`;

/** By P-number (or bare number) or by title, case-insensitively. */
export async function findProtocol(
  deps: Deps,
  partnershipId: string,
  which: string,
): Promise<{ ok: true; protocol: Protocol } | { ok: false; reply: Message }> {
  const all = await deps.store.protocols(partnershipId);
  const ref = /^p?-?(\d+)$/i.exec(which.trim())?.[1];
  const found = ref
    ? all.filter((protocol) => protocol.ref === Number(ref))
    : all.filter((protocol) => protocol.title.toLowerCase() === which.trim().toLowerCase());
  const partial = found.length ? found : all.filter((protocol) => protocol.title.toLowerCase().includes(which.trim().toLowerCase()));
  if (partial.length === 1) return { ok: true, protocol: partial[0]! };
  if (partial.length > 1)
    return {
      ok: false,
      reply: failure(
        `More than one protocol matches "${which}": ${partial.map((protocol) => `${refOf(protocol)} ${protocol.title}`).join(', ')}. Use its P-number.`,
      ),
    };
  return { ok: false, reply: failure(`No protocol matches "${which}". Type \`protocol list\` to see the register.`) };
}

/** Coordinators and the protocol's owner may change it. */
export async function mayChange(deps: Deps, ctx: Context, protocol: Protocol | undefined, doing: string): Promise<Message | undefined> {
  if (protocol && ctx.me && ctx.me.id === protocol.ownerMemberId) return undefined;
  const refused = await requireCoordinator(deps.store, ctx, doing);
  return refused && protocol ? { ...refused, text: refused.text.replace('Only coordinators', 'Only coordinators and its owner') } : refused;
}

export function dueText(protocol: Protocol, today: string): string {
  if (protocol.status === 'retired') return 'retired';
  const days = daysBetween(today, protocol.nextReview);
  const when =
    days < 0
      ? `OVERDUE by ${-days} day${days === -1 ? '' : 's'}`
      : days === 0
        ? 'due today'
        : `due ${formatDate(protocol.nextReview)} (in ${days} day${days === 1 ? '' : 's'})`;
  return `review ${when}`;
}

export async function listProtocols(deps: Deps, partnership: Partnership): Promise<Message> {
  const all = await deps.store.protocols(partnership.id);
  if (all.length === 0) return info('The register is empty. A coordinator adds protocols with `protocol add`.');
  const members = await deps.store.members(partnership.id);
  const today = localToday(partnership.timezone, deps.clock.now());
  const order = (protocol: Protocol) => (protocol.status === 'retired' ? '9' : protocol.nextReview);
  const items = [...all]
    .sort((a, b) => order(a).localeCompare(order(b)))
    .map(
      (protocol) =>
        // A retired one's due text already says so.
        `${refOf(protocol)} ${protocol.title} — ${dueText(protocol, today)}${protocol.status === 'retired' ? '' : ` · ${protocol.status}`} · owner ${members.find((m) => m.id === protocol.ownerMemberId)?.displayName ?? 'unknown'}`,
    );
  return info(`${all.length} in the register of ${partnership.name}, overdue first:`, { title: 'Protocols', items });
}

export async function showProtocol(deps: Deps, partnership: Partnership, protocol: Protocol): Promise<Message> {
  const [orgs, members] = await Promise.all([deps.store.organisations(partnership.id), deps.store.members(partnership.id)]);
  const today = localToday(partnership.timezone, deps.clock.now());
  const buttons: Button[] = protocol.link ? [linkButton('Open document', protocol.link)] : [];
  return info(protocol.purpose || 'No purpose recorded.', {
    title: `${refOf(protocol)} ${protocol.title}`,
    fields: [
      { label: 'Kind', value: kindLabel(protocol.kind) },
      { label: 'Status', value: protocol.status },
      { label: 'Parties', value: protocol.partyOrgIds.map((id) => orgs.find((o) => o.id === id)?.name ?? '?').join(', ') },
      { label: 'Owner', value: members.find((m) => m.id === protocol.ownerMemberId)?.displayName ?? 'unknown' },
      { label: 'Next review', value: `${formatDate(protocol.nextReview)} — ${dueText(protocol, today)}` },
      { label: 'Cycle', value: protocol.cycleMonths ? `every ${protocol.cycleMonths} months` : 'none (a date each time)' },
    ],
    items: protocol.reviews.length
      ? (
          await Promise.all(
            protocol.reviews.map(async (r) => {
              if (!r.closedAt) return [`Review open since ${formatDate(localDay(r.startedAt, partnership.timezone))}`];
              const summary = await reviewSummary(deps, partnership, r);
              return [`Reviewed ${formatDate(localDay(r.closedAt, partnership.timezone))}: ${r.outcome} — ${summary.text}`, ...summary.comments.map(quoted)];
            }),
          )
        ).flat()
      : ['Not reviewed yet.'],
    buttons,
  });
}

/** The add or edit form, for those allowed to use it. */
export async function openProtocolForm(deps: Deps, ctx: Context, which: string): Promise<Reply> {
  const existing = which === NEW_PROTOCOL ? undefined : await deps.store.protocol(which);
  if (which !== NEW_PROTOCOL && (!existing || existing.partnershipId !== ctx.partnership.id))
    return failure('That protocol is not in this partnership’s register.');
  const refused = await mayChange(deps, ctx, existing, existing ? 'edit protocols' : 'add protocols');
  if (refused) return refused;
  const [orgs, members] = await Promise.all([deps.store.organisations(ctx.partnership.id), deps.store.members(ctx.partnership.id)]);
  if (orgs.length === 0) return failure('Add the partner organisations first (`org add <name> <sector>`): a protocol needs parties.');
  return { form: protocolForm(ctx.partnership.id, orgs, members, existing) };
}

export async function saveProtocol(deps: Deps, ctx: Context, which: string, values: Record<string, string>): Promise<Message> {
  const partnership = ctx.partnership;
  const existing = which === NEW_PROTOCOL ? undefined : await deps.store.protocol(which);
  if (which !== NEW_PROTOCOL && (!existing || existing.partnershipId !== partnership.id))
    return failure('That protocol is not in this partnership’s register; nothing was saved.');
  const refused = await mayChange(deps, ctx, existing, existing ? 'edit protocols' : 'add protocols');
  if (refused) return refused;
  const [orgs, members] = await Promise.all([deps.store.organisations(partnership.id), deps.store.members(partnership.id)]);
  const now = deps.clock.now();
  const today = localToday(partnership.timezone, now);
  const checked = checkProtocol(values, orgs, members, today);
  if (!checked.ok) return { ...failure('Some fields need another look; nothing was saved.'), fieldErrors: checked.errors };
  const f = checked.fields;
  const nextReview = f.nextReview ?? addMonths(today, f.cycleMonths!);
  const all = await deps.store.protocols(partnership.id);
  const dateChanged = !existing || existing.nextReview !== nextReview;
  const protocol: Protocol = {
    ...(existing ?? {
      id: deps.newId(),
      partnershipId: partnership.id,
      ref: Math.max(0, ...all.map((earlier) => earlier.ref)) + 1,
      status: 'active' as const,
      reviews: [],
      createdAt: now.toISOString(),
    }),
    title: f.title,
    kind: f.kind,
    purpose: f.purpose,
    partyOrgIds: f.partyOrgIds,
    ownerMemberId: f.ownerMemberId,
    nextReview,
    remindersFrom: dateChanged ? now.toISOString() : existing!.remindersFrom,
  } as Protocol;
  if (f.link) protocol.link = f.link;
  else delete protocol.link;
  if (f.cycleMonths) protocol.cycleMonths = f.cycleMonths;
  else delete protocol.cycleMonths;
  await deps.store.saveProtocol(protocol);
  return success(`${existing ? 'Saved' : 'Added'} ${refOf(protocol)} ${protocol.title}: next review ${formatDate(nextReview)}.`);
}

export async function retireProtocol(deps: Deps, ctx: Context, protocol: Protocol): Promise<Message> {
  const refused = await mayChange(deps, ctx, protocol, 'retire protocols');
  if (refused) return refused;
  if (protocol.status === 'retired') return info(`${refOf(protocol)} is already retired.`);
  await deps.store.saveProtocol({ ...protocol, status: 'retired' });
  return success(`${refOf(protocol)} ${protocol.title} is retired. No more reminders will go out for it.`);
}
