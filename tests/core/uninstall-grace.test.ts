// An uninstall's grace period: a workspace that removed Trellis (or a person who
// removed it from their Teams chat) loses nothing until the grace period has
// passed, nothing at all if Trellis is added back first; past it, the members
// reached only through it are erased as by `leave`, once, with their answers
// and the figures untouched, and the coordinators told how many, never who.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Trellis } from '../../src/core/trellis.js';
import { isForm, type Form, type Message, type Reply } from '../../src/core/message.js';
import type { Caller, Place } from '../../src/core/request.js';
import type { State } from '../../src/store/state-schema.js';
import { coreTrellis } from '../helpers/core-trellis.js';
import type { FakeClock } from '../helpers/fake-clock.js';
import type { FakeMessenger } from '../helpers/fake-messenger.js';

const SECRET = 'uninstall-secret-0123456789abcdef012345';
const DAY = 86_400_000;
const slack = (workspace: string, userId: string, displayName: string): Caller => ({ platform: 'slack', workspace, userId, displayName });
const alex = slack('T-RIVER', 'U-ALEX', 'Alex Morgan'); // coordinator
const jo = slack('T-RIVER', 'U-JO', 'Jo Bloggs'); // second coordinator
const sam = slack('T-HOPE', 'U-SAM', 'Sam Patel'); // in the workspace that goes; also in Harbour
const kim = slack('T-HOPE', 'U-KIM', 'Kim Lee'); // in the workspace that goes
const pat = slack('T-HOPE', 'U-PAT', 'Pat Quinn'); // in the workspace that goes ...
const patElsewhere = slack('T-OTHER', 'U-PAT', 'Pat Quinn'); // ... and, through another workspace, in Harbour
const lee: Caller = { platform: 'teams', workspace: 'tenant-1', userId: '29:lee', displayName: 'Lee Teams' };
const ash: Caller = { platform: 'teams', workspace: 'tenant-1', userId: '29:ash', displayName: 'Ash Teams' };
const channel: Place = { conversationId: 'C1', kind: 'channel', label: '#riverside' };
const harbourChannel: Place = { conversationId: 'C2', kind: 'channel', label: '#harbour' };
const dm: Place = { conversationId: 'D1', kind: 'personal' };

let state: State;
let trellis: Trellis;
let clock: FakeClock;
let messenger: FakeMessenger;

const msg = (r: Reply): Message => {
  if (isForm(r)) throw new Error('expected a message');
  return r;
};
const say = async (c: Caller, text: string, place: Place = channel) => msg(await trellis.command({ caller: c, place, text }));
const answer = async (c: Caller, value: string) => {
  const round = state.rounds.find((r) => r.partnershipId === state.partnerships[0]!.id)!;
  const r = await trellis.action({ caller: c, place: dm, actionId: 'survey-open', value: round.id });
  if (!isForm(r)) throw new Error(r.text);
  const f: Form = r.form;
  const values = Object.fromEntries(f.fields.filter((x) => x.kind === 'choice').map((x) => [x.id, value]));
  expect((await trellis.submit({ caller: c, actionId: f.submitActionId, context: f.context, values })).tone).toBe('success');
};
const tick = async () => {
  await trellis.tick();
  await trellis.settled();
};
const people = () => state.members.map((m) => `${m.workspace}/${m.userId}@${state.partnerships.find((p) => p.id === m.partnershipId)!.name}`).sort();

beforeEach(async () => {
  ({ state, clock, messenger, trellis } = coreTrellis('2026-11-23T08:00:00Z', { secret: SECRET }));
  await say(alex, 'setup Riverside');
  await say(alex, 'org add City Council public');
  await say(alex, 'org add Hope Trust voluntary');
  const code = state.partnerships[0]!.inviteCode;
  await say(alex, `join ${code} City Council`, dm);
  await say(jo, `join ${code} City Council`, dm);
  for (const c of [sam, kim, pat]) await say(c, `join ${code} Hope Trust`, dm);
  await say(lee, `join ${code} independent`, dm);
  await say(ash, `join ${code} independent`, dm);
  await say(alex, 'role Jo Bloggs coordinator');
  await say(alex, 'set threshold 3');
  // Harbour: Sam through the same workspace, Pat through another.
  await say(jo, 'setup Harbour', harbourChannel);
  await say(jo, 'org add Hope Trust voluntary', harbourChannel);
  const harbour = state.partnerships[1]!.inviteCode;
  await say(sam, `join ${harbour} Hope Trust`, dm);
  await say(patElsewhere, `join ${harbour} Hope Trust`, dm);
  // A check-in in Riverside, answered by people in both workspaces.
  await say(alex, 'survey now');
  await answer(alex, '4');
  await answer(jo, '4');
  await answer(sam, '2');
  await answer(kim, '2');
  await answer(pat, '3');
  await trellis.settled();
  messenger.sent.length = 0;
});

