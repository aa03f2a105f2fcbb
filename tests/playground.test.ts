// The playground's HTTP API, against a real server on a real port.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../src/core/message.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';

type Where = 'channel' | 'personal';

let t: TestTrellis;
let restarted: TestTrellis | undefined;

const postJson = (base: string, path: string, body: unknown) =>
  fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function command(base: string, persona: string, text: string, where: Where = 'channel'): Promise<Message> {
  const res = await postJson(base, '/playground/command', { persona, text, where });
  expect(res.status).toBe(200);
  return ((await res.json()) as { reply: Message }).reply;
}

const fullText = (m: Message) => [m.title, m.text, ...(m.fields ?? []).map((f) => `${f.label}: ${f.value}`), ...(m.items ?? [])].join('\n');

beforeAll(async () => {
  t = await startTrellis();
});

afterAll(async () => {
  // After the restart test the first server is already stopped and the second owns the directory.
  if (restarted) await restarted.close();
  else await t?.close();
});

describe('playground API', () => {
  it('lists the personas and the shared room', async () => {
    const res = await fetch(`${t.url}/playground/personas`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { personas: { id: string; name: string; hint: string }[]; room: string };
    expect(body.room).toBe('#partnership-room');
    expect(body.personas.map((p) => p.id)).toEqual(['alex', 'sam', 'dana', 'jo', 'priya', 'chris']);
    for (const p of body.personas) {
      expect(p.name).toMatch(/\S+ \S+/);
      expect(p.hint.length).toBeGreaterThan(5);
    }
  });

  it('serves the page, its script and its stylesheet', async () => {
    const page = await fetch(`${t.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('<h1>Trellis playground</h1>');
    expect(html).toContain('placeholder="Type a command, e.g. help"');
    const js = await fetch(`${t.url}/app.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    // XSS safety: server text reaches the page only as text nodes.
    expect(await js.text()).not.toMatch(/\.(innerHTML|outerHTML)\s*[+]?=|insertAdjacentHTML\(|document\.write\(/);
    const css = await fetch(`${t.url}/style.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/text\/css/);
  });

  let code = '';

  it('runs a whole partnership set-up through /playground/command and /playground/action', async () => {
    const created = await command(t.url, 'alex', 'setup Riverside');
    expect(created.tone).toBe('success');
    expect(created.audience).toBe('conversation');
    expect(created.title).toBe('Partnership created');
    code = /Invite code: \*([A-Z0-9]{4}-[A-Z0-9]{4})\*/.exec(created.text)?.[1] ?? '';
    expect(code).not.toBe('');
    expect(created.text).toContain('Alex Morgan as coordinator');

    const org = await command(t.url, 'alex', 'org add City Council public');
    expect(org.tone).toBe('success');
    expect(org.audience).toBe('caller');
    expect(org.text).toContain(`Added City Council (public) to Riverside. Its people join with \`join ${code} City Council\``);

    const joined = await command(t.url, 'sam', `join ${code} City Council`, 'personal');
    expect(joined.tone).toBe('success');
    expect(joined.text).toContain('Welcome to *Riverside*, Sam Patel — you joined as City Council (public)');

    // Sam's DM resolves to his only partnership; the channel resolves by its home.
    for (const [who, where] of [['sam', 'personal'], ['alex', 'channel']] as const) {
      const members = await command(t.url, who, 'members', where);
      expect(members.text).toBe('2 members in Riverside:');
      expect(members.items).toEqual(['Alex Morgan — independent · coordinator', 'Sam Patel — City Council (public) · member']);
    }

    // Click the "Status" button from the set-up card: it runs `status` as the clicker.
    const statusButton = created.buttons?.find((b) => b.label === 'Status');
    expect(statusButton).toBeDefined();
    const res = await postJson(t.url, '/playground/action', { persona: 'sam', actionId: statusButton!.actionId, value: statusButton!.value, where: 'channel' });
    expect(res.status).toBe(200);
    const status = ((await res.json()) as { reply: Message }).reply;
    expect(status.title).toBe('Riverside');
    expect(status.fields).toEqual(
      expect.arrayContaining([
        { label: 'Organisations', value: '1' },
        { label: 'Members', value: '2 (2 on Playground)' },
        { label: 'Home', value: '#partnership-room (Playground)' },
      ]),
    );

    // A button the core does not know is answered, not crashed on.
    const stale = await postJson(t.url, '/playground/action', { persona: 'sam', actionId: 'no-such-action', value: 'x', where: 'channel' });
    expect(stale.status).toBe(200);
    expect(((await stale.json()) as { reply: Message }).reply).toMatchObject({ tone: 'error', text: expect.stringContaining("isn't one Trellis knows") });
  });

  it("gives each persona their own overview", async () => {
    const overview = async (persona: string) => {
      const res = await fetch(`${t.url}/playground/overview?persona=${persona}`);
      expect(res.status).toBe(200);
      return ((await res.json()) as { overview: Message }).overview;
    };
    expect((await overview('alex')).items).toEqual(['Riverside — coordinator']);
    expect((await overview('sam')).items).toEqual(['Riverside — member, City Council']);
    const dana = await overview('dana');
    expect(dana.items).toBeUndefined();
    expect(dana.text).toContain("You're not in a partnership yet");
    const bad = await fetch(`${t.url}/playground/overview?persona=mallory`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain('Choose a persona');
  });

  it('refuses bad input with a 400 and a message', async () => {
    const unknown = await postJson(t.url, '/playground/command', { persona: 'mallory', text: 'help', where: 'channel' });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: string }).error).toContain('persona: unknown persona');

    const badWhere = await postJson(t.url, '/playground/command', { persona: 'alex', text: 'help', where: 'kitchen' });
    expect(badWhere.status).toBe(400);
    expect(((await badWhere.json()) as { error: string }).error).toMatch(/^where: /);

    const malformed = await fetch(`${t.url}/playground/command`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"persona": "alex", "text": ' });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({ error: 'The request body is not valid JSON.' });

    const oversized = await postJson(t.url, '/playground/command', { persona: 'alex', text: 'x'.repeat(2001), where: 'channel' });
    expect(oversized.status).toBe(400);
    expect(((await oversized.json()) as { error: string }).error).toMatch(/^text: .*2000/);

    // Anything past the 16 kB body limit is cut off before it is parsed.
    const huge = await postJson(t.url, '/playground/command', { persona: 'alex', text: 'x'.repeat(20_000), where: 'channel' });
    expect(huge.status).toBe(413);
    expect(await huge.json()).toEqual({ error: 'The request is too large.' });

    const noAction = await postJson(t.url, '/playground/action', { persona: 'alex', actionId: '', value: 'status', where: 'channel' });
    expect(noAction.status).toBe(400);
    expect(((await noAction.json()) as { error: string }).error).toContain('actionId');

    // None of it leaked a stack trace into the logs as an unexpected failure.
    expect(t.logs.join('\n')).not.toContain('playground request');
  });

  it('refuses org add from a non-coordinator and leaves the data file unchanged', async () => {
    const before = await readFile(t.dataFile, 'utf8');
    const bySam = await command(t.url, 'sam', 'org add Rogue Trust public');
    expect(bySam.tone).toBe('error');
    expect(bySam.text).toBe('Only coordinators can add organisations. Ask a coordinator of Riverside (Alex Morgan).');
    const byOutsider = await command(t.url, 'dana', 'org add Rogue Trust public');
    expect(byOutsider.tone).toBe('error');
    expect(byOutsider.text).toContain('Only coordinators can add organisations');
    expect(await readFile(t.dataFile, 'utf8')).toBe(before);
    const orgs = await command(t.url, 'alex', 'org list');
    expect(orgs.items).toEqual(['City Council (public)']);
  });

  it('keeps the partnership across a restart on the same data directory', async () => {
    await t.stop();
    restarted = await startTrellis({}, { dir: t.dir });
    const status = await command(restarted.url, 'alex', 'status');
    expect(status.title).toBe('Riverside');
    expect(status.fields).toEqual(expect.arrayContaining([{ label: 'Members', value: '2 (2 on Playground)' }]));
    const invite = await command(restarted.url, 'sam', 'invite', 'personal');
    expect(invite.text).toContain(`*${code}*`);
  });
});
