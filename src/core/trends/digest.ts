// After a round closes: a digest to the partnership's home conversations and,
// when trust or commitment slips, a private alert to coordinators and the
// critical friend. Figures only where k or more people stand behind them.
import type { Deps } from '../deps.js';
import { commandButton, info, type Message } from '../message.js';
import { DEFAULT_ALERTS, type Partnership } from '../model.js';
import { gaps } from './compute.js';
import { DISCUSSION, GENERAL_QUESTION } from './discussion.js';
import { chartOf, HEADLINE, loadHistory, type History } from './history.js';
import type { Change } from './types.js';
import { commentsOf, digestComments } from './comments.js';
import { postToHomes, sendToEach } from '../send.js';

export const GAP_POINTS = 15;

const pct = (r: number) => `${Math.round(r * 100)}%`;
const signed = (d: number) => `${d > 0 ? '+' : d < 0 ? '−' : '±'}${Math.abs(d)}`;

/** The interval in figures: for the dashboard, which has room to explain it; chat says what it means instead. */
export const intervalText = (i: [number, number]) => (i[0] === i[1] ? 'exact' : `95% interval ${signed(i[0])} to ${signed(i[1])}`);

const MEANING = {
  'too-few': 'too few answers to judge',
  exact: 'everyone answered alike both times',
  'beyond-chance': 'more than chance would explain',
  'within-chance': 'within what chance explains',
} as const;

/**
 * A change in plain words, judged by its interval rather than its size alone:
 * "Trust fell clearly, from 80 to 55 since #3 — more than chance would explain".
 */
export function describeChange(c: Change, previousNumber?: number): string {
  if (c.judgement === 'unshown') return `${c.label}: too few answers to show`;
  if (c.judgement === 'first') return `${c.label} ${c.current} — the first reading`;
  const since = previousNumber ? ` since #${previousNumber}` : '';
  const meaning = MEANING[c.judgement];
  if (c.delta === 0) return `${c.label} stayed at ${c.current}${since} — ${meaning}`;
  const fromTo = `from ${c.previous} to ${c.current}${since}`;
  const direction = c.delta! < 0 ? 'fell' : 'rose';
  if (c.judgement === 'too-few') return `${c.label} ${direction} ${fromTo} — ${meaning}`;
  // Within chance the direction is not established: it only "moved".
  if (c.judgement === 'within-chance') return `${c.label} moved${c.large ? '' : ' a little,'} ${fromTo} — ${meaning}`;
  return `${c.label} ${direction} ${c.large ? 'clearly' : 'a little'}, ${fromTo} — ${meaning}`;
}

export function digestMessage(p: Partnership, h: History): Message {
  const latest = h.summaries.at(-1)!;
  const data = h.data.at(-1)!;
  const name = `${latest.kind === 'healthcheck' ? 'health check' : 'check-in'} #${latest.number}`;
  const participation = `Participation: ${latest.answered} of ${latest.invited} (${pct(latest.rate)})`;
  const previous = h.summaries.at(-2);
  const trend = previous
    ? `${participation}, ${latest.rate < previous.rate ? 'down' : latest.rate > previous.rate ? 'up' : 'the same as'} ${latest.rate === previous.rate ? '' : 'from '}${pct(previous.rate)} last time.`
    : `${participation}.`;
  if (!latest.visible) {
    return info(`${trend}\nFewer than ${data.k} people answered, so no results are shown for this round: that protects everyone's anonymity.`, {
      title: `${p.name}: ${name} results`,
      audience: 'conversation',
    });
  }
  const headline = HEADLINE.map((f) => h.changes.find((c) => c.factor === f.factor)).filter((c): c is Change => !!c);
  const prevNumber = (factor: string) =>
    h.summaries
      .slice(0, -1)
      .filter((s) => s.factors.some((f) => f.factor === factor && f.index !== null))
      .at(-1)?.number;
  const lines = headline.map((c) => `*${describeChange(c, prevNumber(c.factor))}*`);
  lines.push(trend);
  const mover = [...h.changes].filter((c) => c.delta !== null).sort((a, b) => Math.abs(b.delta!) - Math.abs(a.delta!))[0];
  if (mover && mover.delta !== 0) lines.push(`Biggest move: ${mover.label} ${mover.current} (${signed(mover.delta!)}).`);
  const found = ['trust', 'power-voice'].flatMap((f) => gaps(h.bank, data, f, h.orgs, GAP_POINTS));
  for (const g of found)
    lines.push(`${cap(g.sector)} partners rate ${h.bank.factor(g.factor)?.label ?? g.factor} ${g.index}, ${g.gap} points below the others (${g.othersIndex}).`);
  const comments = digestComments(data.round.id, commentsOf(data.answers));
  const question = DISCUSSION[found[0]?.factor ?? mover?.factor ?? ''] ?? GENERAL_QUESTION;
  lines.push(`To discuss at your next meeting: ${question}`);
  return info(lines.join('\n'), {
    title: `${p.name}: ${name} results`,
    audience: 'conversation',
    chart: chartOf('Trust and commitment (0–100)', h.summaries, HEADLINE),
    ...(comments.items.length ? { items: comments.items } : {}),
    buttons: [...comments.buttons, commandButton('Trends', 'trends')],
  });
}

const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);

/** Reasons to alert about the latest round; empty when all is well (or too few answered to tell). */
export function alertReasons(p: Partnership, h: History): string[] {
  const { floor } = p.alerts ?? DEFAULT_ALERTS;
  const reasons: string[] = [];
  for (const c of h.changes.filter((x) => x.factor === 'trust' || x.factor === 'commitment')) {
    if (c.current === null) continue;
    if (c.notable && c.delta! < 0) reasons.push(`${describeChange(c)}.`);
    if (c.current < floor) reasons.push(`${c.label} is ${c.current}, below your floor of ${floor}.`);
  }
  return reasons;
}

/** Posts the digest to every home conversation and alerts coordinators and critical friends. */
export async function publishDigest(deps: Deps, p: Partnership): Promise<void> {
  const h = await loadHistory(deps, p);
  if (h.summaries.length === 0) return;
  const digest = digestMessage(p, h);
  await postToHomes(deps, p, digest, 'digest');
  const reasons = alertReasons(p, h);
  if (reasons.length === 0) return;
  const alert = info(`${reasons.join('\n')}\nLook at the trends and consider raising it at the next meeting.`, {
    title: `Trellis alert: ${p.name}`,
    buttons: [commandButton('Trends', 'trends')],
  });
  const people = (await deps.store.members(p.id)).filter((m) => m.role === 'coordinator' || m.role === 'critical-friend');
  await sendToEach(deps, people, alert, { kind: 'alert', partnershipId: p.id });
}
