// Input that passes authentication but is not what the platform sends gets a
// 4xx (or, for kinds the platform may send and Trellis ignores, the empty 200
// it expects) and changes nothing. Signed Slack requests and Teams activities
// into the real server.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from './helpers/fake-slack.js';
import { BOT_TOKEN, SIGNING_SECRET, event, fixture, form, sign } from './helpers/slack-requests.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';

let slack: FakeSlack;
let trellis: TestTrellis;

const signedForm = (body: string) =>
  fetch(`${trellis.url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...sign(body) }, body });
const activity = (body: unknown) =>
  fetch(`${trellis.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const teams = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/teams/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;

beforeAll(async () => {
  slack = await startFakeSlack();
  trellis = await startTrellis({
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    TEAMS_ALLOW_UNAUTHENTICATED: 'true',
  });
});
afterAll(async () => {
  await trellis?.close();
  await slack?.close();
});

describe('signed but malformed Slack requests', () => {
  const clickWithoutUser = () => {
    const { user: _user, ...click } = fixture<Record<string, unknown>>('block-actions') as Record<string, unknown>;
    return { ...click, response_url: slack.responseUrl('no-user') };
  };
  const cases: [string, () => Promise<Response>][] = [
    ['payload=null', () => signedForm('payload=null')],
    ['a view_submission with nothing else', () => signedForm(form({ payload: JSON.stringify({ type: 'view_submission' }) }))],
    ['an event_callback whose event is null', () => event(trellis.url, { ...fixture<Record<string, unknown>>('app-home-opened'), event: null })],
    ['block actions without a user', () => signedForm(form({ payload: JSON.stringify(clickWithoutUser()) }))],
    ['a payload that is a JSON array', () => signedForm(form({ payload: '[1,2]' }))],
    ['a payload that is not JSON', () => signedForm(form({ payload: '{"type":' }))],
    ['a slash command without its user', () => signedForm(form({ ...fixture<Record<string, string>>('slash-command'), user_id: '' }))],
    ['a JSON body that is a string', () => event(trellis.url, 'event_callback')],
  ];

  it.each(cases)('%s gets 400 and changes nothing', async (_name, send) => {
    await trellis.drain();
    const before = await trellis.data();
    const res = await send();
    expect(res.status).toBe(400);
    expect(await trellis.data()).toBe(before);
    expect(await trellis.claims()).toEqual([]);
  });

  it('kinds Slack may send and Trellis has no use for get the empty 200 (a modal not ours, view_closed, a shortcut)', async () => {
    const base = fixture<{ view: Record<string, unknown> } & Record<string, unknown>>('view-submission');
    for (const payload of [
      { ...base, view: { ...base.view, callback_id: 'another-app' } },
      { ...base, type: 'view_closed' },
      { type: 'shortcut', user: { id: 'U1' }, trigger_id: 't1', callback_id: 'x' },
    ]) {
      const res = await signedForm(form({ payload: JSON.stringify(payload) }));
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('');
    }
  });

  it('an unsigned request is still refused with 401, malformed or not', async () => {
    const res = await fetch(`${trellis.url}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'payload=null',
    });
    expect(res.status).toBe(401);
  });
});

describe('malformed Teams activities', () => {
  const personal = () => ({ ...teams('personal-message'), serviceUrl: 'http://127.0.0.1:9/' });
  const cases: [string, () => unknown][] = [
    ['no id', () => ({ ...personal(), id: undefined })],
    ['from: null', () => ({ ...personal(), from: null })],
    ['a numeric conversation id', () => ({ ...personal(), conversation: { id: 42 } })],
    ['entities that are not objects', () => ({ ...personal(), entities: [null] })],
    // A Teams id names a person only within its tenant.
    ['no tenant', () => ({ ...personal(), conversation: { ...(personal() as { conversation?: object }).conversation, tenantId: undefined }, channelData: {} })],
  ];
  it.each(cases)('%s gets 400 and changes nothing', async (_name, body) => {
    await trellis.drain();
    const before = await trellis.data();
    expect((await activity(body())).status).toBe(400);
    expect(await trellis.data()).toBe(before);
  });
});
