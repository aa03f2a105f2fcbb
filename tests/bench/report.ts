// Turns one `npm run bench` run into the tables printed and written to BENCHMARKS.md.
import { ACK_WARMUP_BURSTS, medianRun, p99Ratio, type AckResult } from './ack.js';
import type { DigestResult } from './digest.bench.js';
import type { EmailResult } from './email.js';
import type { FanoutResult } from './fanout.js';
import { mb, ms, rate } from './lib/stats.js';
import type { IngestResult, StoresResult } from './stores.js';
import { workspacesGoals } from './workspaces-report.js';
import type { WorkspacesResult } from './workspaces.js';
import { CONCURRENCY, repeatsFor, SIZES } from './stores.js';

export interface Machine {
  cpu: string;
  cores: number;
  ramBytes: number;
  node: string;
  os: string;
  postgres: string;
  pgSettings?: Record<string, string>;
  tmpdir: string;
  date: string;
  command: string;
  /** The commit measured. */
  code: string;
  seconds?: number;
  /** 1-minute load averages when the run started and ended (os.loadavg()): anything else busy on the machine shows here. */
  loadStart: number;
  loadEnd?: number;
}

export interface RunResults {
  machine: Machine;
  digest?: DigestResult;
  /** Every run of benchmark 1 (ACK_RUNS). */
  ack?: AckResult[];
  stores?: StoresResult;
  fanout?: FanoutResult;
  email?: EmailResult;
  workspaces?: WorkspacesResult;
  errors: Record<string, string>;
}

export interface Goal {
  benchmark: string;
  goal: string;
  measured: string;
  met: boolean | undefined;
}

