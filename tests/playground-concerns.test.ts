// The critical-friend channel through the playground's HTTP API, on a real
// server with a fake clock and a random delivery delay of up to 600 s: Sam
// raises a concern in a private form, it reaches Chris (the critical friend)
// as a content-free note once `tick()` finds it due, and the two talk it
// through in private forms, up to an escalation Sam approves. Throughout,
// Chris never learns who Sam is, Alex (the coordinator) sees only the text Sam
// approved, and no concern text sits in an inbox, a room post or a log line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Button, Form, Message } from '../src/core/message.js';
import type { Concern, ConcernQuota, StoredConcern } from '../src/core/model.js';
import { FRIEND_OPEN, FRIEND_SUBMIT, REPORTER_OPEN, REPORTER_SUBMIT, SUBMIT_NEW_CONCERN } from '../src/core/concerns/concern-forms.js';
import { openConcern } from '../src/core/concerns/concern-seal.js';
import { fakeClock } from './helpers/fake-clock.js';
import { startTrellis, TEST_SECRET, type TestTrellis } from './helpers/start-trellis.js';

type Where = 'channel' | 'personal';
type Persona = 'alex' | 'sam' | 'dana' | 'jo' | 'priya' | 'chris';
type Answer = { reply?: Message; form?: Form; error?: string };
type InboxMessage = { id: string; at: string; message: Message };
type Conversation = { title: string; pseudonym: string; note: string; button: Button };

const SAM_NAME = 'Sam Patel';
const SAM_ID = 'pg-sam';
const SAM_ORG = 'Health Trust';
const PSEUDONYM = /^C-[A-HJ-NP-Z2-9]{4}$/;
const MINUTE = 60_000;

// Each text carries a marker, to look for it where it must not be.
const HAPPENING = 'The lead agency changes the referral criteria without telling us.\nOur referrals bounce back for weeks. marker-kestrel-7710';
const HELP = 'A shared log of changes: marker-plover-2231';
const REPLY = 'Thank you for raising this.\n\nHas it happened more than once? marker-lark-5540';
const PROPOSED = 'Some partners find the referral criteria change without notice: marker-tern-1180';
const ANSWER = 'Yes, three times this quarter. marker-ibis-9042';
const APPROVED = 'Referral criteria changed without notice several times this quarter; could the board keep a change log? marker-egret-3307';
const SECOND = 'Voluntary partners are left out of the budget meeting: marker-wigeon-6620';
const THIRD = 'Minutes arrive weeks late: marker-grebe-4415';
const FOURTH = 'One more today: marker-scaup-0001';
const LATE = ['marker-late-0000', 'marker-late-0001'];
const MARKERS = [HAPPENING, HELP, REPLY, PROPOSED, ANSWER, APPROVED, SECOND, THIRD, FOURTH].map((x) => /marker-\w+-\d+/.exec(x)![0]).concat(LATE);

const clock = fakeClock('2026-11-23T09:00:00Z'); // a Monday, 09:00 in Europe/London
let t: TestTrellis;
let pid = '';
let samMemberId = '';

const json = (x: unknown) => JSON.stringify(x);
const post = (path: string, body: unknown) =>
  fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
async function ok(path: string, body: unknown): Promise<Answer> {
  const res = await post(path, body);
  expect(res.status).toBe(200);
  return (await res.json()) as Answer;
}
const command = (persona: Persona, text: string, where: Where = 'personal') => ok('/playground/command', { persona, text, where });
const reply = async (persona: Persona, text: string, where: Where = 'personal') => {
  const answer = await command(persona, text, where);
  expect(answer.form).toBeUndefined();
  return answer.reply!;
};
const act = (persona: Persona, b: Pick<Button, 'actionId' | 'value'>) =>
  ok('/playground/action', { persona, actionId: b.actionId, value: b.value, where: 'personal' });
