// Themes, not people: counts by category per month or quarter, with small
// categories merged into "other" (and withheld if still under k). Themes read
// only what is stored in the clear (category, month, status); the list and the
// digest open the concerns each critical friend may read, and no others.
import { commandButton, failure, info, success, type Message } from '../message.js';
import type { Deps } from '../deps.js';
import { CONCERN_CATEGORIES, type ConcernHead, type Partnership } from '../model.js';
import type { Context } from '../context.js';
import { localToday, localToUtc } from '../time.js';
import { CATEGORY_LABELS, FRIEND_OPEN } from './concern-forms.js';
import { loadConcerns } from './concern-seal.js';
import { friendsOf } from './concerns.js';
import { friendConcerns, waitsForFriend } from './conversations.js';
import { thresholdFor } from '../promised-threshold.js';
import { postToHomes, sendPrivate } from '../send.js';

export type Period = 'month' | 'quarter';
const periodOf = (month: string, by: Period) => (by === 'month' ? month : `${month.slice(0, 4)}-Q${Math.ceil(Number(month.slice(5, 7)) / 3)}`);

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** "Nov 2026" or "Q4 2026": months as every date is written ("4 Dec 2026"); the key (2026-11, 2026-Q4) only sorts. */
const periodLabel = (period: string) =>
  period.includes('Q') ? `${period.slice(5)} ${period.slice(0, 4)}` : `${MONTHS[Number(period.slice(5, 7)) - 1]} ${period.slice(0, 4)}`;

/**
 * One line per period. A period's k is today's threshold, or the highest in force
 * when any of its concerns was raised: people raised them under that promise.
 */
export function themeLines(concerns: ConcernHead[], by: Period, p: Pick<Partnership, 'threshold'>): string[] {
  const periods = [...new Set(concerns.filter((c) => c.status !== 'pending').map((c) => periodOf(c.month, by)))].sort().reverse();
  return periods.map((period) => {
    const inPeriod = concerns.filter((c) => c.status !== 'pending' && periodOf(c.month, by) === period);
    const k = thresholdFor(p, Math.max(0, ...inPeriod.map((c) => c.threshold)));
    const counts = CONCERN_CATEGORIES.map((cat) => ({ cat, n: inPeriod.filter((c) => c.category === cat).length })).filter((x) => x.n > 0);
    const shown = counts.filter((x) => x.n >= k && x.cat !== 'other');
    const other = inPeriod.length - shown.reduce((a, x) => a + x.n, 0);
    const parts = shown.map((x) => `${CATEGORY_LABELS[x.cat]}: ${x.n}`);
    if (other >= k) parts.push(`Other themes together: ${other}`);
    else if (other > 0) parts.push(`${shown.length ? 'A few more' : 'Some'}, too few to show without pointing to people`);
    return `${periodLabel(period)}: ${parts.join(' · ')}`;
  });
}

const onlyFriend = (ctx: Context): Message | undefined =>
  ctx.me?.role === 'critical-friend' ? undefined : failure('Concerns are seen only by the critical friend. To raise one yourself, type `concern`.');

export async function concernsCommand(deps: Deps, ctx: Context, cmd: { sub: 'list' | 'themes' | 'publish'; by: Period }): Promise<Message> {
  const refused = onlyFriend(ctx);
  if (refused) return refused;
  const p = ctx.partnership;
  if (cmd.sub === 'list') {
    const live = await friendConcerns(deps, ctx.me!);
    if (live.length === 0) return info('No open concerns.');
    return info(`${live.length} open concern${live.length === 1 ? '' : 's'}:`, {
      items: live.map((c) => `${c.pseudonym} — ${CATEGORY_LABELS[c.category]} — ${c.status}${waitsForFriend(c) ? ' — waiting for you' : ''}`),
      buttons: live.slice(0, 10).map((c) => ({ actionId: FRIEND_OPEN, label: `Open ${c.pseudonym}`, value: c.id, opensForm: true })),
    });
  }
  const lines = themeLines(await deps.store.concerns(p.id), cmd.by, p);
  if (lines.length === 0) return info('No concerns yet, so no themes.');
  const k = `${p.threshold} (or the higher threshold in force when they were raised)`;
  if (cmd.sub === 'themes')
    return info(`Concerns by theme, per ${cmd.by}. Themes with fewer than ${k} concerns are merged so that none points to a person.`, {
      title: 'Themes',
      items: lines,
      buttons: [commandButton('Publish to the partnership', `concerns themes publish ${cmd.by}`)],
    });
  const message = info(
    `What people have raised with the critical friend, by theme (never by person). Themes with fewer than ${k} concerns are merged or withheld.`,
    { title: `${p.name}: themes from the critical friend`, items: lines.slice(0, 4), audience: 'conversation' },
  );
  await postToHomes(deps, p, message, 'concern themes');
  return success(`Published the themes to ${p.name}'s home channel${p.homes.length === 1 ? '' : 's'}.`);
}

/** On the first of each month: the conversations waiting for the critical friend. */
export async function friendDigest(deps: Deps, p: Partnership): Promise<void> {
  const now = deps.clock.now();
  const month = localToday(p.timezone, now).slice(0, 7);
  const sendAt = localToUtc({ y: +month.slice(0, 4), m: +month.slice(5, 7), d: 1 }, '09:00', p.timezone);
  const key = `${p.id}:friend-digest:${month}`;
  if (now.getTime() < sendAt || sendAt < Date.parse(p.createdAt) || (await deps.store.reminderSent(key))) return;
  await deps.store.saveSentReminder({ key, sentAt: now.toISOString(), late: false });
  const waiting = (await loadConcerns(deps, p.id)).filter((c) => c.status !== 'closed' && c.status !== 'pending' && c.messages.at(-1)?.from === 'reporter');
  for (const f of await friendsOf(deps, p.id)) {
    const theirs = waiting.filter((c) => c.friendIds.includes(f.id));
    if (theirs.length === 0) continue;
    const message = info(`${theirs.length} conversation${theirs.length === 1 ? ' is' : 's are'} waiting for your reply:`, {
      title: `${p.name}: concerns this month`,
      items: theirs.map((c) => `${c.pseudonym} — ${CATEGORY_LABELS[c.category]}`),
      buttons: theirs.slice(0, 10).map((c) => ({ actionId: FRIEND_OPEN, label: `Open ${c.pseudonym}`, value: c.id, opensForm: true })),
    });
    await sendPrivate(deps, f, message, { kind: 'concern digest', partnershipId: p.id });
  }
}
