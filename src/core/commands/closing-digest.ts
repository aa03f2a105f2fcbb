// The closing digest: a partnership's whole history of trust and commitment,
// round by round under the same threshold the trends use, what changed from the
// first reading to the last, and its protocols with their review outcomes.
import type { Deps } from '../deps.js';
import { commandButton, info, type ChartSpec, type Message } from '../message.js';
import type { Partnership, Protocol } from '../model.js';
import { HEADLINE, indexSeries, loadHistory } from '../trends/history.js';
import type { RoundSummary } from '../trends/types.js';
import { refOf } from '../protocols/register.js';
import { reviewSummary } from '../protocols/review-summary.js';
import { formatDate, localDay } from '../time.js';
import { erasureDay, type ClosedPartnership } from './closed.js';

const roundName = (s: RoundSummary) => `${s.kind === 'healthcheck' ? 'Health check' : 'Check-in'} #${s.number}`;

/** One line per closed round: its headline indices only when k or more answered (RoundSummary.visible), as `trends` shows them. */
function roundLine(s: RoundSummary): string {
  const turnout = `${s.answered} of ${s.invited} answered`;
  if (!s.visible) return `${roundName(s)}: ${turnout} — fewer than ${s.threshold}, so no figures are shown`;
  const figures = HEADLINE.map((f) => `${f.label} ${s.factors.find((x) => x.factor === f.factor)?.index ?? '—'}`);
  return `${roundName(s)}: ${figures.join(', ')} (${turnout})`;
}

/** From the first shown reading of each headline factor to the last; nothing when there are not two. */
function firstToLast(summaries: RoundSummary[]): string[] {
  return HEADLINE.flatMap((f) => {
    const shown = summaries.flatMap((s) => {
      const index = s.visible ? s.factors.find((x) => x.factor === f.factor)?.index : null;
      return index === null || index === undefined ? [] : [{ number: s.number, index }];
    });
    if (shown.length < 2) return [];
    const first = shown[0]!;
    const last = shown.at(-1)!;
    const d = last.index - first.index;
    return [
      `${f.label} went from ${first.index} (#${first.number}) to ${last.index} (#${last.number}), ${d === 0 ? 'no change' : `${d > 0 ? '+' : '−'}${Math.abs(d)}`}.`,
    ];
  });
}

async function protocolLine(deps: Deps, p: Partnership, x: Protocol): Promise<string> {
  const reviews = await Promise.all(
    x.reviews
      .filter((r) => r.closedAt)
      .map(
        async (r) =>
          `${formatDate(localDay(r.closedAt!, p.timezone))}: ${r.outcome ?? `closed with the partnership (${(await reviewSummary(deps, p, r)).text})`}`,
      ),
  );
  return `${refOf(x)} ${x.title} (${x.status}) — ${reviews.length ? `reviews: ${reviews.join('; ')}` : 'never reviewed'}`;
}

/** Every closed round, not only the last dozen: this is the partnership's whole story. */
const wholeChart = (summaries: RoundSummary[]): ChartSpec => ({
  title: 'Trust and commitment (0–100), every round',
  labels: summaries.map((s) => `#${s.number}`),
  series: HEADLINE.map((f) => ({ name: f.label, values: indexSeries(summaries, f.factor) })),
});

export async function closingDigest(deps: Deps, p: ClosedPartnership): Promise<Message> {
  const h = await loadHistory(deps, p);
  const protocols = await deps.store.protocols(p.id);
  const lines = [
    `${p.name} was closed on ${formatDate(localDay(p.closedAt, p.timezone))}. Its figures stay readable with \`trends\` until ${formatDate(erasureDay(p))}, when everything but the figures is erased.`,
  ];
  if (h.summaries.length === 0) lines.push('No check-in closed in its time, so there are no figures to look back on.');
  else {
    lines.push(`*Trust and commitment over ${h.summaries.length} round${h.summaries.length === 1 ? '' : 's'}*`, ...h.summaries.map(roundLine));
    const changed = firstToLast(h.summaries);
    lines.push(
      changed.length ? `*What changed*\n${changed.join('\n')}` : '*What changed*\nToo few rounds had enough answers to compare the first with the last.',
    );
  }
  if (protocols.length) lines.push('*Protocols*', ...(await Promise.all(protocols.map((x) => protocolLine(deps, p, x)))));
  return info(lines.join('\n'), {
    title: `${p.name}: closing digest`,
    audience: 'conversation',
    ...(h.summaries.some((s) => s.visible) ? { chart: wholeChart(h.summaries) } : {}),
    buttons: [commandButton('Trends', 'trends')],
  });
}
