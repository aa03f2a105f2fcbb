// The set-up checklist through the core's front door: sent privately to whoever
// ran `setup`, updated in place (never sent again) when a step is done, only
// then, and finished once every step is; its forms reuse `join` and `member add`.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Trellis } from '../../src/core/trellis.js';
import { isForm, RUN_COMMAND, type Form, type Message, type Reply } from '../../src/core/message.js';
import type { Caller, Place } from '../../src/core/request.js';
import type { State } from '../../src/store/state-schema.js';
import { SAVE_EMAIL_MEMBER, SAVE_MY_ORG } from '../../src/core/commands/setup-checklist.js';
import { coreTrellis, type CoreTrellis } from '../helpers/core-trellis.js';

const SECRET = 'checklist-test-secret-0123456789abcdef';
const alex: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-ALEX', displayName: 'Alex Morgan' };
const sam: Caller = { platform: 'teams', workspace: '72f988bf-0000-41af-91ab-2d7cd011db47', userId: '29:sam', displayName: 'Sam Patel' };
const kim: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-KIM', displayName: 'Kim Osei' };
const eve: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-EVE', displayName: 'Eve Outsider' };
const channel: Place = { conversationId: 'C1', kind: 'channel', label: '#riverside' };
const dm: Place = { conversationId: 'D1', kind: 'personal' };

let core: CoreTrellis;
let trellis: Trellis;
let state: State;
let setupReply: Message;

const msg = (r: Reply) => r as Message;
const form = (r: Reply): Form => {
  if (!isForm(r)) throw new Error(`expected a form: ${r.text}`);
  return r.form;
};
const say = async (c: Caller, text: string, place: Place = channel) => {
  const reply = await trellis.command({ caller: c, place, text });
  await trellis.settled();
  return reply;
};
const click = async (c: Caller, actionId: string, value: string) => {
  const reply = await trellis.action({ caller: c, place: dm, actionId, value });
  await trellis.settled();
  return reply;
};
const submit = async (c: Caller, actionId: string, context: string, values: Record<string, string>) => {
  const reply = await trellis.submit({ caller: c, actionId, context, values });
  await trellis.settled();
  return reply;
};
const checklist = () => core.messenger.sent.find((s) => s.message.title === 'Set up Riverside')!;
const updates = () => core.messenger.updates;
/** The latest checklist shown: the last update, or the message first sent. */
const shown = (): Message => updates().at(-1)?.message ?? checklist().message;
const ticks = () => shown().items!.map((i) => (i.startsWith('✅') ? '✅' : '⬜'));
const buttonLabels = () => (shown().buttons ?? []).map((b) => b.label);
const partnershipId = () => state.partnerships[0]!.id;

beforeEach(async () => {
  core = coreTrellis('2026-11-23T09:00:00.000Z', { secret: SECRET, newInviteCode: () => 'TEST-CODE' });
  ({ trellis, state } = core);
  setupReply = msg(await say(alex, 'setup Riverside'));
});

describe('the set-up checklist', () => {
  it('goes privately to whoever ran setup, every step open, while the setup reply stays in the channel', async () => {
    expect(setupReply).toMatchObject({ tone: 'success', audience: 'conversation' });
    expect(setupReply.text).toContain('Alex Morgan: your set-up checklist is in your private chat with Trellis.');
    expect(core.messenger.sent.map((s) => s.to)).toEqual([alex.userId]);
    const sent = checklist();
    expect(sent.message.items).toHaveLength(5);
    expect(sent.message.items!.every((i) => i.startsWith('⬜'))).toBe(true);
    expect(sent.message.items!.join('\n')).toContain('`TEST-CODE`');
    expect(sent.message.items!.join('\n')).toContain('`join TEST-CODE <organisation>`');
    expect(sent.message.buttons).toEqual([
      { actionId: RUN_COMMAND, label: 'Add an organisation', value: 'org add', opensForm: true },
      { actionId: 'setup-my-org-form', label: 'Choose my organisation', value: partnershipId(), opensForm: true },
      { actionId: 'setup-email-member-form', label: 'Add someone by email', value: partnershipId(), opensForm: true },
      { actionId: RUN_COMMAND, label: 'Choose a critical friend', value: 'role', opensForm: true },
      { actionId: RUN_COMMAND, label: 'Schedule check-ins', value: 'survey schedule', opensForm: true },
    ]);
    expect(state.partnerships[0]!.setupChecklist).toEqual({ memberId: state.members[0]!.id, delivery: sent.delivery, done: [] });
  });

  it('ticks a step by updating the message it sent, and only when a step changes', async () => {
    await say(alex, 'org add City Council public');
    await say(alex, 'status');
    expect(updates()).toEqual([]); // one organisation is not yet a partnership
    await say(alex, 'org add Health Trust public');
    expect(updates()).toHaveLength(1);
    expect(updates()[0]!.delivery).toEqual(checklist().delivery);
    expect(ticks()).toEqual(['✅', '⬜', '⬜', '⬜', '⬜']);
    expect(buttonLabels()).not.toContain('Add an organisation');
    expect(shown().text).toContain('1 of 5 done');
    await say(alex, 'org add Hope Trust voluntary');
    await say(alex, 'org list');
    expect(updates()).toHaveLength(1);
    expect(core.messenger.sent.filter((s) => s.message.title === 'Set up Riverside')).toHaveLength(1);
  });

  it('keeps where it landed across a restart', async () => {
    await say(alex, 'org add City Council public');
    trellis = core.restart();
    await say(alex, 'org add Health Trust public');
    expect(updates().map((u) => u.delivery)).toEqual([checklist().delivery]);
    expect(state.partnerships[0]!.setupChecklist!.done).toEqual(['organisations']);
  });

  it('says when every step is done, offers the menu, and is left alone after', async () => {
    await say(alex, 'org add City Council public');
    await say(alex, 'org add Health Trust public');
    await say(alex, 'join TEST-CODE City Council', dm);
    await say(sam, 'join TEST-CODE Health Trust', dm);
    await say(kim, 'join TEST-CODE independent', dm);
    expect(ticks()).toEqual(['✅', '✅', '✅', '⬜', '⬜']);
    await say(alex, 'role Kim Osei critical-friend');
    await say(alex, 'survey schedule weekly monday 09:00');
    const done = shown();
    expect(done.tone).toBe('success');
    expect(done.text).toContain('*Riverside* is set up: every step is done.');
    expect(done.items!.every((i) => i.startsWith('✅'))).toBe(true);
    expect(done.buttons).toEqual([{ actionId: RUN_COMMAND, label: 'Menu', value: 'menu' }]);
    const count = updates().length;
    await say(alex, 'survey schedule off');
    expect(updates()).toHaveLength(count);
  });

  it('is not stored when the coordinator cannot be reached privately yet', async () => {
    core = coreTrellis('2026-11-23T09:00:00.000Z', { secret: SECRET, newInviteCode: () => 'TEST-CODE' });
    ({ trellis, state } = core);
    core.messenger.unreachable.add(alex.userId);
    const reply = msg(await say(alex, 'setup Riverside'));
    expect(reply.tone).toBe('success');
    expect(reply.text).not.toContain('checklist');
    expect(state.partnerships[0]!.setupChecklist).toBeUndefined();
    await say(alex, 'org add City Council public');
    await say(alex, 'org add Health Trust public');
    expect(updates()).toEqual([]);
  });
});

