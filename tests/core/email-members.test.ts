// `member add <email> <organisation>` through the core's front door: only a
// coordinator, only a real address and a known organisation, once per
// address; the member is a keyed hash with the address sealed, and their
// invitation is a private message whose one button opens their own page.
import { beforeEach, describe, expect, it } from 'vitest';
import { createTrellis, type Trellis } from '../../src/core/trellis.js';
import type { Caller, Place } from '../../src/core/request.js';
import type { Message, Reply } from '../../src/core/message.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import type { Store } from '../../src/store/store.js';
import { emailUserId, openContact } from '../../src/core/email-identity.js';
import { OPEN_OVERVIEW } from '../../src/core/commands/email-members.js';
import { parseCommand } from '../../src/core/grammar.js';
import { help } from '../../src/core/help.js';

const PRIVACY_URL = 'https://trellis.example.org/privacy';
import { fakeClock } from '../helpers/fake-clock.js';
import { fakeMessenger, type FakeMessenger } from '../helpers/fake-messenger.js';
import { corePorts } from '../helpers/core-ports.js';

const SECRET = 'k'.repeat(32);
const alex: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U1', displayName: 'Alex' };
const sam: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U2', displayName: 'Sam' };
const channel: Place = { conversationId: 'C1', kind: 'channel', label: '#riverside' };
const dm: Place = { conversationId: 'D1', kind: 'personal' };
const jo = { platform: 'email' as const, workspace: 'email', userId: emailUserId(SECRET, 'jo.smith@example.org') };

let store: Store;
let trellis: Trellis;
let messenger: FakeMessenger;
const say = (caller: Caller, text: string, place: Place = dm) => trellis.command({ caller, place, text }).then((r: Reply) => r as Message);

beforeEach(async () => {
  store = createMemoryStore();
  messenger = fakeMessenger();
  trellis = createTrellis({ ...corePorts(store), clock: fakeClock(), secret: SECRET, messenger, newInviteCode: () => 'TEST-CODE' });
  await say(alex, 'setup Riverside', channel);
  await say(alex, 'org add City Council public', channel);
  await say(sam, 'join TEST-CODE City Council');
  // What setup sent the coordinator privately (the set-up checklist, and its ticks) is not what these tests are about.
  await trellis.settled();
  messenger.sent.length = 0;
  messenger.updates.length = 0;
});

describe('member add', () => {
  it('parses an address and an organisation (or independent), and is in help', () => {
    expect(parseCommand('member add jo@example.org City Council')).toEqual({
      ok: true,
      command: { name: 'member add', address: 'jo@example.org', orgName: 'City Council' },
    });
    expect(parseCommand('member add jo@example.org independent')).toEqual({ ok: true, command: { name: 'member add', address: 'jo@example.org' } });
    expect(parseCommand('member add jo@example.org')).toMatchObject({ ok: false, usage: 'member add <email> <organisation>' });
    expect(parseCommand('member drop jo@example.org')).toMatchObject({ ok: false, usage: 'member add <email> <organisation>' });
    expect(JSON.stringify(help(undefined, PRIVACY_URL))).toContain('member add <email> <organisation>');
  });

  it('adds the person once, as a keyed hash with the address sealed, and sends one invitation', async () => {
    expect(await say(alex, 'member add Jo.Smith@example.org City Council')).toMatchObject({
      tone: 'success',
      text: expect.stringContaining('Added Jo Smith to Riverside by email, as City Council'),
    });
    const [member] = await store.membershipsOf(jo);
    expect(member).toMatchObject({ platform: 'email', workspace: 'email', displayName: 'Jo Smith', role: 'member' });
    expect(JSON.stringify(member)).not.toContain('example.org');
    expect(openContact(SECRET, member!.contact!)).toBe('jo.smith@example.org');
    expect(messenger.sent).toHaveLength(1);
    expect(messenger.sent[0]).toMatchObject({ to: jo.userId, message: { title: "You're invited to Riverside on Trellis" } });
    expect(messenger.sent[0]!.message.buttons).toEqual([{ actionId: OPEN_OVERVIEW, label: 'Open Trellis', value: '', style: 'primary', readOnly: true }]);

    expect(await say(alex, 'member add jo.smith@EXAMPLE.org City Council')).toMatchObject({
      tone: 'info',
      text: expect.stringContaining('Nothing was changed'),
    });
    expect(await say(alex, 'member add jo.smith@example.org independent')).toMatchObject({ tone: 'success', text: expect.stringContaining('independent') });
    expect(await store.members((await store.partnerships())[0]!.id)).toHaveLength(3);
    expect(messenger.sent).toHaveLength(1);
  });

  it('refuses a member who is not a coordinator, a bad address and an unknown organisation, changing nothing', async () => {
    expect(await say(sam, 'member add jo@example.org City Council')).toMatchObject({ tone: 'error', text: expect.stringContaining('Only coordinators') });
    expect(await say(alex, 'member add jo@example City Council')).toMatchObject({ tone: 'error', text: expect.stringContaining('not an email address') });
    expect(await say(alex, 'member add jo@example.org Nowhere')).toMatchObject({
      tone: 'error',
      text: expect.stringContaining('no organisation called "Nowhere"'),
    });
    expect(await store.membershipsOf(jo)).toEqual([]);
    expect(messenger.sent).toEqual([]);
  });

  it("opens the person's own page, with a way to raise a concern, and changes nothing", async () => {
    await say(alex, 'member add jo.smith@example.org City Council');
    const open = async () => (await trellis.action({ caller: { ...jo, displayName: 'Jo Smith' }, place: dm, actionId: OPEN_OVERVIEW, value: '' })) as Message;
    const raise = (page: Message) => page.sections?.flatMap((s) => s.buttons).find((b) => b.label === 'Raise a concern');
    // The member console: no critical friend yet, so nothing to raise a concern with.
    const before = await open();
    expect(before.items).toEqual(['Riverside — member, City Council']);
    expect(before.sections?.map((s) => s.title)).toEqual(['Results', 'Your data']);
    expect(raise(before)).toBeUndefined();
    await say(sam, 'join TEST-CODE independent');
    await say(alex, 'role Sam critical-friend', channel);
    expect(raise(await open())).toMatchObject({ value: expect.stringMatching(/ concern$/), opensForm: true });
  });
});
