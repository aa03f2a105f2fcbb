// A workspace removed Trellis: the core tells the coordinators of each
// partnership with members there, privately and once per partnership, never
// naming the workspace, the organisation or anyone in it.
import { describe, expect, it } from 'vitest';
import type { Message, Reply } from '../../src/core/message.js';
import type { Caller, Place } from '../../src/core/request.js';
import { createTrellis } from '../../src/core/trellis.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { corePorts } from '../helpers/core-ports.js';
import { fakeClock } from '../helpers/fake-clock.js';
import { fakeMessenger } from '../helpers/fake-messenger.js';

const person = (workspace: string, userId: string, displayName: string): Caller => ({ platform: 'slack', workspace, userId, displayName });
const alex = person('T0RIVER', 'U1', 'Alex'); // coordinator
const jo = person('T0RIVER', 'U2', 'Jo'); // second coordinator
const sam = person('T0HOPE', 'U1', 'Sam Hope'); // the same user id as Alex, in another workspace
const channel: Place = { conversationId: 'C1', kind: 'channel', label: '#riverside' };

async function world() {
  const store = createMemoryStore();
  const messenger = fakeMessenger();
  const trellis = createTrellis({ ...corePorts(store), clock: fakeClock(), secret: 'k'.repeat(32), messenger, newInviteCode: () => 'TEST-CODE' });
  const say = (caller: Caller, text: string, place: Place = channel) => trellis.command({ caller, place, text }).then((r: Reply) => r as Message);
  await say(alex, 'setup Riverside');
  await say(alex, 'org add Hope Trust voluntary');
  await say(jo, 'join TEST-CODE independent', { conversationId: 'D2', kind: 'personal' });
  await say(alex, 'role Jo coordinator');
  await say(sam, 'join TEST-CODE Hope Trust', { conversationId: 'D3', kind: 'personal' });
  messenger.sent.length = 0;
  return { trellis, messenger };
}

describe('workspaceRemoved', () => {
  it('tells each coordinator elsewhere, privately, without naming the workspace, organisation or anyone', async () => {
    const { trellis, messenger } = await world();
    await trellis.workspaceRemoved('slack', 'T0HOPE');
    expect(messenger.sent.map((s) => s.to).sort()).toEqual(['U1', 'U2']);
    for (const { message } of messenger.sent) {
      expect(message.text).toContain("An organisation's Slack workspace removed Trellis");
      expect(message.text).toContain('Riverside');
      expect(`${message.title} ${message.text}`).not.toMatch(/Hope|T0HOPE|Sam/);
    }
  });

  it('tells nobody when no member is in that workspace, nor the coordinators who were in it', async () => {
    const { trellis, messenger } = await world();
    await trellis.workspaceRemoved('slack', 'T0ELSEWHERE');
    await trellis.workspaceRemoved('teams', 'T0HOPE');
    expect(messenger.sent).toEqual([]);
    await trellis.workspaceRemoved('slack', 'T0RIVER'); // both coordinators' own workspace: they cannot be reached there
    expect(messenger.sent).toEqual([]);
  });
});
