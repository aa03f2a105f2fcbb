// MicrosoftAppType=UserAssignedMSI through the real process: no password, the
// bot's outgoing tokens from the host's managed identity. While it gives none
// (no Azure IMDS on this machine; an identity not yet assigned to the host),
// Trellis serves, says so on /healthz and keeps asking; once it answers,
// replies and proactive messages carry its token. Incoming activities are
// signed by the local issuer, as in teams-auth.test.ts.
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeManagedIdentity, type FakeManagedIdentity } from './helpers/fake-managed-identity.js';
import { startFakeMicrosoftIdentity, type FakeMicrosoftIdentity } from './helpers/fake-microsoft-identity.js';
import { startFakeTeamsConnector, type FakeTeamsConnector } from './helpers/fake-teams-connector.js';
import { ALEX, SAM, teamsRequests } from './helpers/teams-requests.js';
import { freePort, health, STACK_FRAME, startProcess } from './helpers/trellis-process.js';
import { waitFor } from './helpers/wait-for.js';

// The managed identity's client id (what MICROSOFT_APP_ID is with UserAssignedMSI), and its tenant.
const CLIENT_ID = '7c1d4a2e-93b5-4f60-8e21-5d0a9c3b7e44';
const TENANT_ID = 'b3a1c2d4-0000-4e5f-8a9b-111122223333';
const SECRET = 'teams-msi-secret-0123456789abcdef0123456789';

let identity: FakeMicrosoftIdentity;
let msi: FakeManagedIdentity;
let connector: FakeTeamsConnector;

beforeAll(async () => {
  // The issuer's app id is the audience of incoming tokens: here, the managed identity's client id.
  identity = await startFakeMicrosoftIdentity({ appId: CLIENT_ID, appPassword: 'unused' });
  msi = await startFakeManagedIdentity({ clientId: CLIENT_ID });
  connector = await startFakeTeamsConnector();
});
afterAll(async () => {
  await connector?.close();
  await msi?.close();
  await identity?.close();
});

const textOf = (s: { activity: Record<string, unknown> }) => JSON.stringify(s.activity.attachments);

/** The process's settings: the managed identity's client id and tenant, no password. */
async function msiEnv(extra: Record<string, string> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'trellis-msi-'));
  const port = await freePort();
  const { MICROSOFT_APP_PASSWORD: _none, ...channelSettings } = identity.env;
  const env = {
    ...channelSettings,
    PORT: String(port),
    TRELLIS_DATA: join(dir, 'trellis.json'),
    TRELLIS_SECRET: SECRET,
    MICROSOFT_APP_ID: CLIENT_ID,
    MICROSOFT_APP_TENANT_ID: TENANT_ID,
    MicrosoftAppType: 'UserAssignedMSI',
    // Short waits between attempts: a test must not sit out minutes of backoff.
    TRELLIS_PLATFORM_RETRY_MAX_SECONDS: '0.2',
    ...extra,
  };
  return { dir, port, env };
}

const retries = (output: string) => output.split('the managed identity gives no token yet').length - 1;

describe('npm start with MicrosoftAppType=UserAssignedMSI', () => {
  it('off Azure (no IMDS to answer): starts without a password, /healthz degraded with the reason, retries, and stops cleanly', async () => {
    // No IDENTITY_ENDPOINT: botbuilder's credential asks the Azure Instance Metadata Service, which this machine has not.
    const { dir, port, env } = await msiEnv();
    const app = startProcess(env);
    try {
      const degraded = await waitFor(async () => (await health(port))?.problems?.[0]?.reason.includes('ManagedIdentityCredential') && health(port), 20_000);
      expect(degraded).toEqual({
        status: 'degraded',
        adapters: ['teams'],
        store: 'lowdb',
        problems: [{ adapter: 'teams', reason: expect.stringContaining(`no token from the managed identity ${CLIENT_ID} yet`) }],
      });
      await waitFor(() => retries(app.output()) > 3, 20_000);
      expect(app.child.exitCode).toBeNull();
      expect(app.output()).toContain('Trellis is listening');
      expect(app.output()).not.toMatch(STACK_FRAME);
    } finally {
      app.child.kill('SIGTERM');
    }
    expect(await app.exited).toBe(0);
    expect(existsSync(join(dir, 'trellis.json.lock'))).toBe(false);
  });

  it('on a host whose identity is assigned late: degraded and retrying until then, after which replies and proactive messages carry its token', async () => {
    const { dir, port, env } = await msiEnv(msi.env);
    const app = startProcess(env);
    // Signed by the local issuer; the server is a child process, so replies are awaited rather than drained.
    const { inChannel, inPersonal, post } = teamsRequests(() => ({ trellis: { url: `http://127.0.0.1:${port}` }, connector, identity }));
    try {
      const degraded = await waitFor(async () => (await health(port))?.problems?.[0]?.reason.includes('Identity not found') && health(port), 20_000);
      expect(degraded).toMatchObject({ status: 'degraded', adapters: ['teams'], store: 'lowdb' });
      expect(degraded.problems).toEqual([{ adapter: 'teams', reason: expect.stringContaining(`no token from the managed identity ${CLIENT_ID} yet`) }]);
      // It keeps asking (each attempt is botbuilder's own few tries), and the process lives on.
      await waitFor(() => retries(app.output()) > 3, 20_000);
      expect(app.child.exitCode).toBeNull();

      msi.assigned = true;
      const ok = await waitFor(async () => (await health(port))?.status === 'ok' && health(port), 20_000);
      expect(ok).toEqual({ status: 'ok', adapters: ['teams'], store: 'lowdb' });
      expect(app.output()).toContain('the managed identity gives tokens now');
      // Asked for this identity, for the Bot Framework's audience, with the host's header.
      expect(msi.requests[0]).toEqual({ clientId: CLIENT_ID, resource: identity.env.ToChannelFromBotOAuthScope, headerMatched: true });

      // A reply, then a proactive announcement in the channel: each with the managed identity's token.
      const bearers = () => msi.issued.map((t) => `Bearer ${t}`);
      const setup = inChannel(ALEX, 'setup Managed Partnership');
      expect((await post(setup)).status).toBe(200);
      const reply = connector.sent.at(-1)!;
      expect(reply.replyToId).toBe(setup.id);
      expect(textOf(reply)).toContain('Partnership created');
      expect(bearers()).toContain(reply.authorization);
      const code = /\b([A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec(textOf(reply))![1]!;
      expect((await post(inChannel(ALEX, 'org add City Council public'))).status).toBe(200);
      expect((await post(inPersonal(SAM, `join ${code} City Council`))).status).toBe(200);
      expect((await post(inChannel(ALEX, 'role <at>Sam</at> critical-friend', [{ id: SAM.id, name: 'Sam' }]))).status).toBe(200);
      // The announcement: posted by itself (no replyToId), after the turn, from the outbox.
      const announced = await waitFor(
        () => connector.sent.find((s) => !s.replyToId && textOf(s).includes('Sam Patel is now a critical friend of Managed Partnership')),
        10_000,
      );
      expect(bearers()).toContain(announced.authorization);
      expect(connector.sent.every((s) => bearers().includes(s.authorization!))).toBe(true);

      const out = app.output();
      expect(out).not.toMatch(STACK_FRAME);
      for (const t of msi.issued) expect(out).not.toContain(t);
      expect(out).not.toContain(msi.env.IDENTITY_HEADER);
    } finally {
      app.child.kill('SIGTERM');
    }
    expect(await app.exited).toBe(0);
    expect(existsSync(join(dir, 'trellis.json.lock'))).toBe(false);
  });
});
