// The console (`menu`, and the overview every surface shows): what each person
// can do now, by role and by whether a check-in is open, and their own
// concerns, found through the sealed relays and nobody else's.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Trellis } from '../../src/core/trellis.js';
import { isForm, RUN_IN, type Button, type Form, type Message, type Reply } from '../../src/core/message.js';
import type { Caller, Place } from '../../src/core/request.js';
import type { State } from '../../src/store/state-schema.js';
import { OPEN_CHECK_IN } from '../../src/core/survey/check-in-messages.js';
import { OPEN_REVIEW } from '../../src/core/protocols/reviews.js';
import { FRIEND_OPEN, REPORTER_OPEN } from '../../src/core/concerns/concern-forms.js';
import { coreTrellis } from '../helpers/core-trellis.js';
import type { FakeClock } from '../helpers/fake-clock.js';

const SECRET = 'console-test-secret-0123456789abcdef01';
const alex: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-ALEX', displayName: 'Alex Morgan' };
const sam: Caller = { platform: 'teams', workspace: '72f988bf-0000-41af-91ab-2d7cd011db47', userId: '29:sam-patel', displayName: 'Sam Patel' };
const kim: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-KIM', displayName: 'Kim Osei' };
const chris: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-CHRIS', displayName: 'Chris Evans' };
const stranger: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-NEW', displayName: 'New Person' };
const channel: Place = { conversationId: 'C1', kind: 'channel', label: '#riverside' };
const dm: Place = { conversationId: 'D1', kind: 'personal' };
const HAPPENING = 'marker-happening: decisions are made before meetings.';

let state: State;
let trellis: Trellis;
let clock: FakeClock;

const msg = (r: Reply) => r as Message;
const form = (r: Reply): Form => {
  if (!isForm(r)) throw new Error(`expected a form: ${r.text}`);
  return r.form;
};
const say = async (c: Caller, text: string, place: Place = dm) => trellis.command({ caller: c, place, text });
const menu = async (c: Caller) => msg(await say(c, 'menu'));
const titles = (m: Message) => (m.sections ?? []).map((s) => s.title);
const labels = (m: Message) => (m.sections ?? []).flatMap((s) => s.buttons.map((b) => b.label));
const button = (m: Message, label: string): Button => {
  const found = [...(m.buttons ?? []), ...(m.sections ?? []).flatMap((s) => s.buttons)].find((b) => b.label === label);
  if (!found) throw new Error(`no button "${label}" in ${JSON.stringify(m)}`);
  return found;
};
const click = (c: Caller, b: Pick<Button, 'actionId' | 'value'>, place: Place = dm) =>
  trellis.action({ caller: c, place, actionId: b.actionId, value: b.value });
const pid = () => state.partnerships[0]!.id;
const raise = async (c: Caller) => {
  const f = form(await say(c, 'concern'));
  const values = { category: 'power', happening: HAPPENING, help: '', organisation: 'no', consent: 'no' };
  return msg(await trellis.submit({ caller: c, actionId: f.submitActionId, context: f.context, values }));
};
const refOf = (receipt: Message) => /\*(C-[A-Z2-9]{4})\*/.exec(receipt.text)![1]!;

beforeEach(async () => {
  ({ state, clock, trellis } = coreTrellis('2026-11-23T09:00:00Z', { secret: SECRET, random: () => 0 }));
  await say(alex, 'setup Riverside', channel);
  await say(alex, 'org add City Council public', channel);
  const code = state.partnerships[0]!.inviteCode;
  await say(alex, `join ${code} City Council`);
  await say(sam, `join ${code} City Council`);
  await say(kim, `join ${code} City Council`);
  await say(chris, `join ${code} independent`);
  await say(alex, 'role Chris Evans critical-friend', channel);
});

