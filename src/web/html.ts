// The dashboard's HTML building blocks: one escape for every string from the
// view (partnership and organisation names are user input), one page frame
// with its inline stylesheet. No JavaScript, no external assets: the page is
// served under `default-src 'none'`.
import { formatDate as formatDay, formatLocal, localDay } from '../core/time.js';
import { TOKENS_CSS } from './design-tokens.js';

export const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** Escapes, then shows `command` spans (as the core writes them) as code. */
export const escWithCode = (s: string): string => esc(s).replace(/`([^`]+)`/g, '<code>$1</code>');

/** "24 Nov 2026, 09:00" (or the day alone) on the partnership's clock, as every reply writes it; the page names the timezone once. */
export function formatDate(iso: string | undefined, withTime: boolean, timezone: string): string {
  if (!iso || Number.isNaN(new Date(iso).getTime())) return '—';
  return withTime ? formatLocal(iso, timezone) : formatDay(localDay(iso, timezone));
}

const STYLE = `
${TOKENS_CSS}* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text);
  font: 15px/1.5 var(--font); }
h1, h2, h3, p { margin: 0; }
code { font: 0.92em var(--mono); background: var(--surface-2);
  border: 1px solid var(--border); border-radius: 4px; padding: 0 4px; }
.top { background: var(--brand); color: var(--on-brand); }
.top .wrap { padding-top: 22px; padding-bottom: 22px; }
.brand { font-size: 13px; letter-spacing: .06em; text-transform: uppercase; opacity: .85; }
.top h1 { font-size: 26px; line-height: 1.25; margin-top: 2px; overflow-wrap: anywhere; }
.meta { display: flex; flex-wrap: wrap; gap: 6px 18px; margin-top: 10px; font-size: 14px; }
.meta span { opacity: .92; }
.pill { display: inline-block; background: rgba(255,255,255,.16); border-radius: 999px; padding: 1px 10px; }
.wrap { max-width: 1160px; margin: 0 auto; padding: 0 20px; }
main.wrap { padding-top: 20px; padding-bottom: 40px; display: grid; gap: 20px; }
.card { background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius);
  box-shadow: var(--shadow); padding: 18px 20px; min-width: 0; }
.card h2 { font-size: 17px; margin-bottom: 4px; }
.card .sub { color: var(--muted); font-size: 13.5px; margin-bottom: 12px; }
.stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 16px; }
.stat { padding: 16px 18px; }
.stat .label { color: var(--muted); font-size: 13px; text-transform: uppercase; letter-spacing: .04em; }
.stat .value { font-size: 34px; font-weight: 700; line-height: 1.15; margin-top: 4px; font-variant-numeric: tabular-nums; }
.stat .value small { font-size: 15px; font-weight: 500; color: var(--muted); }
.stat .note { color: var(--muted); font-size: 13px; margin-top: 2px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 460px), 1fr)); gap: 20px; }
.charts > :last-child:nth-child(odd) { grid-column: 1 / -1; }
.chart svg { display: block; width: 100%; height: auto; max-width: 640px; margin: 0 auto; }
.charts.inner { gap: 8px 20px; }
.table-scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 14px; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--border); white-space: nowrap; }
td.name { white-space: normal; overflow-wrap: anywhere; min-width: 10em; }
thead th { font-size: 12.5px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted);
  border-bottom: 1px solid var(--border-strong); background: var(--surface-2); }
td.num, th.num { text-align: right; }
td.hidden { color: var(--muted); }
tbody tr:last-child td { border-bottom: none; }
.n { color: var(--muted); font-size: 12.5px; }
.pair { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 420px), 1fr)); gap: 20px; }
.pair h3 { font-size: 15px; margin: 4px 0 8px; }
.footnote { color: var(--muted); font-size: 13px; margin-top: 12px; }
.gaps { margin: 0; padding-left: 20px; }
.gaps li { margin: 4px 0; }
.callout { background: var(--warn-soft); border: 1px solid var(--warn-border); border-radius: 10px; padding: 12px 14px; }
.callout h2 { color: var(--warn); }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.chart .footnote { margin-top: 6px; }
.empty { color: var(--muted); }
footer { color: var(--muted); font-size: 13px; text-align: center; padding: 0 20px 32px; }
.refusal { max-width: 560px; margin: 12vh auto 0; padding: 28px 30px; }
.refusal .status { color: var(--error); font-weight: 600; font-size: 13px; text-transform: uppercase; letter-spacing: .05em; }
.refusal h1 { font-size: 22px; margin: 6px 0 10px; }
.refusal p + p { margin-top: 10px; }
@media (max-width: 560px) {
  .top h1 { font-size: 22px; }
  .stat .value { font-size: 28px; }
  th, td { padding: 6px 8px; }
}
@media print {
  body { background: var(--surface); }
  .top { background: var(--surface); color: var(--text); border-bottom: 2px solid var(--brand); }
  .card { box-shadow: none; break-inside: avoid; }
}
`;

/**
 * Every page Trellis serves, in one shell: private (no referrer, not indexed),
 * `title` plain text (escaped here), `head` and `body` HTML built from escaped parts.
 */
export function htmlDocument(title: string, style: string, body: string, head = ''): string {
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${esc(title)}</title>
${head}<style>${style}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

/** A dashboard page. */
export const page = (title: string, body: string): string => htmlDocument(title, STYLE, body);
