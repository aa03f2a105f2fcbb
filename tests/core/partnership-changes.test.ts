// Housekeeping through the core's front door: renaming and removing
// organisations, role changes told to the person, and a change of
// organisation confirmed before it counts.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Trellis } from '../../src/core/trellis.js';
import { isForm, type Form, type Message, type Reply } from '../../src/core/message.js';
import type { Caller, Place } from '../../src/core/request.js';
import type { State } from '../../src/store/state-schema.js';
import { coreTrellis } from '../helpers/core-trellis.js';
import type { FakeClock } from '../helpers/fake-clock.js';
import type { FakeMessenger } from '../helpers/fake-messenger.js';

const SECRET = 'housekeeping-test-secret-0123456789abcd';
const alex: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-ALEX', displayName: 'Alex Morgan' };
const sam: Caller = { platform: 'teams', workspace: '72f988bf-0000-41af-91ab-2d7cd011db47', userId: '29:sam', displayName: 'Sam Patel' };
const jo: Caller = { platform: 'playground', workspace: 'playground', userId: 'pg-jo', displayName: 'Jo Williams' };
const chris: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-CHRIS', displayName: 'Chris Evans' };
const acme: Caller[] = ['Ana', 'Ben', 'Cy'].map((n) => ({ platform: 'slack', workspace: 'T0001', userId: `U-${n.toUpperCase()}`, displayName: n }));
const channel: Place = { conversationId: 'C1', kind: 'channel', label: '#riverside' };
const dm: Place = { conversationId: 'D1', kind: 'personal' };

let state: State;
let trellis: Trellis;
let clock: FakeClock;
let messenger: FakeMessenger;
let code = '';

const reply = (r: Reply) => {
  if (isForm(r)) throw new Error('expected a message');
  return r as Message;
};
const say = async (c: Caller, text: string, place: Place = channel) => reply(await trellis.command({ caller: c, place, text }));
const click = async (c: Caller, actionId: string, value: string) => reply(await trellis.action({ caller: c, place: dm, actionId, value }));
const orgId = (name: string) => state.organisations.find((o) => o.name === name)?.id;
const orgOf = (c: Caller) => state.members.find((m) => m.userId === c.userId)!.organisationId;
const snapshot = () => JSON.stringify({ organisations: state.organisations, members: state.members, protocols: state.protocols });

beforeEach(async () => {
  ({ state, clock, messenger, trellis } = coreTrellis('2026-11-23T09:00:00Z', { secret: SECRET }));
  await say(alex, 'setup Riverside');
  await say(alex, 'org add City Council public');
  await say(alex, 'org add Hope Trust voluntary');
  await say(alex, 'org add Acme Ltd private');
  code = state.partnerships[0]!.inviteCode;
  await say(alex, `join ${code} City Council`, dm);
  await say(sam, `join ${code} City Council`, dm);
  await say(jo, `join ${code} Hope Trust`, dm);
  await say(chris, `join ${code} independent`, dm);
  messenger.sent.length = 0;
});