describe('the console, by role', () => {
  it('tells someone in no partnership how to join or set one up', async () => {
    const m = await menu(stranger);
    expect(m.text).toContain('join <invite-code> <organisation>');
    expect(m.text).toContain('type `setup` in the channel');
    expect(m.sections).toBeUndefined();
    expect(await trellis.overview(stranger)).toEqual(m);
  });

  it('gives a coordinator check-ins, partners, protocols and results; close and cancel only while a round is open', async () => {
    const before = await menu(alex);
    expect(titles(before)).toEqual(['Check-ins', 'Partners', 'Protocols', 'Your concerns', 'Results', 'Your data']);
    expect(labels(before)).toEqual([
      'Schedule check-ins',
      'Open one now',
      'Add an organisation',
      'Invite code',
      'Change a role',
      'Close the partnership',
      'Add a protocol',
      'The register',
      'Raise a concern',
      'Trends',
      'By sector',
      'Dashboard',
      'Export',
      'My data',
      'Leave Riverside',
    ]);
    expect(button(before, 'Close the partnership')).toMatchObject({ value: `${pid()} partnership close`, style: 'danger' });
    expect(button(before, 'By sector')).toMatchObject({ value: `${pid()} trends by sector`, readOnly: true });
    // Each button runs its command in this partnership.
    expect(button(before, 'Schedule check-ins')).toEqual({ actionId: RUN_IN, label: 'Schedule check-ins', value: `${pid()} survey schedule`, opensForm: true });
    expect(button(before, 'Export').value).toBe(`${pid()} export`);
    expect(before.buttons).toEqual([]);

    // Opening one from the console opens a round; the console then offers to close or cancel it, and to answer.
    expect(msg(await click(alex, button(before, 'Open one now'))).tone).toBe('success');
    expect(state.rounds).toHaveLength(1);
    const open = await menu(alex);
    expect(open.sections![0]).toMatchObject({ title: 'Check-ins', text: expect.stringContaining('Check-in #1 is open until') });
    expect(open.sections![0]!.buttons.map((b) => [b.label, b.value])).toEqual([
      ['Schedule check-ins', `${pid()} survey schedule`],
      ['Close it now', `${pid()} survey close`],
      ['Cancel it', `${pid()} survey cancel`],
    ]);
    expect(open.buttons).toEqual([expect.objectContaining({ actionId: OPEN_CHECK_IN, label: 'Riverside: answer check-in #1', value: state.rounds[0]!.id })]);

    // Closed again (nobody answered, so it asks first): back to "Open one now".
    const asked = msg(await click(alex, button(open, 'Close it now')));
    await click(alex, asked.buttons!.find((b) => b.label === 'Close anyway')!);
    expect(labels(await menu(alex))).toContain('Open one now');
    expect(labels(await menu(alex))).not.toContain('Close it now');
  });

  it('gives a member what waits for them, their concerns and trends — nothing a coordinator does', async () => {
    const before = await menu(sam);
    expect(titles(before)).toEqual(['Your concerns', 'Results', 'Your data']);
    expect(labels(before)).toEqual(['Raise a concern', 'Trends', 'My data', 'Leave Riverside']);
    expect(button(before, 'Raise a concern')).toMatchObject({ opensForm: true });
    expect(before.buttons).toEqual([]);
    await say(alex, 'survey now', channel);
    const open = await menu(sam);
    expect(open.buttons!.map((b) => [b.actionId, b.label])).toEqual([[OPEN_CHECK_IN, 'Riverside: answer check-in #1']]);
    for (const absent of ['Close it now', 'Cancel it', 'Open one now', 'Schedule check-ins', 'Add a protocol', 'Dashboard', 'Export']) {
      expect(labels(open)).not.toContain(absent);
    }
    // Its "Raise a concern" opens the private form.
    expect(isForm(await click(sam, button(open, 'Raise a concern')))).toBe(true);
  });

  it('gives the critical friend conversations and themes, and no check-in', async () => {
    await say(alex, 'survey now', channel);
    const m = await menu(chris);
    expect(titles(m)).toEqual(['Concerns', 'Results', 'Your data']);
    expect(labels(m)).toEqual(['Conversations', 'Themes', 'Trends', 'My data', 'Leave Riverside']);
    expect(m.sections![0]!.text).toBe('0 open conversations, 0 waiting for your reply.');
    expect(m.buttons).toEqual([]);
    expect(msg(await click(chris, button(m, 'Themes'))).text).toContain('No concerns yet');
  });

  it('offers to start reviews of protocols due, to coordinators and the owner, and the review to its parties', async () => {
    const f = form(await say(alex, 'protocol add', channel));
    const cc = state.organisations.find((o) => o.name === 'City Council')!.id;
    const owner = state.members.find((m) => m.userId === kim.userId)!.id;
    const values = { title: 'Referrals', kind: 'protocol', purpose: 'How we refer', parties: cc, owner, link: '', cycle: '6', next: '2026-12-10' };
    expect(msg(await trellis.submit({ caller: alex, actionId: f.submitActionId, context: f.context, values })).tone).toBe('success');
    expect(labels(await menu(alex))).toContain('Start review P-1');
    expect(titles(await menu(kim))).toContain('Protocols');
    expect(labels(await menu(kim))).toContain('Start review P-1');
    expect(labels(await menu(sam))).not.toContain('Start review P-1');

    expect(msg(await click(kim, button(await menu(kim), 'Start review P-1'))).text).toContain('Review of P-1 Referrals started');
    expect(labels(await menu(alex))).not.toContain('Start review P-1');
    const samMenu = await menu(sam);
    expect(samMenu.buttons!.map((b) => [b.actionId, b.label])).toEqual([[OPEN_REVIEW, 'Riverside: review P-1']]);
    expect(form(await click(sam, samMenu.buttons![0]!)).title).toBe('Review P-1');

    // Under review, the coordinator and the owner (not a party member) get its "Close a review" form.
    for (const c of [alex, kim]) {
      const m = await menu(c);
      expect(m.sections!.find((s) => s.title === 'Protocols')!.text).toBe('Under review: P-1.');
      expect(form(await click(c, button(m, 'Close a review'))).title).toBe('Close a review');
    }
    expect(labels(samMenu)).not.toContain('Close a review');
    const closer = form(await click(alex, button(await menu(alex), 'Close a review')));
    const closed = msg(
      await trellis.submit({ caller: alex, actionId: closer.submitActionId, context: closer.context, values: { protocol: 'P-1', outcome: 'kept', next: '' } }),
    );
    expect(closed.text).toContain('Review of P-1 closed: kept');
    expect(labels(await menu(alex))).not.toContain('Close a review');
  });
});

