// Help that helps: `help` grouped by job, `help <topic>` and `help <command>`
// with examples that parse; "Did you mean …?" for a misspelt command or one in
// the wrong order, never suggesting something that would not parse; values made
// canonical (timezones) and refusals that say what fits the case.
import { beforeEach, describe, expect, it } from 'vitest';
import { createTrellis, type Trellis } from '../../src/core/trellis.js';
import type { Caller, Place } from '../../src/core/request.js';
import { RUN_COMMAND, type Message, type Reply } from '../../src/core/message.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import type { Store } from '../../src/store/store.js';
import { parseCommand, USAGE } from '../../src/core/grammar.js';
import { EXAMPLES, help, TOPICS } from '../../src/core/help.js';
import { RIGHTS_COMMANDS } from '../../src/core/privacy.js';
import { editDistance } from '../../src/core/suggest.js';
import { fakeClock, type FakeClock } from '../helpers/fake-clock.js';
import { fakeMessenger } from '../helpers/fake-messenger.js';
import { corePorts } from '../helpers/core-ports.js';

const PRIVACY_URL = 'https://trellis.example.org/privacy';

const SUGGESTIONS: [typed: string, meant: string][] = [
  ['memebers', 'members'],
  ['stup Riverside', 'setup Riverside'],
  ['protocols', 'protocol list'],
  ['org add public Acme Ltd', 'org add Acme Ltd public'],
  ['join Riverside Health Trust M28D-Q5Q9', 'join M28D-Q5Q9 Riverside Health Trust'],
  ['review close P-1 keep', 'review close P-1 kept'],
  ['review close kept P-1 2027-01-31', 'review close P-1 kept 2027-01-31'],
  ['role coordinator Sam Patel', 'role Sam Patel coordinator'],
  ['role Sam coordinater', 'role Sam coordinator'],
  ['org add Acme pubic', 'org add Acme public'],
  ['org Acme public', 'org add Acme public'],
  ['survey stauts', 'survey status'],
  ['survey schedule monday weekly 09:30', 'survey schedule weekly monday 09:30'],
  ['protocl show P-2', 'protocol show P-2'],
  ['concerns theme', 'concerns themes'],
  ['set timezone Europe/Londn', 'set timezone Europe/London'],
  ['set timezone london', 'set timezone Europe/London'],
  ['set tiemzone UTC', 'set timezone UTC'],
  ['dashboard revkoe', 'dashboard revoke'],
  ['organisations', 'org list'],
];

describe('did you mean', () => {
  it.each(SUGGESTIONS)('%j → %j, which parses', (typed, meant) => {
    const parsed = parseCommand(typed);
    expect(parsed).toMatchObject({ ok: false, suggestion: meant });
    expect(parseCommand(meant).ok).toBe(true);
  });

  it('never suggests a command that would not parse, for any one-letter slip in any command', () => {
    const typed = Object.keys(USAGE).flatMap((key) =>
      [...key].flatMap((_, i) => [
        key.slice(0, i) + key.slice(i + 1),
        `${key.slice(0, i)}x${key.slice(i + 1)}`,
        `${key.slice(0, i)}${key[i + 1] ?? ''}${key[i]}${key.slice(i + 2)}`,
      ]),
    );
    let suggested = 0;
    for (const text of typed) {
      const parsed = parseCommand(text);
      if (parsed.ok || !parsed.suggestion) continue;
      suggested++;
      expect(parseCommand(parsed.suggestion).ok, `${text} → ${parsed.suggestion}`).toBe(true);
    }
    expect(suggested).toBeGreaterThan(100);
  });

  it('suggests nothing for a command that parses, or for words too far from any command', () => {
    expect(parseCommand('members')).toEqual({ ok: true, command: { name: 'members' } });
    expect(parseCommand('frobnicate')).toMatchObject({ ok: false });
    expect(parseCommand('frobnicate')).not.toHaveProperty('suggestion');
    expect(parseCommand('xy')).not.toHaveProperty('suggestion');
    // Words that name what every object inherits are words like any other.
    for (const word of ['constructor', '__proto__', 'toString', 'org constructor', 'set constructor', 'survey hasOwnProperty'])
      expect(parseCommand(word)).toMatchObject({ ok: false });
    // A concern's words belong in its private form: no suggestion repeats them.
    expect(parseCommand('concern my manager shouts')).not.toHaveProperty('suggestion');
  });

  it('counts a swap of neighbouring letters as one edit', () => {
    expect(editDistance('stauts', 'status')).toBe(1);
    expect(editDistance('memebers', 'members')).toBe(1);
    expect(editDistance('stup', 'setup')).toBe(1);
  });
});

