// The playground's HTTP API, against a real server on a real port.
import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FORM_CONTEXT, type Button, type ChoiceField, type Form, type Message, type TextField } from '../src/core/message.js';
import { bankFor } from '../src/core/survey/bank.js';
import { fakeClock } from './helpers/fake-clock.js';
import { startTrellis, TEST_SECRET, type TestTrellis } from './helpers/start-trellis.js';
import { openGroups } from '../src/core/answer-group.js';

type Where = 'channel' | 'personal';

let t: TestTrellis;
let restarted: TestTrellis | undefined;

const PUBLIC = new URL('../src/adapters/playground/public/', import.meta.url);
const postJson = (base: string, path: string, body: unknown) =>
  fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function command(base: string, persona: string, text: string, where: Where = 'channel'): Promise<Message> {
  const res = await postJson(base, '/playground/command', { persona, text, where });
  expect(res.status).toBe(200);
  return ((await res.json()) as { reply: Message }).reply;
}

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
    const body = (await res.json()) as { personas: { id: string; name: string; hint: string }[]; room: string; privateCommands: string[] };
    expect(body.room).toBe('#partnership-room');
    // The core's list of commands kept with their author: the page echoes these to nobody else.
    expect(body.privateCommands).toEqual(['concern', 'concerns', 'my data']);
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
    expect(html).toContain('<script type="module" src="app.js"></script>');
    // The page's modules, each served as JavaScript (a module script of another type is refused).
    const modules = (await readdir(PUBLIC)).filter((f) => f.endsWith('.js'));
    expect(modules).toContain('app.js');
    for (const name of modules) {
      const js = await fetch(`${t.url}/${name}`);
      expect(js.status, name).toBe(200);
      expect(js.headers.get('content-type'), name).toMatch(/javascript/);
      // XSS safety: server text reaches the page only as text nodes.
      expect(await js.text(), name).not.toMatch(/\.(innerHTML|outerHTML)\s*[+]?=|insertAdjacentHTML\(|document\.write\(/);
    }
    const css = await fetch(`${t.url}/style.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/text\/css/);
    // The design tokens, shared with the dashboard, load first.
    expect(html.indexOf('href="tokens.css"')).toBeLessThan(html.indexOf('href="style.css"'));
    const tokens = await fetch(`${t.url}/tokens.css`);
    expect(tokens.headers.get('content-type')).toMatch(/text\/css/);
    expect(await tokens.text()).toContain('--brand: #0f766e;');
  });

  it("sends the dashboard's security headers with the page, its assets and its API", async () => {
    for (const path of ['/', '/index.html', '/app.js', '/style.css', '/tokens.css', '/playground/personas']) {
      const res = await fetch(`${t.url}${path}`);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      const csp = res.headers.get('content-security-policy') ?? '';
      // Only its own script, styles and JSON; no inline script, eval, framing or other origin.
      expect(csp, path).toBe(
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      );
    }
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
    for (const [who, where] of [
      ['sam', 'personal'],
      ['alex', 'channel'],
    ] as const) {
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

  it('gives each persona their own overview', async () => {
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

    const malformed = await fetch(`${t.url}/playground/command`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"persona": "alex", "text": ',
    });
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
    const before = await t.data();
    const bySam = await command(t.url, 'sam', 'org add Rogue Trust public');
    expect(bySam.tone).toBe('error');
    expect(bySam.text).toBe('Only coordinators can add organisations. Ask a coordinator of Riverside (Alex Morgan).');
    const byOutsider = await command(t.url, 'dana', 'org add Rogue Trust public');
    expect(byOutsider.tone).toBe('error');
    expect(byOutsider.text).toContain('Only coordinators can add organisations');
    expect(await t.data()).toBe(before);
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

describe('playground check-ins: inbox, private form and submit', () => {
  const clock = fakeClock('2026-11-23T09:00:00Z');
  let c: TestTrellis;
  let roundId = '';
  let itemIds: string[] = [];
  let answerButtonOf: Button;

  type InboxMessage = { id: string; at: string; message: Message };
  const inbox = async (persona: string): Promise<InboxMessage[]> => {
    const res = await fetch(`${c.url}/playground/inbox?persona=${persona}`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { messages: InboxMessage[] }).messages;
  };
  const act = async (persona: string, b: Button, where: Where = 'personal') => {
    const res = await postJson(c.url, '/playground/action', { persona, actionId: b.actionId, value: b.value, where });
    expect(res.status).toBe(200);
    return (await res.json()) as { reply?: Message; form?: Form };
  };
  const submit = async (persona: string, form: Form, values: Record<string, string>) => {
    const res = await postJson(c.url, '/playground/submit', { persona, actionId: form.submitActionId, context: form.context, values });
    expect(res.status).toBe(200);
    return ((await res.json()) as { reply: Message }).reply;
  };
  const openForm = async (persona: string) => {
    const { form, reply } = await act(persona, answerButtonOf);
    expect(reply).toBeUndefined();
    return form!;
  };
  const allFour = (value: string) => Object.fromEntries(itemIds.map((id) => [id, value]));

  beforeAll(async () => {
    c = await startTrellis({}, { clock });
  });
  afterAll(async () => {
    await c?.close();
  });

  it('refuses an inbox request without a known persona', async () => {
    for (const query of ['?persona=mallory', '', '?persona=sam&persona=jo']) {
      const res = await fetch(`${c.url}/playground/inbox${query}`);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toContain('Choose a persona');
    }
    expect(await inbox('sam')).toEqual([]);
  });

  it("delivers a coordinator's `survey now` to every member's inbox, with a button that opens a form", async () => {
    const created = await command(c.url, 'alex', 'setup Riverside');
    const code = /Invite code: \*([A-Z0-9]{4}-[A-Z0-9]{4})\*/.exec(created.text)![1]!;
    expect((await command(c.url, 'alex', 'org add City Council public')).tone).toBe('success');
    expect((await command(c.url, 'alex', 'org add Hope Trust voluntary')).tone).toBe('success');
    expect((await command(c.url, 'sam', `join ${code} City Council`, 'personal')).tone).toBe('success');
    expect((await command(c.url, 'jo', `join ${code} Hope Trust`, 'personal')).tone).toBe('success');

    const opened = await command(c.url, 'alex', 'survey now');
    expect(opened.tone).toBe('success');
    expect(opened.text).toMatch(/^Check-in #1 is open until .*, sent privately to 3 members\.$/);

    const [p] = await c.store.partnerships();
    const [round] = await c.store.rounds(p!.id);
    roundId = round!.id;
    itemIds = round!.itemIds;
    expect(itemIds.length).toBeGreaterThanOrEqual(3);

    // Alex's inbox also holds what setup sent him: his set-up checklist.
    expect((await inbox('alex')).map((m) => m.message.title)).toEqual(['Set up Riverside', 'Riverside: check-in #1']);
    for (const persona of ['alex', 'sam', 'jo']) {
      const messages = (await inbox(persona)).filter((m) => m.message.title !== 'Set up Riverside');
      expect(messages).toHaveLength(1);
      const [m] = messages;
      expect(m!.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(m!.at).toBe('2026-11-23T09:00:00.000Z');
      expect(m!.message.title).toBe('Riverside: check-in #1');
      expect(m!.message.text).toContain(`${itemIds.length} short statements about how the partnership is working`);
      expect(m!.message.buttons).toEqual([
        // `until`: an emailed link to it expires when the round closes.
        { actionId: 'survey-open', label: 'Answer (1 minute)', value: roundId, style: 'primary', opensForm: true, until: '2026-11-28T09:00:00.000Z' },
      ]);
    }
    answerButtonOf = (await inbox('sam'))[0]!.message.buttons![0]!;
    // Nobody outside the partnership was messaged; the invitation remembers where it went.
    expect(await inbox('dana')).toEqual([]);
    const invitations = await c.store.invitations(roundId);
    expect(invitations.map((i) => i.delivery?.platform)).toEqual(['playground', 'playground', 'playground']);

    // The side panel offers the same check-in.
    const overview = ((await (await fetch(`${c.url}/playground/overview?persona=sam`)).json()) as { overview: Message }).overview;
    expect(overview.buttons).toEqual([{ ...answerButtonOf, label: 'Riverside: answer check-in #1' }]);
  });

  it("opens the private form with the round's statements", async () => {
    const form = await openForm('sam');
    expect(form.title).toBe('Check-in #1');
    expect(form.intro).toContain('How is *Riverside* working?');
    expect(form.context).toBe(roundId);
    const bank = bankFor([]);
    const choices = form.fields.filter((f): f is ChoiceField => f.kind === 'choice');
    expect(choices.map((f) => f.id)).toEqual(itemIds);
    expect(choices.map((f) => f.label)).toEqual(itemIds.map((id) => bank.item(id)!.text));
    for (const f of choices) {
      expect(f.options.map((o) => o.value)).toEqual(['5', '4', '3', '2', '1', 'skip']);
      expect(f.initial).toBeUndefined();
    }
    const comment = form.fields.find((f): f is TextField => f.kind === 'text');
    expect(comment).toMatchObject({ id: 'comment', multiline: true, maxLength: 1000, optional: true });

    // Someone who was not asked gets a polite refusal, not a form.
    const dana = await act('dana', answerButtonOf);
    expect(dana.form).toBeUndefined();
    expect(dana.reply).toMatchObject({ tone: 'error', text: expect.stringContaining("isn't one you can answer") });
  });

  it('shows a value outside the scale as a field error and records nothing', async () => {
    const form = await openForm('sam');
    const [first, second] = itemIds;
    const reply = await submit('sam', form, { ...allFour('4'), [first!]: '7', [second!]: '' });
    expect(reply.tone).toBe('error');
    expect(reply.text).toBe('Some answers need another look; nothing was recorded yet.');
    expect(reply.fieldErrors).toEqual({ [first!]: '"7" is not on the scale.', [second!]: 'Choose an answer (or "Prefer not to say").' });
    expect(await c.store.answerSets(roundId)).toEqual([]);
    expect((await inbox('sam'))[0]!.message.title).toBe('Riverside: check-in #1');
    expect((await inbox('sam'))[0]!.message.text).not.toContain('Thanks');
  });

  it('records a submit, and the check-in in the inbox becomes "Answered"', async () => {
    const before = await inbox('sam');
    const form = await openForm('sam');
    const values = { ...allFour('4'), [itemIds[0]!]: '5', [itemIds[1]!]: 'skip', comment: 'Referrals between us are slow.' };
    const reply = await submit('sam', form, values);
    expect(reply.tone).toBe('success');
    expect(reply.text).toMatch(/^Thanks — your answers are in\. You can change them until /);
    expect(reply.fieldErrors).toBeUndefined();

    const after = await inbox('sam');
    expect(after).toHaveLength(1); // updated in place, not a new message
    expect(after[0]!.id).toBe(before[0]!.id);
    expect(after[0]!.message.tone).toBe('success');
    expect(after[0]!.message.text).toMatch(/^Answered\. You can change your answers until /);
    expect(after[0]!.message.buttons).toEqual([
      { actionId: 'survey-open', label: 'See or change my answers', value: roundId, opensForm: true, until: '2026-11-28T09:00:00.000Z' },
    ]);
    // Nothing the member chose or wrote is in any message.
    expect(JSON.stringify([after, reply])).not.toMatch(/Referrals|Strongly|"5"|skip/);
    // Others' inboxes are untouched.
    expect((await inbox('jo'))[0]!.message.title).toBe('Riverside: check-in #1');
    expect((await inbox('jo'))[0]!.message.text).not.toContain('Thanks');

    // Reopening shows Sam his own answers.
    const again = await openForm('sam');
    expect(again.intro).toContain('These are the answers you gave');
    const initial = Object.fromEntries(again.fields.map((f) => [f.id, f.initial]));
    expect(initial).toEqual(values);
  });

  it('refuses malformed submits with a 400 and a message', async () => {
    const good = { persona: 'sam', actionId: 'survey-submit', context: roundId, values: allFour('3') };
    const bad = async (body: unknown, error: RegExp) => {
      const res = await postJson(c.url, '/playground/submit', body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(error);
    };
    await bad({ ...good, persona: 'mallory' }, /^persona: unknown persona/);
    await bad({ ...good, actionId: '' }, /^actionId: /);
    await bad({ ...good, context: 'x'.repeat(MAX_FORM_CONTEXT + 1) }, /^context: /);
    await bad({ persona: 'sam', actionId: 'survey-submit', context: roundId }, /^values: Required/);
    await bad({ ...good, values: ['4', '4'] }, /^values: /);
    await bad({ ...good, values: { [itemIds[0]!]: 4 } }, /^values\..+: Expected string, received number/);
    await bad({ ...good, values: { comment: 'x'.repeat(2001) } }, /^values\.comment: .*2000/);
    await bad({ ...good, values: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`f${i}`, '1'])) }, /^values: at most 50 values/);
    await bad({ ...good, values: { ['k'.repeat(101)]: '1' } }, /^values\./);
    const malformed = await fetch(`${c.url}/playground/submit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"persona": "sam", "values": {',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({ error: 'The request body is not valid JSON.' });
    // A form the core does not know is refused politely, and nothing is recorded.
    const unknown = await postJson(c.url, '/playground/submit', { ...good, actionId: 'no-such-form' });
    expect(unknown.status).toBe(200);
    expect(((await unknown.json()) as { reply: Message }).reply).toMatchObject({
      tone: 'error',
      text: 'That form is not one Trellis knows; nothing was recorded.',
    });
    expect(await c.store.answerSets(roundId)).toHaveLength(1);
    expect(c.logs.join('\n')).not.toContain('playground request');
  });

  it('reminds only those who have not answered, in their inbox', async () => {
    clock.advance(48 * 60 * 60_000 + 60_000);
    await c.tick();
    const jo = await inbox('jo');
    expect(jo).toHaveLength(2);
    expect(jo[1]!.message.text).toMatch(/^A reminder: Riverside's check-in #1 is open until /);
    expect(jo[1]!.message.buttons?.[0]).toMatchObject({ actionId: 'survey-open', value: roundId, opensForm: true });
    expect(await inbox('sam')).toHaveLength(1);
  });

  it('refuses a submit after `survey close`, politely, and records nothing', async () => {
    const form = await openForm('jo');
    const closed = await command(c.url, 'alex', 'survey close 1');
    expect(closed.text).toBe('Check-in #1 is closed: 1 of 3 answered (33%).');
    const reply = await submit('jo', form, allFour('2'));
    expect(reply.tone).toBe('error');
    expect(reply.text).toMatch(/^This check-in closed on .*, so nothing was recorded\. Thank you for wanting to answer — the next one will come to you\.$/);
    expect(reply.fieldErrors).toBeUndefined();
    expect(await c.store.answerSets(roundId)).toHaveLength(1);
    // Jo's unanswered check-in no longer invites an answer; Sam's thanks stays.
    expect((await inbox('jo'))[0]!.message).toMatchObject({ text: 'This check-in #1 has closed.' });
    expect((await inbox('jo'))[0]!.message.buttons).toBeUndefined();
    expect((await inbox('sam'))[0]!.message.text).toMatch(/^Answered/);
  });

  it('keeps answer sets in the data file free of any persona id or name, and their organisation sealed', async () => {
    const sets = await c.store.answerSets(roundId);
    expect(sets).toHaveLength(1);
    expect(sets[0]).toMatchObject({ roundId, comment: 'Referrals between us are slow.' });
    // An organisation of one would otherwise name who answered: only the server opens it.
    expect(sets[0]!.organisationId).toBeUndefined();
    expect(sets[0]!.sector).toBeUndefined();
    expect(openGroups(TEST_SECRET, sets)[0]).toMatchObject({
      sector: 'public',
      organisationId: (await c.store.organisations((await c.store.partnerships())[0]!.id))[0]!.id,
    });
    // The sealed group is ciphertext: random base64 may hold any two letters.
    const stored = JSON.stringify(sets.map(({ group: _sealed, ...set }) => set));
    const members = await c.store.members((await c.store.partnerships())[0]!.id);
    for (const who of [...members.flatMap((m) => [m.id, m.userId, m.displayName]), 'pg-', 'alex', 'sam', 'Sam Patel', 'Patel', 'jo']) {
      expect(stored).not.toContain(who);
    }
    // And the same in the file itself, where the answers sit apart from the members.
    const file = JSON.parse(await c.data()) as Record<string, unknown>;
    const answerPart = JSON.stringify(Object.entries(file).filter(([k]) => /answer/i.test(k)));
    expect(answerPart).toContain('Referrals between us are slow.');
    for (const m of members) expect(answerPart).not.toMatch(new RegExp(`${m.id}|${m.userId}|${m.displayName}`));
  });
});