describe('several partnerships', () => {
  it('groups by partnership, names the home channels, and each button acts in its own partnership wherever it is clicked', async () => {
    const other: Place = { conversationId: 'C2', kind: 'channel', label: '#northside' };
    await say(kim, 'setup Northside', other);
    await say(alex, `join ${state.partnerships[1]!.inviteCode} independent`);
    const m = await menu(alex);
    expect(m.text).toContain('Riverside in #riverside (Slack)');
    expect(m.text).toContain('Northside in #northside (Slack)');
    expect(titles(m)).toEqual([
      'Riverside: Check-ins',
      'Riverside: Partners',
      'Riverside: Protocols',
      'Riverside: Your concerns',
      'Riverside: Results',
      'Riverside: Your data',
      'Northside: Results',
      'Northside: Your data',
    ]);
    // Typed in a DM, `survey now` cannot tell which partnership; the console's button can.
    expect(msg(await say(alex, 'survey now')).text).toContain('several partnerships');
    const openNow = button(m, 'Open one now');
    expect(msg(await click(alex, openNow, { conversationId: 'C2', kind: 'channel', label: '#northside' })).tone).toBe('success');
    expect(state.rounds.map((r) => r.partnershipId)).toEqual([state.partnerships[0]!.id]);
  });

  it('gives everyone their data and a Leave button that asks first, in that partnership; never more than six buttons a section', async () => {
    const long = 'The Greater Riverside Health and Care Partnership';
    await say(kim, `setup ${long}`, { conversationId: 'C2', kind: 'channel', label: '#greater' });
    await say(sam, `join ${state.partnerships[1]!.inviteCode} independent`);
    const m = await menu(sam);
    const sections = (m.sections ?? []).filter((s) => s.title.endsWith('Your data'));
    expect(sections.map((s) => s.buttons.map((b) => b.label))).toEqual([
      ['My data', 'Leave Riverside'],
      ['My data', 'Leave this partnership'],
    ]);
    for (const s of m.sections ?? []) expect(s.buttons.length).toBeLessThanOrEqual(6);
    for (const b of sections.flatMap((s) => s.buttons)) expect(b.label.length).toBeLessThanOrEqual(40);
    const leave = button(m, 'Leave Riverside');
    expect(leave).toMatchObject({ style: 'danger', readOnly: true, value: `${pid()} leave` });
    // Clicked from anywhere it asks about its own partnership, and erases nothing yet.
    const asked = msg(await click(sam, leave, { conversationId: 'C2', kind: 'channel', label: '#greater' }));
    expect(asked.title).toBe('Leave Riverside?');
    expect(asked.buttons!.map((b) => [b.label, b.style])).toEqual([
      ['Leave', 'danger'],
      ['Stay', undefined],
    ]);
    expect(state.members.filter((x) => x.userId === sam.userId)).toHaveLength(2);
    const mine = msg(await click(sam, button(m, 'My data')));
    expect(mine.title).toBe('Your data');
    expect(mine.items!.join('\n')).toContain(long);
  });

  it('refuses a console button of a partnership the clicker is not in, and changes nothing', async () => {
    const forged = { actionId: RUN_IN, value: `${pid()} survey now` };
    const reply = msg(await click(stranger, forged, channel));
    expect(reply).toMatchObject({ tone: 'error', text: expect.stringContaining('a partnership you are not in') });
    expect(state.rounds).toEqual([]);
    // A member who is not a coordinator is refused by the command itself.
    expect(msg(await click(sam, forged)).text).toContain('Only coordinators');
    expect(state.rounds).toEqual([]);
  });
});

