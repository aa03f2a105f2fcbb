// Protocol reminders, each sent once: the fact that one went out is stored
// under a key, so restarts, double ticks and catch-ups never repeat it. A
// reminder missed while Trellis was down goes out once, marked late; when a
// protocol is added (or its date moved) after some lead times have passed,
// only the most recent of those goes out.
import { inviteParties } from './reviews.js';
import { commandButton, info, linkButton, type Button, type Message } from '../message.js';
import type { Deps } from '../deps.js';
import { DEFAULT_LEAD_DAYS, type Member, type Partnership, type Protocol } from '../model.js';
import { addDays, daysBetween, formatDate, localToday, localToUtc } from '../time.js';
import { refOf } from './register.js';
import { postToHomes, sendToEach } from '../send.js';

export const START_REVIEW = 'protocol-review-start';
export const SNOOZE = 'protocol-snooze';
const SEND_AT = '09:00';
const LATE_MS = 60 * 60 * 1000;
const STALE_REVIEW_DAYS = 30;

type Audience = 'owner-coordinators' | 'with-parties' | 'coordinators';
interface Due {
  key: string;
  at: number;
  audience: Audience;
  message: Message;
  /** Only the latest of a chain goes out when several are due at once (weekly escalations). */
  chain?: string;
}

const at = (date: string, tz: string) => localToUtc({ y: +date.slice(0, 4), m: +date.slice(5, 7), d: +date.slice(8, 10) }, SEND_AT, tz);

function buttons(protocol: Protocol): Button[] {
  return [
    { actionId: START_REVIEW, label: 'Start review', value: protocol.id, style: 'primary' },
    { actionId: SNOOZE, label: 'Snooze a week', value: protocol.id },
    ...(protocol.link ? [linkButton('Open document', protocol.link)] : []),
  ];
}

function dueReminders(partnership: Partnership, protocol: Protocol, today: string): Due[] {
  const out: Due[] = [];
  const d = protocol.nextReview;
  const base = `${protocol.id}:${d}`;
  const title = `${partnership.name}: ${refOf(protocol)} ${protocol.title}`;
  if (protocol.status === 'active') {
    const left = daysBetween(today, d);
    for (const lead of partnership.leadDays ?? DEFAULT_LEAD_DAYS) {
      // Sent at once for a protocol added closer than its lead time: say how far off it really is.
      const days = left > 0 && left < lead ? left : lead;
      out.push({
        key: `${base}:lead-${lead}`,
        at: at(addDays(d, -lead), partnership.timezone),
        audience: 'owner-coordinators',
        message: info(`Its review is due in ${days} day${days === 1 ? '' : 's'}, on ${formatDate(d)}.`, { title, buttons: buttons(protocol) }),
      });
    }
    out.push({
      key: `${base}:due`,
      at: at(d, partnership.timezone),
      audience: 'with-parties',
      message: info(`Its review is due today (${formatDate(d)}). Your organisation is a party to it.`, { title, buttons: buttons(protocol) }),
    });
  }
  if (protocol.status === 'active' || protocol.status === 'under-review') {
    for (let week = 1; addDays(d, 7 * week) <= today; week++) {
      out.push({
        key: `${base}:overdue-${week}`,
        chain: `${base}:overdue`,
        at: at(addDays(d, 7 * week), partnership.timezone),
        audience: 'coordinators',
        message: info(`Its review is overdue by ${daysBetween(d, today)} days (due ${formatDate(d)}).`, {
          title: `Overdue: ${title}`,
          buttons: buttons(protocol),
        }),
      });
    }
  }
  const open = protocol.reviews.find((r) => !r.closedAt);
  if (open) {
    const started = open.startedAt.slice(0, 10);
    out.push({
      key: `${protocol.id}:${open.id}:stale`,
      at: at(addDays(started, STALE_REVIEW_DAYS), partnership.timezone),
      audience: 'coordinators',
      message: info(
        `Its review has been open since ${formatDate(started)}, more than ${STALE_REVIEW_DAYS} days. Close it with \`review close ${refOf(protocol)} kept|revised|retired\`.`,
        { title, buttons: [commandButton('Review status', `review status ${refOf(protocol)}`)] },
      ),
    });
  }
  return out;
}