describe('org rename', () => {
  it('renames in place: members stay in it by id, and `members` shows the new name', async () => {
    const id = orgId('City Council');
    const r = await say(alex, 'org rename city council to Riverside Council');
    expect(r.tone).toBe('success');
    expect(r.text).toBe(
      'City Council is now called Riverside Council. Its members stay in it, and its figures from earlier check-ins stay with it under the new name.',
    );
    expect(state.organisations.find((o) => o.id === id)).toMatchObject({ name: 'Riverside Council', sector: 'public' });
    expect(orgOf(sam)).toBe(id);
    expect((await say(alex, 'members')).items).toContain('Sam Patel — Riverside Council (public) · member');
    expect((await say(sam, `join ${code} Riverside Council`, dm)).text).toContain("You're already in Riverside");
  });

  it('may change only the case of the name', async () => {
    expect((await say(alex, 'org rename Acme Ltd to ACME LTD')).tone).toBe('success');
    expect(orgId('ACME LTD')).toBeDefined();
  });

  it.each([
    ['org rename City Council to independent', '"independent" is reserved'],
    ['org rename City Council to hope trust', 'Riverside already has Hope Trust (voluntary)'],
    [`org rename City Council to ${'x'.repeat(81)}`, 'The name is too long (the limit is 80 characters)'],
    ['org rename Police to Constabulary', 'no organisation called "Police". Its organisations: City Council, Hope Trust, Acme Ltd.'],
    ['org rename City Council to City Council', 'already called that'],
  ])('refuses %j, changing nothing', async (text, error) => {
    const before = snapshot();
    const r = await say(alex, text);
    expect(r.tone).not.toBe('success');
    expect(r.text).toContain(error);
    expect(snapshot()).toBe(before);
  });

  it('refuses a member, changing nothing', async () => {
    const before = snapshot();
    expect((await say(sam, 'org rename City Council to Town Hall', dm)).text).toContain('Only coordinators can rename organisations');
    expect(snapshot()).toBe(before);
  });

  it('asks for the form when "to" splits the words two ways onto real organisations', async () => {
    await say(alex, 'org add Back public');
    await say(alex, 'org add Back to Work voluntary');
    const before = snapshot();
    const r = await say(alex, 'org rename Back to Work to Into Work');
    expect(r.text).toContain('That can be read 2 ways');
    expect(r.text).toContain('Type `org rename` alone');
    expect(snapshot()).toBe(before);
    // One reading names a real organisation: that one is meant.
    expect((await say(alex, 'org rename Hope Trust to Hope to Work')).tone).toBe('success');
    expect(orgId('Hope to Work')).toBeDefined();
  });

  it('opens a form with the organisations when given no names, and renames from it', async () => {
    const r = await trellis.command({ caller: alex, place: channel, text: 'org rename' });
    if (!isForm(r)) throw new Error('expected a form');
    const f: Form = r.form;
    expect(f.fields[0]).toMatchObject({ kind: 'choice', id: 'org' });
    expect((f.fields[0] as { options: { label: string }[] }).options.map((o) => o.label)).toEqual(['Acme Ltd', 'City Council', 'Hope Trust']);
    const submit = (c: Caller, values: Record<string, string>) => trellis.submit({ caller: c, actionId: f.submitActionId, context: f.context, values });

    const before = snapshot();
    const dup = await submit(alex, { org: orgId('Acme Ltd')!, name: 'HOPE TRUST' });
    expect(dup.fieldErrors?.name).toContain('already has Hope Trust');
    expect((await submit(alex, { org: 'no-such-org', name: 'X' })).fieldErrors?.org).toBeDefined();
    expect((await submit(alex, { org: orgId('Acme Ltd')!, name: '   ' })).fieldErrors?.name).toBeDefined();
    expect((await submit(sam, { org: orgId('Acme Ltd')!, name: 'Sam Co' })).text).toContain('Only coordinators');
    expect(snapshot()).toBe(before);

    const ok = await submit(alex, { org: orgId('Acme Ltd')!, name: '  Acme   Group ' });
    expect(ok.text).toContain('Acme Ltd is now called Acme Group');
    expect(orgId('Acme Group')).toBeDefined();
    // The form's reopen button (Teams opens dialogs from buttons) opens it again, for coordinators only.
    expect(isForm(await trellis.action({ caller: alex, place: dm, actionId: f.reopen.actionId, value: f.reopen.value }))).toBe(true);
    expect(reply(await trellis.action({ caller: sam, place: dm, actionId: f.reopen.actionId, value: f.reopen.value })).text).toContain('Only coordinators');
  });
});

