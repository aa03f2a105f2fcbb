// The core through its front door, with the memory store and a fake clock.
import { beforeEach, describe, expect, it } from 'vitest';
import { createTrellis, type Trellis } from '../../src/core/trellis.js';
import type { Caller, Place } from '../../src/core/request.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import type { Store } from '../../src/store/store.js';
import type { Message, Reply } from '../../src/core/message.js';

const asMessage = (r: Reply) => r as Message;
import { fakeClock } from '../helpers/fake-clock.js';
import { fakeMessenger } from '../helpers/fake-messenger.js';
import { corePorts } from '../helpers/core-ports.js';

const alex: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U1', displayName: 'Alex' };
const sam: Caller = { platform: 'teams', workspace: '72f988bf-0000-41af-91ab-2d7cd011db47', userId: '29:sam', displayName: 'Sam' };
const jo: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U3', displayName: 'Jo' };
const channel: Place = { conversationId: 'C1', kind: 'channel', label: '#riverside' };
const dm: Place = { conversationId: 'D1', kind: 'personal' };

let store: Store;
let trellis: Trellis;
const say = (caller: Caller, text: string, place: Place = channel) => trellis.command({ caller, place, text }).then(asMessage);

let code = '';
beforeEach(async () => {
  store = createMemoryStore();
  let n = 0;
  trellis = createTrellis({
    ...corePorts(store),
    clock: fakeClock(),
    secret: 'k'.repeat(32),
    messenger: fakeMessenger(),
    newId: () => `id-${++n}`,
    newInviteCode: () => (n === 0 ? 'TEST-CODE' : `CODE-${n}`),
  });
  const reply = await say(alex, 'setup Riverside');
  code = 'TEST-CODE';
  expect(reply.tone).toBe('success');
  await say(alex, 'org add City Council public');
  await say(alex, 'org add Health Trust public');
});

describe('setup', () => {
  it('creates the partnership with defaults, bound to the channel, caller as coordinator', async () => {
    const [p] = await store.partnerships();
    expect(p).toMatchObject({
      name: 'Riverside',
      timezone: 'Europe/London',
      threshold: 5,
      inviteCode: 'TEST-CODE',
      homes: [{ platform: 'slack', workspace: 'T0001', conversationId: 'C1', label: '#riverside' }],
    });
    expect(await store.members(p!.id)).toMatchObject([{ userId: 'U1', role: 'coordinator' }]);
  });

  it('refuses a second partnership in the same channel and setup in a DM', async () => {
    expect((await say(jo, 'setup Another')).text).toContain('already home to Riverside');
    expect((await say(jo, 'setup Another', dm)).text).toContain('Run `setup <name>` in the channel');
    expect(await store.partnerships()).toHaveLength(1);
  });
});

describe('join', () => {
  it('joins across platforms into one partnership and can change organisation', async () => {
    expect((await say(sam, `join ${code} health trust`, dm)).text).toContain('Welcome to *Riverside*, Sam');
    const ask = await say(sam, `join ${code} City Council`, dm);
    expect(ask.text).toContain('Move to City Council (public)?');
    const confirm = ask.buttons!.find((b) => b.label === 'Confirm')!;
    const moved = await trellis.action({ caller: sam, place: dm, actionId: confirm.actionId, value: confirm.value });
    expect((moved as Message).text).toContain('your organisation is now City Council');
    expect((await say(sam, `join ${code} City Council`, dm)).text).toContain("You're already in Riverside");
    const [p] = await store.partnerships();
    const members = await store.members(p!.id);
    expect(members.map((m) => m.platform).sort()).toEqual(['slack', 'teams']);
  });

  it('names the organisations when the one given is unknown', async () => {
    const reply = await say(sam, `join ${code} Police`, dm);
    expect(reply.tone).toBe('error');
    expect(reply.text).toContain('no organisation called "Police"');
    expect(reply.text).toContain('City Council, Health Trust');
  });

  it('lets an independent person join with no organisation', async () => {
    await say(sam, `join ${code} independent`, dm);
    expect((await say(sam, 'members', dm)).items).toContain('Sam — independent · member');
  });
});

describe('permissions', () => {
  beforeEach(async () => {
    await say(sam, `join ${code} Health Trust`, dm);
  });

  it.each(['org add Police public', 'role Alex member', 'set threshold 8', 'home'])('refuses a member: %s', async (text) => {
    const before = JSON.stringify(await Promise.all([store.partnerships(), store.members((await store.partnerships())[0]!.id)]));
    const reply = await say(sam, text);
    expect(reply.tone).toBe('error');
    expect(reply.text).toContain('Only coordinators can');
    expect(reply.text).toContain('(Alex)');
    expect(JSON.stringify(await Promise.all([store.partnerships(), store.members((await store.partnerships())[0]!.id)]))).toBe(before);
  });

  it('refuses non-members in the home channel and strangers anywhere', async () => {
    expect((await say(jo, 'members')).text).toContain("You're not a member of Riverside yet");
    expect((await say(jo, 'members', dm)).text).toContain("You're not in a partnership yet");
  });

  it('never leaves a partnership without a coordinator', async () => {
    expect((await say(alex, 'role Alex member')).text).toContain('the only coordinator');
    expect((await say(alex, 'role Sam coordinator')).tone).toBe('success');
    expect((await say(alex, 'role Alex member')).tone).toBe('success');
  });
});

