// Benchmark 4 — fan-out. A coordinator types `survey now` (a signed slash
// command) in a partnership of 2,000 members; how long until the fake Slack
// has received all 2,000 check-in DMs, under a workspace-wide limit on
// chat.postMessage (the fake answers 429 + Retry-After past it), against the
// least time that limit allows (2,000 / limit). Trellis runs in its own
// process paced at the same rate (TRELLIS_SLACK_POSTS_PER_SECOND); the fake
// Slack runs here, and this process does nothing else while it waits.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { startFakeSlack } from '../helpers/fake-slack.js';
import { slashCommand } from '../helpers/slack-requests.js';
import { spawnChild, type ChildMessage } from './lib/child.js';
import { BENCH_CHANNEL, userIdOf } from './lib/server-data.js';

export const FANOUT_MEMBERS = 2_000;
/** chat.postMessage calls the fake accepts in any 60 s (20 a second). */
export const FANOUT_LIMIT_PER_MINUTE = 1_200;
/** Slack's own figure for one conversation; DMs each have their own, so it only guards the home channel. */
const PER_CHANNEL_PER_SECOND = 1;

export interface FanoutResult {
  members: number;
  limitPerMinute: number;
  postsPerSecond: number;
  minimumSeconds: number;
  elapsedSeconds: number;
  ratio: number;
  /** When `survey now` answered (the round open and every DM queued). */
  queuedSeconds: number | undefined;
  firstDmSeconds: number;
  rateLimited: number;
  reply: string;
  /** DMs delivered in each 10 s after the command. */
  perTenSeconds: number[];
  warnings: string[];
}

export async function runFanout(log: (line: string) => void): Promise<FanoutResult> {
  const postsPerSecond = FANOUT_LIMIT_PER_MINUTE / 60;
  const slack = await startFakeSlack({
    limits: { perChannelPerSecond: PER_CHANNEL_PER_SECOND, perMethodPerMinute: { 'chat.postMessage': FANOUT_LIMIT_PER_MINUTE } },
  });
  const trellis = spawnChild('hosts/trellis.ts', { apiUrl: slack.apiUrl, members: FANOUT_MEMBERS, postsPerSecond }, { name: 'Trellis (fan-out)' });
  try {
    const { url } = await trellis.next<ChildMessage & { url: string }>('ready');
    const minimumSeconds = FANOUT_MEMBERS / postsPerSecond;
    const dmTimes: number[] = [];
    let seen = 0;
    let queuedSeconds: number | undefined;
    const t0 = performance.now();
    const res = await slashCommand(url, {
      user_id: userIdOf(0),
      user_name: 'member0',
      ...BENCH_CHANNEL,
      text: 'survey now',
      response_url: slack.responseUrl('survey-now'),
    });
    if (res.status !== 200) throw new Error(`survey now: HTTP ${res.status}`);
    const deadline = t0 + (minimumSeconds * 3 + 120) * 1000;
    let lastLog = t0;
    while (dmTimes.length < FANOUT_MEMBERS) {
      const now = performance.now();
      for (; seen < slack.calls.length; seen++) {
        const c = slack.calls[seen]!;
        if (c.method === 'chat.postMessage' && /^U/.test(String(c.body.channel))) dmTimes.push(now);
      }
      if (queuedSeconds === undefined && slack.responses.some((r) => r.id === 'survey-now')) queuedSeconds = (now - t0) / 1000;
      if (now - lastLog > 15_000) {
        lastLog = now;
        log(
          `  ${((now - t0) / 1000).toFixed(0)} s: ${dmTimes.length} DMs delivered, ${slack.rateLimited.length} 429s${queuedSeconds === undefined ? ', round still opening' : ''}`,
        );
      }
      if (now > deadline) throw new Error(`only ${dmTimes.length} of ${FANOUT_MEMBERS} DMs after ${((now - t0) / 1000).toFixed(0)} s`);
      await sleep(20);
    }
    const elapsedSeconds = (dmTimes[dmTimes.length - 1]! - t0) / 1000;
    await sleep(200);
    const reply = slack.responses.find((r) => r.id === 'survey-now');
    if (queuedSeconds === undefined && reply) queuedSeconds = (performance.now() - t0) / 1000;
    const perTenSeconds: number[] = [];
    for (const t of dmTimes) {
      const bin = Math.floor((t - t0) / 10_000);
      while (perTenSeconds.length <= bin) perTenSeconds.push(0);
      perTenSeconds[bin]!++;
    }
    const stats = await trellis.ask<ChildMessage & { warnings: string[] }>({ type: 'stats' });
    return {
      members: FANOUT_MEMBERS,
      limitPerMinute: FANOUT_LIMIT_PER_MINUTE,
      postsPerSecond,
      minimumSeconds,
      elapsedSeconds,
      ratio: elapsedSeconds / minimumSeconds,
      queuedSeconds,
      firstDmSeconds: (dmTimes[0]! - t0) / 1000,
      rateLimited: slack.rateLimited.length,
      reply: String(reply?.body.text ?? '(no reply yet)'),
      perTenSeconds,
      warnings: stats.warnings,
    };
  } finally {
    await trellis.stop();
    await slack.close();
  }
}