describe('org remove', () => {
  it('refuses while people belong to it, saying how each can move, and changes nothing', async () => {
    const before = snapshot();
    const r = await say(alex, 'org remove city council');
    expect(r.tone).toBe('error');
    expect(r.text).toContain('2 members still belong to City Council (Alex Morgan, Sam Patel), so it stays.');
    expect(r.text).toContain(`\`join ${code} <other organisation>\``);
    expect(r.text).toContain('`member add <email> <other organisation>`');
    expect(snapshot()).toBe(before);
  });

  it('refuses while a protocol names it, retired ones too, and changes nothing', async () => {
    const f = await trellis.command({ caller: alex, place: channel, text: 'protocol add' });
    if (!isForm(f)) throw new Error('expected a form');
    const saved = await trellis.submit({
      caller: alex,
      actionId: f.form.submitActionId,
      context: f.form.context,
      values: {
        title: 'Data sharing',
        kind: 'agreement',
        purpose: '',
        parties: `${orgId('Acme Ltd')},${orgId('Hope Trust')}`,
        owner: state.members.find((m) => m.userId === jo.userId)!.id,
        cycle: '12',
        next: '',
      },
    });
    expect(saved.tone).toBe('success');
    await say(alex, 'protocol retire P-1');
    const before = snapshot();
    const r = await say(alex, 'org remove Acme Ltd');
    expect(r.text).toContain('Acme Ltd is a party to P-1 Data sharing (retired), so it stays');
    expect(r.text).toContain('`protocol edit P-1`');
    expect(snapshot()).toBe(before);
  });

  it('refuses a member and an unknown name, changing nothing', async () => {
    const before = snapshot();
    expect((await say(sam, 'org remove Acme Ltd', dm)).text).toContain('Only coordinators can remove organisations');
    expect((await say(alex, 'org remove Acme')).text).toContain('no organisation called "Acme"');
    expect(snapshot()).toBe(before);
  });

  it("removes an empty organisation; a closed round's breakdowns keep its answers apart, hidden exactly as before", async () => {
    await say(alex, 'set threshold 3');
    for (const c of acme) await say(c, `join ${code} Acme Ltd`, dm);
    // Everyone answers one round: public 2 (Alex, Sam), voluntary 1 (Jo), private 3 (Acme's three).
    await say(alex, 'survey now for 1d');
    const id = state.rounds.at(-1)!.id;
    for (const c of [alex, sam, jo, ...acme]) {
      const r = await trellis.action({ caller: c, place: dm, actionId: 'survey-open', value: id });
      if (!isForm(r)) throw new Error(r.text);
      const values = Object.fromEntries(r.form.fields.filter((x) => x.kind === 'choice').map((x) => [x.id, c === jo ? '1' : '4']));
      await trellis.submit({ caller: c, actionId: 'survey-submit', context: id, values });
    }
    clock.advance(3_600_000);
    await say(alex, 'survey close');
    const cells = (items: string[]) => items.map((line) => line.split(': ')[1]!.split(' · ').sort());
    const before = cells((await say(alex, 'trends by sector')).items!);
    expect(before.flat().some((c) => c.startsWith('Acme Ltd'))).toBe(true);

    // Acme's people move on, each confirming; then the empty organisation goes.
    for (const c of acme) {
      const ask = await say(c, `join ${code} City Council`, dm);
      const confirm = ask.buttons!.find((b) => b.label === 'Confirm')!;
      expect((await click(c, confirm.actionId, confirm.value)).tone).toBe('success');
    }
    const removed = await say(alex, 'org remove acme ltd');
    expect(removed.text).toContain('Removed Acme Ltd from Riverside');
    expect(orgId('Acme Ltd')).toBeUndefined();
    expect((await say(alex, 'org list')).items).toEqual(['City Council (public)', 'Hope Trust (voluntary)']);

    // The round's figures: the same cells, shown or hidden as before, Acme's now called a former organisation's —
    // never merged into another group (nor into "independent"), which could show a figure not shown before.
    const after = cells((await say(alex, 'trends by sector')).items!);
    expect(after).toEqual(before.map((line) => line.map((c) => c.replace('Acme Ltd', 'former organisation')).sort()));
    expect(JSON.stringify(after)).not.toContain('independent');
    expect((await say(alex, 'trends')).tone).not.toBe('error');
  });
});

describe('role changes', () => {
  const roleNotes = (c: Caller) => messenger.sent.filter((s) => s.to === c.userId && s.message.title === 'Riverside: your role');

  it('tells the person privately, naming the coordinator who changed it', async () => {
    expect((await say(alex, 'role Sam Patel coordinator')).text).toBe('Sam Patel is now a coordinator of Riverside.');
    const [note] = roleNotes(sam);
    expect(note!.message.text).toBe(
      'You are now a coordinator of Riverside (changed by Alex Morgan, a coordinator). Type `help` to see what coordinators can do.',
    );
    expect(note!.message.audience).toBe('caller');
    expect(messenger.sent.map((s) => s.to)).toEqual(['29:sam']);
    // Stepping down themselves, Alex reads the reply; Sam is not told of a change that is not theirs.
    messenger.sent.length = 0;
    expect((await say(alex, 'role Alex Morgan member')).tone).toBe('success');
    expect(messenger.sent).toEqual([]);
  });

  it('tells nobody when the change is refused', async () => {
    expect((await say(alex, 'role Alex Morgan member')).text).toContain('the only coordinator');
    expect((await say(sam, 'role Jo Williams coordinator', dm)).text).toContain('Only coordinators');
    expect((await say(alex, 'role Sam Patel member')).text).toContain('already a member');
    expect(messenger.sent).toEqual([]);
  });

  it('keeps the critical-friend announcements, and tells the new friend privately as well', async () => {
    await say(alex, 'role Chris Evans critical-friend');
    expect(messenger.posted.at(-1)!.message.text).toContain('Chris Evans is now a critical friend of Riverside (named by Alex Morgan)');
    expect(roleNotes(chris).map((s) => s.message.text)).toEqual([
      'You are now a critical friend of Riverside (changed by Alex Morgan, a coordinator). You read the concerns raised from now on, never who raised them.',
    ]);
    // Leaving, the friend is told with the friends in place (friend-changes.ts), and of their new role.
    messenger.sent.length = 0;
    await say(alex, 'role Chris Evans member');
    expect(messenger.sent.filter((s) => s.to === chris.userId).map((s) => s.message.text)).toEqual([
      'Chris Evans is no longer a critical friend of Riverside (changed by Alex Morgan), and reads no concern from now on. Anyone whose conversation was with them is asked privately whether to hand it to the critical friend now in place or close it.',
      'You are now a member of Riverside (changed by Alex Morgan, a coordinator). You take part in check-ins and reviews.',
    ]);
  });
});