const short = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`);
const yes = (met: boolean | undefined) => (met === undefined ? 'not measured' : met ? 'met' : '**missed**');
const table = (head: string[], rows: (string | number)[][]) =>
  [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

const find = (s: StoresResult | undefined, kind: IngestResult['kind'], size: number) => s?.ingest.find((r) => r.kind === kind && r.size === size);

export function goals(r: RunResults): Goal[] {
  const out: Goal[] = [];
  const a = r.ack?.length ? medianRun(r.ack) : undefined;
  const each = (f: (run: AckResult) => string) => (r.ack && r.ack.length > 1 ? `; runs: ${r.ack.map(f).join(', ')}` : '');
  out.push({
    benchmark: '1. Slack ack',
    goal: 'Trellis p99 < 200 ms',
    measured: a ? `p99 ${ms(a.trellis.p99)} (median run)${each((run) => ms(run.trellis.p99))}` : 'failed',
    met: a ? a.trellis.p99 < 200 : undefined,
  });
  out.push({
    benchmark: '1. Slack ack',
    goal: 'Trellis within 1.5× bare Bolt (p99)',
    measured: a
      ? `${p99Ratio(a).toFixed(2)}× (median run: p99 ${ms(a.trellis.p99)} vs ${ms(a.bare.p99)}; p50 ${(a.trellis.p50 / a.bare.p50).toFixed(2)}×)${each((run) => `${p99Ratio(run).toFixed(2)}×`)}`
      : 'failed',
    met: a ? p99Ratio(a) <= 1.5 : undefined,
  });
  const g = find(r.stores, 'lowdb-group', 100_000);
  const n = find(r.stores, 'lowdb-naive', 100_000);
  out.push({
    benchmark: '2. Ingest',
    goal: 'at 100k, lowdb group commit ≥ 20× naive',
    measured:
      g && n
        ? `${(g.perSecond / n.perSecond).toFixed(1)}× (median runs: ${rate(g.perSecond)} vs ${rate(n.perSecond)} answers/s; group commit runs ${g.runs.map(rate).join(' / ')}, naive ${n.runs.map(rate).join(' / ')})`
        : 'failed',
    met: g && n ? g.perSecond >= 20 * n.perSecond : undefined,
  });
  const pg = SIZES.map((s) => find(r.stores, 'pg', s)).filter((x): x is IngestResult => !!x);
  const pgFlat = pg.length === SIZES.length ? Math.max(...pg.map((x) => x.perSecond)) / Math.min(...pg.map((x) => x.perSecond)) : undefined;
  out.push({
    benchmark: '2. Ingest',
    goal: 'PostgreSQL ingest flat within 2× from 10k to 1M',
    measured:
      pgFlat !== undefined
        ? `${pgFlat.toFixed(2)}× between fastest and slowest (${pg.map((x) => `${short(x.size)}: ${rate(x.perSecond)}/s`).join(', ')})`
        : r.stores?.pgSkipped
          ? `skipped: ${r.stores.pgSkipped}`
          : 'failed',
    met: pgFlat !== undefined ? pgFlat <= 2 : undefined,
  });
  const f = r.fanout;
  out.push({
    benchmark: '4. Fan-out',
    goal: "within 1.2× of the limit's minimum",
    measured: f ? `${f.ratio.toFixed(3)}× (${f.elapsedSeconds.toFixed(1)} s vs ${f.minimumSeconds.toFixed(0)} s)` : 'failed',
    met: f ? f.ratio <= 1.2 : undefined,
  });
  out.push({
    benchmark: '4. Fan-out',
    goal: 'no 429 storm (under 1% of sends)',
    measured: f ? `${f.rateLimited} × 429` : 'failed',
    met: f ? f.rateLimited < f.members / 100 : undefined,
  });
  out.push(...emailGoals(r));
  out.push(...workspacesGoals(r.workspaces));
  return out;
}

/** Benchmark 5's goals (also what a run of that benchmark alone puts in the goals table). */
function emailGoals(r: RunResults): Goal[] {
  const e = r.email;
  const delivered = e ? (e.outbox['email:sent'] ?? 0) : 0;
  return [
    {
      benchmark: '5. Email fan-out',
      goal: "within 1.2× of the pace's minimum",
      measured: e ? `${e.ratio.toFixed(3)}× (${e.elapsedSeconds.toFixed(1)} s vs ${e.minimumSeconds.toFixed(0)} s)` : 'failed',
      met: e ? e.ratio <= 1.2 : undefined,
    },
    {
      benchmark: '5. Email fan-out',
      goal: 'every email once: none failed, none sent twice',
      measured: e
        ? `${e.received} received, ${e.duplicates} twice; outbox ${delivered} sent, ${e.outbox['email:failed'] ?? 0} failed, ${e.retries} retries`
        : 'failed',
      met: e ? e.received === e.members && e.duplicates === 0 && delivered === e.members && !e.outbox['email:failed'] : undefined,
    },
    {
      benchmark: '5. Email fan-out',
      goal: 'every email content-free, with one personal link',
      measured: e ? `${e.members - e.contentFailures} of ${e.members}; ${e.distinctLinks} distinct links` : 'failed',
      met: e ? e.contentFailures === 0 && e.distinctLinks === e.members : undefined,
    },
  ];
}

export function machineTable(m: Machine): string {
  return table(
    ['', ''],
    [
      ['CPU', `${m.cpu}, ${m.cores} cores (os.cpus())`],
      ['RAM', `${(m.ramBytes / 2 ** 30).toFixed(1)} GiB`],
      ['OS', m.os],
      ['Node', m.node],
      ['PostgreSQL', m.postgres],
      ...(m.pgSettings
        ? [
            [
              'PostgreSQL settings',
              Object.entries(m.pgSettings)
                .map(([k, v]) => `${k}=${v}`)
                .join(', '),
            ],
          ]
        : []),
      ['Data files', `${m.tmpdir} (lowdb files are fsynced there)`],
      ['Code', m.code],
      ['Date', m.date],
      ['Command', `\`${m.command}\`${m.seconds ? ` (took ${(m.seconds / 60).toFixed(1)} min)` : ''}`],
      ['Load average (1 min)', `${m.loadStart.toFixed(2)} at the start, ${m.loadEnd?.toFixed(2) ?? '—'} at the end`],
    ],
  );
}

export function goalsTable(r: RunResults): string {
  return table(
    ['benchmark', 'goal', 'measured', 'status'],
    goals(r).map((g) => [g.benchmark, g.goal, g.measured, yes(g.met)]),
  );
}

