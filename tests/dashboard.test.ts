// The signed dashboard page and CSV export over HTTP, against a real server
// whose history is built the way people build it: through the playground.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Button, ChoiceField, Form, Message } from '../src/core/message.js';
import { bankFor } from '../src/core/survey/bank.js';
import type { DashboardView } from '../src/core/trends/dashboard.js';
import { signLink } from '../src/core/trends/links.js';
import { dashboardPage } from '../src/web/dashboard-page.js';
import { fakeClock } from './helpers/fake-clock.js';
import { startTrellis, TEST_SECRET, type TestTrellis } from './helpers/start-trellis.js';

const NAME = 'Riverside <Works> & "Friends"';
const FORMULA_ORG = '=HYPERLINK("http://evil.example") Hope';
const COMMENT = 'Referrals between us are slow.';
const HOUR = 3_600_000;

const clock = fakeClock('2026-11-23T09:00:00Z');
let t: TestTrellis;

const postJson = (path: string, body: unknown) =>
  fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function command(persona: string, text: string, where: 'channel' | 'personal' = 'channel'): Promise<Message> {
  const res = await postJson('/playground/command', { persona, text, where });
  expect(res.status).toBe(200);
  return ((await res.json()) as { reply: Message }).reply;
}

/** Opens the open check-in from the persona's inbox and submits a value per factor. */
async function answer(persona: string, valueFor: (factor: string) => string, comment?: string): Promise<void> {
  const inbox = ((await (await fetch(`${t.url}/playground/inbox?persona=${persona}`)).json()) as { messages: { message: Message }[] }).messages;
  const button = inbox
    .map((m) => m.message.buttons?.find((b) => b.actionId === 'survey-open'))
    .filter((b): b is Button => !!b)
    .at(-1);
  expect(button, `${persona} has a check-in to answer`).toBeDefined();
  const opened = (await (await postJson('/playground/action', { persona, actionId: button!.actionId, value: button!.value, where: 'personal' })).json()) as {
    form?: Form;
  };
  const form = opened.form!;
  expect(form.fields.length).toBeGreaterThan(2);
  const bank = bankFor([]);
  const values: Record<string, string> = Object.fromEntries(
    form.fields.filter((f): f is ChoiceField => f.kind === 'choice').map((f) => [f.id, valueFor(bank.item(f.id)!.factor)]),
  );
  if (comment) values.comment = comment;
  const res = await postJson('/playground/submit', { persona, actionId: form.submitActionId, context: form.context, values });
  expect(((await res.json()) as { reply: Message }).reply.tone).toBe('success');
}

const PUBLIC = ['sam', 'dana', 'chris'];
/** Public partners distrust; everyone else trusts: a sector gap the page must show. */
const valuesOf = (persona: string) => (factor: string) => (factor === 'trust' ? (PUBLIC.includes(persona) ? '2' : '5') : factor === 'commitment' ? '4' : '3');

let code = '';

