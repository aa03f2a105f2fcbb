// The outgoing-message queue end to end: OutboxMessenger records, Dispatcher
// delivers through a scripted platform. Rate limits, retries, lost responses,
// crashed senders, two instances, a restart, and what the store may reveal.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MessengerHub } from '../../src/delivery/platform-messenger.js';
import type { Message } from '../../src/core/message.js';
import type { Delivery } from '../../src/core/model.js';
import type { Outgoing } from '../../src/core/ports/outbox.js';
import type { Store } from '../../src/store/store.js';
import { seal, unseal } from '../../src/core/seal.js';
import { Dispatcher, type DispatcherOptions } from '../../src/delivery/dispatcher.js';
import { OUTBOX_SEAL, OutboxMessenger, type OutboxPayload, type QueuedDelivery } from '../../src/delivery/outbox-messenger.js';
import { createLogger } from '../../src/log.js';
import { openLowdbStore } from '../../src/store/lowdb-store.js';
import type { State } from '../../src/store/state-schema.js';
import { StateStore } from '../../src/store/state-store.js';
import { waitFor } from '../helpers/wait-for.js';
import { ScriptedMessenger, sleep, type ScriptedOptions } from './scripted-messenger.js';
import { crashCopy } from '../helpers/crash-copy.js';
import { TEST_SECRET } from '../helpers/start-trellis.js';

const SECRET = 'outbox-test-secret-0123456789abcdef';
const USER = 'U0TARGETUSER42';
const TEXT = 'Your fortnightly check-in for the Riverside partnership';
/** setTimeout may fire a millisecond or so early by Date.now(); only sleeps (not notBefore) need this. */
const TIMER_SLACK_MS = 5;

const msg = (text = TEXT): Message => ({ text, tone: 'info', audience: 'caller' });

/** The memory store, with its raw state visible: what a data file or database would hold. */
class InspectableStore extends StateStore {
  raw(): State {
    return this.state;
  }
}

const running: Dispatcher[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((d) => d.stop()));
  vi.restoreAllMocks();
});

function rig<S extends Store = InspectableStore>(o: { store?: S; platform?: ScriptedOptions; dispatcher?: Partial<DispatcherOptions> } = {}) {
  const store = (o.store ?? new InspectableStore()) as S;
  const platform = new ScriptedMessenger(o.platform);
  const hub = new MessengerHub();
  hub.register(platform.platform, platform);
  const lines: string[] = [];
  const log = createLogger({ level: 'debug', write: (l) => lines.push(l) });
  const make = (extra: Partial<DispatcherOptions> = {}) => {
    const d = new Dispatcher({ store, hub, secret: SECRET, log, leaseMs: 5_000, pollMs: 20, concurrency: 4, maxAttempts: 3, ...o.dispatcher, ...extra });
    running.push(d);
    return d;
  };
  const dispatcher = make();
  const outbox = new OutboxMessenger(store, hub, SECRET, dispatcher.wake);
  const row = async (handle: Delivery | undefined | string) => (await store.outgoing(typeof handle === 'string' ? handle : idOf(handle)))!;
  return { store, platform, hub, lines, log, dispatcher, outbox, make, row };
}

const idOf = (d: Delivery | undefined): string => {
  expect(d).toBeDefined();
  expect(typeof (d as QueuedDelivery).outgoing).toBe('string');
  return (d as QueuedDelivery).outgoing;
};
const opened = (o: Outgoing | undefined) => (o?.sealed ? unseal<OutboxPayload>(SECRET, OUTBOX_SEAL, o.sealed) : undefined);
const parsed = (lines: string[]) => lines.map((l) => JSON.parse(l) as { level: string; msg: string } & Record<string, unknown>);
/** No log line names who a message was for or what it said. */
const expectDiscreetLogs = (lines: string[], ...secrets: string[]) => {
  for (const line of lines) for (const s of [USER, TEXT, ...secrets]) expect(line).not.toContain(s);
};

// ---------------------------------------------------------------------------