export function ackSection(runs: AckResult[] | undefined, error?: string): string {
  if (!runs?.length) return `Failed: ${error ?? 'not run'}`;
  const a = medianRun(runs);
  return [
    `${runs.length} run${runs.length === 1 ? '' : 's'}, each with fresh processes:`,
    '',
    table(
      ['run', 'Trellis p50', 'Trellis p99', 'bare Bolt p50', 'bare Bolt p99', 'p99 ratio', 'CPU per burst, Trellis / bare (median)'],
      runs.map((run, i) => [
        `${i + 1}${run === a ? ' (median)' : ''}`,
        ms(run.trellis.p50),
        ms(run.trellis.p99),
        ms(run.bare.p50),
        ms(run.bare.p99),
        `${p99Ratio(run).toFixed(2)}×`,
        run.cpuPerBurst ? `${run.cpuPerBurst.trellis.toFixed(0)} / ${run.cpuPerBurst.bare.toFixed(0)} ms` : '—',
      ]),
    ),
    '',
    'The median run in full:',
    '',
    table(
      ['server', 'requests', 'p50', 'p99', 'max', 'mean'],
      [
        [
          'Trellis (validate, durable write; "Thanks" queued after the ack)',
          a.requests,
          ms(a.trellis.p50),
          ms(a.trellis.p99),
          ms(a.trellis.max),
          ms(a.trellis.mean),
        ],
        ['bare Bolt (ack only)', a.bare.n, ms(a.bare.p50), ms(a.bare.p99), ms(a.bare.max), ms(a.bare.mean)],
        ['ratio Trellis / bare', '', `${(a.trellis.p50 / a.bare.p50).toFixed(2)}×`, `${(a.trellis.p99 / a.bare.p99).toFixed(2)}×`, '', ''],
        [
          'Trellis, one request at a time (not in the goals)',
          a.single.trellis.n,
          ms(a.single.trellis.p50),
          ms(a.single.trellis.p99),
          ms(a.single.trellis.max),
          ms(a.single.trellis.mean),
        ],
        [
          'bare Bolt, one request at a time (not in the goals)',
          a.single.bare.n,
          ms(a.single.bare.p50),
          ms(a.single.bare.p99),
          ms(a.single.bare.max),
          ms(a.single.bare.mean),
        ],
      ],
    ),
    '',
    `${a.requests / a.burstSize} bursts of ${a.burstSize} concurrent requests per server, alternating Trellis/bare in ABBA order, after ${ACK_WARMUP_BURSTS} warm-up bursts each (not counted); each burst starts once all three processes are idle (longest wait ${(a.longestQuietWaitMs / 1000).toFixed(1)} s). ` +
      `Opening the round (\`survey now\`, ${a.stored.expected} members) and delivering its DMs took ${a.setupSeconds.toFixed(1)} s before measuring. ` +
      `Afterwards Trellis held ${a.stored.answerSets} answer sets (expected ${a.stored.expected}, warm-up included); ` +
      `TCP connections accepted: Trellis ${a.connections.trellis}, bare ${a.connections.bare} (keep-alive). ` +
      (a.cpuPerBurst
        ? `CPU used by each server process during a burst (start to last ack, median): Trellis ${a.cpuPerBurst.trellis.toFixed(0)} ms, bare Bolt ${a.cpuPerBurst.bare.toFixed(0)} ms. `
        : '') +
      `Rejected or unexpected acks: ${a.failures.length === 0 ? 'none' : a.failures.length}. Fake Slack calls: ${Object.entries(a.slackCalls)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}.`,
    ...(a.failures.length ? ['', 'First failures:', ...a.failures.slice(0, 5).map((f) => `- ${f}`)] : []),
    ...(a.warnings.length ? ['', `Trellis logged ${a.warnings.length} warnings/errors, e.g. \`${a.warnings[0]!.slice(0, 200)}\``] : []),
  ].join('\n');
}

const KIND_LABEL: Record<IngestResult['kind'], string> = {
  'lowdb-group': 'lowdb, group commit',
  'lowdb-naive': 'lowdb, naive (one write per answer)',
  pg: 'PostgreSQL',
};