const openForm = async (persona: Persona, b: Pick<Button, 'actionId' | 'value'>) => {
  const answer = await act(persona, b);
  expect(answer.reply).toBeUndefined();
  return answer.form!;
};
const submit = async (persona: Persona, form: Pick<Form, 'submitActionId' | 'context'>, values: Record<string, string>) =>
  (await ok('/playground/submit', { persona, actionId: form.submitActionId, context: form.context, values })).reply!;

/** Every inbox JSON Chris and Alex were sent, as they came back from the API, for the anonymity checks. */
const seen: Record<'chris' | 'alex', string[]> = { chris: [], alex: [] };
/** Every form Chris opened, as JSON. */
const chrisForms: string[] = [];

async function inboxOf(persona: Persona): Promise<{ messages: InboxMessage[]; conversations: Conversation[] }> {
  const res = await fetch(`${t.url}/playground/inbox?persona=${persona}`);
  expect(res.status).toBe(200);
  const text = await res.text();
  if (persona === 'chris' || persona === 'alex') seen[persona].push(text);
  return JSON.parse(text) as { messages: InboxMessage[]; conversations: Conversation[] };
}
const inbox = async (persona: Persona) => (await inboxOf(persona)).messages;
/** Inbox messages that arrived after `from` (an index into the inbox). */
const since = async (persona: Persona, from: number) => (await inbox(persona)).slice(from);
const counts = async () =>
  Object.fromEntries(await Promise.all((['alex', 'sam', 'jo', 'chris', 'dana'] as const).map(async (p) => [p, (await inbox(p)).length] as const))) as Record<
    Persona,
    number
  >;

const data = async () => JSON.parse(await t.data()) as { concerns: StoredConcern[]; concernQuotas: ConcernQuota[] };
/** The concerns as the server reads them: their bodies are stored sealed. */
const stored = async () => (await t.store.concerns(pid)).map((c) => openConcern(TEST_SECRET, c)!);
const concernById = async (id: string) => (await stored()).find((c) => c.id === id)!;

const good = { category: 'roles', happening: HAPPENING, help: HELP, organisation: 'no', consent: 'yes' };
let raiseForm: Form;
let first: Concern;
let second: Concern;

beforeAll(async () => {
  t = await startTrellis({ TRELLIS_CONCERN_DELAY_MAX_SECONDS: '600' }, { clock });
});
afterAll(async () => {
  await t?.close();
});