describe('OutboxMessenger: queued, not sent', () => {
  it('sendPrivate returns a {platform, outgoing} handle and sends nothing until the dispatcher runs', async () => {
    const { outbox, platform, dispatcher, row } = rig();
    const handle = await outbox.sendPrivate({ platform: 'slack', workspace: 'T0001', userId: USER }, msg());
    expect(handle).toEqual({ platform: 'slack', outgoing: expect.any(String) });
    await sleep(50);
    expect(platform.calls).toEqual([]);
    expect(await row(handle)).toMatchObject({ kind: 'private', platform: 'slack', status: 'pending', attempts: 0 });

    await dispatcher.drain();
    expect(platform.calls).toHaveLength(1);
    expect(platform.calls[0]).toMatchObject({ op: 'send', kind: 'private', target: USER, message: msg(), tag: idOf(handle), outcome: 'ok' });
    expect(await row(handle)).toMatchObject({ status: 'sent', attempts: 1, owner: dispatcher.owner });
  });

  it('sendToConversation is queued the same way, as a conversation message', async () => {
    const { outbox, platform, dispatcher, row } = rig();
    const handle = await outbox.sendToConversation({ platform: 'slack', workspace: 'W1', conversationId: 'C0HOME' }, msg('Digest'));
    expect(handle).toEqual({ platform: 'slack', outgoing: expect.any(String) });
    expect(platform.calls).toEqual([]);
    await dispatcher.drain();
    expect(platform.calls).toMatchObject([{ op: 'send', kind: 'conversation', target: 'C0HOME', tag: idOf(handle) }]);
    expect((await row(handle)).status).toBe('sent');
  });

  it('wakes the dispatcher on every enqueue', async () => {
    const store = new InspectableStore();
    const hub = new MessengerHub();
    hub.register('slack', new ScriptedMessenger());
    const wake = vi.fn();
    const outbox = new OutboxMessenger(store, hub, SECRET, wake);
    await outbox.sendPrivate({ platform: 'slack', workspace: 'T0001', userId: USER }, msg());
    await outbox.sendToConversation({ platform: 'slack', workspace: 'W1', conversationId: 'C1' }, msg());
    await outbox.update({ platform: 'slack', channel: 'C1', ts: '1.1' }, msg());
    expect(wake).toHaveBeenCalledTimes(3);
    expect(store.raw().outgoing).toHaveLength(3);
  });

  it('a started dispatcher sends a new message as soon as it is woken, not at the next poll', async () => {
    const { outbox, platform, dispatcher, row } = rig({ dispatcher: { pollMs: 60_000 } });
    dispatcher.start();
    await sleep(30); // it is now idle, waiting up to a minute
    const handle = await outbox.sendPrivate({ platform: 'slack', workspace: 'T0001', userId: USER }, msg());
    await waitFor(async () => (await row(handle)).status === 'sent', 3_000);
    expect(platform.delivered).toHaveLength(1);
  });

  it('queues nothing for a target the platform cannot reach, or a platform that is not configured', async () => {
    const { outbox, platform, store } = rig();
    platform.unreachable.add('U0NOCHAT');
    expect(await outbox.sendPrivate({ platform: 'slack', workspace: 'T0001', userId: 'U0NOCHAT' }, msg())).toBeUndefined();
    expect(await outbox.sendPrivate({ platform: 'teams', workspace: '72f988bf-0000-41af-91ab-2d7cd011db47', userId: USER }, msg())).toBeUndefined();
    expect(await outbox.sendToConversation({ platform: 'teams', workspace: 'W1', conversationId: 'conv' }, msg())).toBeUndefined();
    await outbox.update({ platform: 'teams', workspace: '72f988bf-0000-41af-91ab-2d7cd011db47', userId: USER }, msg()); // no such platform: ignored
    expect(store.raw().outgoing).toEqual([]);
  });

  it('a direct platform (the playground) is sent at once and never queued', async () => {
    const { outbox, platform, store } = rig({ platform: { platform: 'playground', direct: true } });
    const delivery = await outbox.sendPrivate({ platform: 'playground', workspace: 'playground', userId: USER }, msg());
    expect(platform.calls).toMatchObject([{ op: 'send', target: USER, outcome: 'ok' }]);
    expect(delivery).toEqual(platform.calls[0]!.delivery);
    await outbox.update(delivery!, msg('edited'));
    expect(platform.callsOf('update')).toMatchObject([{ delivery, message: msg('edited') }]);
    expect(store.raw().outgoing).toEqual([]);
  });

  it('drain() returns at once when there is nothing to do', async () => {
    const { dispatcher, platform } = rig();
    await dispatcher.drain();
    expect(platform.calls).toEqual([]);
  });
});

describe('messages queued before workspaces', () => {
  it('delivers one whose sealed target is a bare id, in the legacy workspace', async () => {
    const { store, platform, dispatcher } = rig();
    const now = new Date().toISOString();
    const sealed = seal(SECRET, OUTBOX_SEAL, { target: USER, message: msg() });
    await store.enqueueOutgoing({ id: 'old-1', platform: 'slack', kind: 'private', status: 'pending', attempts: 0, notBefore: now, createdAt: now, sealed });
    await dispatcher.drain();
    expect(platform.calls.filter((c) => c.op === 'send').map((c) => c.target)).toEqual([USER]);
    expect((await store.outgoing('old-1'))?.status).toBe('sent');
  });
});

