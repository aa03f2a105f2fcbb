// `npm run bench`: every benchmark, side by side, in one run — prints the
// tables and rewrites BENCHMARKS.md with them (the "Notes" section there,
// written by people, is kept as it is).
//   1. Slack ack latency: Trellis vs a bare Bolt app          (ack.ts)
//   2. answer ingest: lowdb group commit, naive lowdb, PostgreSQL at 10k/100k/1M stored   (stores.ts)
//   3. digest computation, and process RSS with 1M answers stored (digest.bench.ts, stores.ts)
//   4. fan-out of a round to 2,000 members under Slack's limits (fanout.ts)
//   5. a round across 2 Slack workspaces × 1,000 members, each with its own limits (workspaces.ts)
// `npm run bench -- workspaces` runs only section 5 and replaces only that section of BENCHMARKS.md.
// Servers, stores and memory measurements each run in a child process.
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg, release, tmpdir, totalmem, type as osType } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ACK_RUNS, runAcks } from './ack.js';
import type { DigestResult } from './digest.bench.js';
import { runFanout } from './fanout.js';
import { runChild, type ChildMessage } from './lib/child.js';
import { pgProblem, pgSettings, pgVersion } from './lib/pg-dataset.js';
import { ackSection, digestSection, fanoutSection, goalsTable, ingestSection, machineTable, type RunResults } from './report.js';
import { runStores } from './stores.js';
import { runWorkspaces } from './workspaces.js';
import { WORKSPACES_TITLE, workspacesIntro, workspacesSection } from './workspaces-report.js';

const BENCHMARKS_MD = fileURLToPath(new URL('../../BENCHMARKS.md', import.meta.url));
const NOTES_START = '<!-- notes:start (kept by npm run bench) -->';
const NOTES_END = '<!-- notes:end -->';

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

/** Sections that can run alone (`npm run bench -- <name>`): each prints and replaces only its own section of BENCHMARKS.md. */
const ALONE: Record<string, { title: string; run: () => Promise<string> }> = {
  workspaces: { title: WORKSPACES_TITLE, run: async () => section(workspacesIntro, workspacesSection(await runWorkspaces(log))) },
};
const section = (intro: string, body: string) => [intro, '', body].join('\n');