describe('playground: the critical friend', () => {
  it('sets up Riverside: Sam and Jo join their organisations, Chris joins independent and becomes critical friend', async () => {
    const created = await reply('alex', 'setup Riverside', 'channel');
    const code = /Invite code: \*([A-Z0-9]{4}-[A-Z0-9]{4})\*/.exec(created.text)![1]!;
    for (const org of [`${SAM_ORG} public`, 'Hope Trust voluntary']) expect((await reply('alex', `org add ${org}`, 'channel')).tone).toBe('success');
    expect((await reply('sam', `join ${code} ${SAM_ORG}`)).tone).toBe('success');
    expect((await reply('jo', `join ${code} Hope Trust`)).tone).toBe('success');
    expect((await reply('chris', `join ${code} independent`)).text).toContain('you joined as independent (no organisation)');
    // Before there is a critical friend, there is no one to write to.
    expect(await reply('sam', 'concern')).toMatchObject({ tone: 'error', text: expect.stringContaining('no critical friend yet') });
    expect(await reply('alex', 'role Chris Evans critical-friend', 'channel')).toMatchObject({
      tone: 'success',
      text: 'Chris Evans is now a critical friend of Riverside.',
    });
    const [p] = await t.store.partnerships();
    pid = p!.id;
    samMemberId = (await t.store.membershipsOf({ platform: 'playground', workspace: 'playground', userId: SAM_ID }))[0]!.id;
  });

  it('answers `concern` with the private raise form as { form }, and refuses text typed after it', async () => {
    const answer = await command('sam', 'concern');
    expect(answer.reply).toBeUndefined();
    raiseForm = answer.form!;
    expect(raiseForm).toMatchObject({ title: 'Raise a concern', submitActionId: SUBMIT_NEW_CONCERN, submitLabel: 'Send', context: pid });
    expect(raiseForm.fields.map((f) => `${f.id}:${f.kind}`)).toEqual([
      'category:choice',
      'happening:text',
      'help:text',
      'organisation:choice',
      'consent:choice',
    ]);
    expect(raiseForm.intro).toContain('They will not know who you are');
    // Sam's own form offers to name his organisation; nobody else sees it.
    expect(json(raiseForm.fields.find((f) => f.id === 'organisation'))).toContain(`Yes — say I am from ${SAM_ORG}`);

    // The words go in the form, never in a chat message: refused, with no form and nothing stored.
    const typed = await command('sam', 'concern the lead agency keeps changing the criteria', 'channel');
    expect(typed.form).toBeUndefined();
    expect(typed.reply).toMatchObject({ tone: 'error', text: expect.stringContaining('Type just `concern`') });
    expect(await t.store.concerns(pid)).toEqual([]);
  });

  it('refuses `concerns` to the coordinator and to a member', async () => {
    for (const [who, text, where] of [
      ['alex', 'concerns', 'channel'],
      ['alex', 'concerns themes', 'personal'],
      ['jo', 'concerns', 'personal'],
      ['jo', 'concerns themes publish', 'channel'],
    ] as const) {
      expect(await reply(who, text, where)).toMatchObject({
        tone: 'error',
        text: 'Concerns are seen only by the critical friend. To raise one yourself, type `concern`.',
      });
    }
    expect(await reply('dana', 'concerns')).toMatchObject({ tone: 'error' });
    expect(await reply('chris', 'concerns')).toMatchObject({ tone: 'info', text: 'No open concerns.' });
  });

  it('refuses an empty or oversized concern field by field, and malformed bodies with a 400; stores nothing', async () => {
    const before = await t.data();
    const empty = await submit('sam', raiseForm, { ...good, happening: '   \n ' });
    expect(empty).toMatchObject({
      tone: 'error',
      text: 'Some fields need another look; nothing was sent.',
      fieldErrors: { happening: 'Say what is happening — a sentence or two is enough.' },
    });
    const long = await submit('sam', raiseForm, { ...good, help: 'h'.repeat(1001) });
    expect(long.fieldErrors).toEqual({ help: 'Please keep it under 1000 characters.' });
    const several = await submit('sam', raiseForm, { ...good, category: 'gossip', happening: '', organisation: 'maybe' });
    expect(Object.keys(several.fieldErrors ?? {}).sort()).toEqual(['category', 'happening', 'organisation']);
    // Someone outside the partnership cannot send the form at all.
    expect(await submit('dana', raiseForm, good)).toMatchObject({ tone: 'error', fieldErrors: { partnership: 'Choose one of your partnerships.' } });

    const bad = async (path: string, body: unknown, error: RegExp) => {
      const res = await post(path, body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(error);
    };
    const body = { persona: 'sam', actionId: SUBMIT_NEW_CONCERN, context: pid, values: good };
    // Past the API's 2000 characters a value is refused before the core sees it (the page's text box stops at 2000).
    await bad('/playground/submit', { ...body, values: { ...good, happening: 'x'.repeat(2001) } }, /^values\.happening: .*2000/);
    await bad('/playground/submit', { ...body, values: { ...good, happening: ['a', 'b'] } }, /^values\.happening: Expected string, received array/);
    await bad('/playground/submit', { ...body, values: { ...good, consent: true } }, /^values\.consent: Expected string, received boolean/);
    await bad('/playground/submit', { ...body, values: 'roles' }, /^values: Expected object/);
    await bad('/playground/submit', { ...body, context: undefined }, /^context: Required/);
    await bad('/playground/submit', { ...body, persona: 'mallory' }, /^persona: unknown persona/);
    await bad('/playground/action', { persona: 'jo', actionId: FRIEND_OPEN, where: 'personal' }, /^value: Required/);
    await bad('/playground/command', { persona: 'sam', text: { concern: HAPPENING } }, /^text: Expected string/);
    const malformed = await fetch(`${t.url}/playground/submit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"persona": "sam", "values": {"happening": "${HAPPENING.slice(0, 20)}`,
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({ error: 'The request body is not valid JSON.' });

    expect(await t.store.concerns(pid)).toEqual([]);
    expect(await t.data()).toBe(before);
    expect(t.logs.join('\n')).not.toContain('playground request');
  });

  it('takes the concern and gives a receipt C-XXXX; it waits, undelivered, for its random time', async () => {
    const before = await counts();
    const sent = await submit('sam', raiseForm, good);
    expect(sent.tone).toBe('success');
    expect(sent.fieldErrors).toBeUndefined();
    const ref = /Your reference is \*(C-[A-Z0-9]{4})\*/.exec(sent.text)?.[1];
    expect(ref).toMatch(PSEUDONYM);
    expect(sent.text).toContain('within 10 minutes');
    expect(json(sent)).not.toContain('marker-');

    first = (await stored())[0]!;
    expect(first).toMatchObject({ pseudonym: ref, category: 'roles', status: 'pending', mayAskToEscalate: true });
    expect(first.organisation).toBeUndefined();
    const delay = Date.parse(first.deliverAt!) - clock.now().getTime();
    expect(delay).toBeGreaterThanOrEqual(0);
    expect(delay).toBeLessThanOrEqual(600_000);
    // Nothing went anywhere yet.
    expect(await counts()).toEqual(before);
  });

  let friendNote: InboxMessage;

  it('delivers it to Chris as a content-free note by +11 minutes (at +1 it may or may not have gone)', async () => {
    const before = await counts();
    const fromChris = before.chris;
    clock.advance(MINUTE);
    await t.tick();
    const early = await since('chris', fromChris);
    const due = Date.parse(first.deliverAt!) <= clock.now().getTime();
    expect(early).toHaveLength(due ? 1 : 0);
    expect((await concernById(first.id)).status).toBe(due ? 'open' : 'pending');

    clock.advance(10 * MINUTE);
    await t.tick();
    await t.tick(); // delivered once only
    const notes = await since('chris', fromChris);
    expect(notes).toHaveLength(1);
    friendNote = notes[0]!;
    expect(friendNote.message).toMatchObject({
      title: `Concern ${first.pseudonym}`,
      text: `A new concern, ${first.pseudonym}, from a member of Riverside.`,
      tone: 'info',
    });
    expect(friendNote.message.buttons).toEqual([{ actionId: FRIEND_OPEN, label: 'Read and reply', value: first.id, style: 'primary', opensForm: true }]);
    for (const m of MARKERS) expect(json(friendNote)).not.toContain(m);
    expect((await concernById(first.id)).status).toBe('open');

    // The side panel offers the same button.
    const { conversations } = await inboxOf('chris');
    expect(conversations).toEqual([
      { title: `Concern ${first.pseudonym}`, pseudonym: first.pseudonym, note: 'open — waiting for your reply', button: friendNote.message.buttons![0] },
    ]);

    // Nobody else heard of it: not the coordinator, not Sam, not the room.
    const after = await counts();
    expect(after).toEqual({ ...before, chris: before.chris + 1 });
    const room = (await (await fetch(`${t.url}/playground/room`)).json()) as { messages: InboxMessage[] };
    expect(json(room)).not.toContain(first.pseudonym);
  });

  it("refuses Chris's view to Jo, Alex and Sam himself (forged clicks), and Sam's view to Jo and Chris", async () => {
    for (const who of ['jo', 'alex', 'sam', 'dana'] as const) {
      const forged = await act(who, { actionId: FRIEND_OPEN, value: first.id });
      expect(forged.form).toBeUndefined();
      expect(forged.reply).toMatchObject({ tone: 'error', text: "That concern isn't one you can open." });
      expect(json(forged)).not.toContain('marker-');
    }
    for (const who of ['jo', 'chris', 'alex'] as const) {
      const forged = await act(who, { actionId: REPORTER_OPEN, value: first.id });
      expect(forged.form).toBeUndefined();
      expect(forged.reply).toMatchObject({ tone: 'error', text: "That concern isn't one you can open." });
    }
    // Nor may they send either form.
    const before = json(await concernById(first.id));
    expect(
      await submit('jo', { submitActionId: FRIEND_SUBMIT, context: first.id }, { reply: 'Jo pretending: marker-late-0000', status: 'resolved' }),
    ).toMatchObject({ tone: 'error' });
    expect(
      await submit('jo', { submitActionId: REPORTER_SUBMIT, context: first.id }, { reply: 'Jo pretending: marker-late-0000', close: 'close' }),
    ).toMatchObject({ tone: 'error' });
    expect(await submit('chris', { submitActionId: REPORTER_SUBMIT, context: first.id }, { reply: 'Chris pretending: marker-late-0000' })).toMatchObject({
      tone: 'error',
    });
    expect(json(await concernById(first.id))).toBe(before);
    expect(await act('jo', { actionId: FRIEND_OPEN, value: 'no-such-concern' })).toMatchObject({ reply: { tone: 'error' } });
  });

  let friendForm: Form;

  it('opens the concern for Chris from the note: the text, "from a member of the partnership", and no trace of Sam', async () => {
    friendForm = await openForm('chris', friendNote.message.buttons![0]!);
    chrisForms.push(json(friendForm));
    expect(friendForm).toMatchObject({
      title: `Concern ${first.pseudonym}`,
      submitActionId: FRIEND_SUBMIT,
      context: first.id,
      reopen: { actionId: FRIEND_OPEN, value: first.id },
    });
    expect(friendForm.intro).toContain('from a member of the partnership');
    // The conversation arrives turn by turn, the reporter's words as data: the page draws each turn.
    expect(friendForm.thread).toEqual({
      reader: 'friend',
      turns: [{ author: 'reporter', label: 'Reporter', day: '2026-11-23', text: `${HAPPENING}\n\nWhat would help: ${HELP}` }],
      status: 'Status: open.',
    });
    for (const s of [SAM_NAME, 'Sam', SAM_ID, samMemberId, SAM_ORG]) expect(json(friendForm)).not.toContain(s);
    // Sam agreed to be asked about the coordinators, so Chris may ask.
    expect(friendForm.fields.map((f) => f.id)).toEqual(['reply', 'status', 'escalate']);
    // The critical friend's list: pseudonyms and categories only.
    const list = await reply('chris', 'concerns');
    expect(list.items).toEqual([`${first.pseudonym} — Lack of clarity about roles — open — waiting for you`]);
    for (const s of [SAM_NAME, SAM_ID, SAM_ORG, 'marker-']) expect(json(list)).not.toContain(s);
  });

  let reporterNote: InboxMessage;

  it('sends Chris\'s reply and request to Sam as a content-free note with "Read and answer"', async () => {
    const before = await counts();
    const sent = await submit('chris', friendForm, { reply: REPLY, status: 'acknowledged', escalate: PROPOSED });
    expect(sent).toMatchObject({ tone: 'success', text: `Sent to the person behind ${first.pseudonym}.` });

    const notes = await since('sam', before.sam);
    expect(notes).toHaveLength(1);
    reporterNote = notes[0]!;
    expect(reporterNote.message).toMatchObject({
      title: `Your concern ${first.pseudonym}`,
      text: `You have a reply and a question about raising it with the coordinators from the critical friend about your concern ${first.pseudonym} (now acknowledged).`,
    });
    expect(reporterNote.message.buttons).toEqual([{ actionId: REPORTER_OPEN, label: 'Read and answer', value: first.id, style: 'primary', opensForm: true }]);
    for (const m of MARKERS) expect(json(reporterNote)).not.toContain(m);
    // Sam's side panel offers "Read and answer" for it.
    const { conversations } = await inboxOf('sam');
    expect(conversations.map((c) => [c.title, c.button.label, c.button.actionId])).toEqual([
      [`Your concern ${first.pseudonym}`, 'Read and answer', REPORTER_OPEN],
    ]);
    expect(await counts()).toEqual({ ...before, sam: before.sam + 1 });
  });

  it('lets Sam read the reply, answer, and approve an edited text: Alex gets only that text, under the pseudonym', async () => {
    const form = await openForm('sam', reporterNote.message.buttons![0]!);
    expect(form).toMatchObject({ title: `Concern ${first.pseudonym}`, submitActionId: REPORTER_SUBMIT, context: first.id });
    expect(form.intro).toContain(`*Your concern ${first.pseudonym}*`);
    expect(form.thread!.turns).toEqual([
      { author: 'reporter', label: 'You', day: '2026-11-23', text: `${HAPPENING}\n\nWhat would help: ${HELP}` },
      { author: 'friend', label: 'Critical friend', day: '2026-11-23', text: REPLY },
    ]);
    expect(form.fields.map((f) => f.id)).toEqual(['reply', 'escalation', 'shared', 'close']);
    expect(form.fields.find((f) => f.id === 'shared')).toMatchObject({ initial: PROPOSED });

    // Approving with no text to share is refused beside the field.
    expect((await submit('sam', form, { reply: '', escalation: 'approve', shared: ' ', close: 'open' })).fieldErrors).toEqual({
      shared: 'Give the text to share, or choose No.',
    });

    const before = await counts();
    const sent = await submit('sam', form, { reply: ANSWER, escalation: 'approve', shared: APPROVED, close: 'open' });
    expect(sent).toMatchObject({ tone: 'success', text: 'Sent to the critical friend.' });

    const toAlex = await since('alex', before.alex);
    expect(toAlex).toHaveLength(1);
    expect(toAlex[0]!.message).toMatchObject({
      title: 'From the critical friend: Riverside',
      text: `The critical friend raises this with the coordinators, with the agreement of the person who raised it (${first.pseudonym}):\n${APPROVED}`,
    });
    expect(toAlex[0]!.message.buttons ?? []).toEqual([]);
    for (const m of MARKERS.filter((x) => x !== 'marker-egret-3307')) expect(json(toAlex)).not.toContain(m);

    const toChris = await since('chris', before.chris);
    expect(toChris.map((m) => m.message.text)).toEqual([`${first.pseudonym}: a new message, an answer about raising it (yes).`]);
    for (const m of MARKERS) expect(json(toChris)).not.toContain(m);
    // Jo (a member, not a coordinator) hears nothing.
    expect(await counts()).toEqual({ ...before, alex: before.alex + 1, chris: before.chris + 1 });
    expect(await concernById(first.id)).toMatchObject({ escalation: { status: 'approved', proposed: PROPOSED, approved: APPROVED } });
  });

  it('lets Chris resolve it and Sam close it; later replies from either are refused', async () => {
    const friend = await openForm('chris', (await inbox('chris')).at(-1)!.message.buttons![0]!);
    chrisForms.push(json(friend));
    expect(friend.thread!.turns.at(-1)).toEqual({ author: 'reporter', label: 'Reporter', day: '2026-11-23', text: ANSWER });
    // Asked once already: no second request.
    expect(friend.fields.map((f) => f.id)).toEqual(['reply', 'status']);
    let before = await counts();
    expect(await submit('chris', friend, { reply: '', status: 'resolved' })).toMatchObject({ tone: 'success' });
    const resolved = await since('sam', before.sam);
    expect(resolved.map((m) => m.message.text)).toEqual([`The critical friend marked your concern ${first.pseudonym} as resolved.`]);
    expect(resolved[0]!.message.buttons![0]!.label).toBe('Read and answer');

    const reporter = await openForm('sam', resolved[0]!.message.buttons![0]!);
    expect(reporter.thread!.status).toBe('Status: resolved.');
    before = await counts();
    expect(await submit('sam', reporter, { reply: '', close: 'close' })).toMatchObject({ tone: 'success', text: 'Sent to the critical friend.' });
    expect((await since('chris', before.chris)).map((m) => m.message.text)).toEqual([`${first.pseudonym}: the conversation was closed.`]);
    expect((await concernById(first.id)).status).toBe('closed');

    before = await counts();
    const was = json(await concernById(first.id));
    expect(await submit('sam', reporter, { reply: LATE[0]!, close: 'open' })).toMatchObject({
      tone: 'error',
      text: expect.stringContaining('This conversation is closed'),
    });
    expect(await submit('chris', friend, { reply: LATE[1]!, status: 'open' })).toMatchObject({ tone: 'error', text: 'This conversation is closed.' });
    expect(json(await concernById(first.id))).toBe(was);
    expect(await counts()).toEqual(before);
    expect(await reply('chris', 'concerns')).toMatchObject({ text: 'No open concerns.' });
  });

  it('shows the organisation of a second concern only in its form for Chris, under an unrelated pseudonym', async () => {
    const form = (await command('sam', 'concern')).form!;
    const before = await counts();
    const sent = await submit('sam', form, { category: 'power', happening: SECOND, help: '', organisation: 'yes', consent: 'no' });
    expect(sent.tone).toBe('success');
    second = (await stored()).find((c) => c.id !== first.id)!;
    expect(sent.text).toContain(second.pseudonym);
    expect(second.pseudonym).toMatch(PSEUDONYM);
    expect(second.pseudonym).not.toBe(first.pseudonym);
    expect(second.organisation).toBe(SAM_ORG);
    expect(second.relay.slice(0, 16)).not.toBe(first.relay.slice(0, 16));

    clock.advance(11 * MINUTE);
    await t.tick();
    const notes = await since('chris', before.chris);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.message.text).toBe(`A new concern, ${second.pseudonym}, from a member of Riverside.`);
    expect(json(notes)).not.toContain(SAM_ORG);

    const friend = await openForm('chris', notes[0]!.message.buttons![0]!);
    chrisForms.push(json(friend));
    expect(friend.intro).toContain(`from someone at ${SAM_ORG}`);
    expect(friend.thread!.turns[0]!.text).toContain(SECOND);
    for (const s of [SAM_NAME, SAM_ID, samMemberId]) expect(json(friend)).not.toContain(s);
    // No consent to be asked: no escalation field.
    expect(friend.fields.map((f) => f.id)).toEqual(['reply', 'status']);
    // The side panel lists the live conversations (the first is closed).
    expect((await inboxOf('chris')).conversations.map((c) => c.title)).toEqual([`Concern ${second.pseudonym}`]);
  });

  it('takes a third concern the same day and refuses a fourth (3 a day)', async () => {
    const form = (await command('sam', 'concern', 'channel')).form!;
    expect(await submit('sam', form, { category: 'communication', happening: THIRD, help: '', organisation: 'no', consent: 'no' })).toMatchObject({
      tone: 'success',
    });
    expect(await t.store.concerns(pid)).toHaveLength(3);
    const fourth = await submit('sam', form, { category: 'other', happening: FOURTH, help: '', organisation: 'no', consent: 'no' });
    expect(fourth).toMatchObject({ tone: 'error', text: expect.stringContaining('You have raised 3 concerns today') });
    expect(fourth.text).toContain('Nothing was sent');
    expect(await t.store.concerns(pid)).toHaveLength(3);
    expect(new Set((await t.store.concerns(pid)).map((c) => c.pseudonym)).size).toBe(3);
    // Jo has her own allowance.
    const jo = (await command('jo', 'concern')).form!;
    expect(await submit('jo', jo, { category: 'commitment', happening: 'Jo has a worry too.', help: '', organisation: 'no', consent: 'no' })).toMatchObject({
      tone: 'success',
    });
    clock.advance(11 * MINUTE);
    await t.tick();
    expect((await t.store.concerns(pid)).every((c) => c.status !== 'pending')).toBe(true);
  });

  describe('keeps Sam anonymous', () => {
    const samMarks = () => [SAM_NAME, SAM_ID, `pg-dm-sam`, samMemberId];

    it('in the data file: concerns and quotas name nobody, and not even the organisation Sam chose to give is readable', async () => {
      const d = await data();
      expect(d.concerns).toHaveLength(4);
      for (const s of samMarks()) {
        expect(json(d.concerns)).not.toContain(s);
        expect(json(d.concernQuotas)).not.toContain(s);
      }
      // Sealed with the rest of the concern's body: only the server opens it.
      expect(json(d.concerns)).not.toContain(SAM_ORG);
      expect(d.concerns.map((c) => openConcern(TEST_SECRET, c)!.organisation).filter(Boolean)).toEqual([SAM_ORG]);
      // Two concerns from one person share nothing that links them.
      const a = d.concerns.find((c) => c.id === first.id)!;
      const b = d.concerns.find((c) => c.id === second.id)!;
      expect(a.pseudonym).not.toBe(b.pseudonym);
      expect(a.relay).not.toBe(b.relay);
      expect(a.relay.slice(0, 16)).not.toBe(b.relay.slice(0, 16));
      // The whole file holds Sam's membership, of course, but never next to a concern's pseudonym.
      const file = await t.data();
      const membersPart = json((JSON.parse(file) as { members: unknown[] }).members);
      for (const c of d.concerns) expect(membersPart).not.toContain(c.pseudonym);
    });

    it('in the logs: no concern text, no Sam, no organisation', () => {
      const logs = t.logs.join('\n');
      expect(logs.length).toBeGreaterThan(0);
      for (const m of MARKERS) expect(logs).not.toContain(m);
      for (const s of samMarks()) expect(logs).not.toContain(s);
      expect(logs).not.toContain(SAM_ORG);
      for (const c of [first, second]) expect(logs).not.toContain(c.pseudonym);
    });

    it("in Chris's and Alex's inboxes: no Sam, no organisation; concern text only what Sam approved, to Alex", async () => {
      await inboxOf('chris');
      await inboxOf('alex');
      expect(seen.chris.length).toBeGreaterThan(5);
      expect(seen.alex.length).toBeGreaterThan(5);
      for (const sent of [...seen.chris, ...seen.alex]) {
        for (const s of samMarks()) expect(sent).not.toContain(s);
        expect(sent).not.toContain(SAM_ORG);
      }
      for (const sent of seen.chris) for (const m of MARKERS) expect(sent).not.toContain(m);
      for (const sent of seen.alex) for (const m of MARKERS.filter((x) => x !== 'marker-egret-3307')) expect(sent).not.toContain(m);
      expect(seen.alex.at(-1)).toContain('marker-egret-3307');
      // The organisation reached Chris only inside the form of the concern that gave it.
      for (const f of chrisForms) for (const s of samMarks()) expect(f).not.toContain(s);
      expect(chrisForms.filter((f) => f.includes(SAM_ORG)).map((f) => (JSON.parse(f) as Form).context)).toEqual([second.id]);
      // And Jo's inbox has nothing from the critical-friend channel.
      expect(json(await inbox('jo'))).not.toMatch(/C-[A-Z0-9]{4}|marker-/);
    });
  });
});
