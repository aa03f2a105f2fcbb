// Real Bot Framework authentication, end to end and offline: Trellis is
// configured with botbuilder's own settings pointing at a local token issuer
// (OpenID document + JWKS, tokens signed here with RS256) and a local sign-in
// authority (the token endpoint MSAL asks for the bot's outgoing tokens).
// Activities go to the real POST /api/messages; the fake connector records
// what the bot sends and the Authorization header it sends it with.
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../src/log.js';
import type { FakeMicrosoftIdentity } from './helpers/fake-microsoft-identity.js';
import type { FakeTeamsConnector } from './helpers/fake-teams-connector.js';
import { startSignedTeams, type SignedTeams } from './helpers/signed-teams.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';
import { type Activity, ALEX, bearer, CHANNEL, fixture, SAM, teamsRequests } from './helpers/teams-requests.js';

const APP_ID = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const APP_PASSWORD = 'local-test-app-password-0123456789';

let world: SignedTeams;
let identity: FakeMicrosoftIdentity;
let connector: FakeTeamsConnector;
let trellis: TestTrellis;

// Everything written to the console in this file: botbuilder must write nothing there.
const CONSOLE = ['debug', 'trace', 'log', 'info', 'warn', 'error'] as const;
const consoleCalls: string[] = [];

beforeAll(async () => {
  // Installed before Trellis starts, so these see whatever it lets through to the console.
  for (const method of CONSOLE)
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void consoleCalls.push(`${method}: ${args.map(String).join(' ')}`));
  world = await startSignedTeams({ appId: APP_ID, appPassword: APP_PASSWORD });
  ({ identity, connector, trellis } = world);
});
afterAll(async () => {
  await world?.close();
  vi.restoreAllMocks();
});

// Signed by the local issuer unless a test gives its own (forged) Authorization header.
const { inChannel, inPersonal, invoke, post } = teamsRequests(() => ({ trellis, connector, identity }));
/** A token for `activity` with `claims` and `options` changed: the forgeries below. */
const forged = (activity: Activity, claims?: Record<string, unknown>, options?: Parameters<FakeMicrosoftIdentity['token']>[1]) =>
  bearer(identity, activity, claims, options);

/** Posts a correctly signed activity; returns the one reply the bot sent. */
async function signed(activity: Activity) {
  const before = connector.sent.length;
  const res = await post(activity);
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
    const before = connector.sent.length;
    const role = inChannel(ALEX, 'role <at>Sam</at> critical-friend', [{ id: SAM.id, name: 'Sam' }]);
    expect((await post(role)).status).toBe(200);
    await trellis.drain();
    // The announcement in the channel and Sam's own note, from the outbox (whenever it sent them): not replies.
    const sent = connector.sent.slice(before);
    expect(sent.filter((s) => s.replyToId === role.id).map((s) => textOf(s))).toEqual([expect.stringContaining('Sam Patel is now a critical friend')]);
    const proactive = sent.filter((s) => s.replyToId !== role.id);
    expect(proactive.map((s) => textOf(s)).sort()).toEqual([
      expect.stringContaining('Sam Patel is now a critical friend of Signed Partnership (named by'),
      expect.stringContaining('You are now a critical friend of Signed Partnership'),
    ]);
    for (const s of proactive) {
      expect(s.replyToId).toBeUndefined();
      expect(issuedBearers()).toContain(s.authorization);
    }
    expect(connector.sent.every((s) => issuedBearers().includes(s.authorization!))).toBe(true);
  });

  it('answers a signed invoke (a dialog opened from a card) with its invoke response', async () => {
    const res = await post(invoke('task/fetch', SAM, fixture('task-fetch').value.data));
    expect(res.status).toBe(200);
    // A round Sam is not in: the dialog says so, as a message.
    expect(await res.json()).toEqual({ task: { type: 'message', value: expect.stringContaining("That check-in isn't one you can answer") } });
  });

  const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const hourAgo = () => Math.floor(Date.now() / 1000) - 3600;
  it.each<[string, (a: Activity) => string, ((a: Activity) => Activity)?]>([
    ['signed with another key (same key id)', (a) => forged(a, {}, { key: otherKey })],
    ['signed with another key (unknown key id)', (a) => forged(a, {}, { key: otherKey, kid: 'attacker-key' })],
    ['expired', (a) => forged(a, { iat: hourAgo() - 600, nbf: hourAgo() - 600, exp: hourAgo() })],
    ['for another audience', (a) => forged(a, { aud: 'another-bot-app-id' })],
    ['from another issuer', (a) => forged(a, { iss: 'https://login.evil.example/' })],
    ['with alg: none', (a) => forged(a, {}, { alg: 'none' })],
    // serviceUrl trust: replies go to the activity's serviceUrl, so the token must vouch for it.
    ['vouching for another serviceUrl', (a) => forged(a, { serviceurl: 'https://smba.trafficmanager.net/emea/' })],
    ['without a serviceUrl claim', (a) => forged(a, { serviceurl: undefined })],
    // The key is endorsed for msteams only.
    ['on an activity from a channel its key is not endorsed for', (a) => forged(a), (a) => ({ ...a, channelId: 'webchat' })],
  ])('refuses a token %s: 401 with an empty body, nothing acted on or sent, nothing on the console', async (_name, authorization, alter = (a) => a) => {
    await trellis.drain(); // what earlier tests queued has gone out, so the snapshot holds still
    const before = await trellis.data();
    const sent = connector.requests;
    const tokens = identity.tokenRequests.length;
    const printed = consoleCalls.length;
    const logged = trellis.logs.length;
    const activity = alter(inChannel(ALEX, 'setup Forged Partnership'));
    const header = authorization(activity);
    const res = await post(activity, { authorization: header });
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
      const res = await teamsRequests(() => ({ trellis: unreachable, connector, identity })).post(inChannel(ALEX, 'setup Unverified Partnership'));
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
