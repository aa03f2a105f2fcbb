// The signed dashboard as one self-contained HTML page: figures the core has
// already suppressed below the partnership's threshold, charts as inline SVG,
// every string escaped. Also the small pages that say why a link is refused.
import { chartSvg } from '../charts/svg-chart.js';
import type { DashboardView } from '../core/trends/dashboard.js';
import { intervalText } from '../core/trends/digest.js';
import type { ChartSpec } from '../core/message.js';
import type { Breakdown, Cell, Figure, RoundSummary } from '../core/trends/types.js';
import { SORRY } from '../report-error.js';
import { esc, escWithCode, formatDate, page } from './html.js';

const DASH = '—';
const HEADLINE = [
  { factor: 'trust', label: 'Trust' },
  { factor: 'commitment', label: 'Commitment' },
];

const fig = (v: Figure) => (v === null ? DASH : String(v));
const pct = (rate: number) => `${Math.round(rate * 100)}%`;
const cap = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);
const roundName = (r: Pick<RoundSummary, 'kind' | 'number'>) => `${r.kind === 'healthcheck' ? 'Health check' : 'Check-in'} #${r.number}`;
const indexIn = (r: RoundSummary, factor: string): Figure => r.factors.find((f) => f.factor === factor)?.index ?? null;

/** A factor's label as the rounds carry it (the bank's own wording), else its id made readable. */
function labelOf(view: DashboardView, factor: string): string {
  for (const r of view.rounds) {
    const f = r.factors.find((x) => x.factor === factor);
    if (f) return f.label;
  }
  return cap(factor.replace(/-/g, ' '));
}

function header(view: DashboardView): string {
  return `<header class="top"><div class="wrap">
<p class="brand">Trellis dashboard</p>
<h1>${esc(view.partnership)}</h1>
<p class="meta"><span class="pill">Figures shown only for groups of ${view.threshold} or more</span>
<span>Link expires ${esc(formatDate(view.expiresAt, true, view.timezone))}</span>
<span>Generated ${esc(formatDate(view.generatedAt, true, view.timezone))}</span>
<span>Times in ${esc(view.timezone)}</span></p>
</div></header>`;
}

function stat(label: string, value: string, note: string): string {
  return `<section class="card stat"><p class="label">${esc(label)}</p><p class="value">${value}</p><p class="note">${esc(note)}</p></section>`;
}

/** The latest shown figure of trust and commitment, and the latest round's participation. */
function glance(view: DashboardView): string {
  const latest = view.rounds.at(-1)!;
  const cards = HEADLINE.map(({ factor, label }) => {
    const last = [...view.rounds].reverse().find((r) => indexIn(r, factor) !== null);
    if (!last) return stat(label, DASH, `No round yet had ${view.threshold} or more answers`);
    const value = indexIn(last, factor)!;
    const before = view.rounds
      .slice(0, view.rounds.indexOf(last))
      .reverse()
      .find((r) => indexIn(r, factor) !== null);
    const delta = before ? Math.round((value - indexIn(before, factor)!) * 10) / 10 : null;
    const judged = last === latest ? view.changes.find((c) => c.factor === factor) : undefined;
    const interval = judged?.interval ? ` (${intervalText(judged.interval)})` : '';
    const change = delta === null ? 'the first reading' : `${delta > 0 ? '+' : delta < 0 ? '−' : '±'}${Math.abs(delta)} since #${before!.number}${interval}`;
    return stat(label, `${value}<small> / 100</small>`, `${roundName(last)} · ${change}`);
  });
  cards.push(stat('Participation', `${latest.answered}<small> of ${latest.invited}</small>`, `${roundName(latest)} · ${pct(latest.rate)} answered`));
  return `<div class="stats">${cards.join('')}</div>`;
}

/** What each of the view's charts shows, in the view's order (headline, every factor, participation). */
const CHART_NOTES = [
  'The two indices asked in every round. 0 = everyone strongly disagrees, 100 = everyone strongly agrees. A gap is a round with too few answers to show.',
  'Each factor on the same 0–100 scale, in the rounds that asked it. Factors other than trust and commitment rotate, so they appear every few rounds as points rather than lines.',
  'How many of those asked answered: a signal in itself.',
];
/** The chart draws its legend in one row: more series than this and names run off the edge. */
const MAX_SERIES = 3;

const drawable = (spec: ChartSpec) => spec.series.some((s) => s.values.some((v) => v !== null));