describe('what the store holds', () => {
  it('seals who a message is for and what it says, and keeps only where it landed once sent', async () => {
    const { outbox, dispatcher, store, platform, lines } = rig();
    const dm = await outbox.sendPrivate({ platform: 'slack', workspace: 'T0001', userId: USER }, msg());
    const post = await outbox.sendToConversation(
      { platform: 'slack', workspace: 'W1', conversationId: 'C0SECRETCHANNEL' },
      msg('Channel digest text, confidential'),
    );

    // Queued: neither the raw state nor the rows the store hands out show the target or the text.
    for (const view of [JSON.stringify(store.raw()), JSON.stringify(await store.outgoing(idOf(dm))), JSON.stringify(await store.outgoing(idOf(post)))]) {
      expect(view).not.toContain(USER);
      expect(view).not.toContain(TEXT);
      expect(view).not.toContain('C0SECRETCHANNEL');
      expect(view).not.toContain('confidential');
      expect(view).not.toContain('T0001'); // the workspace names the person's organisation
    }
    // ...but they are there, sealed, for whoever holds the secret.
    expect(opened(await store.outgoing(idOf(dm)))).toEqual({ target: { workspace: 'T0001', id: USER }, message: msg() });
    expect(unseal(`${SECRET}-other`, OUTBOX_SEAL, (await store.outgoing(idOf(dm)))!.sealed)).toBeUndefined();

    await dispatcher.drain();

    const raw = JSON.stringify(store.raw());
    expect(raw).not.toContain(USER);
    expect(raw).not.toContain(TEXT);
    expect(raw).not.toContain('confidential');
    // Once sent, the sealed column holds only the delivery (for updates), no target and no message.
    const after = opened(await store.outgoing(idOf(dm)));
    expect(after).toEqual({ delivery: platform.sendsFor(idOf(dm))[0]!.delivery });
    expect(Object.keys(after!)).toEqual(['delivery']);
    expect(Object.keys(opened(await store.outgoing(idOf(post)))!)).toEqual(['delivery']);
    expectDiscreetLogs(lines, 'C0SECRETCHANNEL');
  });

  it('clears the sealed column of a message that failed', async () => {
    const { outbox, dispatcher, platform, row } = rig();
    platform.failNext(1, 'permanent');
    const h = await outbox.sendPrivate({ platform: 'slack', workspace: 'T0001', userId: USER }, msg());
    await dispatcher.drain();
    expect(await row(h)).toMatchObject({ status: 'failed', sealed: '' });
  });

  it('fails (does not send) a message it cannot open, e.g. after the secret changed', async () => {
    const { outbox, make, platform, row, lines } = rig();
    const h = await outbox.sendPrivate({ platform: 'slack', workspace: 'T0001', userId: USER }, msg());
    const other = make({ secret: `${SECRET}-rotated` });
    await other.drain();
    expect(platform.calls).toEqual([]);
    expect(await row(h)).toMatchObject({ status: 'failed', sealed: '', error: expect.stringMatching(/cannot be opened/) });
    expectDiscreetLogs(lines);
  });

  it('fails a message for a platform this instance does not have', async () => {
    const { outbox, store, platform, row, log } = rig();
    const h = await outbox.sendPrivate({ platform: 'slack', workspace: 'T0001', userId: USER }, msg());
    const bare = new Dispatcher({ store, hub: new MessengerHub(), secret: SECRET, log, pollMs: 20 });
    running.push(bare);
    await bare.drain();
    expect(platform.calls).toEqual([]);
    expect(await row(h)).toMatchObject({ status: 'failed', error: expect.stringMatching(/not configured/) });
  });
});

describe('updates', () => {
  it('an update queued before its message was sent is applied after it, to the delivery the send returned', async () => {
    const { outbox, dispatcher, platform, row, store } = rig({ platform: { latencyMs: 100 } });
    const h = await outbox.sendPrivate({ platform: 'slack', workspace: 'T0001', userId: USER }, msg());
    await outbox.update(h!, msg('Answered'));
    const update = store.raw().outgoing.find((o) => o.kind === 'update')!;
    expect(update).toMatchObject({ status: 'pending' });
    // Which message it replaces is sealed: in the open it would tie the update to one person's invitation.
    expect(update.replaces).toBeUndefined();
    expect(JSON.stringify(update)).not.toContain(idOf(h));
    expect(opened(update)).toEqual({ message: msg('Answered'), replaces: idOf(h) }); // no delivery yet: it is looked up when due
    expect(platform.calls).toEqual([]);

    await dispatcher.drain(); // both claimed together: the update must wait for the send

    expect(platform.calls.map((c) => [c.op, c.outcome])).toEqual([
      ['send', 'ok'],
      ['update', 'ok'],
    ]);
    const sent = platform.calls[0]!;
    const updated = platform.calls[1]!;
    expect(updated.delivery).toEqual(sent.delivery);
    expect(updated.message).toEqual(msg('Answered'));
    expect(updated.at).toBeGreaterThanOrEqual(sent.at + 100 - TIMER_SLACK_MS); // after the send answered
    expect(await row(update.id)).toMatchObject({ status: 'sent', sealed: '' });
    expect((await row(h)).status).toBe('sent');
  });

  it('an update waits for a message held back by a rate limit, and is not counted as an attempt meanwhile', async () => {
    const { outbox, dispatcher, platform, row, store } = rig();
    platform.failNext(1, 'rate-limited', { retryAfterMs: 300, bucket: platform.methodBucket('send') });
    const h = await outbox.sendPrivate({ platform: 'slack', workspace: 'T0001', userId: USER }, msg());
    await outbox.update(h!, msg('edited'));
    dispatcher.start();
    const update = store.raw().outgoing.find((o) => o.kind === 'update')!;
    await waitFor(async () => (await row(update.id)).status === 'sent', 5_000);
    const ops = platform.calls.map((c) => `${c.op}:${c.outcome}`);
    expect(ops).toEqual(['send:rate-limited', 'send:ok', 'update:ok']);
    expect(platform.callsOf('update')[0]!.delivery).toEqual(platform.delivered[0]!.delivery);
    expect((await row(update.id)).attempts).toBeLessThanOrEqual(1);
  });

  it('an update of a message delivered elsewhere (not queued) is queued with that delivery and applied to it', async () => {
    const { outbox, dispatcher, platform, store } = rig();
    const earlier: Delivery = { platform: 'slack', channel: 'D0EARLIER', ts: '1699999999.000100' };
    await outbox.update(earlier, msg('edited'));
    const row = store.raw().outgoing[0]!;
    expect(row).toMatchObject({ kind: 'update', status: 'pending' });
    expect(row.replaces).toBeUndefined();
    expect(JSON.stringify(row)).not.toContain('D0EARLIER');
    await dispatcher.drain();
    expect(platform.calls).toMatchObject([{ op: 'update', delivery: earlier, message: msg('edited') }]);
    expect((await store.outgoing(row.id))!.status).toBe('sent');
  });

  it('an update queued before schema 4 (what it replaces in the open) is still applied, and keeps no link once sent', async () => {
    const { outbox, dispatcher, platform, row, store } = rig();
    const h = await outbox.sendPrivate({ platform: 'slack', workspace: 'T0001', userId: USER }, msg());
    await dispatcher.drain();
    const now = new Date().toISOString();
    await store.enqueueOutgoing({
      id: 'legacy-update',
      platform: 'slack',
      kind: 'update',
      replaces: idOf(h),
      status: 'pending',
      attempts: 0,
      notBefore: now,
      createdAt: now,
      sealed: seal(SECRET, OUTBOX_SEAL, { message: msg('edited') }),
    });
    await dispatcher.drain();
    expect(platform.callsOf('update')).toMatchObject([{ delivery: platform.delivered[0]!.delivery, message: msg('edited') }]);
    const settled = await row('legacy-update');
    expect(settled).toMatchObject({ status: 'sent', sealed: '' });
    expect(settled.replaces).toBeUndefined();
  });

  it('an update of a message that failed permanently is dropped, never applied', async () => {
    const { outbox, dispatcher, platform, row, store, lines } = rig();
    platform.failNext(1, 'permanent');
    const h = await outbox.sendPrivate({ platform: 'slack', workspace: 'T0001', userId: USER }, msg());
    await outbox.update(h!, msg('edited'));
    await dispatcher.drain();
    const update = store.raw().outgoing.find((o) => o.kind === 'update')!;
    expect((await row(h)).status).toBe('failed');
    expect(await row(update.id)).toMatchObject({ status: 'failed', sealed: '', error: expect.stringMatching(/never delivered/) });
    expect(platform.callsOf('update')).toEqual([]);
    expectDiscreetLogs(lines);
  });

  it('an update that is rate-limited is retried, not dropped', async () => {
    const { outbox, dispatcher, platform, store } = rig();
    platform.failNext(1, 'rate-limited', { op: 'update', retryAfterMs: 100, bucket: platform.methodBucket('update') });
    await outbox.update({ platform: 'slack', channel: 'D1', ts: '1.1' }, msg('edited'));
    const id = store.raw().outgoing[0]!.id;
    dispatcher.start();
    await waitFor(async () => (await store.outgoing(id))!.status === 'sent');
    expect(platform.callsOf('update').map((c) => c.outcome)).toEqual(['rate-limited', 'ok']);
    expect(platform.callsOf('update')[1]!.at).toBeGreaterThanOrEqual(platform.callsOf('update')[0]!.at + 100);
  });
});

