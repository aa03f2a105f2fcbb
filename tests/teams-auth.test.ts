// Real Bot Framework authentication, end to end and offline: Trellis is
// configured with botbuilder's own settings pointing at a local token issuer
// (OpenID document + JWKS, tokens signed here with RS256) and a local sign-in
// authority (the token endpoint MSAL asks for the bot's outgoing tokens).
// Activities go to the real POST /api/messages; the fake connector records
// what the bot sends and the Authorization header it sends it with.
import { generateKeyPairSync } from 'node:crypto';
import { globalAgent } from 'node:https';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../src/log.js';
import { startFakeMicrosoftIdentity, type FakeMicrosoftIdentity } from './helpers/fake-microsoft-identity.js';
import { startFakeTeamsConnector, type FakeTeamsConnector } from './helpers/fake-teams-connector.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';
import { type Activity, fixture } from './helpers/teams-requests.js';

const APP_ID = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const APP_PASSWORD = 'local-test-app-password-0123456789';
const MESSAGE = fixture('channel-message-mention');
const CHANNEL = (MESSAGE.channelData as Activity).channel.id as string;
const ALEX = { id: MESSAGE.from.id as string, name: 'Alex Morgan' };
const SAM = { id: '29:1Vb7cQ2samPatelHealthTrust00000000000000000000000000000000000000000000000', name: 'Sam Patel' };

let identity: FakeMicrosoftIdentity;
let connector: FakeTeamsConnector;
let trellis: TestTrellis;
let seq = 0;

// Everything written to the console in this file: botbuilder must write nothing there.
const CONSOLE = ['debug', 'trace', 'log', 'info', 'warn', 'error'] as const;
const consoleCalls: string[] = [];
const previousCa = globalAgent.options.ca;

beforeAll(async () => {
  // Installed before Trellis starts, so these see whatever it lets through to the console.
  for (const method of CONSOLE)
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void consoleCalls.push(`${method}: ${args.map(String).join(' ')}`));
  identity = await startFakeMicrosoftIdentity({ appId: APP_ID, appPassword: APP_PASSWORD });
  // The authority's certificate is self-made: trusted here as NODE_EXTRA_CA_CERTS would for an operator.
  globalAgent.options.ca = identity.ca;
  connector = await startFakeTeamsConnector();
  trellis = await startTrellis(identity.env);
});
afterAll(async () => {
  await trellis?.close();
  await connector?.close();
  await identity?.close();
  globalAgent.options.ca = previousCa;
  vi.restoreAllMocks();
});

