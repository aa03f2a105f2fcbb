// Benchmark 1 — Slack ack latency. Signed view_submission requests for the
// check-in modal (as Slack sends them when a member presses Submit), in bursts
// of 100 concurrent, against the real Trellis server and against a bare Bolt
// app whose handler only acks — bursts alternating between the two (ABBA
// order), each server in its own process, the fake Slack in a third, this
// process only generating load. Every Trellis request is a different member's
// valid answer, so each one validates and writes its answer durably (lowdb
// group commit) before it is acked; the "Answered" DM update is
// queued just after.
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fixture, form, sign, slashCommand } from '../helpers/slack-requests.js';
import { spawnChild, type Child, type ChildMessage } from './lib/child.js';
import { BENCH_CHANNEL, userIdOf } from './lib/server-data.js';
import { prng } from './lib/dataset.js';
import { cpuMs, untilQuiet } from './lib/quiet.js';
import { summarise, type Summary } from './lib/stats.js';

export const ACK_BURSTS = 10;
export const ACK_BURST_SIZE = 100;
/**
 * Bursts per server before measuring, not counted: connections, and code still
 * running cold (Trellis runs far more of its own than the bare app, and its
 * first bursts after a start were measured ~2× slower than its later ones).
 */
export const ACK_WARMUP_BURSTS = 3;
/** Requests sent one at a time after the bursts, for each server's unloaded latency. */
export const ACK_SINGLES = 20;
/**
 * Whole runs, each with fresh processes. With 100 requests a burst, a run's p99
 * is its worst burst, so one disk stall or descheduling on a shared machine
 * decides it: the run with the median ratio is the figure, and every run is shown.
 */
export const ACK_RUNS = 3;

export interface AckResult {
  trellis: Summary;
  bare: Summary;
  requests: number;
  burstSize: number;
  failures: string[];
  connections: { trellis: number; bare: number };
  stored: { answerSets: number; expected: number };
  setupSeconds: number;
  warnings: string[];
  slackCalls: Record<string, number>;
  /** Waiting for all three processes to go quiet before each burst: the longest wait, in ms. */
  longestQuietWaitMs: number;
  /** CPU each server process used from the start of each burst until its last ack (ms, median of the bursts; /proc, 10 ms resolution). */
  cpuPerBurst?: { trellis: number; bare: number };
  /** The same requests one at a time (no concurrency): what one request costs on an idle server. */
  single: { trellis: Summary; bare: Summary };
}

type View = { blocks: { block_id?: string; element?: { type?: string; options?: { text: unknown; value: string }[] } }[]; private_metadata?: string } & Record<
  string,
  unknown
>;

/** The view_submission body member `i` sends: a valid answer to every statement, a comment one time in ten. */
function submission(i: number, view: View, itemIds: string[], rnd: () => number): string {
  const base = fixture<{ view: Record<string, unknown> } & Record<string, unknown>>('view-submission');
  const values: Record<string, Record<string, unknown>> = {};
  for (const id of itemIds) {
    const options = view.blocks.find((b) => b.block_id === id)?.element?.options ?? [];
    const option = options[Math.floor(rnd() * options.length)];
    if (!option) throw new Error(`the modal has no options for ${id}`);
    values[id] = { value: { type: 'radio_buttons', selected_option: option } };
  }
  if (rnd() < 0.1) values.comment = { value: { type: 'plain_text_input', value: `Comment from a benchmark member, number ${i}.` } };
  const user = userIdOf(i);
  const payload = {
    ...base,
    trigger_id: `${1000 + i}.${2000 + i}.bench${i}`,
    user: { id: user, username: `member${i}`, name: `member${i}`, team_id: 'T0001' },
    view: { ...base.view, ...view, id: `VBENCH${i}`, root_view_id: `VBENCH${i}`, state: { values } },
  };
  return form({ payload: JSON.stringify(payload) });
}

type Check = (status: number, text: string) => string | undefined;

/**
 * The load generator's client: node:http over kept-alive connections, which
 * spends a fraction of fetch's time per response. Acks that land together are
 * read one after another here, so a heavier client would add its own time to
 * the last ones' latency, and more to a server that acks a burst at once.
 */
