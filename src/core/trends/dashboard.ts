// What the signed dashboard page and CSV export show: the same figures as the
// chat, already suppressed; never a raw answer.
import type { Deps } from '../deps.js';
import type { Partnership } from '../model.js';
import { breakdowns, gaps } from './compute.js';
import { GAP_POINTS } from './digest.js';
import { chartOf, HEADLINE, loadHistory } from './history.js';
import { verifyLink, type LinkPurpose } from './links.js';
import type { ChartSpec } from '../message.js';
import type { Breakdown, Change, Gap, RoundSummary } from './types.js';

export interface DashboardView {
  partnership: string;
  /** Every date on the page is on this clock: the partnership's. */
  timezone: string;
  threshold: number;
  generatedAt: string;
  expiresAt: string;
  rounds: RoundSummary[];
  /** Of the latest round, with their 95% intervals: the page has room to show the figures the chat puts in words. */
  changes: Change[];
  charts: ChartSpec[];
  /** For the latest round with enough answers. */
  breakdownRound?: number;
  /** That round's threshold: the one it opened with, if higher than today's. */
  breakdownThreshold?: number;
  breakdowns: Breakdown[];
  gaps: Gap[];
}

export const BREAKDOWN_FACTORS = ['trust', 'commitment', 'power-voice'];

type Opened = { ok: true; partnership: Partnership; expires: Date } | { ok: false; status: 403 | 410 | 404; message: string };

const REVOKED_LINK =
  'A coordinator withdrew this link and every other dashboard and export link of this partnership. Ask Trellis for a new one (`dashboard` or `export`).';
const NOT_COORDINATOR = 'This link was given to someone who is no longer a coordinator of this partnership, so it no longer opens.';

/**
 * A link opens only while its holder is a coordinator — in the same spell as
 * when it was given (a coordinator stood down and made one again does not get
 * old links back) — and its generation has not been revoked: checked on every use.
 */
async function open(deps: Deps, token: string, purpose: LinkPurpose): Promise<Opened> {
  const link = verifyLink(deps.secret, token, purpose, deps.clock.now());
  if (!link.ok) return link;
  const partnership = await deps.store.partnership(link.partnershipId);
  if (!partnership) return { ok: false, status: 404, message: 'That partnership no longer exists.' };
  if (link.generation !== (partnership.linkGeneration ?? 0)) return { ok: false, status: 403, message: REVOKED_LINK };
  const holder = (await deps.store.members(partnership.id)).find((m) => m.id === link.memberId);
  if (holder?.role !== 'coordinator' || link.issued.toISOString() < (holder.roleSince ?? holder.joinedAt))
    return { ok: false, status: 403, message: NOT_COORDINATOR };
  return { ok: true, partnership, expires: link.expires };
}

export async function dashboardView(deps: Deps, token: string): Promise<{ ok: true; view: DashboardView } | { ok: false; status: number; message: string }> {
  const opened = await open(deps, token, 'dashboard');
  return opened.ok ? { ok: true, view: await viewOf(deps, opened.partnership, opened.expires) } : opened;
}

async function viewOf(deps: Deps, partnership: Partnership, expires: Date): Promise<DashboardView> {
  const history = await loadHistory(deps, partnership);
  const latest = [...history.data].reverse().find((d) => d.answered >= d.k);
  const factors = history.bank.factors.filter((f) => history.summaries.some((s) => s.factors.some((x) => x.factor === f.factor && x.index !== null)));
  const participation: ChartSpec = {
    title: 'Participation (% of those asked)',
    labels: history.summaries.slice(-12).map((s) => `#${s.number}`),
    series: [{ name: 'Answered', values: history.summaries.slice(-12).map((s) => Math.round(s.rate * 100)) }],
  };
  return {
    partnership: partnership.name,
    timezone: partnership.timezone,
    threshold: partnership.threshold,
    generatedAt: deps.clock.now().toISOString(),
    expiresAt: expires.toISOString(),
    rounds: history.summaries,
    changes: history.changes,
    charts: [
      chartOf('Trust and commitment (0–100)', history.summaries, HEADLINE),
      chartOf(
        'Every factor (0–100)',
        history.summaries,
        factors.map((f) => ({ factor: f.factor, label: f.label })),
      ),
      participation,
    ],
    ...(latest ? { breakdownRound: latest.round.number, breakdownThreshold: latest.k } : {}),
    breakdowns: latest ? BREAKDOWN_FACTORS.flatMap((f) => breakdowns(history.bank, latest, f, history.orgs)) : [],
    gaps: latest ? ['trust', 'power-voice'].flatMap((f) => gaps(history.bank, latest, f, history.orgs, GAP_POINTS)) : [],
  };
}

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  // Quote always; neutralise spreadsheet formulas in names people typed.
  return `"${(/^[=+\-@]/.test(s) ? `'${s}` : s).replace(/"/g, '""')}"`;
};

export async function exportCsv(
  deps: Deps,
  token: string,
): Promise<{ ok: true; filename: string; csv: string } | { ok: false; status: number; message: string }> {
  const opened = await open(deps, token, 'export');
  if (!opened.ok) return opened;
  const view = await viewOf(deps, opened.partnership, opened.expires);
  const rows: unknown[][] = [['section', 'round', 'closed', 'group', 'factor', 'respondents', 'index_0_100', 'spread', 'invited', 'answered', 'rate']];
  for (const r of view.rounds) {
    rows.push(['round', r.number, r.closedAt, '', '', '', '', '', r.invited, r.answered, r.rate.toFixed(2)]);
    for (const f of r.factors)
      rows.push(['factor', r.number, r.closedAt, '', f.factor, f.index === null ? 'fewer than threshold' : f.n, f.index, f.spread, '', '', '']);
  }
  for (const b of view.breakdowns)
    for (const c of b.cells) rows.push([`by ${b.by}`, view.breakdownRound, '', c.group, b.factor, c.hidden ? 'hidden' : c.n, c.index, '', '', '', '']);
  const slug =
    opened.partnership.name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'partnership';
  return { ok: true, filename: `${slug}-trends.csv`, csv: `${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n` };
}
