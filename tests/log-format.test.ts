// LOG_FORMAT: `text` (the default, a readable line) or `json` (one object a
// line with time, level, component and, inside a request, its id). Both keep
// the redaction: tokens, email addresses and configured secrets are masked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, withComponent, withRequestId } from '../src/log.js';
import { BOT_TOKEN } from './helpers/slack-requests.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';
import { health, startProcess, freePort } from './helpers/trellis-process.js';
import { waitFor } from './helpers/wait-for.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SECRET = 'a-configured-secret-value';
const capture = (format: 'text' | 'json') => {
  const lines: string[] = [];
  const log = createLogger({ level: 'debug', format, secrets: [SECRET], write: (l) => lines.push(l) });
  return { lines, log };
};
const leaky = { token: BOT_TOKEN, to: 'sam.patel@example.org', note: `uses ${SECRET}` };

describe('json', () => {
  it('writes one object a line: time, level, component, the request id inside a request, the message and its fields', () => {
    const { lines, log } = capture('json');
    withComponent(log, 'delivery').warn('Outgoing message dropped', { platform: 'slack' });
    withRequestId('req-1', () => log.info('Inside a request'));
    log.error('Failed twice\nsecond line', leaky);
    expect(lines).toHaveLength(3);
    const [dropped, inside, failed] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(dropped).toEqual({
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      level: 'warn',
      component: 'delivery',
      msg: 'Outgoing message dropped',
      platform: 'slack',
    });
    expect(inside).toMatchObject({ level: 'info', component: 'trellis', requestId: 'req-1', msg: 'Inside a request' });
    expect(dropped).not.toHaveProperty('requestId');
    expect(failed).toMatchObject({ token: '[token]', to: '[email]', note: 'uses [secret]' });
  });
});

describe('text', () => {
  it('writes a readable line: time, level, component, request id, message, fields; still one line, still masked', () => {
    const { lines, log } = capture('text');
    withComponent(log, 'slack').warn('Slack answers again', { retries: 2, reason: 'two words' });
    withRequestId('req-2', () => withComponent(log, 'http').debug('Request answered', { surface: 'slack', status: 200 }));
    log.error('Failed twice\nsecond line', leaky);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z WARN {2}slack Slack answers again retries=2 reason="two words"$/);
    expect(lines[1]).toMatch(/^\S+ DEBUG http \[req req-2\] Request answered surface=slack status=200$/);
    expect(lines[2]).toMatch(/ ERROR trellis Failed twice\\nsecond line token=\[token\] .*\[email\] note="uses \[secret\]"$/);
    for (const l of lines) expect(l).not.toContain('\n');
    expect(lines.join('')).not.toMatch(/xoxb-|sam\.patel|a-configured-secret/);
  });
});

describe('through the server', () => {
  let t: TestTrellis;
  beforeAll(async () => {
    t = await startTrellis();
  });
  afterAll(() => t?.close());

  it("marks each request's lines with the id it answers as X-Request-Id, and logs no path", async () => {
    const res = await fetch(`${t.url}/playground/overview?persona=alex`);
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const mine = await waitFor(() => t.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.requestId === id));
    expect(mine).toContainEqual(expect.objectContaining({ component: 'http', msg: 'Request answered', surface: 'playground', status: res.status }));
    expect(t.logs.join('\n')).not.toContain('persona=alex');
    // A caller's own id is not taken: it could carry anything.
    const theirs = await fetch(`${t.url}/healthz`, { headers: { 'x-request-id': 'sam.patel-at-example' } });
    expect(theirs.headers.get('x-request-id')).not.toBe('sam.patel-at-example');
  });
});

describe('the started process', () => {
  let dir: string;
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes text by default and JSON with LOG_FORMAT=json', async () => {
    dir = await mkdtemp(join(tmpdir(), 'trellis-log-format-'));
    for (const format of ['', 'json']) {
      const port = await freePort();
      const app = startProcess({ TRELLIS_DATA: join(dir, `${format || 'text'}.json`), PORT: String(port), LOG_FORMAT: format });
      try {
        await waitFor(async () => (await health(port))?.status === 'ok', 20_000);
        await waitFor(() => app.output().includes('Trellis is listening'));
      } finally {
        app.child.kill('SIGTERM');
        expect(await app.exited).toBe(0);
      }
      const line = app
        .output()
        .split('\n')
        .find((l) => l.includes('Trellis is listening'))!;
      if (format === 'json') expect(JSON.parse(line)).toMatchObject({ level: 'info', component: 'trellis', msg: 'Trellis is listening', store: 'lowdb' });
      else expect(line).toMatch(/^\S+Z INFO {2}trellis Trellis is listening url=http:\/\/localhost:\d+ adapters=\["playground"\] store=lowdb$/);
    }
  }, 60_000);
});