const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
function post(url: string, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * One burst: every body at once, each signed with a fresh timestamp just before
 * it is sent; latency to the last byte of the ack. Acks are checked once the
 * whole burst is in: checking each as it lands would spend this process's time
 * inside the other requests' measurements.
 */
async function burst(url: string, bodies: string[], check: Check, failures: string[]): Promise<number[]> {
  const acks = await Promise.all(
    bodies.map(async (body) => {
      const headers = { 'content-type': 'application/x-www-form-urlencoded', ...sign(body) };
      const t0 = performance.now();
      const { status, text } = await post(`${url}/slack/events`, headers, body);
      return { took: performance.now() - t0, status, text };
    }),
  );
  for (const { status, text } of acks) {
    const problem = check(status, text);
    if (problem && failures.length < 20) failures.push(problem);
  }
  return acks.map((a) => a.took);
}

const trellisCheck: Check = (status, text) => {
  if (status !== 200) return `Trellis answered HTTP ${status}: ${text.slice(0, 200)}`;
  try {
    const ack = JSON.parse(text) as { response_action?: string; view?: unknown };
    if (ack.response_action !== 'update' || !JSON.stringify(ack.view).includes('Thanks — your answers are in'))
      return `Trellis did not thank: ${text.slice(0, 300)}`;
  } catch {
    return `Trellis answered something other than JSON: ${text.slice(0, 200)}`;
  }
  return undefined;
};
const bareCheck: Check = (status, text) => (status === 200 ? undefined : `bare Bolt answered HTTP ${status}: ${text.slice(0, 200)}`);

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const stop = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > stop) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

export async function runAcks(log: (line: string) => void): Promise<AckResult[]> {
  const runs: AckResult[] = [];
  for (let i = 0; i < ACK_RUNS; i++) {
    log(`  run ${i + 1}/${ACK_RUNS}`);
    const run = await runAck(log);
    log(`  run ${i + 1}: p99 Trellis ${run.trellis.p99.toFixed(0)} ms, bare Bolt ${run.bare.p99.toFixed(0)} ms (${p99Ratio(run).toFixed(2)}×)`);
    runs.push(run);
  }
  return runs;
}

export const p99Ratio = (r: AckResult) => r.trellis.p99 / r.bare.p99;
/** The run whose p99 ratio is the median of the runs'. */
export const medianRun = (runs: AckResult[]): AckResult => [...runs].sort((a, b) => p99Ratio(a) - p99Ratio(b))[Math.floor(runs.length / 2)]!;

