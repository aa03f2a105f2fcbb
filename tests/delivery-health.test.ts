// A platform that stops answering while Trellis runs: the messages wait in the
// outbox, /healthz says "degraded" with the reason, and once the platform is
// back the messages go out and /healthz says "ok" again. Slack through its
// Web API (a fake that is stopped, then started again on the same port).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from './helpers/fake-slack.js';
import { BOT_TOKEN, SIGNING_SECRET, slashCommand } from './helpers/slack-requests.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';
import { waitFor } from './helpers/wait-for.js';

const ALEX = { user_id: 'U0ALEX', user_name: 'alex' };
const SAM = { user_id: 'U0SAM', user_name: 'sam' };
let slack: FakeSlack;
let t: TestTrellis;
let seq = 0;

const health = async () => (await (await fetch(`${t.url}/healthz`)).json()) as { status: string; problems?: { adapter: string; reason: string }[] };
const say = (who: typeof ALEX, where: Record<string, string>, text: string) =>
  slashCommand(t.url, { ...who, ...where, text, response_url: slack.responseUrl(`r${++seq}`) });
const CHANNEL = { channel_id: 'C0RIVER', channel_name: 'riverside' };

beforeAll(async () => {
  slack = await startFakeSlack();
  slack.users.set(ALEX.user_id, 'Alex Morgan');
  slack.users.set(SAM.user_id, 'Sam Patel');
  t = await startTrellis({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl });
  await say(ALEX, CHANNEL, 'setup Riverside');
  const [p] = await waitFor(async () => (await t.store.partnerships()).length > 0 && t.store.partnerships());
  await say(SAM, { channel_id: 'D0SAM', channel_name: 'directmessage' }, `join ${p!.inviteCode} independent`);
  await waitFor(async () => (await t.store.members(p!.id)).length === 2);
  await t.drain();
});
afterAll(async () => {
  await t?.close();
  await slack?.close();
});

it('says "degraded" while Slack fails deliveries, keeps them, and "ok" once they go out', async () => {
  expect(await health()).toMatchObject({ status: 'ok' });
  const port = Number(new URL(slack.apiUrl).port);
  await slack.close();

  // Opening a check-in queues a DM for each member; Slack does not answer.
  expect((await say(ALEX, CHANNEL, 'survey now')).status).toBe(200);
  const degraded = await waitFor(async () => {
    const h = await health();
    return h.status === 'degraded' && h;
  }, 15_000);
  expect(degraded.problems).toEqual([
    expect.objectContaining({ adapter: 'slack', reason: expect.stringMatching(/Slack is failing deliveries .*retried with back-off/) }),
  ]);
  expect(JSON.stringify(degraded)).not.toContain(BOT_TOKEN);

  // Slack is back where Trellis looks: the DMs go out, and health clears.
  slack = await startFakeSlack({ port });
  await waitFor(async () => (await health()).status === 'ok', 20_000);
  await waitFor(() => slack.calls.filter((c) => c.method === 'chat.postMessage').length >= 2, 20_000);
});