function chartCard(view: DashboardView, spec: ChartSpec, note: string | undefined): string {
  const body = drawable(spec) ? chartSvg(spec) : `<p class="empty">No round has had ${view.threshold} or more answers yet, so there is nothing to draw.</p>`;
  // The SVG draws its own title; the heading is there for screen readers and outlines.
  return `<section class="card chart"><h2${drawable(spec) ? ' class="sr-only"' : ''}>${esc(spec.title)}</h2>${body}${note ? `<p class="footnote">${esc(note)}</p>` : ''}</section>`;
}

/** Splits a chart of many series into a few of at most MAX_SERIES (as evenly as an even number of parts allows), each titled by its series. */
function parts(spec: ChartSpec): ChartSpec[] {
  let count = Math.ceil(spec.series.length / MAX_SERIES);
  if (count > 1 && count % 2 === 1) count++;
  const out: ChartSpec[] = [];
  for (let i = 0, from = 0; i < count; i++) {
    const size = Math.floor(spec.series.length / count) + (i < spec.series.length % count ? 1 : 0);
    const series = spec.series.slice(from, from + size);
    out.push({ ...spec, title: series.map((x) => x.name).join(' · '), series });
    from += size;
  }
  return out.filter((p) => p.series.length > 0);
}

function charts(view: DashboardView): string {
  const noted = view.charts.map((spec, i) => ({ spec, note: CHART_NOTES[i] }));
  const small = noted.filter(({ spec }) => spec.series.length <= MAX_SERIES).map(({ spec, note }) => chartCard(view, spec, note));
  const wide = noted
    .filter(({ spec }) => spec.series.length > MAX_SERIES)
    .map(
      ({ spec, note }) =>
        `<section class="card wide"><h2>${esc(spec.title.replace(/ \(0–100\)$/, ''))}</h2>${note ? `<p class="sub">${esc(note)}</p>` : ''}<div class="charts inner">${parts(
          spec,
        )
          .map((p) => `<div class="chart">${chartSvg(p)}</div>`)
          .join('')}</div></section>`,
    );
  return `<div class="charts">${small.join('')}</div>${wide.join('')}`;
}

function roundsTable(view: DashboardView): string {
  const rows = [...view.rounds]
    .reverse()
    .map(
      (r) =>
        `<tr><td>${esc(roundName(r))}</td><td>${esc(formatDate(r.closedAt, false, view.timezone))}</td><td class="num">${r.answered} / ${r.invited}</td><td class="num">${pct(r.rate)}</td>` +
        HEADLINE.map(({ factor }) => {
          const v = indexIn(r, factor);
          return `<td class="num${v === null ? ' hidden' : ''}">${fig(v)}</td>`;
        }).join('') +
        '</tr>',
    )
    .join('');
  const anyHidden = view.rounds.some((r) => HEADLINE.some(({ factor }) => indexIn(r, factor) === null));
  const stricter = view.rounds.some((r) => r.threshold > view.threshold);
  return `<section class="card" id="rounds"><h2>Rounds</h2><p class="sub">Newest first. Trust and commitment on a 0–100 scale.</p>
<div class="table-scroll"><table>
<thead><tr><th>Round</th><th>Closed</th><th class="num">Answered / invited</th><th class="num">Rate</th><th class="num">Trust</th><th class="num">Commitment</th></tr></thead>
<tbody>${rows}</tbody></table></div>
${anyHidden ? `<p class="footnote">${DASH} fewer than ${view.threshold} people answered${stricter ? ' (or fewer than the higher threshold in force when that round opened)' : ''}, so no figure is shown for that round.</p>` : ''}</section>`;
}

/** The core groups people without an organisation (or sector) as "independent". */
const groupName = (by: Breakdown['by'], group: string) => (by === 'sector' ? cap(group) : group === 'independent' ? 'No organisation' : group);

function cellHtml(cell: Cell | undefined): string {
  if (!cell || cell.hidden || cell.index === null) return `<td class="num hidden">${DASH}</td>`;
  return `<td class="num">${cell.index} <span class="n">(${cell.n})</span></td>`;
}