function recipients(members: Member[], protocol: Protocol, audience: Audience): Member[] {
  const coordinators = members.filter((m) => m.role === 'coordinator');
  const owner = members.filter((m) => m.id === protocol.ownerMemberId);
  const parties =
    audience === 'with-parties'
      ? members.filter((m) => m.organisationId && protocol.partyOrgIds.includes(m.organisationId) && m.role !== 'critical-friend')
      : [];
  const people = audience === 'coordinators' ? coordinators : [...owner, ...coordinators, ...parties];
  return [...new Map(people.map((m) => [m.id, m])).values()];
}

export async function tickProtocols(deps: Deps, partnership: Partnership): Promise<void> {
  // A closed partnership's protocols are history: no reminders, no monthly look ahead.
  if (partnership.closedAt) return;
  const now = deps.clock.now().getTime();
  const today = localToday(partnership.timezone, deps.clock.now());
  const members = await deps.store.members(partnership.id);
  for (const protocol of await deps.store.protocols(partnership.id)) {
    const open = protocol.reviews.find((r) => !r.closedAt);
    if (open) await inviteParties(deps, partnership, protocol, open);
    if (protocol.snoozedUntil && today < protocol.snoozedUntil) continue;
    const from = Date.parse(protocol.remindersFrom);
    const all = dueReminders(partnership, protocol, today).filter((r) => r.at <= now);
    // Before the protocol (or its date) existed: only the most recent counts.
    const before = all
      .filter((r) => r.at < from && !r.chain)
      .sort((a, b) => b.at - a.at)
      .slice(0, 1);
    const since = all.filter((r) => r.at >= from || r.chain);
    const chains = new Map<string, Due>();
    for (const r of since.filter((r) => r.chain)) if (!chains.has(r.chain!) || chains.get(r.chain!)!.at < r.at) chains.set(r.chain!, r);
    const send = [...before, ...since.filter((r) => !r.chain), ...chains.values()].sort((a, b) => a.at - b.at);
    for (const r of send) {
      if (await deps.store.reminderSent(r.key)) continue;
      // Late only if Trellis missed it; one that predates the protocol (or its new date) was never missed.
      const late = r.at >= from && now - r.at > LATE_MS;
      // Recorded before sending: a crash mid-send loses a reminder rather than repeating it.
      await deps.store.saveSentReminder({ key: r.key, sentAt: new Date(now).toISOString(), late });
      const message = late ? { ...r.message, text: `${r.message.text}\n(This reminder is late: Trellis was not running when it was due.)` } : r.message;
      await sendToEach(deps, recipients(members, protocol, r.audience), message, { kind: 'protocol reminder', partnershipId: partnership.id });
    }
  }
  await monthlySummary(deps, partnership, today, now);
}

/** On the first of each month, what falls due in the next two months, to the home conversations. */
async function monthlySummary(deps: Deps, partnership: Partnership, today: string, now: number): Promise<void> {
  const first = `${today.slice(0, 8)}01`;
  // Not before the 1st's 09:00, and not for a month the partnership did not exist at its start.
  if (now < at(first, partnership.timezone) || at(first, partnership.timezone) < Date.parse(partnership.createdAt)) return;
  const key = `${partnership.id}:coming-up:${today.slice(0, 7)}`;
  if (await deps.store.reminderSent(key)) return;
  const soon = (await deps.store.protocols(partnership.id))
    .filter((protocol) => protocol.status !== 'retired' && protocol.status !== 'draft' && protocol.nextReview <= addDays(today, 60))
    .sort((a, b) => a.nextReview.localeCompare(b.nextReview));
  await deps.store.saveSentReminder({ key, sentAt: new Date(now).toISOString(), late: now - at(first, partnership.timezone) > LATE_MS });
  if (soon.length === 0) return;
  const message = info('Protocol reviews coming up in the next two months:', {
    title: `${partnership.name}: coming up`,
    audience: 'conversation',
    items: soon.map(
      (protocol) =>
        `${refOf(protocol)} ${protocol.title} — ${protocol.nextReview < today ? `overdue since ${formatDate(protocol.nextReview)}` : formatDate(protocol.nextReview)}`,
    ),
    buttons: [commandButton('The register', 'protocol list')],
  });
  await postToHomes(deps, partnership, message, 'protocols coming up');
}
