// Dashboard and export links end when the right to them ends: checked on every
// use against the holder's role and the partnership's revocations. Attacked as
// an ex-coordinator with an old link, and as anyone reading a link.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../src/core/message.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';

let t: TestTrellis;

async function command(persona: string, text: string, where: 'channel' | 'personal' = 'channel'): Promise<Message> {
  const res = await fetch(`${t.url}/playground/command`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ persona, text, where }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { reply: Message }).reply;
}

async function link(persona: string, kind: 'dashboard' | 'export') {
  const reply = await command(persona, kind, 'personal');
  const found = new RegExp(`(http://localhost:\\d+/${kind}/(\\S+))$`, 'm').exec(reply.text);
  expect(found, reply.text).not.toBeNull();
  return { url: found![1]!, token: found![2]! };
}

const pageText = async (res: Response) =>
  (await res.text())
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ');

beforeAll(async () => {
  t = await startTrellis();
  const created = await command('alex', 'setup Riverside');
  const code = /Invite code: \*([A-Z0-9]{4}-[A-Z0-9]{4})\*/.exec(created.text)![1]!;
  expect((await command('alex', 'org add City Council public')).tone).toBe('success');
  for (const p of ['sam', 'dana']) expect((await command(p, `join ${code} City Council`, 'personal')).tone).toBe('success');
  expect((await command('alex', 'role Sam Patel coordinator')).tone).toBe('success');
});

afterAll(async () => {
  await t?.close();
});

describe('a link names its holder, unreadably', () => {
  it('holds no partnership id, member id, user id or name that can be read without TRELLIS_SECRET', async () => {
    const members = await t.store.members((await t.store.partnerships())[0]!.id);
    for (const kind of ['dashboard', 'export'] as const) {
      const { token } = await link('alex', kind);
      const readable = token
        .split('.')
        .map((part) => Buffer.from(part, 'base64url').toString('latin1'))
        .join(' ');
      for (const secret of [members[0]!.partnershipId, ...members.flatMap((m) => [m.id, m.userId, m.displayName]), 'alex', '"p"', kind])
        expect(readable).not.toContain(secret);
    }
  });
});

describe('an ex-coordinator with an old link', () => {
  it('is refused with 403 pages the moment their role ends, and gets no new link', async () => {
    const dash = await link('alex', 'dashboard');
    const csv = await link('alex', 'export');
    expect((await fetch(dash.url)).status).toBe(200);
    expect((await fetch(csv.url)).status).toBe(200);

    expect((await command('sam', 'role Alex Morgan member')).tone).toBe('success');

    const page = await fetch(dash.url);
    expect(page.status).toBe(403);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const text = await pageText(page);
    expect(text).toContain('This link was given to someone who is no longer a coordinator of this partnership, so it no longer opens.');
    expect(text).not.toMatch(/Riverside|Error:|at \w+ \(/);
    const file = await fetch(csv.url);
    expect(file.status).toBe(403);
    expect(file.headers.get('content-disposition')).toBeNull();
    expect(await file.text()).toMatch(/no longer a coordinator/);

    expect((await command('alex', 'dashboard', 'personal')).tone).toBe('error');
    // The coordinator who remains still gets in.
    expect((await fetch((await link('sam', 'dashboard')).url)).status).toBe(200);

    // Made coordinator again: the links from the earlier spell stay dead; a new one opens.
    expect((await command('sam', 'role Alex Morgan coordinator')).tone).toBe('success');
    expect((await fetch(dash.url)).status).toBe(403);
    expect((await fetch(csv.url)).status).toBe(403);
    expect((await fetch((await link('alex', 'dashboard')).url)).status).toBe(200);
  });
});

describe('dashboard revoke', () => {
  it('is listed in help', async () => {
    expect((await command('sam', 'help dashboard')).text).toContain('dashboard revoke — withdraw every dashboard and export link');
  });

  it('is refused to a member, and changes nothing', async () => {
    const dash = await link('sam', 'dashboard');
    const reply = await command('dana', 'dashboard revoke');
    expect(reply.tone).toBe('error');
    expect(reply.text).toMatch(/Only coordinators can withdraw dashboard and export links/);
    expect((await fetch(dash.url)).status).toBe(200);
  });

  it('ends every link given out so far, for every coordinator, with a 403 page; new links work', async () => {
    // Alex is a coordinator again (above), as is Sam.
    const old = [await link('sam', 'dashboard'), await link('alex', 'dashboard'), await link('sam', 'export')];
    for (const l of old) expect((await fetch(l.url)).status).toBe(200);

    const reply = await command('alex', 'dashboard revoke');
    expect(reply.tone).toBe('success');
    expect(reply.text).toBe(
      'Every dashboard and export link of Riverside given out so far has stopped working, whoever holds it. Coordinators can ask for a new one with `dashboard` or `export`.',
    );

    for (const l of old.slice(0, 2)) {
      const res = await fetch(l.url);
      expect(res.status).toBe(403);
      expect(await pageText(res)).toContain('A coordinator withdrew this link and every other dashboard and export link of this partnership.');
    }
    const csv = await fetch(old[2]!.url);
    expect(csv.status).toBe(403);
    expect(await csv.text()).toMatch(/^A coordinator withdrew this link/);

    expect((await fetch((await link('sam', 'dashboard')).url)).status).toBe(200);
    expect((await fetch((await link('alex', 'export')).url)).status).toBe(200);
  });

  it('takes no other word', async () => {
    const reply = await command('alex', 'dashboard revoke all');
    expect(reply.tone).toBe('error');
    expect(reply.text).toContain('`dashboard` takes no words after it, or just `revoke`.');
  });
});