const post = (body: unknown, authorization?: string) =>
  fetch(`${trellis.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify(body),
  });

/** What Bot Framework signs for an activity: its serviceUrl rides in the token. */
const bearer = (activity: Activity, claims: Record<string, unknown> = {}, options?: Parameters<FakeMicrosoftIdentity['token']>[1]) =>
  `Bearer ${identity.token({ serviceurl: activity.serviceUrl, ...claims }, options)}`;

function inChannel(who: { id: string; name: string }, text: string, mentions: { id: string; name: string }[] = []): Activity {
  const id = `17410899${String(++seq).padStart(5, '0')}`;
  const m = structuredClone(MESSAGE);
  return {
    ...m,
    id,
    serviceUrl: connector.serviceUrl,
    from: { ...m.from, id: who.id, name: who.name },
    conversation: { ...m.conversation, id: `${CHANNEL};messageid=${id}` },
    text: `<at>Trellis</at> ${text}`,
    entities: [...m.entities, ...mentions.map((p) => ({ type: 'mention', text: `<at>${p.name}</at>`, mentioned: p }))],
  };
}

function inPersonal(who: { id: string; name: string }, text: string): Activity {
  const m = fixture('personal-message');
  return {
    ...m,
    id: `pa${++seq}`,
    serviceUrl: connector.serviceUrl,
    from: { ...m.from, id: who.id, name: who.name },
    conversation: { ...m.conversation, id: `a:personal-${who.id}` },
    text,
  };
}

/** Posts a correctly signed activity; returns the one reply the bot sent. */
async function signed(activity: Activity) {
  const before = connector.sent.length;
  const res = await post(activity, bearer(activity));
  expect(res.status).toBe(200);
  const replies = connector.sent.slice(before);
  expect(replies).toHaveLength(1);
  return replies[0]!;
}

const textOf = (s: { activity: Record<string, unknown> }) => JSON.stringify(s.activity.attachments);
const issuedBearers = () => identity.issued.map((t) => `Bearer ${t}`);

describe('Teams with real Bot Framework authentication (local issuer and token endpoint)', () => {
  let code = '';

  it('accepts a correctly signed token: the bot acts, and replies with a bearer token from the token endpoint', async () => {
    const activity = inChannel(ALEX, 'setup Signed Partnership');
    const reply = await signed(activity);
    expect(reply.replyToId).toBe(activity.id);
    expect(textOf(reply)).toContain('Partnership created');
    expect((await trellis.store.partnershipByHome('teams', CHANNEL))?.name).toBe('Signed Partnership');
    code = /\b([A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec(textOf(reply))![1]!;
    // The token Trellis sent is one the local endpoint issued, to this app, for the configured scope.
    expect(issuedBearers()).toContain(reply.authorization);
    expect(identity.tokenRequests[0]).toEqual({
      clientId: APP_ID,
      secretMatched: true,
      scope: 'https://api.botframework.test/.default',
      grantType: 'client_credentials',
    });
  });

  it('sends proactive messages (an announcement in the channel, after the turn) with a bearer token from the token endpoint', async () => {
    await signed(inChannel(ALEX, 'org add City Council public'));
    const joined = await signed(inPersonal(SAM, `join ${code} City Council`));
    expect(textOf(joined)).toContain('Welcome to **Signed Partnership**');
    await signed(inChannel(ALEX, 'role <at>Sam</at> critical-friend', [{ id: SAM.id, name: 'Sam' }]));
    const before = connector.sent.length;
    await trellis.drain();
    const proactive = connector.sent.slice(before);
    expect(proactive.map((s) => textOf(s))).toEqual([expect.stringContaining('Sam Patel is now a critical friend of Signed Partnership')]);
    expect(proactive[0]!.replyToId).toBeUndefined();
    expect(issuedBearers()).toContain(proactive[0]!.authorization);
    expect(connector.sent.every((s) => issuedBearers().includes(s.authorization!))).toBe(true);
  });

  it('answers a signed invoke (a dialog opened from a card) with its invoke response', async () => {
    const invoke = { ...fixture('task-fetch'), id: `f${++seq}`, serviceUrl: connector.serviceUrl, from: { id: SAM.id, name: SAM.name } };
    const res = await post(invoke, bearer(invoke));
    expect(res.status).toBe(200);
    // A round Sam is not in: the dialog says so, as a message.
    expect(await res.json()).toEqual({ task: { type: 'message', value: expect.stringContaining("That check-in isn't one you can answer") } });
  });

  const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const hourAgo = () => Math.floor(Date.now() / 1000) - 3600;
  it.each<[string, (a: Activity) => string, ((a: Activity) => Activity)?]>([
    ['signed with another key (same key id)', (a) => bearer(a, {}, { key: otherKey })],
    ['signed with another key (unknown key id)', (a) => bearer(a, {}, { key: otherKey, kid: 'attacker-key' })],
    ['expired', (a) => bearer(a, { iat: hourAgo() - 600, nbf: hourAgo() - 600, exp: hourAgo() })],
    ['for another audience', (a) => bearer(a, { aud: 'another-bot-app-id' })],
    ['from another issuer', (a) => bearer(a, { iss: 'https://login.evil.example/' })],
    ['with alg: none', (a) => bearer(a, {}, { alg: 'none' })],
    // serviceUrl trust: replies go to the activity's serviceUrl, so the token must vouch for it.
    ['vouching for another serviceUrl', (a) => bearer(a, { serviceurl: 'https://smba.trafficmanager.net/emea/' })],
    ['without a serviceUrl claim', (a) => bearer(a, { serviceurl: undefined })],
    // The key is endorsed for msteams only.
    ['on an activity from a channel its key is not endorsed for', (a) => bearer(a), (a) => ({ ...a, channelId: 'webchat' })],
  ])('refuses a token %s: 401 with an empty body, nothing acted on or sent, nothing on the console', async (_name, authorization, alter = (a) => a) => {
    await trellis.drain(); // what earlier tests queued has gone out, so the snapshot holds still
    const before = await trellis.data();
    const sent = connector.requests;
    const tokens = identity.tokenRequests.length;
    const printed = consoleCalls.length;
    const logged = trellis.logs.length;
    const activity = alter(inChannel(ALEX, 'setup Forged Partnership'));
    const header = authorization(activity);
    const res = await post(activity, header);
    expect(res.status).toBe(401);
    expect(await res.text()).toBe('');
    await new Promise((r) => setTimeout(r, 100));
    expect(connector.requests).toBe(sent);
    expect(identity.tokenRequests.length).toBe(tokens);
    expect(await trellis.data()).toBe(before);
    expect(consoleCalls.slice(printed)).toEqual([]);
    // Said once in Trellis's log, without the token.
    const lines = trellis.logs.slice(logged).join('\n');
    expect(lines).toContain('Teams request refused: not authenticated');
    expect(lines).not.toContain(header.slice('Bearer '.length));
  });

  it('answers 503 with an empty body when the signing keys cannot be fetched, and acts on nothing', async () => {
    const unreachable = await startTrellis({ ...identity.env, ToBotFromChannelOpenIdMetadataUrl: 'http://127.0.0.1:1/.well-known/openid-configuration' });
    try {
      const printed = consoleCalls.length;
      const activity = inChannel(ALEX, 'setup Unverified Partnership');
      const res = await fetch(`${unreachable.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: bearer(activity) },
        body: JSON.stringify(activity),
      });
      expect(res.status).toBe(503);
      expect(await res.text()).toBe('');
      expect(await unreachable.store.partnershipByHome('teams', CHANNEL)).toBeUndefined();
      expect(consoleCalls.slice(printed)).toEqual([]);
      expect(unreachable.logs.join('\n')).toContain('Teams request not checked: the signing keys could not be fetched');
    } finally {
      await unreachable.close();
    }
  });

  it('masks a JWT that reaches the log by any path, as it does Slack tokens', () => {
    const lines: string[] = [];
    const token = identity.token({ serviceurl: connector.serviceUrl });
    createLogger({ level: 'debug', write: (l) => lines.push(l) }).warn(`header was Bearer ${token}`, { authorization: `Bearer ${token}` });
    expect(lines.join('\n')).not.toContain(token.split('.')[1]);
    expect(lines.join('\n')).toContain('Bearer [token]');
  });

  it('never writes the app password or a bearer token to the log', () => {
    const all = trellis.logs.join('\n');
    expect(all).not.toContain(APP_PASSWORD);
    for (const t of identity.issued) expect(all).not.toContain(t);
    expect(consoleCalls).toEqual([]);
  });
});
