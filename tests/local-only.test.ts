// Local-only modes stay local: the playground and TEAMS_ALLOW_UNAUTHENTICATED=true
// listen on loopback, answer only loopback Host names (a DNS-rebinding page
// sends its own), and unauthenticated Teams sends nothing off this machine.
import { request } from 'node:http';
import { chatKey } from './helpers/teams-requests.js';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeTeamsConnector, type FakeTeamsConnector } from './helpers/fake-teams-connector.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';
import { BOT_TOKEN, SIGNING_SECRET, fixture, sign } from './helpers/slack-requests.js';
import { startFakeSlack, type FakeSlack } from './helpers/fake-slack.js';

/** A raw request with the Host header we choose (fetch will not forge one). */
function send(base: string, path: string, host: string, body?: unknown): Promise<{ status: number; text: string }> {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      { host: '127.0.0.1', port, path, method: data ? 'POST' : 'GET', headers: { Host: host, ...(data ? { 'content-type': 'application/json' } : {}) } },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, text }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

const FOREIGN_HOSTS = ['evil.example', 'evil.example:3000', 'localhost.evil.example', '127.0.0.1.nip.io', '10.0.0.5:3000', '0.0.0.0:3000', '[::2]'];
const LOOPBACK_HOSTS = ['localhost', 'LOCALHOST:3000', '127.0.0.1', '127.0.0.1:8080', '[::1]', '[::1]:3000'];

const listensOnLoopback = (t: TestTrellis) => expect((t.server.address() as AddressInfo).address).toBe('127.0.0.1');

describe('the playground', () => {
  let t: TestTrellis;
  beforeAll(async () => {
    t = await startTrellis();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('listens on the loopback interface only', () => listensOnLoopback(t));

  it('answers loopback Host names with any port', async () => {
    for (const host of LOOPBACK_HOSTS) expect((await send(t.url, '/healthz', host)).status, host).toBe(200);
  });

  it('refuses every other Host with 403 and a message, page and API alike, and acts on nothing', async () => {
    for (const host of FOREIGN_HOSTS) {
      for (const path of ['/', '/app.js', '/healthz', '/playground/personas']) {
        const res = await send(t.url, path, host);
        expect(res.status, `${host}${path}`).toBe(403);
        expect(res.text).toContain('answers only requests addressed to localhost, 127.0.0.1 or [::1]');
      }
      const res = await send(t.url, '/playground/command', host, { persona: 'alex', text: 'setup Rebound', where: 'channel' });
      expect(res.status).toBe(403);
    }
    expect(await t.store.partnerships()).toHaveLength(0);
  });
});

describe('unauthenticated Teams', () => {
  let t: TestTrellis;
  let connector: FakeTeamsConnector;
  const activity = JSON.parse(readFileSync(new URL('./fixtures/teams/personal-message.json', import.meta.url), 'utf8')) as Record<string, unknown>;
  beforeAll(async () => {
    connector = await startFakeTeamsConnector();
    t = await startTrellis({ TEAMS_ALLOW_UNAUTHENTICATED: 'true' });
  });
  afterAll(async () => {
    await t?.close();
    await connector?.close();
  });

  it('listens on the loopback interface only', () => listensOnLoopback(t));

  it('replies to an activity whose serviceUrl is on this machine', async () => {
    const before = connector.requests;
    const res = await send(t.url, '/api/messages', 'localhost', { ...activity, serviceUrl: connector.serviceUrl, text: 'help' });
    expect(res.status).toBe(200);
    expect(connector.requests).toBe(before + 1);
  });

  it('refuses a forged activity pointing anywhere else with 403, and sends nothing', async () => {
    const port = new URL(connector.serviceUrl).port;
    // 0.0.0.0 and a userinfo trick still reach this machine's fake, so a send would be seen.
    for (const serviceUrl of [
      `http://0.0.0.0:${port}/`,
      `http://localhost@0.0.0.0:${port}/`,
      'https://smba.trafficmanager.net/emea/',
      'file:///etc/passwd',
      undefined,
    ]) {
      const before = connector.requests;
      const res = await send(t.url, '/api/messages', 'localhost', { ...activity, serviceUrl, text: 'help' });
      if (serviceUrl === undefined) {
        // No serviceUrl at all is not an activity: refused as malformed before anything else.
        expect(res.status).toBe(400);
      } else {
        expect(res.status, String(serviceUrl)).toBe(403);
        expect(JSON.parse(res.text)).toEqual({
          error:
            'TEAMS_ALLOW_UNAUTHENTICATED=true accepts only activities whose serviceUrl is on this machine (localhost, 127.0.0.1 or [::1]); nothing was sent.',
        });
      }
      await t.drain();
      expect(connector.requests, String(serviceUrl)).toBe(before);
    }
    expect(await t.store.conversation('teams', chatKey((activity.from as { id: string }).id))).toMatchObject({
      reference: { serviceUrl: connector.serviceUrl },
    });
  });

  it('refuses an activity sent under another Host (DNS rebinding) with 403, and sends nothing', async () => {
    const before = connector.requests;
    const res = await send(t.url, '/api/messages', 'evil.example', { ...activity, serviceUrl: connector.serviceUrl, text: 'help' });
    expect(res.status).toBe(403);
    expect(res.text).toContain('answers only requests addressed to localhost');
    expect(connector.requests).toBe(before);
  });
});

describe('Slack beside unauthenticated Teams (a local trial through a tunnel)', () => {
  let t: TestTrellis;
  let slack: FakeSlack;
  beforeAll(async () => {
    slack = await startFakeSlack();
    t = await startTrellis({
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      TEAMS_ALLOW_UNAUTHENTICATED: 'true',
    });
  });
  afterAll(async () => {
    await t?.close();
    await slack?.close();
  });

  it("takes signed Slack requests under a tunnel's name, and still refuses that name everywhere else", async () => {
    const body = new URLSearchParams({ ...fixture<Record<string, string>>('slash-command'), text: 'help' }).toString();
    const signed = await new Promise<number>((resolve, reject) => {
      const { port } = new URL(t.url);
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/slack/events',
          method: 'POST',
          headers: { Host: 'trellis-trial.tunnel.example', 'content-type': 'application/x-www-form-urlencoded', ...sign(body) },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode!);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    expect(signed).toBe(200);
    expect((await send(t.url, '/api/messages', 'trellis-trial.tunnel.example', { type: 'message' })).status).toBe(403);
    expect((await send(t.url, '/healthz', 'trellis-trial.tunnel.example')).status).toBe(403);
  });
});
