// The fake Slack itself, through Bolt's own WebClient: rate limits answered as
// slack.com answers them (429 + Retry-After), DMs and message metadata kept
// for conversations.history, answers lost or slowed on demand.
import { webApi } from '@slack/bolt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startFakeSlack, type FakeSlack, type FakeSlackOptions } from './helpers/fake-slack.js';
import { BOT_TOKEN } from './helpers/slack-requests.js';

let slack: FakeSlack | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await slack?.close();
  slack = undefined;
});

async function start(options?: FakeSlackOptions) {
  slack = await startFakeSlack(options);
  // No retries, and a 429 rejected at once: each call here is exactly one request.
  const client = new webApi.WebClient(BOT_TOKEN, {
    slackApiUrl: slack.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logLevel: webApi.LogLevel.ERROR,
  });
  return { slack, client };
}

/** A client with the bot token the fake issues to `team` through its OAuth flow (authorize page, then oauth.v2.access). */
async function installed(slack: FakeSlack, team: string) {
  Object.assign(slack.oauth, { clientId: '1.2', clientSecret: 'secret', redirectUrl: 'http://127.0.0.1:9/slack/oauth_redirect' });
  slack.oauth.workspaces.set(team, { id: team, name: team });
  const page = await fetch(`${slack.authorizeUrl}?client_id=1.2&team=${team}`, { redirect: 'manual' });
  const code = new URL(page.headers.get('location')!).searchParams.get('code')!;
  await new webApi.WebClient(undefined, { slackApiUrl: slack.apiUrl, logLevel: webApi.LogLevel.ERROR }).oauth.v2.access({
    client_id: '1.2',
    client_secret: 'secret',
    code,
  });
  return new webApi.WebClient(slack.tokens.get(team), {
    slackApiUrl: slack.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logLevel: webApi.LogLevel.ERROR,
  });
}

const failureOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    return err as { code?: string; retryAfter?: number; data?: { error?: string } };
  }
  throw new Error('expected the call to fail');
};

