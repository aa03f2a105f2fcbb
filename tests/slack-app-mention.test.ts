// "@trellis status" in a Slack channel works as it does in Teams: a signed
// app_mention event goes through the one command grammar (the bot's own
// mention removed); what is for the channel is posted there, the rest is
// shown only to the person who asked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack, type SlackCall } from './helpers/fake-slack.js';
import { slackCommands } from './helpers/slack-commands.js';
import { BOT_TOKEN, SIGNING_SECRET, event, fixture } from './helpers/slack-requests.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';
import { waitFor } from './helpers/wait-for.js';

const ALEX = { user_id: 'U0ALEX', user_name: 'alex' };
const SAM = { user_id: 'U0SAM', user_name: 'sam' };
const CHANNEL = { channel_id: 'C0RIVER', channel_name: 'riverside' };

let slack: FakeSlack;
let trellis: TestTrellis;
let seq = 0;

type Envelope = { event: Record<string, unknown> } & Record<string, unknown>;

/** A signed app_mention of the bot by `user` in `channel` (in a thread when `threadTs` is given). */
async function mention(user: string, text: string, threadTs?: string, channel = 'C0RIVER'): Promise<SlackCall> {
  const base = fixture<Envelope>('app-mention');
  const n = ++seq;
  const ts = `1732353600.${String(1000 + n).padStart(6, '0')}`;
  const mark = slack.calls.length;
  const res = await event(trellis.url, {
    ...base,
    event_id: `Ev0MENTION${n}`,
    event: { ...base.event, user, text, channel, ts, event_ts: ts, ...(threadTs ? { thread_ts: threadTs } : {}) },
  });
  expect(res.status).toBe(200);
  return waitFor(() => slack.calls.slice(mark).find(isReply));
}

/** A reply to a mention; the outbox's own posts (announcements, digests) carry Trellis's metadata tag. */
const isReply = (c: SlackCall) => c.method === 'chat.postEphemeral' || (c.method === 'chat.postMessage' && c.body.metadata === undefined);

const { run } = slackCommands(() => ({ trellis, slack }));

beforeAll(async () => {
  slack = await startFakeSlack();
  slack.users.set('U0ALEX', 'Alex Morgan');
  slack.users.set('U0SAM', 'Sam Patel');
  trellis = await startTrellis({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl });
  const code = /\b([A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec((await run(ALEX, CHANNEL, 'setup Riverside Partnership')).text)![1]!;
  await run(SAM, CHANNEL, `join ${code} independent`);
});
afterAll(async () => {
  await trellis?.close();
  await slack?.close();
});

describe('Slack app_mention', () => {
  it('answers "@trellis status" in the channel through the command grammar, shown to the asker only', async () => {
    const reply = await mention('U0ALEX', '<@UBOT> status');
    expect(reply.method).toBe('chat.postEphemeral');
    expect(reply.body).toMatchObject({ channel: 'C0RIVER', user: 'U0ALEX' });
    expect(String(reply.body.text)).toContain('Riverside Partnership');
    expect(JSON.stringify(reply.body.blocks)).toContain('Riverside Partnership');
  });

  it('reads the bot mention in its labelled form and keeps other mentions for the command', async () => {
    const reply = await mention('U0ALEX', '<@UBOT|trellis>   role <@U0SAM|sam>   critical-friend');
    expect(String(reply.body.text)).toContain('Sam Patel is now a critical friend');
    await trellis.drain();
  });

  it('posts a reply meant for the whole channel in the channel, in the thread it was asked in', async () => {
    // `setup` speaks to the channel (as in Teams): everyone there sees the partnership and its invite code.
    const reply = await mention('U0SAM', '<@UBOT> setup Harbour Partnership', '1732353600.000050', 'C0HARBOUR');
    expect(reply.method).toBe('chat.postMessage');
    expect(reply.body).toMatchObject({ channel: 'C0HARBOUR', thread_ts: '1732353600.000050' });
    expect(String(reply.body.text)).toContain('Harbour Partnership');
    expect(String(reply.body.text)).toMatch(/[A-Z2-9]{4}-[A-Z2-9]{4}/);
    expect((await trellis.store.partnerships()).map((p) => p.name)).toContain('Harbour Partnership');
  });

  it('answers a mistake with the grammar’s own error and usage, changing nothing', async () => {
    const reply = await mention('U0SAM', '<@UBOT> set threshold 2');
    expect(reply.method).toBe('chat.postEphemeral');
    expect(String(reply.body.text)).toContain('Usage: `set purpose');
    expect((await trellis.store.partnerships())[0]!.threshold).not.toBe(2);
  });

  it('refuses an unsigned mention with 401 and runs nothing', async () => {
    const mark = slack.calls.length;
    const base = fixture<Envelope>('app-mention');
    const res = await event(trellis.url, { ...base, event_id: 'Ev0UNSIGNED' }, { unsigned: true });
    expect(res.status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect(slack.calls.slice(mark).filter(isReply)).toEqual([]);
  });
});