const SECRET = 'k'.repeat(32);
const alex: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U1', displayName: 'Alex' };
const kim: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U2', displayName: 'Kim' };
const channel: Place = { conversationId: 'C1', kind: 'channel', label: '#riverside' };
const dm: Place = { conversationId: 'D1', kind: 'personal' };

let store: Store;
let clock: FakeClock;
let trellis: Trellis;
const say = (caller: Caller, text: string, place: Place = channel) => trellis.command({ caller, place, text }).then((r: Reply) => r as Message);

beforeEach(async () => {
  store = createMemoryStore();
  clock = fakeClock('2026-03-02T09:00:00Z');
  trellis = createTrellis({ ...corePorts(store), clock, secret: SECRET, messenger: fakeMessenger(), newInviteCode: () => 'TEST-CODE' });
  await say(alex, 'setup Riverside');
  await say(alex, 'org add City Council public');
  await say(kim, 'join TEST-CODE City Council', dm);
});

describe('the front door', () => {
  it('answers a misspelt command with the one meant, as a button that runs it', async () => {
    const reply = await say(kim, 'memebers', dm);
    expect(reply.tone).toBe('error');
    expect(reply.text).toContain('Did you mean `members`?');
    expect(reply.buttons).toEqual([{ actionId: RUN_COMMAND, label: 'members', value: 'members', style: 'primary' }]);
    const clicked = (await trellis.action({ caller: kim, place: dm, actionId: RUN_COMMAND, value: reply.buttons![0]!.value })) as Message;
    expect(clicked.text).toBe('2 members in Riverside:');
    expect(clicked.items).toContainEqual(expect.stringContaining('Kim — City Council'));
  });

  it('offers no button when there is nothing to suggest', async () => {
    const reply = await say(kim, 'frobnicate', dm);
    expect(reply.text).not.toContain('Did you mean');
    expect(reply.buttons).toBeUndefined();
  });
});

describe('trends while a check-in is open', () => {
  it("says it is open and when it closes, in the partnership's timezone", async () => {
    await say(alex, 'set timezone America/New_York');
    await say(alex, 'survey now');
    const reply = await say(kim, 'trends', dm);
    expect(reply.text).toBe('Check-in #1 is open until 7 Mar 2026, 04:00 (America/New_York time); its results come when it closes.');
    expect(reply.text).not.toContain('No check-in has closed yet');
  });
});

describe('help', () => {
  it('is short and grouped by job, with a button for each topic (and the partnership at a glance)', () => {
    const m = help(undefined, PRIVACY_URL);
    expect(m.title).toBe('Trellis commands');
    for (const t of Object.values(TOPICS)) expect(m.text).toContain(`*${t.title}*`);
    expect(m.text.split('\n').length).toBeLessThan(30);
    expect(m.items).toBeUndefined();
    expect(m.buttons?.map((b) => b.value)).toEqual(['help checkins', 'help trends', 'help protocols', 'help concerns', 'help partnership', 'status']);
  });

  it('goes deeper by topic, under its other names too, with every topic command and examples in code', () => {
    for (const [name, topic] of Object.entries(TOPICS)) {
      for (const word of [name, ...topic.aliases]) {
        const m = help(word, PRIVACY_URL);
        expect(m.title).toBe(topic.title);
        for (const k of topic.commands) expect(m.text).toContain(`${USAGE[k][0]} — ${USAGE[k][1]}`);
      }
    }
    expect(help('survey', PRIVACY_URL).text).toContain('\ne.g. `survey schedule weekly monday 09:30`');
    for (const name of Object.keys(TOPICS)) expect(help(name, PRIVACY_URL).text.length).toBeLessThan(4000); // Teams' limit on a card's text
  });

  it('explains one command with its syntax from USAGE and its examples', () => {
    const m = help('survey schedule', PRIVACY_URL);
    expect(m.text).toContain(USAGE['survey schedule'][0]);
    expect(m.text).toContain('`survey schedule weekly monday 09:30`');
    expect(help('join', PRIVACY_URL).text).toContain('`join M28D-Q5Q9 Riverside Health Trust`');
    expect(help('org', PRIVACY_URL).text).toContain(USAGE['org list'][0]);
  });

  it('names the topics for one it does not know, and suggests the nearest', () => {
    const m = help('weather', PRIVACY_URL);
    expect(m.tone).toBe('error');
    expect(m.text).toContain('There is no help topic or command "weather"');
    expect(m.text).toContain('checkins, trends, protocols, concerns, partnership');
    expect(help('protocls', PRIVACY_URL).text).toContain('Did you mean `help protocols`?');
    expect(help('constructor', PRIVACY_URL)).toMatchObject({ tone: 'error', text: expect.stringContaining('There is no help topic or command "constructor"') });
  });

  it('`help privacy` sums up the privacy model, lists the rights commands and links the privacy page under PUBLIC_URL', async () => {
    trellis = createTrellis({ ...corePorts(store), clock, secret: SECRET, messenger: fakeMessenger(), publicUrl: () => 'https://trellis.riverside.example' });
    const m = await say(kim, 'help privacy', dm);
    expect(m.title).toBe('Privacy');
    expect(m.text).toContain('https://trellis.riverside.example/privacy');
    expect(m.text).toMatch(/Nobody sees who answered what/);
    expect(m.text).toMatch(/never learns who raised one/);
    for (const r of RIGHTS_COMMANDS) expect(m.text).toContain(`\`${r.typed}\` — ${r.what}`);
    expect(help('weather', PRIVACY_URL).text).toContain('partnership, privacy');
  });

  it('lists only rights commands that exist: each parses as typed', () => {
    expect(RIGHTS_COMMANDS.length).toBeGreaterThan(0);
    for (const r of RIGHTS_COMMANDS) expect(parseCommand(r.typed).ok, r.typed).toBe(true);
  });

  it('has only examples that parse, as the command they illustrate', () => {
    for (const [key, examples] of Object.entries(EXAMPLES)) {
      for (const e of examples) {
        const parsed = parseCommand(e);
        expect(parsed.ok, e).toBe(true);
        if (parsed.ok) expect(key.startsWith(parsed.command.name.split(' ')[0]!), e).toBe(true);
      }
    }
  });
});