describe('role, members, status, settings', () => {
  beforeEach(async () => {
    await say(sam, `join ${code} Health Trust`, dm);
  });

  it('resolves a member by mention or display name, and says when it cannot', async () => {
    expect((await say(alex, 'role <@29:sam> critical-friend')).text).toBe('Sam is now a critical friend of Riverside.');
    expect((await say(alex, 'role @sam critical-friend')).text).toContain('already a critical friend');
    expect((await say(alex, 'role Nobody member')).text).toContain('No member of the partnership matches "Nobody"');
  });

  it('shows status with counts per platform and settings', async () => {
    await say(alex, 'set purpose Good work for everyone');
    await say(alex, 'set threshold 7');
    const reply = await say(sam, 'status', dm);
    expect(reply.title).toBe('Riverside');
    expect(reply.text).toBe('Good work for everyone');
    expect(reply.fields).toContainEqual({ label: 'Members', value: '2 (1 on Slack, 1 on Teams)' });
    expect(reply.fields).toContainEqual({ label: 'Anonymity threshold', value: 'results shown only for groups of 7 or more' });
  });

  it('adds a Teams home next to the Slack one with `home`', async () => {
    await say(alex, 'role Sam coordinator');
    const teamsChannel: Place = { conversationId: '19:abc@thread.tacv2', kind: 'channel', label: 'Riverside team' };
    expect(asMessage(await trellis.command({ caller: sam, place: teamsChannel, text: 'home' })).text).toContain('Teams home of *Riverside*');
    const [p] = await store.partnerships();
    expect(p!.homes.map((h) => h.platform)).toEqual(['slack', 'teams']);
  });

  it('refuses a duplicate organisation, whatever its case', async () => {
    expect((await say(alex, 'org add CITY COUNCIL public')).text).toContain('already has City Council (public)');
  });

  it('asks which partnership when a person belongs to several and types in a DM', async () => {
    await trellis.command({ caller: alex, place: { conversationId: 'C2', kind: 'channel', label: '#north' }, text: 'setup North' });
    expect((await say(alex, 'members', dm)).text).toContain('several partnerships (Riverside, North)');
  });
});

describe('buttons and overview', () => {
  it("runs the command a button carries, with the clicker's permissions", async () => {
    const reply = asMessage(await trellis.action({ caller: alex, place: channel, actionId: 'run', value: 'org list' }));
    expect(reply.items).toEqual(['City Council (public)', 'Health Trust (public)']);
    expect(asMessage(await trellis.action({ caller: jo, place: channel, actionId: 'run', value: 'org add X public' })).tone).toBe('error');
    expect(asMessage(await trellis.action({ caller: alex, place: channel, actionId: 'drop-tables', value: '' })).text).toContain("isn't one Trellis knows");
  });

  it('gives a person an overview of their partnerships', async () => {
    expect((await trellis.overview(alex)).items).toEqual(['Riverside — coordinator']);
    expect((await trellis.overview(jo)).text).toContain('not in a partnership yet');
  });

  it('serialises concurrent commands so a double join makes one member', async () => {
    await Promise.all([say(jo, `join ${code} City Council`, dm), say(jo, `join ${code} City Council`, dm)]);
    const [p] = await store.partnerships();
    expect((await store.members(p!.id)).filter((m) => m.userId === 'U3')).toHaveLength(1);
  });
});

describe('people in several workspaces', () => {
  // Slack user ids are unique within a workspace only: U3 in T0002 is not Jo.
  const other: Caller = { platform: 'slack', workspace: 'T0002', userId: 'U3', displayName: 'Jordan' };

  it('holds the same user id from two workspaces as two members, each acting as themselves', async () => {
    await say(jo, `join ${code} City Council`, dm);
    expect((await say(other, 'status', dm)).text).toContain('not in a partnership');
    expect((await say(other, `join ${code} Health Trust`, dm)).text).toContain('Welcome to *Riverside*, Jordan');
    const members = await store.members((await store.partnerships())[0]!.id);
    expect(members.filter((m) => m.userId === 'U3').map((m) => [m.workspace, m.displayName])).toEqual([
      ['T0001', 'Jo'],
      ['T0002', 'Jordan'],
    ]);
    // A mention names the person in the mentioner's own workspace.
    expect((await say(alex, 'role <@U3> coordinator')).text).toContain('Jo');
    const roles = (await store.members((await store.partnerships())[0]!.id)).filter((m) => m.userId === 'U3').map((m) => m.role);
    expect(roles).toEqual(['coordinator', 'member']);
  });

  it('gives each workspace its own home for the partnership', async () => {
    await say(other, `join ${code} Health Trust`, dm);
    await say(alex, `role Jordan coordinator`);
    await say(other, 'home', { conversationId: 'C9', kind: 'channel', label: '#riverside-health' });
    const [p] = await store.partnerships();
    expect(p!.homes.map((h) => `${h.workspace}/${h.conversationId}`)).toEqual(['T0001/C1', 'T0002/C9']);
  });
});
