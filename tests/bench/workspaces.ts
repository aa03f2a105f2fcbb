// Benchmark 5 — a round across Slack workspaces. Trellis runs as a
// distributed Slack app (OAuth); each workspace installs it through the real
// flow (/slack/install → the fake's authorize page → /slack/oauth_redirect),
// so every call carries that workspace's own token, and the fake Slack counts
// its chat.postMessage limit per workspace, as Slack does. A coordinator types
// `survey now` (a signed slash command) in a partnership of 1,000 members in
// each of two workspaces; how long until the fake has all 2,000 check-in DMs,
// against the least time one workspace's 1,000 take under its limit
// (1,000 / limit): the workspaces should be served side by side, not one
// after the other. The same round for 1,000 members in one workspace is
// measured first, in the same way, as the baseline.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { startFakeSlack, type FakeSlack } from '../helpers/fake-slack.js';
import { slashCommand } from '../helpers/slack-requests.js';
import { spawnChild, type ChildMessage } from './lib/child.js';
import { BENCH_CHANNEL, userIdOf } from './lib/server-data.js';

const MEMBERS_PER_WORKSPACE = 1_000;
/** chat.postMessage calls the fake accepts from one workspace in any 60 s (20 a second), as in benchmark 4. */
const WORKSPACE_LIMIT_PER_MINUTE = 1_200;
const PER_CHANNEL_PER_SECOND = 1;
const OAUTH = { clientId: '1111.2222', clientSecret: 'bench-client-secret-0123456789', stateSecret: 'bench-state-secret-0123456789' };
const WORKSPACES = ['T0BENCHA', 'T0BENCHB'];

export interface WorkspacesRun {
  workspaces: number;
  members: number;
  elapsedSeconds: number;
  /** elapsed / (members per workspace / limit per second). */
  ratio: number;
  queuedSeconds: number | undefined;
  firstDmSeconds: number;
  rateLimited: number;
  /** Per workspace: 429s, the last DM's time, and DMs delivered in each 10 s after the command. */
  byWorkspace: { workspace: string; rateLimited: number; lastDmSeconds: number; perTenSeconds: number[] }[];
  reply: string;
  warnings: string[];
}

export interface WorkspacesResult {
  membersPerWorkspace: number;
  limitPerMinute: number;
  postsPerSecond: number;
  /** 1,000 / limit per second: the least time one workspace's members take. */
  minimumSeconds: number;
  single?: WorkspacesRun;
  spread: WorkspacesRun;
}

export async function runWorkspaces(log: (line: string) => void): Promise<WorkspacesResult> {
  const postsPerSecond = WORKSPACE_LIMIT_PER_MINUTE / 60;
  const minimumSeconds = MEMBERS_PER_WORKSPACE / postsPerSecond;
  log(`  one workspace × ${MEMBERS_PER_WORKSPACE} (baseline)`);
  const single = await roundAcross(WORKSPACES.slice(0, 1), postsPerSecond, minimumSeconds, log);
  log(`  ${WORKSPACES.length} workspaces × ${MEMBERS_PER_WORKSPACE}`);
  const spread = await roundAcross(WORKSPACES, postsPerSecond, minimumSeconds, log);
  return { membersPerWorkspace: MEMBERS_PER_WORKSPACE, limitPerMinute: WORKSPACE_LIMIT_PER_MINUTE, postsPerSecond, minimumSeconds, single, spread };
}

