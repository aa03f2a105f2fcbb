// `npm run bench`: every benchmark, side by side, in one run — prints the
// tables and rewrites BENCHMARKS.md with them (the "Notes" section there,
// written by people, is kept as it is).
//   1. Slack ack latency: Trellis vs a bare Bolt app          (ack.ts)
//   2. answer ingest: lowdb group commit, naive lowdb, PostgreSQL at 10k/100k/1M stored   (stores.ts)
//   3. digest computation, and process RSS with 1M answers stored (digest.bench.ts, stores.ts)
//   4. fan-out of a round to 2,000 members under Slack's limits (fanout.ts)
//   5. fan-out of a round to 1,000 email members through a real SMTP server (email.ts)
//   6. a round across 2 Slack workspaces × 1,000 members, each with its own limits (workspaces.ts)
// Servers, stores and memory measurements each run in a child process.
// `npm run bench -- email fanout` runs only the benchmarks named (digest, ack,
// stores, fanout, email, workspaces) and replaces only their sections and goals in BENCHMARKS.md.
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg, release, tmpdir, totalmem, type as osType } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ACK_RUNS, runAcks } from './ack.js';
import type { DigestResult } from './digest.bench.js';
import { runEmailFanout } from './email.js';
import { runFanout } from './fanout.js';
import { runChild, type ChildMessage } from './lib/child.js';
import { pgProblem, pgSettings, pgVersion } from './lib/pg-dataset.js';
import { ackSection, digestSection, emailSection, fanoutSection, goals, goalsTable, ingestSection, machineTable, type RunResults } from './report.js';
import { runStores } from './stores.js';
import { runWorkspaces } from './workspaces.js';
import { WORKSPACES_TITLE, workspacesIntro, workspacesSection } from './workspaces-report.js';

const BENCHMARKS_MD = fileURLToPath(new URL('../../BENCHMARKS.md', import.meta.url));
const NOTES_START = '<!-- notes:start (kept by npm run bench) -->';
const NOTES_END = '<!-- notes:end -->';

const BENCHMARKS = ['digest', 'ack', 'stores', 'fanout', 'email', 'workspaces'] as const;
type Benchmark = (typeof BENCHMARKS)[number];
const named = process.argv.slice(2);
const unknown = named.filter((n) => !(BENCHMARKS as readonly string[]).includes(n));
if (unknown.length) {
  console.error(`Unknown benchmark ${unknown.join(', ')}: name any of ${BENCHMARKS.join(', ')} (or none, for all).`);
  process.exit(2);
}
/** Whether this run includes `b` (every benchmark when none is named). */
const runs = (b: Benchmark) => named.length === 0 || named.includes(b);

const started = performance.now();
const log = (line: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);
const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

