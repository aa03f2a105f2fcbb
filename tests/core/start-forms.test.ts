// `setup` and `join` with no words open forms (a newcomer's console buttons),
// run as if typed; the setup form's place is sealed to its opener, so a forged
// or borrowed submit cannot make another channel a partnership's home.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Trellis } from '../../src/core/trellis.js';
import { isForm, MAX_FORM_CONTEXT, type Form, type Message, type Reply } from '../../src/core/message.js';
import type { Caller, Place } from '../../src/core/request.js';
import type { State } from '../../src/store/state-schema.js';
import { coreTrellis } from '../helpers/core-trellis.js';

const alex: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-ALEX', displayName: 'Alex Morgan' };
const sam: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-SAM', displayName: 'Sam Patel' };
const channel: Place = { conversationId: 'C1', kind: 'channel', label: '#riverside' };
const dm: Place = { conversationId: 'D1', kind: 'personal' };

let state: State;
let trellis: Trellis;

const msg = (r: Reply) => r as Message;
const form = (r: Reply): Form => {
  if (!isForm(r)) throw new Error(`expected a form: ${r.text}`);
  return r.form;
};
const say = (c: Caller, text: string, place: Place = dm) => trellis.command({ caller: c, place, text });
const submit = async (c: Caller, f: Form, values: Record<string, string>) =>
  trellis.submit({ caller: c, actionId: f.submitActionId, context: f.context, values });

beforeEach(() => {
  ({ state, trellis } = coreTrellis('2026-11-23T09:00:00Z', { secret: 'start-forms-secret-0123456789abcdef' }));
});

describe('setup with no name', () => {
  it('opens a form in a channel whose submit sets up the partnership there, as `setup <name>` would', async () => {
    const f = form(await say(alex, 'setup', channel));
    expect(f.fields.map((x) => x.id)).toEqual(['name']);
    const reply = msg(await submit(alex, f, { name: '  Riverside   Partnership ' }));
    expect(reply.tone).toBe('success');
    expect(state.partnerships).toHaveLength(1);
    expect(state.partnerships[0]).toMatchObject({ name: 'Riverside Partnership', homes: [expect.objectContaining({ conversationId: 'C1' })] });
  });

  it('refuses in a direct message, an empty or too long name beside its field, and changes nothing', async () => {
    expect(msg(await say(alex, 'setup', dm)).tone).toBe('error');
    const f = form(await say(alex, 'setup', channel));
    expect(msg(await submit(alex, f, { name: ' ' })).fieldErrors).toEqual({ name: 'Fill this in.' });
    expect(msg(await submit(alex, f, { name: 'x'.repeat(81) })).fieldErrors?.name).toContain('too long');
    expect(state.partnerships).toEqual([]);
  });

  it('keeps its sealed context within what every adapter carries back, even for long Teams ids', async () => {
    // Real Teams ids are this long: the playground and Teams once refused anything over 200 characters, so no setup form could be sent.
    const teamsAlex: Caller = {
      platform: 'teams',
      workspace: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      userId: `29:1${'a'.repeat(100)}`,
      displayName: 'A'.repeat(80),
    };
    const teamsChannel: Place = { conversationId: `19:${'b'.repeat(32)}@thread.tacv2;messageid=1700000000000`, kind: 'channel', label: `#${'c'.repeat(80)}` };
    const f = form(await say(teamsAlex, 'setup', teamsChannel));
    expect(f.context.length).toBeGreaterThan(200);
    expect(f.context.length).toBeLessThanOrEqual(MAX_FORM_CONTEXT);
    expect(f.reopen.value.length).toBeLessThanOrEqual(MAX_FORM_CONTEXT);
    expect(msg(await submit(teamsAlex, f, { name: 'Riverside' })).tone).toBe('success');
  });

  it('refuses a form opened by someone else, or with its place tampered with', async () => {
    const f = form(await say(alex, 'setup', channel));
    expect(msg(await submit(sam, f, { name: 'Borrowed' })).tone).toBe('error');
    const forged = { ...f, context: Buffer.from('{"caller":{},"place":{"conversationId":"C-OTHER","kind":"channel"}}').toString('base64') };
    expect(msg(await submit(alex, forged, { name: 'Forged' })).tone).toBe('error');
    expect(state.partnerships).toEqual([]);
  });
});

describe('join with no words', () => {
  it('opens a form whose submit joins as `join <code> <organisation>` would, from anywhere', async () => {
    await say(alex, 'setup Riverside', channel);
    await say(alex, 'org add Health Trust public', channel);
    const code = state.partnerships[0]!.inviteCode;
    const f = form(await say(sam, 'join', dm));
    expect(f.fields.map((x) => x.id)).toEqual(['code', 'organisation']);
    expect(msg(await submit(sam, f, { code: 'ZZZZ-ZZZZ', organisation: 'Health Trust' })).tone).toBe('error');
    expect(msg(await submit(sam, f, { code, organisation: '' })).fieldErrors).toEqual({ organisation: 'Fill this in.' });
    expect(state.members).toHaveLength(1);
    expect(msg(await submit(sam, f, { code: code.toLowerCase(), organisation: 'Health Trust' })).tone).toBe('success');
    expect(state.members.map((m) => m.displayName).sort()).toEqual(['Alex Morgan', 'Sam Patel']);
  });
});

describe("a newcomer's console", () => {
  it('offers to join anywhere, and to set up only in a shared channel', async () => {
    const inDm = msg(await say(sam, 'menu', dm));
    expect(inDm.buttons?.map((b) => b.value)).toEqual(['join', 'help']);
    const inChannel = msg(await say(sam, 'menu', channel));
    expect(inChannel.buttons?.map((b) => b.value)).toEqual(['setup', 'join', 'help']);
    expect(inChannel.buttons?.filter((b) => b.opensForm).map((b) => b.value)).toEqual(['setup', 'join']);
  });
});