describe('an uninstall and its grace period', () => {
  it('tells the coordinators, then erases nothing until the grace period has passed', async () => {
    const before = people();
    await trellis.workspaceRemoved('slack', 'T-HOPE');
    await trellis.settled();
    const notices = messenger.sent.filter((s) => s.message.text.includes('removed Trellis'));
    expect(notices.map((s) => s.to).sort()).toEqual(['U-ALEX', 'U-JO', 'U-JO']); // Jo coordinates both
    for (const { message } of notices) {
      expect(message.text).toContain('Unless Trellis is added back within 30 days, their personal data is then erased');
      expect(message.text).not.toMatch(/Hope|T-HOPE|Sam|Kim|Pat/);
    }
    expect(state.removals).toEqual([{ platform: 'slack', workspace: 'T-HOPE', removedAt: '2026-11-23T08:00:00.000Z' }]);
    // Slack's second event on the same uninstall does not restart the grace period.
    clock.advance(DAY);
    await trellis.workspaceRemoved('slack', 'T-HOPE');
    expect(state.removals.map((r) => r.removedAt)).toEqual(['2026-11-23T08:00:00.000Z']);
    clock.set('2026-12-23T07:59:00Z'); // a minute short of 30 days
    await tick();
    expect(people()).toEqual(before);
    expect(state.removals).toHaveLength(1);
  });

  it('keeps everyone when Trellis is added back within the grace period', async () => {
    const before = people();
    await trellis.workspaceRemoved('slack', 'T-HOPE');
    clock.advance(10 * DAY);
    await trellis.workspaceRestored('slack', 'T-HOPE');
    expect(state.removals).toEqual([]);
    clock.advance(60 * DAY);
    await tick();
    expect(people()).toEqual(before);
  });

  it('past the grace period erases the members of that workspace as leave does, once; others, answers and figures untouched', async () => {
    await trellis.workspaceRemoved('slack', 'T-HOPE');
    clock.advance(20 * DAY);
    await tick(); // the round closes: its figures are what must not change
    const sets = JSON.stringify(state.answerSets);
    const trends = (await say(alex, 'trends')).text;
    const status = (await say(alex, 'survey status')).text;
    messenger.sent.length = 0;

    clock.advance(10 * DAY);
    await tick();
    expect(people()).toEqual(
      [
        'T-OTHER/U-PAT@Harbour', // the same user id through another workspace keeps that membership
        'T-RIVER/U-ALEX@Riverside',
        'T-RIVER/U-JO@Harbour',
        'T-RIVER/U-JO@Riverside',
        'tenant-1/29:ash@Riverside',
        'tenant-1/29:lee@Riverside',
      ].sort(),
    );
    const stored = JSON.stringify(state);
    for (const gone of ['U-SAM', 'U-KIM', 'Sam Patel', 'Kim Lee', 'T-HOPE']) expect(stored).not.toContain(gone);
    expect(state.removals).toEqual([]);
    expect(JSON.stringify(state.answerSets)).toBe(sets);
    expect((await say(alex, 'trends')).text).toBe(trends);
    expect((await say(alex, 'survey status')).text).toBe(status);

    // Told how many, privately, never who or from where.
    const told = messenger.sent.map((s) => `${s.to}: ${s.message.text}`).sort();
    expect(told).toEqual([
      expect.stringMatching(/^U-ALEX: 3 members were removed from Riverside and their personal data erased: Trellis was removed .* more than 30 days ago/),
      expect.stringMatching(/^U-JO: 1 member was removed from Harbour and their personal data erased/),
      expect.stringMatching(/^U-JO: 3 members were removed from Riverside/),
    ]);
    for (const s of messenger.sent) expect(s.message.text).not.toMatch(/Hope|T-HOPE|Sam|Kim|Pat/);

    // Idempotent: a second tick finds nothing to do.
    const after = JSON.stringify(state);
    messenger.sent.length = 0;
    await tick();
    expect(JSON.stringify(state)).toBe(after);
    expect(messenger.sent).toEqual([]);
  });

  it('one person removing Trellis from their Teams chat: nobody told; past the grace period only they are erased, unless they came back', async () => {
    await trellis.workspaceRemoved('teams', 'tenant-1', '29:lee');
    await trellis.workspaceRemoved('teams', 'tenant-1', '29:ash');
    await trellis.workspaceRemoved('teams', 'tenant-1', '29:nobody'); // in no partnership: no id kept
    await trellis.settled();
    expect(messenger.sent).toEqual([]);
    expect(state.removals.map((r) => r.userId)).toEqual(['29:lee', '29:ash']);
    clock.advance(5 * DAY);
    await trellis.workspaceRestored('teams', 'tenant-1', '29:ash'); // Ash wrote to Trellis again
    clock.advance(25 * DAY);
    await tick();
    expect(people().filter((p) => p.startsWith('tenant-1/'))).toEqual(['tenant-1/29:ash@Riverside']);
    expect(JSON.stringify(state)).not.toContain('29:lee');
    expect(messenger.sent.map((s) => s.message.text)).toEqual([
      expect.stringMatching(/^1 member was removed from Riverside/),
      expect.stringMatching(/^1 member was removed from Riverside/),
    ]);
  });
});