describe("a person's own concerns", () => {
  it('lists each reporter their own conversations only, content-free; the critical friend and coordinators see none of them', async () => {
    const samRef = refOf(await raise(sam));
    const kimRef = refOf(await raise(kim));
    clock.advance(1000);
    await trellis.tick(); // delivered (no delay: random() is 0)

    const samMenu = await menu(sam);
    const samConcerns = samMenu.sections!.find((s) => s.title === 'Your concerns')!;
    expect(samConcerns.text).toBe(`Your concern ${samRef}: open`);
    const samConcern = state.concerns.find((c) => c.pseudonym === samRef)!;
    expect(samConcerns.buttons).toEqual([
      expect.objectContaining({ label: 'Raise a concern' }),
      { actionId: REPORTER_OPEN, label: `Open ${samRef}`, value: samConcern.id, style: 'primary', opensForm: true },
    ]);
    expect(JSON.stringify(samMenu)).not.toContain(kimRef);
    expect(await trellis.conversations(sam)).toEqual([
      {
        title: `Your concern ${samRef}`,
        pseudonym: samRef,
        note: 'open',
        button: { actionId: REPORTER_OPEN, label: 'Read and answer', value: samConcern.id, style: 'primary', opensForm: true },
      },
    ]);
    expect((await trellis.conversations(kim)).map((c) => c.title)).toEqual([`Your concern ${kimRef}`]);
    // Its button opens Sam's own conversation.
    expect(form(await click(sam, samConcerns.buttons[1]!)).thread!.turns[0]!.text).toContain('marker-happening');

    // The coordinator and the critical friend have no reporter's list; the friend has their own side, as `concerns` lists it.
    const alexAll = JSON.stringify([await menu(alex), await trellis.conversations(alex)]);
    for (const ref of [samRef, kimRef]) expect(alexAll).not.toContain(ref);
    expect((await menu(alex)).sections!.find((s) => s.title === 'Your concerns')!.buttons.map((b) => b.label)).toEqual(['Raise a concern']);
    const chrisSide = await trellis.conversations(chris);
    expect(chrisSide.map((c) => [c.title, c.button.actionId])).toEqual([
      [`Concern ${kimRef}`, FRIEND_OPEN],
      [`Concern ${samRef}`, FRIEND_OPEN],
    ]);
    expect(chrisSide.some((c) => c.title.startsWith('Your concern'))).toBe(false);
    expect((await menu(chris)).sections![0]!.text).toBe('2 open conversations, 2 waiting for your reply.');

    // Nothing any of them sees carries a word of a concern.
    for (const c of [sam, kim, alex, chris]) expect(JSON.stringify([await menu(c), await trellis.conversations(c)])).not.toContain('marker-');
  });

  it('keeps what is personal out of a `menu` asked in a shared channel (Teams cannot answer there for one person alone)', async () => {
    const samRef = refOf(await raise(sam));
    clock.advance(1000);
    await trellis.tick();
    await say(alex, 'survey now', channel);
    const privately = await menu(sam);
    expect(JSON.stringify(privately)).toContain(samRef);
    expect(privately.buttons).toHaveLength(1); // the check-in

    const inChannel = msg(await say(sam, 'menu', channel));
    expect(inChannel.text).toContain('shown only in a private chat with Trellis');
    expect(inChannel.buttons).toEqual([]);
    expect(JSON.stringify(inChannel)).not.toContain(samRef);
    expect(JSON.stringify(inChannel)).not.toContain('check-in #1');
    expect(labels(inChannel)).toEqual(['Raise a concern', 'Trends']); // nor their data, nor leaving
    // The critical friend's conversations neither.
    const friendInChannel = msg(await say(chris, 'menu', channel));
    expect(friendInChannel.sections![0]).toEqual(expect.not.objectContaining({ text: expect.anything() }));
    expect(JSON.stringify(friendInChannel)).not.toContain(samRef);
    expect(JSON.stringify(await menu(chris))).toContain(samRef);
  });

  it('says when something waits for the reporter, and leaves closed conversations out', async () => {
    const samRef = refOf(await raise(sam));
    clock.advance(1000);
    await trellis.tick();
    const id = state.concerns[0]!.id;
    const friendForm = form(await click(chris, { actionId: FRIEND_OPEN, value: id }));
    await trellis.submit({
      caller: chris,
      actionId: friendForm.submitActionId,
      context: friendForm.context,
      values: { reply: 'Tell me more', status: 'acknowledged' },
    });
    expect((await trellis.conversations(sam))[0]!.note).toBe('acknowledged — something waits for you');
    expect((await menu(sam)).sections!.find((s) => s.title === 'Your concerns')!.text).toBe(`Your concern ${samRef}: acknowledged — something waits for you`);
    const reporterForm = form(await click(sam, { actionId: REPORTER_OPEN, value: id }));
    await trellis.submit({ caller: sam, actionId: reporterForm.submitActionId, context: reporterForm.context, values: { reply: '', close: 'close' } });
    expect(await trellis.conversations(sam)).toEqual([]);
    expect(await trellis.conversations(chris)).toEqual([]);
  });
});
