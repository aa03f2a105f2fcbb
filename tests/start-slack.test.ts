// Start-up against a Slack that refuses the token or cannot be reached, through
// the real process: a refused token stops start-up with a message (no stack
// trace, lock released); an unreachable Slack leaves everything else serving,
// /healthz degraded, and Trellis retrying until Slack answers.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startFakeSlack } from './helpers/fake-slack.js';
import { startFakeTeamsConnector } from './helpers/fake-teams-connector.js';
import { BOT_TOKEN, SIGNING_SECRET } from './helpers/slack-requests.js';
import { freePort, health, STACK_FRAME, startProcess } from './helpers/trellis-process.js';
import { waitFor } from './helpers/wait-for.js';

const SECRET = 'start-slack-secret-0123456789abcdef0123456789';

const slackEnv = async (apiUrl: string) => {
  const dir = await mkdtemp(join(tmpdir(), 'trellis-start-slack-'));
  return {
    dir,
    env: {
      PORT: String(await freePort()),
      TRELLIS_DATA: join(dir, 'trellis.json'),
      TRELLIS_SECRET: SECRET,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: apiUrl,
      // Short waits between attempts: a test must not sit out minutes of backoff.
      TRELLIS_PLATFORM_RETRY_MAX_SECONDS: '0.2',
    },
  };
};

describe('npm start with a Slack that refuses the token', () => {
  it.each(['invalid_auth', 'account_inactive', 'token_revoked'])(
    '%s: stops with one paragraph naming SLACK_BOT_TOKEN and the fix, no stack trace, lock released',
    async (code) => {
      const slack = await startFakeSlack();
      slack.fail.set('auth.test', code);
      try {
        const { dir, env } = await slackEnv(slack.apiUrl);
        const app = startProcess(env);
        expect(await app.exited).toBe(1);
        const out = app.output();
        const message = out
          .trim()
          .split('\n')
          .filter((l) => !l.startsWith('{')); // what is not a JSON log line
        expect(message).toHaveLength(1);
        expect(message[0]).toContain(`Slack refused SLACK_BOT_TOKEN (${code})`);
        expect(message[0]).toContain('OAuth & Permissions');
        expect(out).not.toMatch(STACK_FRAME);
        expect(out).not.toContain('WebAPI');
        expect(out).not.toContain('Trellis is listening');
        expect(out).not.toContain(BOT_TOKEN);
        expect(existsSync(join(dir, 'trellis.json.lock'))).toBe(false);
        expect(slack.calls.filter((c) => c.method === 'auth.test')).toHaveLength(1); // refused is refused: not retried
      } finally {
        await slack.close();
      }
    },
  );
});