/** One table per grouping: a row a group, a column a factor asked in that round. */
function breakdownTable(view: DashboardView, by: Breakdown['by']): string {
  const tables = view.breakdowns.filter((b) => b.by === by && b.cells.length > 0);
  const groups = [...new Set(tables.flatMap((b) => b.cells.map((c) => c.group)))].sort((a, b) => groupName(by, a).localeCompare(groupName(by, b)));
  const title = by === 'sector' ? 'By sector' : 'By organisation';
  if (tables.length === 0) return `<div><h3>${title}</h3><p class="empty">Nobody answered the factors broken down here.</p></div>`;
  const head = tables.map((b) => `<th class="num">${esc(labelOf(view, b.factor))}</th>`).join('');
  const rows = groups
    .map((g) => `<tr><td class="name">${esc(groupName(by, g))}</td>${tables.map((b) => cellHtml(b.cells.find((c) => c.group === g))).join('')}</tr>`)
    .join('');
  return `<div><h3>${title}</h3><div class="table-scroll"><table class="breakdown" data-by="${by}">
<thead><tr><th>${by === 'sector' ? 'Sector' : 'Organisation'}</th>${head}</tr></thead><tbody>${rows}</tbody></table></div></div>`;
}

function breakdownSection(view: DashboardView): string {
  if (view.breakdownRound === undefined) {
    return `<section class="card" id="breakdowns"><h2>By sector and organisation</h2><p class="empty">No round has had ${view.threshold} or more answers yet, so nothing can be broken down.</p></section>`;
  }
  // The round keeps the threshold it opened with, if that is higher than today's.
  const k = view.breakdownThreshold ?? view.threshold;
  return `<section class="card" id="breakdowns"><h2>By sector and organisation</h2>
<p class="sub">Check-in #${view.breakdownRound}, the latest round with ${k} or more answers. Index 0–100, people in brackets.</p>
<div class="pair">${breakdownTable(view, 'sector')}${breakdownTable(view, 'organisation')}</div>
<p class="footnote">${DASH} hidden: fewer than ${k} people in that group answered, or showing it would let someone work out a smaller group's figure by subtracting one number from another. This protects everyone's anonymity, especially in small organisations.</p></section>`;
}

function gapsSection(view: DashboardView): string {
  if (view.gaps.length === 0) return '';
  const items = view.gaps
    .map(
      (g) =>
        `<li><strong>${esc(cap(g.sector))}</strong> partners rate ${esc(labelOf(view, g.factor))} <strong>${g.index}</strong>, ${g.gap} points below everyone else (${g.othersIndex}).</li>`,
    )
    .join('');
  return `<section class="card callout" id="gaps"><h2>Where sectors see things differently</h2>
<p class="sub">Power is rarely even in a partnership. A gap like this is worth talking through at your next meeting.</p><ul class="gaps">${items}</ul></section>`;
}

export function dashboardPage(view: DashboardView): string {
  const body =
    view.rounds.length === 0
      ? `<section class="card"><h2>No results yet</h2><p class="empty">No check-in has closed yet. Coordinators open one with <code>survey now</code>; results appear here once it closes.</p></section>`
      : [glance(view), charts(view), roundsTable(view), gapsSection(view), breakdownSection(view)].join('\n');
  return page(
    `${view.partnership} — Trellis dashboard`,
    `${header(view)}
<main class="wrap">
${body}
</main>
<footer>Only figures from groups of ${view.threshold} or more people are shown; nobody's individual answers are here. This is a private link: please don't forward it.</footer>`,
  );
}

const REFUSALS: Record<number, { heading: string; next: string }> = {
  403: {
    heading: "This link isn't valid",
    next: 'Links are checked on every use: one that was cut short or changed, withdrawn with `dashboard revoke`, or given to someone who is no longer a coordinator will not open. To get a fresh one, type `dashboard` (or `export`) where you talk to Trellis; only coordinators can.',
  },
  410: {
    heading: 'This link has expired',
    next: 'Dashboard links work for 24 hours, so figures are never left open. To get a fresh one, type `dashboard` where you talk to Trellis; only coordinators can.',
  },
  400: { heading: "This link isn't valid", next: 'To get a fresh one, type `dashboard` (or `export`) where you talk to Trellis; only coordinators can.' },
  404: { heading: 'Nothing to show here', next: "If you think this is wrong, ask your partnership's coordinator for a new link." },
};

/** Why a link was refused, and what to do next. `message` comes from the core (plain text). */
export function refusalPage(status: number, message: string): string {
  const r = REFUSALS[status] ?? REFUSALS[404]!;
  return page(
    `${r.heading} — Trellis`,
    `<main class="card refusal"><p class="status">Trellis · ${status}</p><h1>${esc(r.heading)}</h1><p>${escWithCode(message)}</p><p>${escWithCode(r.next)}</p></main>`,
  );
}

export function errorPage(): string {
  return page(
    'Something went wrong — Trellis',
    `<main class="card refusal"><p class="status">Trellis · 500</p><h1>Something went wrong</h1><p>${esc(SORRY)}</p></main>`,
  );
}