async function step<T>(name: string, results: RunResults, work: () => Promise<T>): Promise<T | undefined> {
  log(`${name}…`);
  const t0 = performance.now();
  try {
    const r = await work();
    log(`${name}: done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    return r;
  } catch (err) {
    results.errors[name] = errorText(err);
    log(`${name}: FAILED — ${errorText(err)}`);
    return undefined;
  }
}

/** The commit measured, and whether the working tree differed from it. */
function codeVersion(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: fileURLToPath(new URL('../..', import.meta.url)), encoding: 'utf8' }).trim();
    const changed = git('status', '--porcelain', '--untracked-files=no').split('\n').filter(Boolean).length;
    return `${git('rev-parse', '--short', 'HEAD')} (${git('log', '-1', '--format=%s').slice(0, 80)})${changed ? `, plus uncommitted changes to ${changed} file(s)` : ''}`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

async function main() {
  const pgDown = await pgProblem();
  const results: RunResults = {
    machine: {
      cpu: cpus()[0]?.model.trim() ?? 'unknown',
      cores: cpus().length,
      ramBytes: totalmem(),
      node: process.version,
      os: `${osType()} ${release()}`,
      postgres: pgDown ? `unavailable (${pgDown})` : await pgVersion(),
      ...(pgDown ? {} : { pgSettings: await pgSettings() }),
      tmpdir: tmpdir(),
      date: new Date().toISOString(),
      command: named.length ? `npm run bench -- ${named.join(' ')}` : 'npm run bench',
      code: codeVersion(),
      loadStart: loadavg()[0]!,
    },
    errors: {},
  };
  log(`Trellis benchmarks on ${results.machine.cores} × ${results.machine.cpu}, node ${process.version}; ${results.machine.postgres.split(' on ')[0]}`);

  if (runs('digest')) {
    const digest = await step('digest', results, () => runChild<ChildMessage & DigestResult>('digest.bench.ts', {}, { name: 'digest' }));
    if (digest) results.digest = digest;
  }
  if (runs('ack')) {
    const ack = await step('ack', results, () => runAcks(log));
    if (ack) results.ack = ack;
  }
  if (runs('stores')) {
    const stores = await step('stores', results, () => runStores(log, pgDown));
    if (stores) results.stores = stores;
  }
  if (runs('fanout')) {
    const fanout = await step('fanout', results, () => runFanout(log));
    if (fanout) results.fanout = fanout;
  }
  if (runs('email')) {
    const email = await step('email', results, () => runEmailFanout(log));
    if (email) results.email = email;
  }
  if (runs('workspaces')) {
    const workspaces = await step('workspaces', results, () => runWorkspaces(log));
    if (workspaces) results.workspaces = workspaces;
  }
  results.machine.seconds = (performance.now() - started) / 1000;
  results.machine.loadEnd = loadavg()[0]!;

  if (named.length === 0) {
    const body = render(results);
    console.log(`\n${body}\n`);
    await writeFile(BENCHMARKS_MD, document(body, await existingNotes()));
  } else {
    const chosen = sections(results).filter((s) => s.benchmarks.every(runs));
    console.log(`\n${chosen.map((s) => `${s.heading}\n\n${s.body}`).join('\n\n')}\n`);
    await writeFile(BENCHMARKS_MD, replaceSections(await readFile(BENCHMARKS_MD, 'utf8').catch(() => document('', '_No notes yet._')), chosen, results));
  }
  log(`wrote ${BENCHMARKS_MD}`);
  if (Object.keys(results.errors).length) {
    log(`some benchmarks failed: ${Object.keys(results.errors).join(', ')}`);
    process.exitCode = 1;
  }
}

interface Section {
  /** Written only by a run that includes all of these. */
  benchmarks: Benchmark[];
  heading: string;
  body: string;
}

function render(r: RunResults): string {
  return [
    '## Machine and run',
    '',
    machineTable(r.machine),
    '',
    '## Goals',
    '',
    goalsTable(r),
    '',
    ...sections(r).flatMap((s) => [s.heading, '', s.body, '']),
    ...(Object.keys(r.errors).length ? ['## Failures in this run', '', ...Object.entries(r.errors).map(([k, v]) => `- ${k}: ${v}`)] : []),
  ]
    .join('\n')
    .trimEnd();
}

function sections(r: RunResults): Section[] {
  return [
    {
      benchmarks: ['ack'],
      heading: '## 1. Slack ack latency',
      body: [
        'Signed `view_submission` requests for the check-in modal — the exact modal Trellis opens, submitted as Slack would when a member presses Submit — ' +
          'sent to `POST /slack/events` in bursts of 100 concurrent (`node:http`, keep-alive; acks are checked once each burst is in). Trellis is the real server (`startServer`, lowdb store, log level info) ' +
          "with a partnership of 1,320 members (1,000 answer in the measured bursts, 300 in the warm-up, 20 one at a time) and a round opened by a signed `/trellis survey now`; every request is a different member's valid answer, so each one is validated " +
          'and written durably (lowdb group commit) before the modal is acked; the "Answered" DM update is queued just after. The bare Bolt app has the same Express app, router, ' +
          '`ExpressReceiver`, signing secret and logger, and a view handler that only calls `ack()`. Each server runs in its own process and the fake Slack in a third; ' +
          "latency is from sending the request to the last byte of the ack, as seen by the load generator. Both servers keep idle connections 30 s (Node's default is 5 s) so that every burst reuses its connections. " +
          `The whole benchmark runs ${ACK_RUNS} times with fresh processes: with 100 requests a burst, one run's p99 is its worst burst, so a single disk stall or descheduling on a shared machine decides it. ` +
          'The goals are judged on the run with the median p99 ratio; every run is listed.',
        '',
        ackSection(r.ack, r.errors.ack),
      ].join('\n'),
    },
    {
      benchmarks: ['stores'],
      heading: '## 2. Answer ingest at the Store level',
      body: [
        '`store.saveAnswerSet` of new answer sets (distinct 64-hex keys) into the open round of a store already holding 10k, 100k or 1M answer sets ' +
          '(partnerships of 240 members, closed rounds of 200 answers, 100 rounds per partnership). lowdb files are written directly as JSON and opened (and validated) ' +
          'by the store; PostgreSQL databases (`trellis_bench_<random>`, default durable commit settings, dropped afterwards) get the schema from `openPgStore` and their rows ' +
          "from `INSERT … SELECT generate_series` in the store's own table format. Latency is per `saveAnswerSet` call, until it resolves (durable).",
        '',
        ingestSection(r.stores, r.errors.stores),
      ].join('\n'),
    },
    {
      benchmarks: ['digest', 'stores'],
      heading: '## 3. Digest computation and memory',
      body: [
        'The digest a partnership gets when a round closes, computed over an in-memory store (the existing digest benchmark), and the resident memory of a process ' +
          'serving a store with 1M answer sets: a child opens the lowdb file (the whole file is read, parsed, validated and kept in memory) or the PostgreSQL database, ' +
          'reports `process.memoryUsage().rss`, computes one digest (the first partnership: 100 rounds × 200 answers) and reports again.',
        '',
        digestSection(r.digest, r.stores, r.errors),
      ].join('\n'),
    },
    {
      benchmarks: ['fanout'],
      heading: '## 4. Fan-out of a round',
      body: [
        'A signed `/trellis survey now` in a partnership of 2,000 Slack members; elapsed time until the fake Slack has received all 2,000 check-in DMs, ' +
          'with the fake enforcing a workspace-wide limit on `chat.postMessage` (429 + Retry-After beyond it, `startFakeSlack({ limits })`) and Trellis paced at the same rate ' +
          '(`TRELLIS_SLACK_POSTS_PER_SECOND`), against the least time that limit allows.',
        '',
        fanoutSection(r.fanout, r.errors.fanout),
      ].join('\n'),
    },
    {
      benchmarks: ['email'],
      heading: '## 5. Email fan-out of a round',
      body: [
        'A signed `/trellis survey now` from the coordinator (on Slack) in a partnership whose other 1,000 members are on email only, seeded as `member add` stores them ' +
          '(a keyed hash of the address names each; the address is kept only sealed). Trellis runs in its own process with `SMTP_URL` pointing at a real SMTP server ' +
          "(`smtp-server`, in the load generator's process, accepting everything) and `TRELLIS_MAIL_PER_SECOND` set; elapsed time until the server has received the last byte of all 1,000 check-in emails, " +
          "against the least time that pace allows (1,000 / pace). Every email received is then parsed and checked: addressed to a member, no one twice, exactly one link, and none of the check-in's text or statements. " +
          "Failures and retries are read from Trellis's outbox.",
        '',
        emailSection(r.email, r.errors.email),
      ].join('\n'),
    },
    {
      benchmarks: ['workspaces'],
      heading: `## ${WORKSPACES_TITLE}`,
      body: [workspacesIntro, '', workspacesSection(r.workspaces, r.errors.workspaces)].join('\n'),
    },
  ];
}

