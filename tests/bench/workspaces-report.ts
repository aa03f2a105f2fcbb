// Benchmark 6's goals and table (workspaces.ts), for report.ts and run.ts.
import type { Goal } from './report.js';
import type { WorkspacesResult, WorkspacesRun } from './workspaces.js';

export const WORKSPACES_TITLE = '6. A round across Slack workspaces';

export const workspacesIntro =
  'Trellis as a distributed Slack app (`SLACK_CLIENT_ID`, `SLACK_CLIENT_SECRET`, `SLACK_STATE_SECRET`), installed in each workspace through the real OAuth flow ' +
  "(`/slack/install` → the fake Slack's authorize page → `/slack/oauth_redirect`), so every call carries that workspace's own token. A partnership of 1,000 Slack " +
  'members in each of two workspaces (its home a channel both share); a signed `/trellis survey now`; elapsed time until the fake Slack has all 2,000 check-in DMs. The fake counts its ' +
  '`chat.postMessage` limit per workspace (the workspace of the token), as Slack does, and Trellis is paced at that limit (`TRELLIS_SLACK_POSTS_PER_SECOND`), which it ' +
  "keeps per workspace. The minimum is one workspace's 1,000 DMs at its limit: both workspaces served side by side take no longer than one. " +
  'The same round for 1,000 members in one workspace is measured first, in the same way, as the baseline. Run this section alone with `npm run bench -- workspaces`.';

export function workspacesGoals(w: WorkspacesResult | undefined): Goal[] {
  const s = w?.spread;
  return [
    {
      benchmark: '6. Workspaces',
      goal: "2 × 1,000 within 1.2× one workspace's minimum",
      measured: s && w ? `${s.ratio.toFixed(3)}× (${s.elapsedSeconds.toFixed(1)} s vs ${w.minimumSeconds.toFixed(0)} s)` : 'failed',
      met: s ? s.ratio <= 1.2 : undefined,
    },
    {
      benchmark: '6. Workspaces',
      goal: 'no 429 storm (under 1% of sends)',
      measured: s ? `${s.rateLimited} × 429` : 'failed',
      met: s ? s.rateLimited < s.members / 100 : undefined,
    },
  ];
}

const row = (w: WorkspacesResult, r: WorkspacesRun) => [
  `${r.workspaces} × ${w.membersPerWorkspace.toLocaleString('en')}`,
  `chat.postMessage ${w.limitPerMinute}/min per workspace (+1/s per channel)`,
  `TRELLIS_SLACK_POSTS_PER_SECOND=${w.postsPerSecond}`,
  `${w.minimumSeconds.toFixed(0)} s`,
  `${r.elapsedSeconds.toFixed(1)} s`,
  `${r.ratio.toFixed(3)}×`,
  r.rateLimited,
  r.queuedSeconds !== undefined ? `${r.queuedSeconds.toFixed(1)} s` : '—',
];

export function workspacesSection(w: WorkspacesResult | undefined, error?: string): string {
  if (!w) return `Failed: ${error ?? 'not run'}`;
  const runs = [w.single, w.spread].filter((r): r is WorkspacesRun => !!r);
  return [
    [
      '| workspaces × members | fake Slack limit | Trellis pace | minimum (1,000 / limit) | elapsed to last DM | ratio | 429s | round opened and all DMs queued at |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
      ...runs.map((r) => `| ${row(w, r).join(' | ')} |`),
    ].join('\n'),
    '',
    'DMs delivered per 10 s after the command, per workspace (the last DM in each, 429s):',
    '',
    ...runs.flatMap((r) =>
      r.byWorkspace.map(
        (b) =>
          `- ${r.workspaces} workspace${r.workspaces > 1 ? 's' : ''}, ${b.workspace}: ${b.perTenSeconds.join(', ')} (last at ${b.lastDmSeconds.toFixed(1)} s, ${b.rateLimited} × 429)`,
      ),
    ),
    '',
    `Trellis's reply: "${w.spread.reply}"`,
    ...runs.flatMap((r) => (r.warnings.length ? ['', `Trellis logged ${r.warnings.length} warnings/errors, e.g. \`${r.warnings[0]!.slice(0, 200)}\``] : [])),
  ].join('\n');
}