describe('values made canonical, and messages that fit', () => {
  it('stores a timezone as IANA spells it, whatever the case', async () => {
    expect(parseCommand('set timezone europe/london')).toEqual({ ok: true, command: { name: 'set', setting: 'timezone', value: 'Europe/London' } });
    expect(parseCommand('set timezone utc')).toEqual({ ok: true, command: { name: 'set', setting: 'timezone', value: 'UTC' } });
    expect(parseCommand('set timezone AMERICA/NEW_YORK')).toMatchObject({ command: { value: 'America/New_York' } });
    expect((await say(alex, 'set timezone america/new_york')).text).toContain('America/New_York');
    expect((await store.partnerships())[0]!.timezone).toBe('America/New_York');
  });

  it('warns when the new zone keeps no daylight saving and the old one did', async () => {
    const reply = await say(alex, 'set timezone Etc/GMT');
    expect(reply.tone).toBe('success');
    expect(reply.text).toContain('Europe/London changes its clocks for summer time and Etc/GMT does not');
    expect(reply.buttons).toEqual([expect.objectContaining({ value: 'set timezone Europe/London' })]);
    expect((await say(alex, 'set timezone Europe/Paris')).text).not.toContain('summer time');
    // No daylight saving either side: nothing to warn about.
    await say(alex, 'set timezone Asia/Kolkata');
    expect((await say(alex, 'set timezone UTC')).text).not.toContain('summer time');
  });

  it.each([
    ['set threshold 100', 'at most 50'],
    ['set threshold 51', 'at most 50'],
    ['set threshold 2', 'cannot be below 3: in a group of two, each person knows their own answer'],
    ['set threshold 0', 'cannot be below 3'],
    ['set threshold many', 'a whole number from 3 to 50'],
  ])('%j: %s', (text, error) => {
    const parsed = parseCommand(text);
    expect(parsed).toMatchObject({ ok: false, error: expect.stringContaining(error) });
    if (!parsed.ok && text.endsWith('100')) expect(parsed.error).not.toContain('identified');
  });

  it.each([
    ['survey', ['`survey now`', '`survey schedule`', '`survey status`']],
    ['protocol', ['`protocol list`', '`protocol add`']],
    ['review', ['`review start`', '`review close`']],
    ['org', ['`org add`', '`org list`']],
    ['member', ['`member add`']],
  ])('%j alone lists its commands', (verb, commands) => {
    const parsed = parseCommand(verb);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error).toContain(`\`${verb}\` needs a word after it`);
    for (const c of commands) expect(parsed.error).toContain(c);
    expect(parsed.error).not.toMatch(/is not a \w+ command/);
  });

  it.each([
    ['survey frobnicate', '"frobnicate" is not a survey command: use `survey schedule`'],
    ['protocol frobnicate', '"frobnicate" is not a protocol command: use `protocol add`'],
    ['review frobnicate', '"frobnicate" is not a review command: use `review start`'],
    ['org frobnicate', '"frobnicate" is not something `org` does: use `org add`, `org list`'],
    ['concerns x', '"x" is not something `concerns` does'],
    ['trends settings', 'Give one or both settings with a number each'],
  ])('%j says what fits', (text, error) => {
    expect(parseCommand(text)).toMatchObject({ ok: false, error: expect.stringContaining(error) });
  });
});
