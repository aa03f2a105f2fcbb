// Benchmark 3a — the digest for a partnership of 200 members after 100
// rounds, against the same work after one round (the baseline), in one run.
// `npm run bench` runs it in a child process (tests/bench/run.ts); on its own:
// `npx tsx tests/bench/digest.bench.ts`.
import { performance } from 'node:perf_hooks';
import { cpus } from 'node:os';
import { withDefaults } from '../../src/core/deps.js';
import { StateStore } from '../../src/store/state-store.js';
import { emptyState, type State } from '../../src/store/state-schema.js';
import { publishDigest } from '../../src/core/trends/digest.js';
import { loadHistory, chartOf, HEADLINE } from '../../src/core/trends/history.js';
import { chartPng } from '../../src/charts/chart-png.js';
import { choosePulseItems } from '../../src/core/survey/rotation.js';
import { bankFor } from '../../src/core/survey/bank.js';
import { SECTORS, type ScaleValue } from '../../src/core/model.js';
import { runAsChild } from './lib/child.js';
import { corePorts } from '../helpers/core-ports.js';

const MEMBERS = 200;
const ORGS = 12;

function partnershipWith(rounds: number): State {
  const state = emptyState();
  const now = '2026-11-23T09:00:00.000Z';
  state.partnerships.push({
    id: 'p',
    name: 'Bench',
    purpose: '',
    type: 'coordinating',
    homes: [{ platform: 'slack', workspace: 'T0001', conversationId: 'C1', label: '#bench' }],
    timezone: 'Europe/London',
    threshold: 5,
    inviteCode: 'BNCH-0000',
    createdAt: now,
    survey: { remindAfterMinutes: 2880, windowMinutes: 7200 },
  });
  for (let o = 0; o < ORGS; o++) state.organisations.push({ id: `o${o}`, partnershipId: 'p', name: `Org ${o}`, sector: SECTORS[o % SECTORS.length]! });
  for (let m = 0; m < MEMBERS; m++)
    state.members.push({
      id: `m${m}`,
      partnershipId: 'p',
      platform: 'slack',
      workspace: 'T0001',
      userId: `U${m}`,
      displayName: `Member ${m}`,
      organisationId: `o${m % ORGS}`,
      role: m === 0 ? 'coordinator' : 'member',
      joinedAt: now,
    });
  const bank = bankFor([]);
  const history: string[][] = [];
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let r = 1; r <= rounds; r++) {
    const itemIds = choosePulseItems(bank, history);
    history.push(itemIds);
    state.rounds.push({
      id: `r${r}`,
      partnershipId: 'p',
      number: r,
      kind: 'pulse',
      itemIds,
      threshold: 5,
      openedAt: now,
      remindAt: now,
      closesAt: now,
      closedAt: now,
    });
    for (let m = 0; m < MEMBERS; m++) {
      const answered = rnd() < 0.75;
      state.invitations.push({ roundId: `r${r}`, memberId: `m${m}` });
      if (!answered) continue;
      const values = Object.fromEntries(itemIds.map((id) => [id, rnd() < 0.05 ? null : ((1 + Math.floor(rnd() * 5)) as ScaleValue)]));
      state.answerSets.push({
        roundId: `r${r}`,
        key: `${r}-${m}`.padStart(64, '0'),
        organisationId: `o${m % ORGS}`,
        sector: SECTORS[(m % ORGS) % SECTORS.length]!,
        values,
        ...(rnd() < 0.1 ? { comment: 'A comment about how the partnership is working.' } : {}),
      });
    }
  }
  return state;
}

async function timeDigest(state: State, runs: number) {
  const messenger = { sendPrivate: async () => undefined, sendToConversation: async () => undefined, update: async () => undefined };
  const deps = withDefaults({ ...corePorts(new StateStore(state)), clock: { now: () => new Date() }, messenger, secret: 'b'.repeat(32) });
  const p = state.partnerships[0]!;
  const times: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    const t0 = performance.now();
    await publishDigest(deps, p);
    if (i >= 2) times.push(performance.now() - t0); // two warm-up runs
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, p90: times[Math.floor(times.length * 0.9)]! };
}

export interface DigestResult {
  members: number;
  rounds: number;
  baseline: { median: number; p90: number };
  full: { median: number; p90: number };
  chartMs: number;
  pngBytes: number;
  answerSets: number;
  rssGrowth: number;
}

export async function digestBench(): Promise<DigestResult> {
  const big = partnershipWith(100);
  const small = partnershipWith(1);
  const rssBefore = process.memoryUsage().rss;
  const base = await timeDigest(small, 30);
  const full = await timeDigest(big, 10);
  const h = await loadHistory(
    withDefaults({
      ...corePorts(new StateStore(big)),
      clock: { now: () => new Date() },
      messenger: { sendPrivate: async () => undefined, sendToConversation: async () => undefined, update: async () => undefined },
      secret: 'b'.repeat(32),
    }),
    big.partnerships[0]!,
  );
  const c0 = performance.now();
  const png = chartPng(chartOf('Trust and commitment (0–100)', h.summaries, HEADLINE), 420);
  const chartMs = performance.now() - c0;
  return {
    members: MEMBERS,
    rounds: 100,
    baseline: base,
    full,
    chartMs,
    pngBytes: png.length,
    answerSets: big.answerSets.length,
    rssGrowth: process.memoryUsage().rss - rssBefore,
  };
}

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

if (process.send) {
  runAsChild(async () => ({ ...(await digestBench()) }));
} else {
  const r = await digestBench();
  console.log(`Trellis digest benchmark — ${new Date().toISOString()} — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`);
  console.log(`digest, ${MEMBERS} members × 1 round (baseline):   median ${fmt(r.baseline.median)}, p90 ${fmt(r.baseline.p90)}`);
  console.log(
    `digest, ${MEMBERS} members × 100 rounds:           median ${fmt(r.full.median)}, p90 ${fmt(r.full.p90)}  (${(r.full.median / r.baseline.median).toFixed(1)}× the baseline for 100× the rounds)`,
  );
  console.log(`chart PNG for the digest (420 px):                 ${fmt(r.chartMs)}, ${r.pngBytes} bytes`);
  console.log(`answer sets stored: ${r.answerSets}; RSS growth during the run: ${(r.rssGrowth / 1e6).toFixed(0)} MB`);
}