// Waits are hang guards, not speed limits: under the whole suite a tsx start can take tens of seconds.
describe('npm start with a Slack that cannot be reached', () => {
  it('keeps serving Teams and /healthz (degraded, with the reason), retries, and is ok once Slack answers', async () => {
    const slackPort = await freePort(); // nothing listens here until Slack "comes back"
    const connector = await startFakeTeamsConnector();
    const { dir, env } = await slackEnv(`http://127.0.0.1:${slackPort}/api/`);
    const app = startProcess({ ...env, TEAMS_ALLOW_UNAUTHENTICATED: 'true' });
    let slack: Awaited<ReturnType<typeof startFakeSlack>> | undefined;
    try {
      const port = Number(env.PORT);
      const degraded = await waitFor(async () => (await health(port))?.status === 'degraded' && health(port), 60_000);
      expect(degraded).toMatchObject({ status: 'degraded', adapters: ['slack', 'teams'], store: 'lowdb' });
      expect(degraded.problems).toEqual([{ adapter: 'slack', reason: expect.stringContaining('ECONNREFUSED') }]);
      expect(degraded.problems![0]!.reason).toContain('Slack cannot be reached');
      // Retries go on, and the process with them (no unhandled rejection ends it).
      await waitFor(() => app.output().split('Slack cannot be reached').length > 4, 60_000);
      expect(app.child.exitCode).toBeNull();

      // Teams is served meanwhile.
      const personal = JSON.parse(readFileSync('tests/fixtures/teams/personal-message.json', 'utf8')) as Record<string, unknown>;
      const res = await fetch(`http://127.0.0.1:${port}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...personal, id: 'p-while-slack-down', serviceUrl: connector.serviceUrl, text: 'help' }),
      });
      expect(res.status).toBe(200);
      expect(connector.sent).toHaveLength(1);

      slack = await startFakeSlack({ port: slackPort });
      const ok = await waitFor(async () => (await health(port))?.status === 'ok' && health(port), 60_000);
      expect(ok).toEqual({ status: 'ok', adapters: ['slack', 'teams'], store: 'lowdb' });
      expect(app.output()).toContain('Slack answers again');
      expect(app.output()).not.toMatch(STACK_FRAME);
      expect(app.output()).not.toContain(BOT_TOKEN);
    } finally {
      app.child.kill('SIGTERM');
      await slack?.close();
      await connector.close();
    }
    expect(await app.exited).toBe(0);
    expect(existsSync(join(dir, 'trellis.json.lock'))).toBe(false);
  });
});

describe('npm start in Socket Mode with a Slack that cannot be reached', () => {
  it('keeps running, degraded on both the Web API and the socket, and stops cleanly', async () => {
    const { dir, env } = await slackEnv(`http://127.0.0.1:${await freePort()}/api/`);
    const app = startProcess({ ...env, SLACK_APP_TOKEN: 'xapp-1-A0-1-socketsecretvalue' });
    try {
      const port = Number(env.PORT);
      const degraded = await waitFor(async () => ((await health(port))?.problems?.length ?? 0) >= 2 && health(port), 60_000);
      expect(degraded.status).toBe('degraded');
      expect(degraded.problems!.map((p) => p.reason)).toEqual([
        expect.stringContaining('Slack cannot be reached'),
        expect.stringContaining('Slack Socket Mode is not connected'),
      ]);
      await waitFor(() => app.output().split('Slack Socket Mode is not connected').length > 4, 60_000);
      expect(app.child.exitCode).toBeNull();
      expect(app.output()).not.toMatch(STACK_FRAME);
      expect(app.output()).not.toContain('socketsecretvalue');
    } finally {
      app.child.kill('SIGTERM');
    }
    expect(await app.exited).toBe(0);
    expect(existsSync(join(dir, 'trellis.json.lock'))).toBe(false);
  });
});

describe('npm start as a distributed Slack app (OAuth)', () => {
  it('starts without a bot token (no auth.test), serves the install page, keeps the client and state secrets out of its output', async () => {
    const slack = await startFakeSlack();
    const { dir, env } = await slackEnv(slack.apiUrl);
    const { SLACK_BOT_TOKEN: _, ...rest } = env;
    const app = startProcess({
      ...rest,
      SLACK_CLIENT_ID: '1111.2222',
      SLACK_CLIENT_SECRET: 'clientsecretvalue-0123',
      SLACK_STATE_SECRET: 'statesecretvalue-0123456789',
      LOG_LEVEL: 'debug',
    });
    try {
      const port = Number(env.PORT);
      expect(await waitFor(() => health(port), 60_000)).toEqual({ status: 'ok', adapters: ['slack'], store: 'lowdb' });
      const page = await fetch(`http://127.0.0.1:${port}/slack/install`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain(`${slack.authorizeUrl}?`);
      // A callback with a forged state: refused with 400, logged without the secrets.
      const forged = await fetch(`http://127.0.0.1:${port}/slack/oauth_redirect?code=x&state=forged`);
      expect(forged.status).toBe(400);
      expect(slack.calls).toEqual([]);
      expect(app.output()).not.toMatch(/clientsecretvalue|statesecretvalue/);
    } finally {
      app.child.kill('SIGTERM');
      await slack.close();
    }
    expect(await app.exited).toBe(0);
    expect(existsSync(join(dir, 'trellis.json.lock'))).toBe(false);
  });
});

describe('unhandled rejections', () => {
  const files = (d: string): string[] =>
    readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(d, e.name)) : e.name.endsWith('.ts') ? [join(d, e.name)] : []));

  it('no code installs a handler that would hide one (they must stay crashes, caught by the tests above)', () => {
    const hiding = files('src').filter((f) =>
      /process\.(on|once|addListener|prependListener)\(\s*['"](unhandledRejection|uncaughtException)/.test(readFileSync(f, 'utf8')),
    );
    expect(hiding).toEqual([]);
  });
});