describe('rate limits and retries', () => {
  it("'rate-limited': retried after (not before) Retry-After, uncounted, and the pause holds the whole bucket", async () => {
    const { outbox, dispatcher, platform, row } = rig();
    platform.failNext(1, 'rate-limited', { retryAfterMs: 300, bucket: platform.methodBucket('send') });
    const a = await outbox.sendPrivate({ platform: 'slack', workspace: 'T0001', userId: 'U0AAA' }, msg('A'));
    await dispatcher.drain();

    const refused = platform.callsOf('send', 'rate-limited');
    expect(refused).toHaveLength(1);
    const refusedAt = refused[0]!.at;
    const waiting = await row(a);
    expect(waiting).toMatchObject({ status: 'pending', attempts: 0 }); // the refused try is not counted
    expect(waiting.attemptedAt).toBeUndefined(); // nothing was posted: no need to look before retrying
    expect(Date.parse(waiting.notBefore)).toBeGreaterThanOrEqual(refusedAt + 300);

    await dispatcher.drain(); // not due yet
    expect(platform.callsOf('send')).toHaveLength(1);

    // Another message, to someone else, through the same (paused) method bucket.
    const b = await outbox.sendPrivate({ platform: 'slack', workspace: 'T0001', userId: 'U0BBB' }, msg('B'));
    dispatcher.start();
    await waitFor(async () => (await row(a)).status === 'sent' && (await row(b)).status === 'sent');

    const sentA = platform.delivered.find((c) => c.tag === idOf(a))!;
    const sentB = platform.delivered.find((c) => c.tag === idOf(b))!;
    expect(sentA.at).toBeGreaterThanOrEqual(refusedAt + 300);
    expect(sentB.at).toBeGreaterThanOrEqual(refusedAt + 300 - TIMER_SLACK_MS);
    expect(platform.callsOf('send')).toHaveLength(3);
    expect((await row(a)).attempts).toBe(1);
  });

  it("'rate-limited' never counts towards maxAttempts, however often it happens", async () => {
    const { outbox, dispatcher, platform, row, lines } = rig({ dispatcher: { maxAttempts: 2 } });
    platform.failNext(5, 'rate-limited', { retryAfterMs: 20, bucket: platform.methodBucket('send') });
    const h = await outbox.sendPrivate({ platform: 'slack', workspace: 'T0001', userId: USER }, msg());
    dispatcher.start();
    await waitFor(async () => (await row(h)).status !== 'pending' && (await row(h)).status !== 'sending');
    expect(await row(h)).toMatchObject({ status: 'sent', attempts: 1 });
    expect(platform.callsOf('send').map((c) => c.outcome)).toEqual(['rate-limited', 'rate-limited', 'rate-limited', 'rate-limited', 'rate-limited', 'ok']);
    expect(parsed(lines).filter((l) => l.msg === 'Platform asked us to slow down')).toHaveLength(5);
    expectDiscreetLogs(lines);
  });

  it("'transient': retried with back-off until it succeeds, each try counted", async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.01); // back-off = 1% of 2 s, then of 4 s
    const { outbox, dispatcher, platform, row } = rig({ dispatcher: { maxAttempts: 5 } });
    platform.failNext(2, 'transient');
    const h = await outbox.sendPrivate({ platform: 'slack', workspace: 'T0001', userId: USER }, msg());
    await dispatcher.drain();
    expect(await row(h)).toMatchObject({ status: 'pending', attempts: 1 });
    dispatcher.start();
    await waitFor(async () => (await row(h)).status === 'sent');
    const sends = platform.callsOf('send');
    expect(sends.map((c) => c.outcome)).toEqual(['transient', 'transient', 'ok']);
    expect(sends[1]!.at - sends[0]!.at).toBeGreaterThanOrEqual(20);
    expect(sends[2]!.at - sends[1]!.at).toBeGreaterThanOrEqual(40);
    expect(await row(h)).toMatchObject({ status: 'sent', attempts: 3 });
  });

  it("'transient' with a Retry-After waits that long instead of the back-off", async () => {
    const { outbox, dispatcher, platform, row } = rig();
    platform.failNext(1, 'transient', { retryAfterMs: 250 });
    const h = await outbox.sendPrivate({ platform: 'slack', workspace: 'T0001', userId: USER }, msg());
    dispatcher.start();
    await waitFor(async () => (await row(h)).status === 'sent');
    const [first, second] = platform.callsOf('send');
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(250);
  });

  it('gives up after maxAttempts: failed, with a reason, logged without the target', async () => {
    const { outbox, dispatcher, platform, row, lines } = rig({ dispatcher: { maxAttempts: 3 } });
    platform.failNext(99, 'transient', { retryAfterMs: 10 });
    const h = await outbox.sendPrivate({ platform: 'slack', workspace: 'T0001', userId: USER }, msg());
    dispatcher.start();
    await waitFor(async () => (await row(h)).status === 'failed');
    await sleep(100);
    expect(platform.callsOf('send')).toHaveLength(3);
    expect(await row(h)).toMatchObject({ status: 'failed', attempts: 3, sealed: '', error: 'scripted transient failure' });
    const dropped = parsed(lines).filter((l) => l.msg === 'Outgoing message dropped');
    expect(dropped).toEqual([expect.objectContaining({ level: 'warn', kind: 'private', platform: 'slack', reason: 'scripted transient failure' })]);
    expectDiscreetLogs(lines);
  });

  it("'permanent' fails at once: one try, no retry", async () => {
    const { outbox, dispatcher, platform, row, lines } = rig({ dispatcher: { maxAttempts: 5 } });
    platform.failNext(1, 'permanent');
    const h = await outbox.sendPrivate({ platform: 'slack', workspace: 'T0001', userId: USER }, msg());
    await dispatcher.drain();
    expect(await row(h)).toMatchObject({ status: 'failed', attempts: 1, sealed: '', error: 'scripted permanent failure' });
    dispatcher.start();
    await sleep(100);
    expect(platform.callsOf('send')).toHaveLength(1);
    expectDiscreetLogs(lines);
  });

  it('paces sends through the platform buckets (a per-target limit spaces messages to one person)', async () => {
    const { outbox, dispatcher, platform } = rig({ platform: { targetRate: { perSecond: 10, burst: 1 } } });
    for (let i = 0; i < 3; i++) await outbox.sendPrivate({ platform: 'slack', workspace: 'T0001', userId: USER }, msg(`m${i}`));
    await outbox.sendPrivate({ platform: 'slack', workspace: 'T0001', userId: 'U0OTHER' }, msg('other'));
    // Slots are booked from here on, 100 ms apart. (Measured from the start, not between
    // sends: each send goes out after its own store write, so the first may leave late.)
    const start = Date.now();
    await dispatcher.drain();
    const toUser = platform.delivered.filter((c) => c.target === USER).map((c) => c.at);
    expect(toUser).toHaveLength(3);
    expect(toUser[1]! - start).toBeGreaterThanOrEqual(100 - TIMER_SLACK_MS);
    expect(toUser[2]! - start).toBeGreaterThanOrEqual(200 - TIMER_SLACK_MS);
    expect(platform.delivered.filter((c) => c.target === 'U0OTHER')).toHaveLength(1);
  });
});