beforeAll(async () => {
  t = await startTrellis({}, { clock });
  const created = await command('alex', `setup ${NAME}`);
  code = /Invite code: \*([A-Z0-9]{4}-[A-Z0-9]{4})\*/.exec(created.text)![1]!;
  for (const org of ['City Council public', 'Health Trust public', 'Job Centre public', `${FORMULA_ORG} voluntary`, 'Residents Group community']) {
    expect((await command('alex', `org add ${org}`)).tone).toBe('success');
  }
  expect((await command('alex', 'set threshold 3')).tone).toBe('success');
  for (const [persona, org] of [
    ['sam', 'City Council'],
    ['dana', 'Job Centre'],
    ['chris', 'Health Trust'],
    ['jo', FORMULA_ORG],
    ['priya', 'Residents Group'],
  ] as const) {
    expect((await command(persona, `join ${code} ${org}`, 'personal')).tone).toBe('success');
  }
  // Check-in #1: four of six answer.
  expect((await command('alex', 'survey now')).text).toMatch(/^Check-in #1 is open .*sent privately to 6 members/);
  for (const p of ['sam', 'dana', 'chris', 'jo']) await answer(p, valuesOf(p), p === 'sam' ? COMMENT : undefined);
  expect((await command('alex', 'survey close')).text).toBe('Check-in #1 is closed: 4 of 6 answered (67%).');
  // A week later, check-in #2: everyone answers.
  clock.advance(7 * 24 * HOUR);
  expect((await command('alex', 'survey now')).text).toMatch(/^Check-in #2 is open/);
  for (const p of ['alex', 'sam', 'dana', 'chris', 'jo', 'priya']) await answer(p, valuesOf(p));
  expect((await command('alex', 'survey close')).text).toBe('Check-in #2 is closed: 6 of 6 answered (100%).');
});

afterAll(async () => {
  await t?.close();
});

const linkOf = (m: Message, kind: 'dashboard' | 'export') => {
  const found = new RegExp(`(http://localhost:\\d+/${kind}/([A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+))$`, 'm').exec(m.text);
  expect(found, `a ${kind} link in: ${m.text}`).not.toBeNull();
  return { url: found![1]!, token: found![2]! };
};

function expectLinkHeaders(res: Response) {
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  const csp = res.headers.get('content-security-policy') ?? '';
  expect(csp).toMatch(/^default-src 'none'; style-src 'unsafe-inline'; img-src data:(;|$)/);
  expect(csp).not.toMatch(/script-src|unsafe-eval|https?:/);
}

/** The visible text of an HTML fragment, entities decoded: enough to read tables. */
const textOf = (html: string) =>
  html
    .replace(/<(svg|style|title)\b[\s\S]*?<\/\1>/g, ' ')
    .replace(/<\/?(strong|small|span|code)\b[^>]*>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();

const rowOf = (html: string, first: string) => {
  const rows = [...html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => textOf(m[1]!));
  return rows.find((r) => r.startsWith(first));
};

describe('dashboard link', () => {
  let dashboard: { url: string; token: string };
  let html = '';

  it('is given to the coordinator, and refused to a member', async () => {
    const reply = await command('alex', 'dashboard', 'personal');
    expect(reply.tone).toBe('info');
    expect(reply.text).toContain('It works for 24 hours');
    dashboard = linkOf(reply, 'dashboard');
    expect(dashboard.url.startsWith(`${t.url}/dashboard/`)).toBe(true);

    const sam = await command('sam', 'dashboard', 'personal');
    expect(sam.tone).toBe('error');
    expect(sam.text).toMatch(/coordinator/i);
    expect(sam.text).not.toMatch(/\/dashboard\//);
    const samExport = await command('sam', 'export', 'personal');
    expect(samExport.tone).toBe('error');
    expect(samExport.text).not.toMatch(/\/export\//);
  });

  it('opens a self-contained page with the headers a link in a URL needs', async () => {
    const res = await fetch(dashboard.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expectLinkHeaders(res);
    html = await res.text();
    expect(html).toMatch(/^<!doctype html>/);
    // No JavaScript and nothing fetched from anywhere.
    expect(html).not.toMatch(/<script|\son[a-z]+=|<link\b|<img\b|<iframe\b|src=|url\(/i);
    expect(html).not.toMatch(/href="https?:/);
  });

  it('shows the partnership name escaped, the threshold and the expiry', () => {
    expect(html).toContain('<h1>Riverside &lt;Works&gt; &amp; &quot;Friends&quot;</h1>');
    expect(html).toContain('<title>Riverside &lt;Works&gt; &amp; &quot;Friends&quot; — Trellis dashboard</title>');
    expect(html).not.toContain('<Works>');
    expect(textOf(html)).toContain('Figures shown only for groups of 3 or more');
    // Link made at 30 Nov 09:00 UTC (a week after the start), valid 24 hours.
    expect(textOf(html)).toContain('Link expires 1 Dec 2026, 09:00 Generated');
  });

  it('draws the charts as inline SVG: headline, participation, and every factor in parts', () => {
    const svgs = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    const label = (svg: string) => /aria-label="([^"]*)"/.exec(svg)?.[1];
    // Eight factors had a figure: too many for one legend, so four charts of two under one heading.
    expect(textOf(html)).toContain('Every factor Each factor on the same 0–100 scale');
    expect(svgs.map(label)).toEqual([
      'Trust and commitment (0–100)',
      'Participation (% of those asked)',
      'Trust · Commitment',
      'Shared purpose · Roles &amp; responsibilities',
      'Power &amp; voice · Communication',
      'Conflict handling · Resources',
    ]);
    const legends = svgs.slice(2).flatMap((svg) => [...svg.matchAll(/<text [^>]*font-size="12"[^>]*>([^<]+)<\/text>/g)].map((m) => m[1]));
    expect(legends).toEqual([
      'Trust',
      'Commitment',
      'Shared purpose',
      'Roles &amp; responsibilities',
      'Power &amp; voice',
      'Communication',
      'Conflict handling',
      'Resources',
    ]);
    // Lines where a figure follows a figure, points everywhere there is one.
    for (const svg of [svgs[0]!, svgs[1]!, svgs[2]!]) {
      expect(svg).toMatch(/<polyline [^>]*points="[\d., ]+"/);
      expect((svg.match(/<circle /g) ?? []).length).toBeGreaterThanOrEqual(2);
    }
    for (const svg of svgs.slice(3)) expect((svg.match(/<circle /g) ?? []).length).toBe(2);
  });

  it('shows the same trust index as the `trends` command, in the rounds table', async () => {
    const trends = await command('alex', 'trends');
    // "Trust moved from 43.8 to 62.5 — …": the figure now is the one after "to".
    const trust = /^Trust (?:\D+ from [\d.]+ to |stayed at )?(\d+(?:\.\d+)?) /m.exec(trends.text)?.[1];
    const commitment = /^Commitment (?:\D+ from [\d.]+ to |stayed at )?(\d+(?:\.\d+)?) /m.exec(trends.text)?.[1];
    expect(trust, trends.text).toBeDefined();
    expect(commitment, trends.text).toBeDefined();
    // Public partners (3 of 6) gave 2, the rest 5: (3×2 + 3×5)/6 = 3.5 → 62.5.
    expect(trust).toBe('62.5');
    expect(commitment).toBe('75');
    expect(rowOf(html, 'Check-in #2')).toBe(`Check-in #2 30 Nov 2026 6 / 6 100% ${trust} ${commitment}`);
    // Check-in #1: three public partners at 2 and one voluntary at 5 → 2.75 → 43.8.
    expect(rowOf(html, 'Check-in #1')).toBe('Check-in #1 23 Nov 2026 4 / 6 67% 43.8 75');
    // The headline figure at the top is the same number.
    expect(textOf(html)).toContain(`Trust ${trust} / 100 Check-in #2 · +18.7 since #1 (95% interval −`);
  });

  it('breaks the latest round down by sector and organisation, hiding small groups', () => {
    expect(textOf(html)).toContain('Check-in #2, the latest round with 3 or more answers');
    const sectors = /<table class="breakdown" data-by="sector">([\s\S]*?)<\/table>/.exec(html)![1]!;
    // Public: three people, shown. Every other sector has one person: hidden together (3 people).
    expect(rowOf(sectors, 'Public')).toMatch(/^Public 25 \(3\) 75 \(3\)/);
    for (const s of ['Community', 'Independent', 'Voluntary']) expect(rowOf(sectors, s)).toMatch(new RegExp(`^${s} — —`));
    const orgs = /<table class="breakdown" data-by="organisation">([\s\S]*?)<\/table>/.exec(html)![1]!;
    // One person each: every organisation is hidden; the user-typed name is escaped.
    expect(orgs).toContain('=HYPERLINK(&quot;http://evil.example&quot;) Hope');
    for (const o of ['City Council', 'Health Trust', 'Job Centre', 'Residents Group', FORMULA_ORG, 'No organisation']) expect(rowOf(orgs, o)).toMatch(/ — —$/);
    expect(orgs).not.toMatch(/\(\d\)/);
    expect(textOf(html)).toMatch(/— hidden: fewer than 3 people in that group answered, or showing it would let someone work out/);
  });

  it('shows the sector gap', () => {
    expect(textOf(html)).toContain('Where sectors see things differently');
    expect(textOf(html)).toContain('Public partners rate Trust 25, 75 points below everyone else (100).');
  });

  it('never shows a person, an answer or a comment', async () => {
    const members = await t.store.members((await t.store.partnerships())[0]!.id);
    for (const who of [...members.flatMap((m) => [m.id, m.userId, m.displayName]), 'pg-', 'Alex Morgan', 'Patel']) expect(html).not.toContain(who);
    expect(html).not.toContain(COMMENT);
  });

  it('refuses a tampered link with 403 and a page that says what to do', async () => {
    const [body, sig] = dashboard.token.split('.') as [string, string];
    const flipped = `${body}.${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
    // A changed body under the old signature.
    const forged = `${body[0] === 'A' ? 'B' : 'A'}${body.slice(1)}.${sig}`;
    const exportToken = linkOf(await command('alex', 'export', 'personal'), 'export').token;
    for (const token of [flipped, forged, exportToken, 'nonsense', `${dashboard.token}x`]) {
      const res = await fetch(`${t.url}/dashboard/${token}`);
      expect(res.status, token).toBe(403);
      expectLinkHeaders(res);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const page = await res.text();
      expect(textOf(page)).toContain("This link isn't valid");
      expect(textOf(page)).toContain('Ask Trellis for a new one');
      expect(page).not.toMatch(/<svg|at \w+ \(|Error:/);
    }
  });

  it('says 404 for a validly signed link to a partnership that does not exist', async () => {
    const holder = { partnershipId: 'no-such-partnership', memberId: 'no-such-member', generation: 0 };
    const res = await fetch(`${t.url}/dashboard/${signLink(TEST_SECRET, holder, 'dashboard', clock.now())}`);
    expect(res.status).toBe(404);
    expectLinkHeaders(res);
    expect(textOf(await res.text())).toContain('That partnership no longer exists.');
  });

  it('answers an incomplete or garbled link with a page, not a stack trace', async () => {
    const missing = await fetch(`${t.url}/dashboard/`);
    expect(missing.status).toBe(404);
    expectLinkHeaders(missing);
    expect(textOf(await missing.text())).toContain('This link is incomplete or damaged.');
    const garbled = await fetch(`${t.url}/dashboard/%E0%A4%A`);
    expect(garbled.status).toBe(400);
    expectLinkHeaders(garbled);
    const page = await garbled.text();
    expect(textOf(page)).toContain("This link isn't valid This link is incomplete or damaged.");
    expect(page).not.toMatch(/at \w+ \(|URIError|node_modules/);
  });
});

describe('export link', () => {
  let csv = '';
  let exportLink: { url: string; token: string };

  it('downloads a CSV with a header row and a row per round', async () => {
    exportLink = linkOf(await command('alex', 'export', 'personal'), 'export');
    const res = await fetch(exportLink.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="riverside-works-friends-trends.csv"');
    expectLinkHeaders(res);
    csv = await res.text();
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('"section","round","closed","group","factor","respondents","index_0_100","spread","invited","answered","rate"');
    const rounds = lines.filter((l) => l.startsWith('"round",'));
    expect(rounds).toHaveLength(2);
    expect(rounds[0]).toMatch(/^"round","1","2026-11-23T[^"]+","","","","","","6","4","0.67"$/);
    expect(rounds[1]).toMatch(/^"round","2","2026-11-30T[^"]+","","","","","","6","6","1.00"$/);
    expect(lines).toContain('"factor","2","2026-11-30T09:00:00.000Z","","trust","6","62.5","41.1","","",""');
    expect(lines).toContain('"by sector","2","","public","trust","3","25","","","",""');
    expect(lines).toContain('"by sector","2","","voluntary","trust","hidden","","","","",""');
  });

  it('neutralises a name that would run as a spreadsheet formula', () => {
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"") Hope"`);
    // No cell anywhere starts with a formula character.
    for (const line of csv.trimEnd().split('\r\n')) expect(line).not.toMatch(/(^|,)"[=+\-@]/);
  });

  it('holds no person, no answer and no comment', async () => {
    const members = await t.store.members((await t.store.partnerships())[0]!.id);
    expect(members).toHaveLength(6);
    for (const who of [...members.flatMap((m) => [m.id, m.userId, m.displayName]), 'pg-', 'alex', 'sam', 'dana', 'chris', 'priya', 'Morgan', 'Patel']) {
      expect(csv.toLowerCase()).not.toContain(who.toLowerCase());
    }
    expect(csv).not.toContain(COMMENT);
  });

  it('refuses a dashboard token and a tampered one with 403 in plain text', async () => {
    const [body, sig] = exportLink.token.split('.') as [string, string];
    for (const token of [linkOf(await command('alex', 'dashboard', 'personal'), 'dashboard').token, `${body}.${sig.split('').reverse().join('')}`]) {
      const res = await fetch(`${t.url}/export/${token}`);
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(res.headers.get('content-disposition')).toBeNull();
      expectLinkHeaders(res);
      expect(await res.text()).toBe('This link is not valid. Ask Trellis for a new one (`dashboard` or `export`).\n');
    }
  });
});

describe('an unexpected failure', () => {
  it('ends as a 500 page and one coded log line, with the token masked', async () => {
    const dash = linkOf(await command('alex', 'dashboard', 'personal'), 'dashboard');
    const exp = linkOf(await command('alex', 'export', 'personal'), 'export');
    const store = t.store as unknown as { partnership: (id: string) => Promise<unknown> };
    const original = store.partnership;
    // A failure whose message quotes the URL, as some do.
    store.partnership = async () => {
      throw new Error(`store unavailable while serving /dashboard/${dash.token} and /export/${exp.token}`);
    };
    try {
      const page = await fetch(dash.url);
      expect(page.status).toBe(500);
      expectLinkHeaders(page);
      const body = await page.text();
      expect(textOf(body)).toContain('Sorry — something went wrong on our side and nothing was changed.');
      expect(body).not.toMatch(/store unavailable|at \w+ \(|Error:/);
      const csv = await fetch(exp.url);
      expect(csv.status).toBe(500);
      expectLinkHeaders(csv);
      expect(await csv.text()).toMatch(/^Sorry — something went wrong on our side/);
    } finally {
      store.partnership = original;
    }
    const failures = t.logs.filter((l) => l.includes('dashboard failed'));
    expect(failures).toHaveLength(2);
    for (const line of failures) {
      expect(JSON.parse(line)).toMatchObject({
        level: 'error',
        msg: 'dashboard failed',
        code: 'UNEXPECTED',
        error: 'store unavailable while serving /dashboard/[token] and /export/[token]',
      });
    }
    expect(t.logs.join('\n')).not.toContain(dash.token.split('.')[1]!);
    expect(t.logs.join('\n')).not.toContain(exp.token.split('.')[1]!);
    expect((await fetch(dash.url)).status).toBe(200);
  });
});

describe('after 25 hours', () => {
  it('both links are gone: 410, with the date they expired', async () => {
    const dash = linkOf(await command('alex', 'dashboard', 'personal'), 'dashboard');
    const exp = linkOf(await command('alex', 'export', 'personal'), 'export');
    expect((await fetch(dash.url)).status).toBe(200);
    clock.advance(25 * HOUR);

    const res = await fetch(dash.url);
    expect(res.status).toBe(410);
    expectLinkHeaders(res);
    const page = textOf(await res.text());
    expect(page).toContain('This link has expired');
    expect(page).toContain('This link expired on Tue, 01 Dec 2026 09:00:00 GMT. Ask Trellis for a new one.');
    expect(page).toContain('To get a fresh one, type dashboard where you talk to Trellis');

    const csv = await fetch(exp.url);
    expect(csv.status).toBe(410);
    expectLinkHeaders(csv);
    expect(await csv.text()).toMatch(/^This link expired on Tue, 01 Dec 2026 09:00:00 GMT\./);

    // A fresh link works again.
    expect((await fetch(linkOf(await command('alex', 'dashboard', 'personal'), 'dashboard').url)).status).toBe(200);
  });

  it('never logged a token or an unexpected failure', async () => {
    const logs = t.logs.join('\n');
    expect(logs).not.toMatch(/\/(dashboard|export)\/[A-Za-z0-9_-]{10,}/);
    expect(logs).not.toMatch(/[A-Za-z0-9_-]{40,}\.[A-Za-z0-9_-]{40,}/);
    // Only the two failures provoked on purpose above.
    expect(t.logs.filter((l) => l.includes('dashboard failed'))).toHaveLength(2);
  });
});

describe('dashboard page, rendered directly', () => {
  const base: DashboardView = {
    partnership: 'Quiet Partnership',
    timezone: 'Europe/London',
    threshold: 5,
    generatedAt: '2026-11-23T09:00:00.000Z',
    expiresAt: '2026-11-24T09:00:00.000Z',
    rounds: [],
    changes: [],
    charts: [],
    breakdowns: [],
    gaps: [],
  };

  it('says so when no check-in has closed', () => {
    const html = dashboardPage(base);
    expect(textOf(html)).toContain('No results yet No check-in has closed yet. Coordinators open one with survey now');
    expect(html).not.toContain('<svg');
  });

  it('escapes every string that came from people', () => {
    const evil = '<script>alert(1)</script>';
    const html = dashboardPage({
      ...base,
      partnership: `${evil}"'&`,
      rounds: [
        {
          roundId: 'r1',
          number: 1,
          kind: 'pulse',
          closedAt: '2026-11-20T09:00:00.000Z',
          invited: 6,
          answered: 6,
          rate: 1,
          threshold: 5,
          visible: true,
          factors: [{ factor: 'trust', label: `Trust ${evil}`, n: 6, index: 60, spread: 10, distribution: null }],
        },
      ],
      charts: [{ title: `Chart ${evil}`, labels: ['#1'], series: [{ name: `Series ${evil}`, values: [60] }] }],
      breakdownRound: 1,
      breakdowns: [{ by: 'organisation', factor: 'trust', cells: [{ group: `Org ${evil}`, n: 6, index: 60, hidden: false }] }],
      gaps: [{ factor: 'trust', sector: `sector ${evil}`, index: 40, othersIndex: 70, gap: 30 }],
    });
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;');
    for (const where of ['Org ', 'Sector ', 'Trust ']) expect(html).toContain(`${where}&lt;script&gt;`);
    expect(textOf(html)).toContain(`Org ${evil} 60 (6)`);
  });
});
