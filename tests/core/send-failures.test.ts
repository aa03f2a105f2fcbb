// A send that fails is logged (what kind, which partnership: never who, never
// what it said), and a check-in whose queueing failed is asked again.
import { beforeEach, describe, expect, it } from 'vitest';
import { createTrellis, type Trellis } from '../../src/core/trellis.js';
import { isForm, type Message } from '../../src/core/message.js';
import type { Logger } from '../../src/core/logger.js';
import type { Caller, Place } from '../../src/core/request.js';
import { StateStore } from '../../src/store/state-store.js';
import { emptyState, type State } from '../../src/store/state-schema.js';
import { corePorts } from '../helpers/core-ports.js';
import { fakeClock } from '../helpers/fake-clock.js';
import { fakeMessenger, type FakeMessenger } from '../helpers/fake-messenger.js';

const SECRET = 'send-test-secret-0123456789abcdef0123';
const alex: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-ALEX', displayName: 'Alex Morgan' };
const sam: Caller = { platform: 'teams', workspace: '72f988bf-0000-41af-91ab-2d7cd011db47', userId: '29:sam', displayName: 'Sam Patel' };
const jo: Caller = { platform: 'playground', workspace: 'playground', userId: 'pg-jo', displayName: 'Jo Williams' };
const channel: Place = { conversationId: 'C1', kind: 'channel', label: '#riverside' };
const dm: Place = { conversationId: 'D1', kind: 'personal' };
/** An error whose message names the person: it must not reach the log. */
const refusal = () => Object.assign(new Error('outbox write for 29:sam (Sam Patel) failed: disk full'), { code: 'ENOSPC' });

let state: State;
let trellis: Trellis;
let messenger: FakeMessenger;
let logged: { level: string; msg: string; meta?: Record<string, unknown> }[];

const say = async (caller: Caller, text: string, place: Place = channel) => (await trellis.command({ caller, place, text })) as Message;
const checkInsTo = (userId: string) => messenger.sent.filter((s) => s.to === userId && s.message.title?.includes('check-in'));
/** The next `n` calls of `method` fail, as an outbox write that cannot reach the disk. */
function failNext(method: 'sendPrivate' | 'sendToConversation' | 'update', n = 1, only?: string) {
  const real = messenger[method].bind(messenger) as (...args: unknown[]) => Promise<unknown>;
  let left = n;
  (messenger as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
    const to = args[0] as { userId?: string };
    if (left > 0 && (!only || to.userId === only)) {
      left--;
      throw refusal();
    }
    return real(...args);
  };
}
const leaksNothing = () => {
  const text = JSON.stringify(logged);
  for (const secret of ['29:sam', 'Sam', 'U-ALEX', 'Alex', 'pg-jo', 'disk full', 'statement', 'Riverside']) expect(text).not.toContain(secret);
};

beforeEach(async () => {
  state = emptyState();
  messenger = fakeMessenger();
  logged = [];
  const log: Logger = { warn: (msg, meta) => logged.push({ level: 'warn', msg, meta }), error: (msg, meta) => logged.push({ level: 'error', msg, meta }) };
  trellis = createTrellis({ ...corePorts(new StateStore(state)), clock: fakeClock('2026-11-23T08:00:00Z'), messenger, secret: SECRET, log });
  await say(alex, 'setup Riverside');
  await say(alex, 'org add City Council public');
  const code = state.partnerships[0]!.inviteCode;
  for (const who of [alex, sam, jo]) await say(who, `join ${code} City Council`, dm);
  // What setup sent the coordinator privately (the set-up checklist, and its ticks) is not what these tests are about.
  await trellis.settled();
  messenger.sent.length = 0;
  messenger.updates.length = 0;
});

describe('a failed send', () => {
  it('is logged, and the check-in whose queueing failed goes out again at the next tick', async () => {
    failNext('sendPrivate', 1, sam.userId);
    expect((await say(alex, 'survey now')).tone).toBe('success');
    const partnershipId = state.partnerships[0]!.id;
    expect(logged).toEqual([{ level: 'warn', msg: 'A message could not be sent', meta: { kind: 'check-in', partnershipId, error: 'Error', code: 'ENOSPC' } }]);
    leaksNothing();
    expect(checkInsTo(sam.userId)).toHaveLength(0);

    await trellis.tick();
    expect(checkInsTo(sam.userId)).toHaveLength(1);
    expect(checkInsTo(alex.userId)).toHaveLength(1); // the others are not asked twice
    const opened = await trellis.action({
      caller: sam,
      place: dm,
      actionId: checkInsTo(sam.userId)[0]!.message.buttons![0]!.actionId,
      value: state.rounds[0]!.id,
    });
    expect(isForm(opened)).toBe(true);
  });

  it('sends a reminder whose queueing failed at the next tick, and nobody a second one', async () => {
    const clock = fakeClock('2026-11-23T08:00:00Z');
    trellis = createTrellis({ ...corePorts(new StateStore(state)), clock, messenger, secret: SECRET, log: { warn: () => undefined, error: () => undefined } });
    await say(alex, 'survey now');
    const remindersTo = (userId: string) => messenger.sent.filter((s) => s.to === userId && /reminder/i.test(JSON.stringify(s.message)));
    clock.set(state.rounds[0]!.remindAt);
    failNext('sendPrivate', 1, sam.userId);
    await trellis.tick();
    expect(remindersTo(alex.userId)).toHaveLength(1);
    expect(remindersTo(sam.userId)).toHaveLength(0);
    expect(state.rounds[0]!.remindedAt).toBeUndefined();
    await trellis.tick();
    expect(remindersTo(sam.userId)).toHaveLength(1);
    expect(remindersTo(alex.userId)).toHaveLength(1);
    expect(state.rounds[0]!.remindedAt).toBeDefined();
    await trellis.tick();
    expect(remindersTo(sam.userId)).toHaveLength(1);
  });

  it('logs a "thanks" update that fails after the answer is in', async () => {
    await say(alex, 'survey now');
    const round = state.rounds[0]!;
    failNext('update');
    const values = Object.fromEntries(round.itemIds.map((id) => [id, '4']));
    expect((await trellis.submit({ caller: sam, actionId: 'survey-submit', context: round.id, values })).tone).toBe('success');
    await trellis.settled();
    expect(logged).toEqual([
      {
        level: 'warn',
        msg: 'A message could not be updated',
        meta: { kind: 'check-in thanks', partnershipId: round.partnershipId, error: 'Error', code: 'ENOSPC' },
      },
    ]);
    leaksNothing();
  });

  it('logs a digest its home conversation could not be sent, and still closes the round', async () => {
    await say(alex, 'survey now');
    failNext('sendToConversation');
    expect((await say(alex, `survey close ${state.rounds.at(-1)!.number}`)).text).toContain('is closed');
    expect(logged).toEqual([
      {
        level: 'warn',
        msg: 'A message could not be posted',
        meta: { kind: 'digest', partnershipId: state.partnerships[0]!.id, error: 'Error', code: 'ENOSPC' },
      },
    ]);
    leaksNothing();
  });
});