describe("lost responses ('unknown')", () => {
  it('with find(): not resent blindly; on its next try it is looked up, and marked sent when found', async () => {
    const { outbox, dispatcher, platform, row, lines } = rig({ dispatcher: { leaseMs: 200, retryBaseMs: 100 } });
    platform.failNext(1, 'unknown', { landed: true }); // posted, but the answer was lost
    const h = await outbox.sendPrivate({ platform: 'slack', workspace: 'T0001', userId: USER }, msg());
    await dispatcher.drain();

    const lost = await row(h);
    expect(lost).toMatchObject({ status: 'pending', owner: dispatcher.owner });
    expect(lost.attemptedAt).toBeDefined(); // still marked: it may have arrived
    expect(platform.calls.map((c) => c.op)).toEqual(['send']);

    await sleep(250);
    await dispatcher.drain();
    const finds = platform.callsOf('find');
    expect(finds).toHaveLength(1);
    expect(finds[0]).toMatchObject({ kind: 'private', target: USER, tag: idOf(h) });
    expect(platform.callsOf('send')).toHaveLength(1); // never sent again
    expect(await row(h)).toMatchObject({ status: 'sent' });
    expect(opened(await row(h))).toEqual({ delivery: platform.landed.get(idOf(h))!.delivery });
    expect(parsed(lines).some((l) => l.msg.startsWith('No answer to a send'))).toBe(true);
    expectDiscreetLogs(lines);
  });

  it('with find(): sent once more when the look-up finds nothing', async () => {
    const { outbox, dispatcher, platform, row } = rig({ dispatcher: { leaseMs: 200, retryBaseMs: 100 } });
    platform.failNext(1, 'unknown'); // the request never arrived
    const h = await outbox.sendPrivate({ platform: 'slack', workspace: 'T0001', userId: USER }, msg());
    await dispatcher.drain();
    await sleep(250);
    await dispatcher.drain();
    expect(platform.calls.map((c) => `${c.op}:${c.outcome}`)).toEqual(['send:unknown', 'find:ok', 'send:ok']);
    expect(platform.sendsFor(idOf(h)).every((c) => c.tag === idOf(h))).toBe(true); // same tag, so a later find would see it
    expect(platform.landed.size).toBe(1);
    expect(await row(h)).toMatchObject({ status: 'sent' });
    expect(opened(await row(h))).toEqual({ delivery: platform.delivered[0]!.delivery });
  });

  it('treats an unexpected exception from send like a lost response', async () => {
    const { outbox, dispatcher, platform, row } = rig({ dispatcher: { leaseMs: 200, retryBaseMs: 100 } });
    platform.failNext(1, 'error');
    const h = await outbox.sendPrivate({ platform: 'slack', workspace: 'T0001', userId: USER }, msg());
    await dispatcher.drain();
    expect(await row(h)).toMatchObject({ status: 'pending', attemptedAt: expect.any(String) });
    await sleep(250);
    await dispatcher.drain();
    expect(platform.calls.map((c) => `${c.op}:${c.outcome}`)).toEqual(['send:error', 'find:ok', 'send:ok']);
    expect((await row(h)).status).toBe('sent');
  });

  it('without find() (Teams-like): marked failed on its next try, never sent twice', async () => {
    const { outbox, dispatcher, platform, row, lines } = rig({ platform: { canFind: false }, dispatcher: { leaseMs: 200, retryBaseMs: 100 } });
    expect(platform.find).toBeUndefined();
    platform.failNext(1, 'unknown');
    const h = await outbox.sendPrivate({ platform: 'slack', workspace: 'T0001', userId: USER }, msg());
    await dispatcher.drain();
    await sleep(250);
    await dispatcher.drain();
    expect(await row(h)).toMatchObject({ status: 'failed', sealed: '', error: expect.stringMatching(/not sent twice/) });
    dispatcher.start();
    await sleep(100);
    expect(platform.callsOf('send')).toHaveLength(1);
    expectDiscreetLogs(lines);
  });

  // A look-up that fails must not turn an in-doubt message into a fresh one: it is looked up again, never resent blindly.
  it.each(['rate-limited', 'transient'] as const)('when find() is %s, the message is still looked up before any resend (not sent twice)', async (kind) => {
    const { outbox, dispatcher, platform, row } = rig({ dispatcher: { leaseMs: 200, retryBaseMs: 100 } });
    platform.failNext(1, 'unknown', { landed: true }); // it did arrive
    platform.failNext(1, kind, { op: 'find', retryAfterMs: 50, bucket: platform.methodBucket('send') });
    const h = await outbox.sendPrivate({ platform: 'slack', workspace: 'T0001', userId: USER }, msg());
    await dispatcher.drain();
    await sleep(250);
    dispatcher.start();
    await waitFor(async () => (await row(h)).status === 'sent' || (await row(h)).status === 'failed', 5_000);
    await sleep(100);
    expect(platform.calls.map((c) => `${c.op}:${c.outcome}`)).toEqual(['send:unknown', `find:${kind}`, 'find:ok']);
    expect(platform.callsOf('send')).toHaveLength(1);
    expect(opened(await row(h))).toEqual({ delivery: platform.landed.get(idOf(h))!.delivery });
  });

  it('a message whose sends keep getting lost gives up after maxAttempts', async () => {
    const { outbox, dispatcher, platform, row } = rig({ dispatcher: { leaseMs: 100, maxAttempts: 3, retryBaseMs: 20 } });
    platform.failNext(99, 'unknown'); // never lands, never answered
    const h = await outbox.sendPrivate({ platform: 'slack', workspace: 'T0001', userId: USER }, msg());
    dispatcher.start();
    await sleep(900); // room for many retries
    expect(platform.callsOf('send').length).toBeLessThanOrEqual(3);
    expect((await row(h)).status).toBe('failed');
  });
});

