// The Slack messenger in distributed mode, against the fake Slack over HTTP:
// each send, update and lookup carries the token of its own workspace, each
// workspace has its own rate-limit buckets, and once a workspace's installation
// is gone (uninstalled) a queued send or update for it fails for good — never
// retried, never sent with a token — and its people count as unreachable.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackMessenger } from '../src/adapters/slack/slack-messenger.js';
import { DeliveryFailure } from '../src/delivery/delivery-failure.js';
import { createLogger } from '../src/log.js';
import { info } from '../src/core/message.js';
import { startFakeSlack, type FakeSlack } from './helpers/fake-slack.js';

const TOKENS = new Map([
  ['T0RIVER', 'xoxb-river-0001'],
  ['T0HOPE', 'xoxb-hope-0002'],
]);
let slack: FakeSlack;
const messenger = () =>
  slackMessenger(async (w) => TOKENS.get(w), slack.apiUrl, createLogger({ level: 'error', write: () => undefined }), { postsPerSecond: 5 });

beforeAll(async () => {
  slack = await startFakeSlack();
});
afterAll(async () => {
  await slack.close();
});

describe('Slack messenger across workspaces', () => {
  it("sends, updates and looks up with each workspace's own token, paced per workspace", async () => {
    const m = messenger();
    const river = await m.send('private', { workspace: 'T0RIVER', id: 'U0SAM' }, info('Hello'), 'tag-river');
    const hope = await m.send('private', { workspace: 'T0HOPE', id: 'U0SAM' }, info('Hello'), 'tag-hope');
    await m.update(hope, info('Answered'));
    expect(await m.find!('private', { workspace: 'T0RIVER', id: 'U0SAM' }, 'tag-river', new Date(0))).toMatchObject({ workspace: 'T0RIVER' });
    expect(river).toMatchObject({ platform: 'slack', workspace: 'T0RIVER' });
    expect(slack.calls.map((c) => `${c.method} ${c.token}`)).toEqual([
      'chat.postMessage xoxb-river-0001',
      'chat.postMessage xoxb-hope-0002',
      'chat.update xoxb-hope-0002',
      'conversations.open xoxb-river-0001',
      'conversations.history xoxb-river-0001',
    ]);
    const keys = (w: string) => m.buckets('send', 'private', { workspace: w, id: 'U0SAM' }).map((b) => b.key);
    expect(keys('T0RIVER').some((k) => keys('T0HOPE').includes(k))).toBe(false);
  });

  it('fails a send or update for a workspace whose installation is gone for good, calling nothing; its people are unreachable', async () => {
    const m = messenger();
    const sent = await m.send('private', { workspace: 'T0HOPE', id: 'U0SAM' }, info('Hello'), 'tag-before');
    TOKENS.delete('T0HOPE');
    const before = slack.calls.length;
    expect(await m.reachable('private', { workspace: 'T0HOPE', id: 'U0SAM' })).toBe(false);
    expect(await m.reachable('private', { workspace: 'T0RIVER', id: 'U0SAM' })).toBe(true);
    for (const attempt of [m.send('private', { workspace: 'T0HOPE', id: 'U0SAM' }, info('Reminder'), 'tag-after'), m.update(sent, info('Thanks'))]) {
      const err = await attempt.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(DeliveryFailure);
      expect(err).toMatchObject({ kind: 'permanent', message: expect.stringContaining('not installed in this Slack workspace') });
    }
    expect(slack.calls.slice(before)).toEqual([]);
  });
});
