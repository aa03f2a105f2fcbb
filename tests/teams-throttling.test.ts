// Teams throttling through the real Teams messenger, botbuilder's connector
// client and the dispatcher: 429 with Retry-After, then 412, 502 and 504 are
// retried with back-off, and the card arrives once.
import { TeamsAdapter } from '@microsoft/teams-ai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { info } from '../src/core/message.js';
import { MessengerHub } from '../src/delivery/platform-messenger.js';
import { createTeamsMessenger } from '../src/adapters/teams/teams-messenger.js';
import { Dispatcher } from '../src/delivery/dispatcher.js';
import { OutboxMessenger } from '../src/delivery/outbox-messenger.js';
import { createLogger } from '../src/log.js';
import { createMemoryStore } from '../src/store/memory-store.js';
import { startFakeTeamsConnector, type FakeTeamsConnector } from './helpers/fake-teams-connector.js';
import { TEST_SECRET } from './helpers/start-trellis.js';
import { chatKey, TENANT } from './helpers/teams-requests.js';

const SAM = '29:sam-throttled';
let connector: FakeTeamsConnector;

beforeAll(async () => {
  connector = await startFakeTeamsConnector();
});
afterAll(() => connector.close());

it('waits out Retry-After on a 429, backs off on 412/502/504, and delivers the card exactly once', async () => {
  const store = createMemoryStore();
  await store.saveConversation({
    platform: 'teams',
    key: chatKey(SAM),
    reference: {
      serviceUrl: connector.serviceUrl,
      conversation: { id: 'a:personal-sam', conversationType: 'personal', tenantId: TENANT },
      user: { id: SAM },
      channelId: 'msteams',
    },
    updatedAt: new Date().toISOString(),
  });
  const lines: string[] = [];
  const log = createLogger({ level: 'debug', secrets: [TEST_SECRET], write: (l) => lines.push(l) });
  const hub = new MessengerHub();
  hub.register('teams', createTeamsMessenger({ adapter: new TeamsAdapter({}), appId: '', store, log }));
  const dispatcher = new Dispatcher({ store, hub, secret: TEST_SECRET, log, retryBaseMs: 20 });
  const outbox = new OutboxMessenger(store, hub, TEST_SECRET, dispatcher.wake);

  connector.refuseNext.push({ status: 429, retryAfter: '1' }, { status: 412 }, { status: 502 }, { status: 504 });
  const handle = await outbox.sendPrivate({ platform: 'teams', workspace: TENANT, userId: SAM }, info('Your check-in is open.', { title: 'Riverside' }));
  expect(handle).toMatchObject({ platform: 'teams', outgoing: expect.any(String) });
  for (let i = 0; i < 50 && connector.sent.length === 0; i++) await dispatcher.drain().then(() => new Promise((r) => setTimeout(r, 100)));

  expect(connector.refused.map((r) => r.status)).toEqual([429, 412, 502, 504]);
  // Nothing went back to Teams before the second Retry-After asked for.
  expect(connector.refused[1]!.at - connector.refused[0]!.at).toBeGreaterThanOrEqual(950);
  expect(connector.sent).toHaveLength(1);
  expect(connector.sent[0]!.conversationId).toBe('a:personal-sam');
  expect(JSON.stringify(connector.sent[0]!.activity)).toContain('Your check-in is open.');
  expect(await store.outgoing(String(handle!.outgoing))).toMatchObject({ status: 'sent' });
  expect(lines.join('\n')).not.toContain(SAM);
});