export function ingestSection(s: StoresResult | undefined, error?: string): string {
  if (!s) return `Failed: ${error ?? 'not run'}`;
  const rows = SIZES.flatMap((size) =>
    (['lowdb-group', 'lowdb-naive', 'pg'] as const).map((kind) => {
      const r = find(s, kind, size);
      if (!r) return [short(size), KIND_LABEL[kind], kind === 'pg' && s.pgSkipped ? 'skipped' : 'failed', '', '', '', '', '', '', ''];
      return [
        short(size),
        KIND_LABEL[kind],
        `${r.timed}${kind === 'lowdb-naive' ? ' (small fixed sample)' : ''}`,
        r.concurrency,
        rate(r.perSecond),
        r.runs.length > 1 ? r.runs.map(rate).join(' / ') : '(one run)',
        ms(r.p50),
        ms(r.p99),
        ms(r.syncMsPerAnswer),
        `${r.openSeconds.toFixed(1)} s`,
      ];
    }),
  );
  const ratios = SIZES.map((size) => {
    const g = find(s, 'lowdb-group', size);
    const n = find(s, 'lowdb-naive', size);
    return g && n ? `${short(size)}: ${(g.perSecond / n.perSecond).toFixed(1)}×` : `${short(size)}: —`;
  });
  return [
    table(
      [
        'answer sets stored',
        'store',
        'answers timed per run',
        'writers',
        'answers/s (median run)',
        'answers/s, every run',
        'p50 per answer',
        'p99 per answer',
        'CPU per answer before its write',
        'store opened in',
      ],
      rows,
    ),
    '',
    `Group commit over naive, answers/s (median runs): ${ratios.join(', ')}. Each figure below 1M is the median of ${repeatsFor(10_000)} runs, each in a fresh process (lowdb: on a fresh copy of the file; PostgreSQL: on the same database, new keys each run); at 1M, one run. ` +
      `Concurrent stores: ${CONCURRENCY} writers, each awaiting one save at a time, after a warm-up of 200 answers (not counted). ` +
      'The naive store is timed on a small fixed number of sequential answers (200 at 10k, 20 at 100k, 5 at 1M) after one warm-up answer, because each one rewrites the whole file. ' +
      '"CPU per answer before its write" is the mean time inside `saveAnswerSet` before it first yields: for lowdb the in-memory update (finding its place in key order by bisection and inserting it there), which blocks the event loop; for PostgreSQL, only handing the query to the pool.',
    '',
    table(
      ['answer sets', 'lowdb file', 'written in', 'PostgreSQL preload'],
      s.preload.map((p) => [
        short(p.size),
        mb(p.lowdbBytes),
        `${p.lowdbSeconds.toFixed(1)} s`,
        p.pgSeconds !== undefined ? `${p.pgSeconds.toFixed(1)} s` : 'skipped',
      ]),
    ),
    ...(s.pgSkipped ? ['', `PostgreSQL skipped: ${s.pgSkipped}`] : []),
  ].join('\n');
}

export function digestSection(d: DigestResult | undefined, s: StoresResult | undefined, errors: Record<string, string>): string {
  const parts: string[] = [];
  if (d) {
    parts.push(
      table(
        ['digest (in memory)', 'median', 'p90'],
        [
          [`${d.members} members × 1 round (baseline)`, ms(d.baseline.median), ms(d.baseline.p90)],
          [`${d.members} members × ${d.rounds} rounds (${d.answerSets} answer sets)`, ms(d.full.median), ms(d.full.p90)],
          ['chart PNG (420 px)', ms(d.chartMs), `${d.pngBytes} bytes`],
        ],
      ),
      '',
      `${(d.full.median / d.baseline.median).toFixed(1)}× the baseline for 100× the rounds; RSS growth during that run ${mb(d.rssGrowth)}.`,
    );
  } else parts.push(`Digest benchmark failed: ${errors.digest ?? 'not run'}`);
  parts.push('');
  if (s?.rss.length) {
    parts.push(
      table(
        ['1M answer sets stored', 'store opened in', 'RSS after open', 'one digest (100 rounds × 200)', 'RSS after digest', 'RSS / heap used after full GC'],
        s.rss.map((r) => [
          r.kind === 'lowdb' ? 'lowdb (whole file in memory)' : 'PostgreSQL',
          `${r.openSeconds.toFixed(1)} s`,
          mb(r.rssAfterOpen),
          ms(r.digestMs),
          mb(r.rssAfterDigest),
          `${mb(r.rssAfterGc)} / ${mb(r.heapUsedAfterGc)}`,
        ]),
      ),
      '',
      `RSS of each child before it opened its store: ${s.rss.map((r) => `${r.kind} ${mb(r.rssStart)}`).join(', ')}.`,
    );
  } else parts.push(`RSS measurement failed: ${errors.stores ?? 'not run'}`);
  return parts.join('\n');
}