async function runAck(log: (line: string) => void): Promise<AckResult> {
  // Members 0–999 answer in the bursts, the next ones in the warm-up, the last ones one at a time.
  const members = (ACK_BURSTS + ACK_WARMUP_BURSTS) * ACK_BURST_SIZE + ACK_SINGLES;
  const children: Child[] = [];
  try {
    const slack = spawnChild('hosts/fake-slack.ts', {}, { name: 'fake Slack' });
    children.push(slack);
    const { apiUrl, base } = await slack.next<ChildMessage & { apiUrl: string; base: string }>('ready');
    // Posts paced fast here: delivering the round is benchmark 4's business, not this one's.
    const trellis = spawnChild('hosts/trellis.ts', { apiUrl, members, postsPerSecond: 1000 }, { name: 'Trellis' });
    const bare = spawnChild('hosts/bare-bolt.ts', { apiUrl }, { name: 'bare Bolt' });
    children.push(trellis, bare);
    const { url: trellisUrl } = await trellis.next<ChildMessage & { url: string }>('ready');
    const { url: bareUrl } = await bare.next<ChildMessage & { url: string }>('ready');

    // Open a round through the real server, as the coordinator would, and let every check-in DM go out.
    const t0 = performance.now();
    const res = await slashCommand(trellisUrl, {
      user_id: userIdOf(0),
      user_name: 'member0',
      ...BENCH_CHANNEL,
      text: 'survey now',
      response_url: `${base}/response/survey-now`,
    });
    if (res.status !== 200) throw new Error(`survey now: HTTP ${res.status}`);
    type RoundState = ChildMessage & { roundId: string | null; invited: number; sent: number; answerSets: number };
    await until(
      'the round to open and its DMs to go out',
      async () => {
        const r = await trellis.ask<RoundState>({ type: 'round' });
        return r.invited === members && r.sent === members ? r : undefined;
      },
      300_000,
    );
    const setupSeconds = (performance.now() - t0) / 1000;
    log(`  round open, ${members} check-in DMs delivered in ${setupSeconds.toFixed(1)} s`);
    const { view, itemIds } = await trellis.ask<ChildMessage & { view: View; itemIds: string[] }>({ type: 'view' });

    const rnd = prng(42);
    const bodies = Array.from({ length: members }, (_, i) => submission(i, view, itemIds, rnd));
    const failures: string[] = [];
    // Each burst starts on a quiet machine: no server still busy with the last one.
    let longestQuietWaitMs = 0;
    const quiet = async () => {
      longestQuietWaitMs = Math.max(longestQuietWaitMs, await untilQuiet(children.map((c) => c.proc.pid!)));
    };
    const bursts = ACK_BURSTS * ACK_BURST_SIZE;
    // Warm-up (connections, JIT), not counted.
    for (let w = 0; w < ACK_WARMUP_BURSTS; w++) {
      const warm = bodies.slice(bursts + w * ACK_BURST_SIZE, bursts + (w + 1) * ACK_BURST_SIZE);
      await quiet();
      await burst(trellisUrl, warm, trellisCheck, failures);
      await quiet();
      await burst(bareUrl, warm, bareCheck, failures);
    }

    const latency = { trellis: [] as number[], bare: [] as number[] };
    const cpu = { trellis: [] as number[], bare: [] as number[] };
    for (let b = 0; b < ACK_BURSTS; b++) {
      const mine = bodies.slice(b * ACK_BURST_SIZE, (b + 1) * ACK_BURST_SIZE);
      const order = b % 2 === 0 ? (['trellis', 'bare'] as const) : (['bare', 'trellis'] as const);
      for (const target of order) {
        await quiet();
        const pid = (target === 'trellis' ? trellis : bare).proc.pid!;
        const cpu0 = cpuMs(pid);
        const took = target === 'trellis' ? await burst(trellisUrl, mine, trellisCheck, failures) : await burst(bareUrl, mine, bareCheck, failures);
        const cpu1 = cpuMs(pid);
        if (cpu0 !== undefined && cpu1 !== undefined) cpu[target].push(cpu1 - cpu0);
        latency[target].push(...took);
      }
      const last = (xs: number[]) => summarise(xs.slice(-ACK_BURST_SIZE));
      log(
        `  burst ${b + 1}/${ACK_BURSTS}: Trellis p50 ${last(latency.trellis).p50.toFixed(1)} / max ${last(latency.trellis).max.toFixed(1)} ms (CPU ${cpu.trellis.at(-1) ?? '?'} ms), bare Bolt p50 ${last(latency.bare).p50.toFixed(1)} / max ${last(latency.bare).max.toFixed(1)} ms (CPU ${cpu.bare.at(-1) ?? '?'} ms)`,
      );
    }

    const single = { trellis: [] as number[], bare: [] as number[] };
    await quiet();
    for (const body of bodies.slice(bursts + ACK_WARMUP_BURSTS * ACK_BURST_SIZE)) {
      single.trellis.push(...(await burst(trellisUrl, [body], trellisCheck, failures)));
      await sleep(50);
      single.bare.push(...(await burst(bareUrl, [body], bareCheck, failures)));
      await sleep(50);
    }

    const round = await trellis.ask<RoundState>({ type: 'round' });
    const tStats = await trellis.ask<ChildMessage & { connections: number; warnings: string[]; warningCount: number }>({ type: 'stats' });
    const bStats = await bare.ask<ChildMessage & { connections: number }>({ type: 'stats' });
    const sStats = await slack.ask<ChildMessage & { byMethod: Record<string, number> }>({ type: 'stats' });
    return {
      trellis: summarise(latency.trellis),
      bare: summarise(latency.bare),
      requests: latency.trellis.length,
      burstSize: ACK_BURST_SIZE,
      failures,
      connections: { trellis: tStats.connections, bare: bStats.connections },
      stored: { answerSets: round.answerSets, expected: members },
      setupSeconds,
      warnings: tStats.warnings,
      slackCalls: sStats.byMethod,
      longestQuietWaitMs,
      ...(cpu.trellis.length ? { cpuPerBurst: { trellis: summarise(cpu.trellis).p50, bare: summarise(cpu.bare).p50 } } : {}),
      single: { trellis: summarise(single.trellis), bare: summarise(single.bare) },
    };
  } finally {
    for (const c of children.reverse()) {
      const t = performance.now();
      await c.stop();
      if (performance.now() - t > 5_000) log(`  stopping ${c.name} took ${((performance.now() - t) / 1000).toFixed(0)} s`);
    }
  }
}