describe('fake Slack', () => {
  it('answers an over-limit call with 429 and Retry-After, and does not perform it', async () => {
    const { slack, client } = await start({ limits: { perMethodPerMinute: { 'chat.update': 2 } }, retryAfterSeconds: 7 });
    const { ts } = await client.chat.postMessage({ channel: 'C0ROOM', text: 'v1' });
    await client.chat.update({ channel: 'C0ROOM', ts: ts!, text: 'v2' });
    await client.chat.update({ channel: 'C0ROOM', ts: ts!, text: 'v3' });
    const err = await failureOf(client.chat.update({ channel: 'C0ROOM', ts: ts!, text: 'v4' }));
    expect(err.code).toBe(webApi.ErrorCode.RateLimitedError);
    expect(err.retryAfter).toBe(7);
    expect(slack.messagesIn('C0ROOM').map((m) => m.text)).toEqual(['v3']);
    expect(slack.calls.filter((c) => c.method === 'chat.update')).toHaveLength(2);
    expect(slack.rateLimited).toMatchObject([{ method: 'chat.update', body: { text: 'v4' }, result: { ok: false, error: 'ratelimited' } }]);
    // Other methods are not limited by it.
    await client.chat.postMessage({ channel: 'C0ROOM', text: 'still fine' });
  });

  it('sends the raw 429 Slack sends', async () => {
    const { slack } = await start({ limits: { perMethodPerMinute: { 'auth.test': 0 } } });
    const res = await fetch(`${slack.apiUrl}auth.test`, { method: 'POST' });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await res.json()).toEqual({ ok: false, error: 'ratelimited' });
  });

  it('counts a method limit per workspace, as Slack does: each installed workspace has its own, other tokens share one', async () => {
    const { slack, client } = await start({ limits: { perMethodPerMinute: { 'chat.postMessage': 2 } } });
    const river = await installed(slack, 'T0RIVER');
    const hope = await installed(slack, 'T0HOPE');
    for (const c of [river, hope, client]) {
      await c.chat.postMessage({ channel: 'C0ROOM', text: '1' });
      await c.chat.postMessage({ channel: 'C0ROOM', text: '2' });
    }
    for (const c of [river, hope, client])
      expect((await failureOf(c.chat.postMessage({ channel: 'C0ROOM', text: '3' }))).code).toBe(webApi.ErrorCode.RateLimitedError);
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage').map((c) => c.workspace ?? 'other')).toEqual([
      'T0RIVER',
      'T0RIVER',
      'T0HOPE',
      'T0HOPE',
      'other',
      'other',
    ]);
    expect(slack.rateLimited.map((c) => c.workspace ?? 'other')).toEqual(['T0RIVER', 'T0HOPE', 'other']);
  });

  it('limits chat.postMessage per channel in any 1000 ms, with Retry-After until there is room', async () => {
    const { slack, client } = await start({ limits: { perChannelPerSecond: 2 } });
    await client.chat.postMessage({ channel: 'U0ALEX', text: '1' });
    await client.chat.postMessage({ channel: 'U0ALEX', text: '2' });
    const err = await failureOf(client.chat.postMessage({ channel: 'U0ALEX', text: '3' }));
    expect(err.code).toBe(webApi.ErrorCode.RateLimitedError);
    expect(err.retryAfter).toBe(1);
    // Another channel has its own window.
    await client.chat.postMessage({ channel: 'U0SAM', text: 'a' });
    await client.chat.postMessage({ channel: 'C0ROOM', text: 'b' });
    expect(slack.messagesIn('U0ALEX').map((m) => m.text)).toEqual(['1', '2']);
    expect(slack.rateLimited).toHaveLength(1);

    // The fake's windows run on Date.now(): move it past the window rather than wait.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 1001);
    await client.chat.postMessage({ channel: 'U0ALEX', text: '3' });
    expect(slack.messagesIn('DU0ALEX').map((m) => m.text)).toEqual(['1', '2', '3']);
  });

  it('limits can be switched on after setup', async () => {
    const { slack, client } = await start();
    for (let i = 0; i < 5; i++) await client.chat.postMessage({ channel: 'C0ROOM', text: `${i}` });
    slack.limits.perChannelPerSecond = 1;
    expect((await failureOf(client.chat.postMessage({ channel: 'C0ROOM', text: 'x' }))).code).toBe(webApi.ErrorCode.RateLimitedError);
  });

  it('opens DMs with the id chat.postMessage answers, and keeps metadata for history when asked for it', async () => {
    const { client } = await start();
    const opened = await client.conversations.open({ users: 'U0KIM' });
    expect(opened.channel?.id).toBe('DU0KIM');
    const first = await client.chat.postMessage({
      channel: 'U0KIM',
      text: 'Check-in #1 is open',
      metadata: { event_type: 'trellis_outgoing', event_payload: { id: 'out-1' } },
    });
    expect(first.channel).toBe('DU0KIM');
    const second = await client.chat.postMessage({
      channel: 'DU0KIM',
      text: 'Reminder',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Reminder' } }],
    });
    await client.chat.update({ channel: 'DU0KIM', ts: first.ts!, text: 'Answered' });

    const plain = await client.conversations.history({ channel: 'DU0KIM' });
    expect(plain.messages?.map((m) => m.text)).toEqual(['Reminder', 'Answered']);
    expect(plain.messages?.some((m) => 'metadata' in m)).toBe(false);

    const withMeta = await client.conversations.history({ channel: 'DU0KIM', include_all_metadata: true });
    expect(withMeta.messages?.[1]).toMatchObject({ ts: first.ts, metadata: { event_type: 'trellis_outgoing', event_payload: { id: 'out-1' } } });
    expect(withMeta.messages?.[0]?.metadata).toBeUndefined();

    expect((await client.conversations.history({ channel: 'DU0KIM', oldest: first.ts! })).messages?.map((m) => m.ts)).toEqual([second.ts]);
    expect((await client.conversations.history({ channel: 'DU0KIM', limit: 1 })).messages?.map((m) => m.ts)).toEqual([second.ts]);
    expect((await client.conversations.history({ channel: 'DU0SAM' })).messages).toEqual([]);
  });

  it('takes metadata in a JSON body as well as a form body', async () => {
    const { slack } = await start();
    const res = await fetch(`${slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${BOT_TOKEN}` },
      body: JSON.stringify({ channel: 'U0LEE', text: 'hi', metadata: { event_type: 'trellis_outgoing', event_payload: { id: 'out-2' } } }),
    });
    expect(await res.json()).toMatchObject({ ok: true, channel: 'DU0LEE' });
    expect(slack.messagesIn('U0LEE')).toMatchObject([{ text: 'hi', metadata: { event_type: 'trellis_outgoing', event_payload: { id: 'out-2' } } }]);
  });

  it('performs a call whose response is lost: the client sees an error, the message is in history', async () => {
    const { slack, client } = await start();
    slack.loseResponses.add('chat.postMessage');
    const err = await failureOf(
      client.chat.postMessage({ channel: 'U0PAT', text: 'lost answer', metadata: { event_type: 'trellis_outgoing', event_payload: { id: 'out-3' } } }),
    );
    expect(err.code).toBe(webApi.ErrorCode.RequestError);
    expect(slack.calls.find((c) => c.method === 'chat.postMessage')?.lost).toBe(true);
    slack.loseResponses.delete('chat.postMessage');
    const history = await client.conversations.history({ channel: 'DU0PAT', include_all_metadata: true });
    expect(history.messages).toMatchObject([{ text: 'lost answer', metadata: { event_payload: { id: 'out-3' } } }]);
  });

  it('answers slowly when told to', async () => {
    const { slack, client } = await start();
    slack.delayMs = 300;
    const started = Date.now();
    await client.auth.test();
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    const timing = new webApi.WebClient(BOT_TOKEN, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, timeout: 100, logLevel: webApi.LogLevel.ERROR });
    expect((await failureOf(timing.chat.postMessage({ channel: 'C0ROOM', text: 'too slow' }))).code).toBe(webApi.ErrorCode.RequestError);
    // Slow is not lost: the post happened.
    expect(slack.messagesIn('C0ROOM').map((m) => m.text)).toEqual(['too slow']);
  });
});