describe('crash recovery', () => {
  /** A dead instance: it claimed the message and (optionally) recorded that its request went out, then vanished. */
  async function dieMidSend(store: Store, attempted: boolean, leaseMs = 100) {
    const [claimed] = await store.claimOutgoing(new Date(), 'dead-owner', leaseMs, 10);
    expect(claimed).toBeDefined();
    const { resumed, ...row } = claimed!;
    expect(resumed).toBe(false);
    if (attempted) expect(await store.settleOutgoing({ ...row, attemptedAt: new Date().toISOString() }, 'dead-owner')).toBe(true);
    return row;
  }

  it('a fresh dispatcher takes over after the lease and looks it up; found: marked sent, not sent again', async () => {
    const { outbox, make, platform, row, store } = rig();
    const h = await outbox.sendPrivate({ platform: 'slack', workspace: 'T0001', userId: USER }, msg());
    const dead = await dieMidSend(store, true);
    const landed = platform.plant('private', USER, idOf(h), msg()); // the dead instance's request did arrive
    await sleep(150);
    const fresh = make();
    await fresh.drain();
    expect(platform.calls.map((c) => `${c.op}:${c.outcome}`)).toEqual(['find:ok']);
    expect(platform.callsOf('find')[0]).toMatchObject({ kind: 'private', target: USER, tag: idOf(h) });
    expect(await row(h)).toMatchObject({ status: 'sent', owner: fresh.owner });
    expect(opened(await row(h))).toEqual({ delivery: landed });
    // The dead owner, should it come back, can no longer settle it.
    expect(await store.settleOutgoing({ ...dead, status: 'pending' }, 'dead-owner')).toBe(false);
    expect((await row(h)).status).toBe('sent');
  });

  it('a fresh dispatcher sends it once when the look-up finds nothing', async () => {
    const { outbox, make, platform, row, store } = rig();
    const h = await outbox.sendPrivate({ platform: 'slack', workspace: 'T0001', userId: USER }, msg());
    await dieMidSend(store, true);
    await sleep(150);
    await make().drain();
    expect(platform.calls.map((c) => `${c.op}:${c.outcome}`)).toEqual(['find:ok', 'send:ok']);
    expect((await row(h)).status).toBe('sent');
  });

  it('a message claimed by the dead owner without attemptedAt is simply sent: it never went out', async () => {
    const { outbox, make, platform, row, store } = rig();
    const h = await outbox.sendPrivate({ platform: 'slack', workspace: 'T0001', userId: USER }, msg());
    await dieMidSend(store, false);
    await sleep(150);
    const fresh = make();
    await fresh.drain();
    expect(platform.calls.map((c) => `${c.op}:${c.outcome}`)).toEqual(['send:ok']);
    expect(await row(h)).toMatchObject({ status: 'sent', owner: fresh.owner });
  });

  it('without find(), a message the dead owner attempted is failed rather than risk a duplicate', async () => {
    const { outbox, make, platform, row, store } = rig({ platform: { canFind: false } });
    const h = await outbox.sendPrivate({ platform: 'slack', workspace: 'T0001', userId: USER }, msg());
    await dieMidSend(store, true);
    await sleep(150);
    await make().drain();
    expect(platform.calls).toEqual([]);
    expect(await row(h)).toMatchObject({ status: 'failed', error: expect.stringMatching(/not sent twice/) });
  });

  it('leaves a message alone while another owner still holds its lease', async () => {
    const { outbox, make, platform, row, store } = rig();
    const h = await outbox.sendPrivate({ platform: 'slack', workspace: 'T0001', userId: USER }, msg());
    await dieMidSend(store, true, 60_000);
    await make().drain();
    expect(platform.calls).toEqual([]);
    expect(await row(h)).toMatchObject({ status: 'sending', owner: 'dead-owner' });
  });
});