async function main() {
  const only = process.argv.slice(2);
  if (only.length) return runAlone(only);
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
      command: 'npm run bench',
      code: codeVersion(),
      loadStart: loadavg()[0]!,
    },
    errors: {},
  };
  log(`Trellis benchmarks on ${results.machine.cores} × ${results.machine.cpu}, node ${process.version}; ${results.machine.postgres.split(' on ')[0]}`);

  const digest = await step('digest', results, () => runChild<ChildMessage & DigestResult>('digest.bench.ts', {}, { name: 'digest' }));
  if (digest) results.digest = digest;
  const ack = await step('ack', results, () => runAcks(log));
  if (ack) results.ack = ack;
  const stores = await step('stores', results, () => runStores(log, pgDown));
  if (stores) results.stores = stores;
  const fanout = await step('fanout', results, () => runFanout(log));
  if (fanout) results.fanout = fanout;
  const workspaces = await step('workspaces', results, () => runWorkspaces(log));
  if (workspaces) results.workspaces = workspaces;
  results.machine.seconds = (performance.now() - started) / 1000;
  results.machine.loadEnd = loadavg()[0]!;

  const body = render(results);
  console.log(`\n${body}\n`);
  await writeFile(BENCHMARKS_MD, document(body, await existingNotes()));
  log(`wrote ${BENCHMARKS_MD}`);
  if (Object.keys(results.errors).length) {
    log(`some benchmarks failed: ${Object.keys(results.errors).join(', ')}`);
    process.exitCode = 1;
  }
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
    '## 1. Slack ack latency',
    '',
    'Signed `view_submission` requests for the check-in modal — the exact modal Trellis opens, submitted as Slack would when a member presses Submit — ' +
      'sent to `POST /slack/events` in bursts of 100 concurrent (`node:http`, keep-alive; acks are checked once each burst is in). Trellis is the real server (`startServer`, lowdb store, log level info) ' +
      "with a partnership of 1,320 members (1,000 answer in the measured bursts, 300 in the warm-up, 20 one at a time) and a round opened by a signed `/trellis survey now`; every request is a different member's valid answer, so each one is validated " +
      'and written durably (lowdb group commit) before the modal is acked; the "Thanks — answered" DM update is queued just after. The bare Bolt app has the same Express app, router, ' +
      '`ExpressReceiver`, signing secret and logger, and a view handler that only calls `ack()`. Each server runs in its own process and the fake Slack in a third; ' +
      "latency is from sending the request to the last byte of the ack, as seen by the load generator. Both servers keep idle connections 30 s (Node's default is 5 s) so that every burst reuses its connections. " +
      `The whole benchmark runs ${ACK_RUNS} times with fresh processes: with 100 requests a burst, one run's p99 is its worst burst, so a single disk stall or descheduling on a shared machine decides it. ` +
      'The goals are judged on the run with the median p99 ratio; every run is listed.',
    '',
    ackSection(r.ack, r.errors.ack),
    '',
    '## 2. Answer ingest at the Store level',
    '',
    '`store.saveAnswerSet` of new answer sets (distinct 64-hex keys) into the open round of a store already holding 10k, 100k or 1M answer sets ' +
      '(partnerships of 240 members, closed rounds of 200 answers, 100 rounds per partnership). lowdb files are written directly as JSON and opened (and validated) ' +
      'by the store; PostgreSQL databases (`trellis_bench_<random>`, default durable commit settings, dropped afterwards) get the schema from `openPgStore` and their rows ' +
      "from `INSERT … SELECT generate_series` in the store's own table format. Latency is per `saveAnswerSet` call, until it resolves (durable).",
    '',
    ingestSection(r.stores, r.errors.stores),
    '',
    '## 3. Digest computation and memory',
    '',
    'The digest a partnership gets when a round closes, computed over an in-memory store (the existing digest benchmark), and the resident memory of a process ' +
      'serving a store with 1M answer sets: a child opens the lowdb file (the whole file is read, parsed, validated and kept in memory) or the PostgreSQL database, ' +
      'reports `process.memoryUsage().rss`, computes one digest (the first partnership: 100 rounds × 200 answers) and reports again.',
    '',
    digestSection(r.digest, r.stores, r.errors),
    '',
    '## 4. Fan-out of a round',
    '',
    'A signed `/trellis survey now` in a partnership of 2,000 Slack members; elapsed time until the fake Slack has received all 2,000 check-in DMs, ' +
      'with the fake enforcing a workspace-wide limit on `chat.postMessage` (429 + Retry-After beyond it, `startFakeSlack({ limits })`) and Trellis paced at the same rate ' +
      '(`TRELLIS_SLACK_POSTS_PER_SECOND`), against the least time that limit allows.',
    '',
    fanoutSection(r.fanout, r.errors.fanout),
    '',
    `## ${WORKSPACES_TITLE}`,
    '',
    section(workspacesIntro, workspacesSection(r.workspaces, r.errors.workspaces)),
    ...(Object.keys(r.errors).length ? ['', '## Failures in this run', '', ...Object.entries(r.errors).map(([k, v]) => `- ${k}: ${v}`)] : []),
  ].join('\n');
}

/** Runs the named sections alone; each replaces its own section of BENCHMARKS.md (added before the Notes if missing), saying when and on what it ran. */
async function runAlone(names: string[]) {
  const unknown = names.filter((n) => !ALONE[n]);
  if (unknown.length) {
    console.error(`No benchmark section named ${unknown.join(', ')}; sections that run alone: ${Object.keys(ALONE).join(', ')} (or none, for all).`);
    process.exitCode = 2;
    return;
  }
  let text = await readFile(BENCHMARKS_MD, 'utf8').catch(() => document('', '_No notes yet._'));
  for (const name of names) {
    const { title, run } = ALONE[name]!;
    const load = loadavg()[0]!;
    log(`${name}…`);
    let body: string;
    try {
      body = await run();
    } catch (err) {
      log(`${name}: FAILED — ${errorText(err)}`);
      process.exitCode = 1;
      continue;
    }
    const stamp = `_This section alone: \`npm run bench -- ${name}\`, ${new Date().toISOString()}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown'}, node ${process.version}, code ${codeVersion()}, load average ${load.toFixed(2)} → ${loadavg()[0]!.toFixed(2)}._`;
    const block = `## ${title}\n\n${stamp}\n\n${body}\n`;
    console.log(`\n${block}`);
    const start = text.indexOf(`## ${title}`);
    if (start >= 0) {
      const next = text.indexOf('\n## ', start + 3);
      text = `${text.slice(0, start)}${block}${next >= 0 ? text.slice(next) : ''}`;
    } else {
      const at = text.indexOf('\n## Notes');
      text = at >= 0 ? `${text.slice(0, at)}\n${block}${text.slice(at)}` : `${text}\n${block}`;
    }
  }
  await writeFile(BENCHMARKS_MD, text);
  log(`updated ${names.join(', ')} in ${BENCHMARKS_MD}`);
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
      'memory and 1 GB of disk in the temporary directory, and takes about 8–10 minutes on 2 cores.',
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