/**
 * A run of some benchmarks only: their sections and goal rows replace the ones
 * in BENCHMARKS.md (a section not there yet goes before the Notes); each says
 * which command and run measured it, since the machine table is another run's.
 */
function replaceSections(doc: string, chosen: Section[], r: RunResults): string {
  let out = doc;
  const stamp = `_Measured by \`${r.machine.command}\` on ${r.machine.date} (code ${r.machine.code}; load average ${r.machine.loadStart.toFixed(2)} → ${r.machine.loadEnd?.toFixed(2) ?? '—'}), not in the run the machine table describes._`;
  for (const s of chosen) {
    const block = `${s.heading}\n\n${stamp}\n\n${s.body}\n\n`;
    const at = out.indexOf(`${s.heading}\n`);
    if (at >= 0) {
      const next = out.indexOf('\n## ', at + s.heading.length);
      out = out.slice(0, at) + block + (next >= 0 ? out.slice(next + 1) : '');
    } else {
      const before = ['## Failures in this run', '## Notes'].map((h) => out.indexOf(`\n${h}\n`)).find((i) => i >= 0) ?? out.length - 1;
      out = `${out.slice(0, before + 1)}${block}${out.slice(before + 1)}`;
    }
    // Its goal rows: those whose benchmark starts with the section's number.
    const n = /^## (\d+)\./.exec(s.heading)?.[1];
    if (!n) continue;
    const rows = goals(r)
      .filter((g) => g.benchmark.startsWith(`${n}.`))
      .map((g) => `| ${g.benchmark} | ${g.goal} | ${g.measured} | ${g.met === undefined ? 'not measured' : g.met ? 'met' : '**missed**'} |`);
    const lines = out.split('\n');
    const goalsAt = lines.indexOf('## Goals');
    if (goalsAt < 0) continue;
    let end = goalsAt + 1;
    while (end < lines.length && !lines[end]!.startsWith('|')) end++;
    while (end < lines.length && lines[end]!.startsWith('|')) end++;
    const kept = lines.slice(goalsAt, end).filter((l) => !l.startsWith(`| ${n}. `));
    out = [...lines.slice(0, goalsAt), ...kept, ...rows, ...lines.slice(end)].join('\n');
  }
  return out;
}

async function existingNotes(): Promise<string> {
  try {
    const text = await readFile(BENCHMARKS_MD, 'utf8');
    const a = text.indexOf(NOTES_START);
    const b = text.indexOf(NOTES_END);
    if (a >= 0 && b > a) return text.slice(a + NOTES_START.length, b).trim();
  } catch {
    // first run
  }
  return '_No notes yet._';
}

function document(body: string, notes: string): string {
  return [
    '# Benchmarks',
    '',
    'Everything below except the Notes is written by `npm run bench` (tests/bench/run.ts), which runs every benchmark side by side in one run on one machine ' +
      "(each server, store and memory measurement in its own child process) and replaces these tables with that run's numbers. It needs PostgreSQL at " +
      '`postgres://postgres@127.0.0.1:5432/postgres` (or `BENCH_DATABASE_URL` / `TEST_DATABASE_URL`) with a role that may create databases, about 3 GB of free ' +
      'memory and 1 GB of disk in the temporary directory, and takes about 7–9 minutes on 2 cores. `npm run bench -- email` (or any of digest, ack, stores, fanout, email) ' +
      'runs only the benchmarks named and replaces only their sections and goal rows, each marked with the command and run that measured it.',
    '',
    body,
    '',
    '## Notes',
    '',
    NOTES_START,
    notes,
    NOTES_END,
    '',
  ].join('\n');
}

await main();