describe('join to change organisation', () => {
  it('asks before moving someone to another organisation, and Keep changes nothing', async () => {
    const before = snapshot();
    const ask = await say(sam, `join ${code} Hope Trust`, dm);
    expect(ask.text).toBe('You are in City Council (public). Move to Hope Trust (voluntary)? It changes which organisation your future answers count toward.');
    expect(ask.buttons?.map((b) => [b.label, b.actionId])).toEqual([
      ['Confirm', 'join-move'],
      ['Keep', 'join-keep'],
    ]);
    expect(snapshot()).toBe(before);
    const keep = ask.buttons![1]!;
    expect((await click(sam, keep.actionId, keep.value)).text).toBe('You stay in City Council (public) in Riverside. Nothing was changed.');
    expect(snapshot()).toBe(before);

    const confirm = ask.buttons![0]!;
    const moved = await click(sam, confirm.actionId, confirm.value);
    expect(moved.text).toContain('your organisation is now Hope Trust (voluntary)');
    expect(orgOf(sam)).toBe(orgId('Hope Trust'));
    // A second click finds it done.
    expect((await click(sam, confirm.actionId, confirm.value)).text).toContain("You're already in Riverside, as Hope Trust (voluntary)");
  });

  it('asks before leaving an organisation for none, too', async () => {
    const ask = await say(sam, `join ${code} independent`, dm);
    expect(ask.text).toContain('Move to independent (no organisation)?');
    expect(orgOf(sam)).toBe(orgId('City Council'));
    await click(sam, ask.buttons![0]!.actionId, ask.buttons![0]!.value);
    expect(orgOf(sam)).toBeUndefined();
  });

  it('joins at once the first time, says so for the same organisation, and names a first organisation at once', async () => {
    const kim: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-KIM', displayName: 'Kim Osei' };
    expect((await say(kim, `join ${code} Hope Trust`, dm)).text).toContain('Welcome to *Riverside*, Kim Osei');
    expect((await say(sam, `join ${code} city council`, dm)).text).toContain("You're already in Riverside, as City Council (public)");
    // Chris has no organisation yet: naming one is like joining (as a coordinator does after `setup`).
    expect((await say(chris, `join ${code} Hope Trust`, dm)).text).toContain('your organisation is now Hope Trust (voluntary)');
    expect(orgOf(chris)).toBe(orgId('Hope Trust'));
  });

  it('checks a Confirm again when clicked: a removed organisation, or a stranger, changes nothing', async () => {
    await say(alex, 'org add Spare public');
    const ask = await say(sam, `join ${code} Spare`, dm);
    await say(alex, 'org remove Spare');
    const before = snapshot();
    expect((await click(sam, ask.buttons![0]!.actionId, ask.buttons![0]!.value)).text).toBe(
      'That organisation is no longer in Riverside; nothing was changed.',
    );
    const stranger: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-NOBODY', displayName: 'Nobody' };
    expect((await click(stranger, ask.buttons![0]!.actionId, ask.buttons![0]!.value)).text).toContain("That isn't a partnership you are in");
    expect((await click(sam, 'join-move', 'forged:value')).text).toContain("That isn't a partnership you are in");
    expect(snapshot()).toBe(before);
  });
});