export function fanoutSection(f: FanoutResult | undefined, error?: string): string {
  if (!f) return `Failed: ${error ?? 'not run'}`;
  return [
    table(
      ['members', 'fake Slack limit', 'Trellis pace', 'minimum (2,000 / limit)', 'elapsed to last DM', 'ratio', '429s', 'round opened and all DMs queued at'],
      [
        [
          f.members,
          `chat.postMessage ${f.limitPerMinute}/min (+1/s per channel)`,
          `TRELLIS_SLACK_POSTS_PER_SECOND=${f.postsPerSecond}`,
          `${f.minimumSeconds.toFixed(0)} s`,
          `${f.elapsedSeconds.toFixed(1)} s`,
          `${f.ratio.toFixed(3)}×`,
          f.rateLimited,
          f.queuedSeconds !== undefined ? `${f.queuedSeconds.toFixed(1)} s` : '—',
        ],
      ],
    ),
    '',
    `First DM ${f.firstDmSeconds.toFixed(2)} s after the command. DMs delivered per 10 s: ${f.perTenSeconds.join(', ')}. Trellis's reply: "${f.reply}"`,
    ...(f.warnings.length ? ['', `Trellis logged ${f.warnings.length} warnings/errors, e.g. \`${f.warnings[0]!.slice(0, 200)}\``] : []),
  ].join('\n');
}

export function emailSection(e: EmailResult | undefined, error?: string): string {
  if (!e) return `Failed: ${error ?? 'not run'}`;
  return [
    table(
      [
        'email members',
        'Trellis pace',
        'minimum (1,000 / pace)',
        'elapsed to last email',
        'ratio',
        'received (twice)',
        'outbox',
        'retries',
        'round opened and all queued at',
      ],
      [
        [
          e.members,
          `TRELLIS_MAIL_PER_SECOND=${e.perSecond}`,
          `${e.minimumSeconds.toFixed(0)} s`,
          `${e.elapsedSeconds.toFixed(1)} s`,
          `${e.ratio.toFixed(3)}×`,
          `${e.received} (${e.duplicates})`,
          Object.entries(e.outbox)
            .map(([k, v]) => `${k} ${v}`)
            .join(', '),
          e.retries,
          e.queuedSeconds !== undefined ? `${e.queuedSeconds.toFixed(1)} s` : '—',
        ],
      ],
    ),
    '',
    `First email ${e.firstEmailSeconds.toFixed(2)} s after the command; SMTP connections opened by Trellis: ${e.connections}. Emails received per 10 s: ${e.perTenSeconds.join(', ')}. ` +
      `Content check of all ${e.received} emails: ${e.received - e.contentFailures} pass (addressed to a member, with exactly one link (the same in text and HTML) and none of the check-in's text, ` +
      `statements or the address in its body); ${e.distinctLinks} distinct links. Subject: "${e.subject}". Trellis's reply: "${e.reply}"`,
    ...(e.contentProblems.length ? ['', 'Content problems:', ...e.contentProblems.map((p) => `- ${p}`)] : []),
    ...(e.outboxErrors.length ? ['', `Outbox errors, e.g. \`${e.outboxErrors[0]!.slice(0, 200)}\``] : []),
    ...(e.warnings.length ? ['', `Trellis logged ${e.warnings.length} warnings/errors, e.g. \`${e.warnings[0]!.slice(0, 200)}\``] : []),
  ].join('\n');
}
