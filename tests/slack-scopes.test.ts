// The Slack app as its manifest installs it: a fake Slack that grants only the
// manifest's bot scopes, refuses the rest (`missing_scope`) and holds the bot to
// the channels it is in, as Slack does. A home channel the bot was never invited
// to still gets its posts (Trellis joins a public channel first), and a post whose
// answer was lost is found in the channel's history instead of being marked failed.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startFakeSlack, type FakeSlack } from './helpers/fake-slack.js';
import { outgoingOf } from './helpers/outbox.js';
import { slackCommands } from './helpers/slack-commands.js';
import { BOT_TOKEN, SIGNING_SECRET } from './helpers/slack-requests.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';
import { waitFor } from './helpers/wait-for.js';

const MANIFEST = parseYaml(readFileSync(new URL('../manifests/slack/manifest.yaml', import.meta.url), 'utf8')) as {
  oauth_config: { scopes: { bot: string[] } };
};
const SCOPES = MANIFEST.oauth_config.scopes.bot;

const ALEX = { user_id: 'U0ALEX', user_name: 'alex' };
const SAM = { user_id: 'U0SAM', user_name: 'sam' };
const KIM = { user_id: 'U0KIM', user_name: 'kim' };
const PUBLIC = { channel_id: 'C0RIVER', channel_name: 'riverside' };
const PRIVATE = { channel_id: 'C0SECRET', channel_name: 'privategroup' };
const dm = (who: { user_id: string }) => ({ channel_id: `D${who.user_id}`, channel_name: 'directmessage' });

let slack: FakeSlack;
let trellis: TestTrellis;
const { run } = slackCommands(() => ({ trellis, slack }));

const code = (text: string) => /\b([A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec(text)![1]!;
const postsTo = (channel: string, from = 0) => slack.calls.slice(from).filter((c) => c.method === 'chat.postMessage' && c.body.channel === channel);

beforeAll(async () => {
  slack = await startFakeSlack({ scopes: SCOPES, privateChannels: [PRIVATE.channel_id] });
  for (const [id, name] of [
    ['U0ALEX', 'Alex Morgan'],
    ['U0SAM', 'Sam Patel'],
    ['U0KIM', 'Kim Osei'],
  ])
    slack.users.set(id!, name!);
  trellis = await startTrellis({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl });
});
afterAll(async () => {
  await trellis?.close();
  await slack?.close();
});

describe('Slack with exactly the manifest’s scopes', () => {
  it('refuses what the scopes do not cover (so the checks below are not vacuous)', async () => {
    const res = (await (await fetch(`${slack.apiUrl}conversations.info`, { method: 'POST', body: new URLSearchParams({ channel: 'C0RIVER' }) })).json()) as {
      ok: boolean;
    };
    expect(res.ok).toBe(true); // a method the fake does not gate
    const bare = await startFakeSlack({ scopes: ['chat:write'] });
    const history = (await (
      await fetch(`${bare.apiUrl}conversations.history`, { method: 'POST', body: new URLSearchParams({ channel: 'C0RIVER' }) })
    ).json()) as Record<string, unknown>;
    expect(history).toMatchObject({ ok: false, error: 'missing_scope', needed: 'channels:history' });
    const post = (await (
      await fetch(`${bare.apiUrl}chat.postMessage`, { method: 'POST', body: new URLSearchParams({ channel: 'C0RIVER', text: 'hi' }) })
    ).json()) as Record<string, unknown>;
    expect(post).toMatchObject({ ok: false, error: 'not_in_channel' });
    await bare.close();
  });

  it('posts to a public home channel it was never invited to: it joins first', async () => {
    const invite = code((await run(ALEX, PUBLIC, 'setup Riverside Partnership')).text);
    await run(SAM, dm(SAM), `join ${invite} independent`);
    await run(KIM, dm(KIM), `join ${invite} independent`);
    expect(slack.botChannels.has(PUBLIC.channel_id)).toBe(false);
    // Naming a critical friend is announced in the home channel.
    expect((await run(ALEX, PUBLIC, 'role <@U0SAM|sam> critical-friend')).text).toContain('Sam Patel is now a critical friend');
    await trellis.drain();
    expect(slack.calls.some((c) => c.method === 'conversations.join' && c.body.channel === PUBLIC.channel_id)).toBe(true);
    const announced = slack.messagesIn(PUBLIC.channel_id);
    expect(announced.map((m) => m.text)).toEqual([expect.stringContaining('Sam Patel')]);
    expect(trellis.logs.join('\n')).not.toMatch(/Outgoing message dropped/);
  });

  it('finds a channel post whose answer was lost in the channel’s history, and marks it sent, not failed', async () => {
    const mark = slack.calls.length;
    slack.loseResponses.add('chat.postMessage');
    await run(ALEX, PUBLIC, 'role <@U0KIM|kim> critical-friend');
    const lost = await waitFor(() => postsTo(PUBLIC.channel_id, mark).find((c) => c.lost));
    slack.loseResponses.delete('chat.postMessage');
    const outgoing = outgoingOf(lost)!;
    // The dispatcher looks before it sends again (conversations.history needs channels:history).
    const settled = await waitFor(async () => {
      const o = await trellis.store.outgoing(outgoing);
      return o && (o.status === 'sent' || o.status === 'failed') && o;
    }, 15_000);
    expect(settled, JSON.stringify(settled)).toMatchObject({ status: 'sent' });
    const looked = slack.calls.slice(mark).filter((c) => c.method === 'conversations.history' && c.body.channel === PUBLIC.channel_id);
    expect(looked.length).toBeGreaterThan(0);
    expect(looked.every((c) => c.result?.ok === true)).toBe(true);
    // Exactly once in the channel.
    expect(slack.messagesIn(PUBLIC.channel_id).filter((m) => m.metadata?.event_payload.outgoing === outgoing)).toHaveLength(1);
  }, 20_000);

  it('says how to invite it to a private home channel it cannot join', async () => {
    const invite = code((await run(ALEX, PRIVATE, 'setup Quiet Partnership')).text);
    await run(SAM, dm(SAM), `join ${invite} independent`);
    await run(ALEX, PRIVATE, 'role <@U0SAM|sam> critical-friend');
    await trellis.drain();
    expect(slack.messagesIn(PRIVATE.channel_id)).toEqual([]);
    expect(trellis.logs.join('\n')).toMatch(/Outgoing message dropped.*channel_not_found.*\/invite @trellis/);
  });
});