describe('several instances, restarts', () => {
  it('two dispatchers on one store deliver 200 queued messages exactly once in total', async () => {
    const { outbox, dispatcher, make, platform, store } = rig({ platform: { latencyMs: 1 }, dispatcher: { concurrency: 8 } });
    const ids: string[] = [];
    for (let i = 0; i < 200; i++) ids.push(idOf(await outbox.sendPrivate({ platform: 'slack', workspace: 'T0001', userId: `U${i}` }, msg(`message ${i}`))));
    const second = make();
    expect(second.owner).not.toBe(dispatcher.owner);
    dispatcher.start();
    second.start();
    await waitFor(() => store.raw().outgoing.every((o) => o.status === 'sent'), 10_000);
    await sleep(100); // anything late would show now
    const tags = platform.callsOf('send').map((c) => c.tag!);
    expect(tags).toHaveLength(200);
    expect(new Set(tags).size).toBe(200);
    expect([...tags].sort()).toEqual([...ids].sort());
    for (const c of platform.callsOf('send')) expect(c.message!.text).toBe(`message ${c.target!.slice(1)}`);
    const owners = new Set(store.raw().outgoing.map((o) => o.owner));
    expect([...owners].every((o) => o === dispatcher.owner || o === second.owner)).toBe(true);
  });

  it('survives a restart: 20 messages queued on a data file, store closed undispatched, all delivered once after reopening', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'trellis-outbox-')), 'trellis.json');
    let store = await openLowdbStore(file, TEST_SECRET);
    const platform = new ScriptedMessenger();
    const hub = new MessengerHub();
    hub.register('slack', platform);
    const outbox = new OutboxMessenger(store, hub, SECRET);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++)
      ids.push(idOf(await outbox.sendPrivate({ platform: 'slack', workspace: 'T0001', userId: `${USER}${i}` }, msg(`${TEXT} #${i}`))));
    await store.close();
    expect(platform.calls).toEqual([]);

    const onDisk = await readFile(file, 'utf8');
    expect(onDisk).not.toContain(USER);
    expect(onDisk).not.toContain(TEXT);
    expect((JSON.parse(onDisk) as State).outgoing.map((o) => o.status)).toEqual(Array(20).fill('pending'));

    store = await openLowdbStore(file, TEST_SECRET);
    const lines: string[] = [];
    const d = new Dispatcher({ store, hub, secret: SECRET, log: createLogger({ level: 'debug', write: (l) => lines.push(l) }), leaseMs: 5_000, pollMs: 20 });
    running.push(d);
    d.start();
    await waitFor(() => platform.delivered.length >= 20, 10_000);
    await d.stop();
    await store.close();

    expect(platform.calls).toHaveLength(20);
    expect(platform.delivered.map((c) => c.tag).sort()).toEqual([...ids].sort());
    for (const c of platform.delivered) expect(c.message!.text).toBe(`${TEXT} #${c.target!.slice(USER.length)}`);
    const final = JSON.parse(await readFile(file, 'utf8')) as State;
    expect(final.outgoing.map((o) => o.status)).toEqual(Array(20).fill('sent'));
    expect(JSON.stringify(final)).not.toContain(TEXT);
    expectDiscreetLogs(lines);
  });

  it('stop() finishes what is in flight and leaves unclaimed messages queued for the next start', async () => {
    const { outbox, dispatcher, platform, store, make } = rig({ platform: { latencyMs: 100 }, dispatcher: { concurrency: 1 } });
    for (let i = 0; i < 3; i++) await outbox.sendPrivate({ platform: 'slack', workspace: 'T0001', userId: `U${i}` }, msg(`m${i}`));
    dispatcher.start();
    await waitFor(() => platform.calls.length === 1);
    await dispatcher.stop();
    expect(platform.delivered).toHaveLength(1);
    expect(
      store
        .raw()
        .outgoing.map((o) => o.status)
        .sort(),
    ).toEqual(['pending', 'pending', 'sent']);
    await make({ concurrency: 4 }).drain();
    expect(platform.delivered).toHaveLength(3);
    expect(new Set(platform.delivered.map((c) => c.tag)).size).toBe(3);
  });
});