async function roundAcross(workspaces: string[], postsPerSecond: number, minimumSeconds: number, log: (line: string) => void): Promise<WorkspacesRun> {
  const members = MEMBERS_PER_WORKSPACE * workspaces.length;
  const slack = await startFakeSlack({
    limits: { perChannelPerSecond: PER_CHANNEL_PER_SECOND, perMethodPerMinute: { 'chat.postMessage': WORKSPACE_LIMIT_PER_MINUTE } },
  });
  Object.assign(slack.oauth, { clientId: OAUTH.clientId, clientSecret: OAUTH.clientSecret });
  // Each member is in their own workspace only, so a call with another workspace's token is refused; the home channel is shared.
  workspaces.forEach((w, k) => {
    slack.oauth.workspaces.set(w, { id: w, name: `Bench ${w}` });
    slack.own(
      w,
      Array.from({ length: MEMBERS_PER_WORKSPACE }, (_, i) => userIdOf(k * MEMBERS_PER_WORKSPACE + i)),
    );
    slack.own(w, [BENCH_CHANNEL.channel_id]);
  });
  const trellis = spawnChild('hosts/trellis.ts', { apiUrl: slack.apiUrl, members, postsPerSecond, oauth: OAUTH, workspaces }, { name: 'Trellis (workspaces)' });
  try {
    const { url } = await trellis.next<ChildMessage & { url: string }>('ready');
    slack.oauth.redirectUrl = `${url}/slack/oauth_redirect`;
    for (const w of workspaces) await install(url, slack, w);
    const installCalls = slack.calls.length;

    const dms: { at: number; workspace: string }[] = [];
    let seen = installCalls;
    let queuedSeconds: number | undefined;
    const t0 = performance.now();
    const res = await slashCommand(url, {
      user_id: userIdOf(0),
      user_name: 'member0',
      team_id: workspaces[0]!,
      team_domain: 'bench',
      enterprise_id: '',
      is_enterprise_install: 'false',
      ...BENCH_CHANNEL,
      text: 'survey now',
      response_url: slack.responseUrl('survey-now'),
    });
    if (res.status !== 200) throw new Error(`survey now: HTTP ${res.status}`);
    const deadline = t0 + (minimumSeconds * workspaces.length * 3 + 120) * 1000;
    let lastLog = t0;
    while (dms.length < members) {
      const now = performance.now();
      for (; seen < slack.calls.length; seen++) {
        const c = slack.calls[seen]!;
        if (c.method === 'chat.postMessage' && /^U/.test(String(c.body.channel)) && c.result?.ok) dms.push({ at: now, workspace: c.workspace ?? '?' });
      }
      if (queuedSeconds === undefined && slack.responses.some((r) => r.id === 'survey-now')) queuedSeconds = (now - t0) / 1000;
      if (now - lastLog > 15_000) {
        lastLog = now;
        const per = workspaces.map((w) => `${w} ${dms.filter((d) => d.workspace === w).length}`).join(', ');
        log(`    ${((now - t0) / 1000).toFixed(0)} s: ${dms.length} DMs delivered (${per}), ${slack.rateLimited.length} 429s`);
      }
      if (now > deadline) throw new Error(`only ${dms.length} of ${members} DMs after ${((now - t0) / 1000).toFixed(0)} s`);
      await sleep(20);
    }
    const elapsedSeconds = (dms[dms.length - 1]!.at - t0) / 1000;
    await sleep(200);
    const reply = slack.responses.find((r) => r.id === 'survey-now');
    const stats = await trellis.ask<ChildMessage & { warnings: string[] }>({ type: 'stats' });
    return {
      workspaces: workspaces.length,
      members,
      elapsedSeconds,
      ratio: elapsedSeconds / minimumSeconds,
      queuedSeconds,
      firstDmSeconds: (dms[0]!.at - t0) / 1000,
      rateLimited: slack.rateLimited.length,
      byWorkspace: workspaces.map((w) => {
        const mine = dms.filter((d) => d.workspace === w);
        const perTenSeconds: number[] = [];
        for (const d of mine) {
          const bin = Math.floor((d.at - t0) / 10_000);
          while (perTenSeconds.length <= bin) perTenSeconds.push(0);
          perTenSeconds[bin]!++;
        }
        return {
          workspace: w,
          rateLimited: slack.rateLimited.filter((c) => c.workspace === w).length,
          lastDmSeconds: mine.length ? (mine[mine.length - 1]!.at - t0) / 1000 : Number.NaN,
          perTenSeconds,
        };
      }),
      reply: String(reply?.body.text ?? '(no reply yet)'),
      warnings: stats.warnings,
    };
  } finally {
    await trellis.stop();
    await slack.close();
  }
}

/** A workspace admin's install, as the browser makes it: /slack/install (state cookie), Slack's authorize page, the redirect back. */
async function install(url: string, slack: FakeSlack, team: string) {
  const page = await fetch(`${url}/slack/install`);
  const state = /slack-app-oauth-state=([^;]+)/.exec(page.headers.get('set-cookie') ?? '')?.[1];
  const href = /<a href="([^"]+)"/.exec(await page.text())?.[1];
  if (!state || !href) throw new Error(`/slack/install: HTTP ${page.status} without a state cookie or an authorize link`);
  const authorize = new URL(href.replace(/&amp;/g, '&'));
  authorize.searchParams.set('team', team);
  const slackSays = await fetch(authorize, { redirect: 'manual' });
  const back = slackSays.headers.get('location');
  if (!back) throw new Error(`the authorize page answered HTTP ${slackSays.status} without a redirect`);
  const done = await fetch(back, { headers: { cookie: `slack-app-oauth-state=${state}` } });
  if (done.status !== 200 || !slack.tokens.has(team)) throw new Error(`installing in ${team}: HTTP ${done.status}`);
}