describe("the checklist's forms", () => {
  it('"Which organisation are you in?" runs join for the clicker and ticks the step', async () => {
    expect(msg(await click(alex, 'setup-my-org-form', partnershipId())).text).toContain('no organisations yet');
    await say(alex, 'org add City Council public');
    await say(alex, 'org add Health Trust public');
    const f = form(await click(alex, 'setup-my-org-form', partnershipId()));
    expect(f.fields.map((x) => x.id)).toEqual(['organisation']);
    const trust = state.organisations.find((o) => o.name === 'Health Trust')!;
    const reply = msg(await submit(alex, f.submitActionId, f.context, { organisation: trust.id }));
    expect(reply.text).toContain('your organisation is now Health Trust');
    expect(state.members.find((m) => m.userId === alex.userId)!.organisationId).toBe(trust.id);
    expect(ticks()).toEqual(['✅', '✅', '⬜', '⬜', '⬜']);
    const bad = msg(await submit(alex, SAVE_MY_ORG, partnershipId(), { organisation: 'nope' }));
    expect(bad.fieldErrors).toEqual({ organisation: 'Choose one of the organisations.' });
  });

  it('lets nobody outside the partnership join through it without the invite code', async () => {
    await say(alex, 'org add City Council public');
    const council = state.organisations[0]!;
    expect(msg(await click(eve, 'setup-my-org-form', partnershipId())).text).toContain("isn't a partnership you are in");
    const reply = msg(await submit(eve, SAVE_MY_ORG, partnershipId(), { organisation: council.id }));
    expect(reply.tone).toBe('error');
    expect(state.members.map((m) => m.userId)).toEqual([alex.userId]);
  });

  it('"Add someone by email" is member add: a bad address names its field, a good one adds and invites', async () => {
    await say(alex, 'org add City Council public');
    const f = form(await click(alex, 'setup-email-member-form', partnershipId()));
    expect(f.fields.map((x) => x.id)).toEqual(['email', 'organisation']);
    const bad = msg(await submit(alex, SAVE_EMAIL_MEMBER, partnershipId(), { email: 'jo at example', organisation: 'independent' }));
    expect(bad.fieldErrors).toEqual({ email: 'Write it whole, like jo.smith@example.org.' });
    expect(state.members).toHaveLength(1);
    const council = state.organisations[0]!;
    const added = msg(await submit(alex, SAVE_EMAIL_MEMBER, partnershipId(), { email: 'Jo.Smith@example.org', organisation: council.id }));
    expect(added.text).toContain('Added Jo Smith to Riverside by email, as City Council');
    expect(core.messenger.sent.some((s) => s.message.title === "You're invited to Riverside on Trellis")).toBe(true);
    expect(ticks()).toEqual(['⬜', '⬜', '✅', '⬜', '⬜']);
  });

  it('adds by email only for a coordinator', async () => {
    await say(sam, 'join TEST-CODE independent', dm);
    const reply = msg(await submit(sam, SAVE_EMAIL_MEMBER, partnershipId(), { email: 'jo@example.org', organisation: 'independent' }));
    expect(reply.text).toContain('Only coordinators can add members by email');
    expect(state.members).toHaveLength(2);
  });
});