describe('durable ordering', () => {
  it('attemptedAt is in the store before the platform send is called (memory store)', async () => {
    const { outbox, dispatcher, platform, store } = rig({ dispatcher: { maxAttempts: 5 } });
    const seen: Outgoing[] = [];
    platform.onSend = async (_kind, _target, tag) => {
      seen.push((await store.outgoing(tag))!);
    };
    platform.failNext(1, 'transient', { retryAfterMs: 10 });
    for (let i = 0; i < 3; i++) await outbox.sendPrivate({ platform: 'slack', workspace: 'T0001', userId: `U${i}` }, msg());
    dispatcher.start();
    await waitFor(() => platform.delivered.length === 3);
    expect(seen).toHaveLength(4); // three messages, one retried
    platform.callsOf('send').forEach((call, i) => {
      const at = seen[i]!;
      expect(at).toMatchObject({ status: 'sending', owner: dispatcher.owner });
      expect(at.attemptedAt).toBeDefined();
      expect(Date.parse(at.attemptedAt!)).toBeLessThanOrEqual(call.at);
    });
  });

  it('attemptedAt is in the store before an update is applied', async () => {
    const { outbox, dispatcher, platform, store } = rig();
    const seen: (Outgoing | undefined)[] = [];
    platform.onUpdate = () => void seen.push(structuredClone(store.raw().outgoing.find((o) => o.kind === 'update')));
    await outbox.update({ platform: 'slack', channel: 'D1', ts: '1.1' }, msg('edited'));
    await dispatcher.drain();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ status: 'sending', attemptedAt: expect.any(String) });
  });

  it('attemptedAt is on disk (data file and journal) before the platform send is called', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'trellis-outbox-')), 'trellis.json');
    const store = await openLowdbStore(file, TEST_SECRET);
    try {
      const { outbox, dispatcher, platform } = rig({ store });
      // At each send, the files exactly as a crash at that moment would leave them.
      const crashes: { copy: string; tag: string }[] = [];
      platform.onSend = (_kind, _target, tag) => void crashes.push({ copy: crashCopy(file), tag });
      for (let i = 0; i < 3; i++) await outbox.sendPrivate({ platform: 'slack', workspace: 'T0001', userId: `U${i}` }, msg());
      await dispatcher.drain();
      expect(crashes).toHaveLength(3);
      for (const { copy, tag } of crashes) {
        const after = await openLowdbStore(copy, TEST_SECRET);
        expect(await after.outgoing(tag)).toMatchObject({ status: 'sending', attemptedAt: expect.any(String), owner: dispatcher.owner });
        await after.close();
      }
    } finally {
      await Promise.all(running.splice(0).map((d) => d.stop()));
      await store.close();
    }
  });
});
