// A round for members in two workspaces, through the real outbox and
// dispatcher: each workspace has its own limits (as on Slack), so both are
// served side by side from the start — not one workspace after the other,
// which would take twice as long.
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from '../../src/core/message.js';
import type { Delivery } from '../../src/core/model.js';
import { Dispatcher } from '../../src/delivery/dispatcher.js';
import { OutboxMessenger } from '../../src/delivery/outbox-messenger.js';
import { MessengerHub, type PlatformMessenger, type Target } from '../../src/delivery/platform-messenger.js';
import { createLogger } from '../../src/log.js';
import { StateStore } from '../../src/store/state-store.js';
import { waitFor } from '../helpers/wait-for.js';

const SECRET = 'outbox-test-secret-0123456789abcdef';
const PER_WORKSPACE = 60;
const msg: Message = { text: 'Your check-in', tone: 'info', audience: 'caller' };

/** A platform whose post limit is per workspace (Slack's), recording which workspace each send was for, in order. */
function perWorkspacePlatform(perSecond: number) {
  const sent: string[] = [];
  let seq = 0;
  const platform: PlatformMessenger = {
    reachable: async () => true,
    buckets: (call, _kind, t: Target) => [
      { key: `slack:${t.workspace}:${call}`, perSecond, burst: 1 },
      { key: `slack:${t.workspace}:to:${t.id}`, perSecond: 1, burst: 1 },
    ],
    send: async (_kind, t) => {
      sent.push(t.workspace);
      return { platform: 'slack', workspace: t.workspace, channel: t.id, ts: String(++seq) } satisfies Delivery;
    },
    update: async () => undefined,
  };
  return { platform, sent };
}

let dispatcher: Dispatcher | undefined;
afterEach(async () => {
  await dispatcher?.stop();
  dispatcher = undefined;
});

describe('a round across workspaces', () => {
  it('serves each workspace at its own pace side by side, though all of one was queued before the other', async () => {
    const store = new StateStore();
    const { platform, sent } = perWorkspacePlatform(100);
    const hub = new MessengerHub();
    hub.register('slack', platform);
    dispatcher = new Dispatcher({ store, hub, secret: SECRET, log: createLogger({ level: 'error', write: () => {} }), pollMs: 20 });
    const outbox = new OutboxMessenger(store, hub, SECRET, dispatcher.wake);
    // As a round queues them: member by member, the first workspace's members all before the second's.
    for (const workspace of ['T0RIVER', 'T0HOPE'])
      for (let i = 0; i < PER_WORKSPACE; i++) await outbox.sendPrivate({ platform: 'slack', workspace, userId: `U${i}` }, msg);
    dispatcher.start();
    await waitFor(() => sent.length === 2 * PER_WORKSPACE, 20_000);

    // In the first half of the sends, both workspaces were served about equally (one after the other: the first only).
    const firstHalf = sent.slice(0, PER_WORKSPACE);
    expect(firstHalf.filter((w) => w === 'T0HOPE').length).toBeGreaterThanOrEqual(PER_WORKSPACE / 3);
    expect(firstHalf.filter((w) => w === 'T0RIVER').length).toBeGreaterThanOrEqual(PER_WORKSPACE / 3);
    expect(sent.filter((w) => w === 'T0HOPE')).toHaveLength(PER_WORKSPACE);
  });
});
