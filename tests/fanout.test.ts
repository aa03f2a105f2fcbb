// Opening a round for 2,000 members against a fake Slack that enforces its
// rate limits (one post a second per conversation, a workspace-wide pace):
// every check-in arrives exactly once, without a storm of 429s, and the
// coordinator's command is answered without waiting for the fan-out.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Member } from '../src/core/model.js';
import { partnership } from './store/records.js';
import { startFakeSlack, type FakeSlack } from './helpers/fake-slack.js';
import { BOT_TOKEN, SIGNING_SECRET, slashCommand } from './helpers/slack-requests.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';
import { waitFor } from './helpers/wait-for.js';

const MEMBERS = 2_000;
const POSTS_PER_SECOND = 200;

let slack: FakeSlack;
let trellis: TestTrellis;

beforeAll(async () => {
  slack = await startFakeSlack({ limits: { perChannelPerSecond: 1, perMethodPerSecond: { 'chat.postMessage': POSTS_PER_SECOND } } });
  trellis = await startTrellis({
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    TRELLIS_SLACK_POSTS_PER_SECOND: String(POSTS_PER_SECOND),
  });
  await trellis.store.savePartnership(
    partnership({ id: 'p-big', homes: [{ platform: 'slack', workspace: 'T0001', conversationId: 'C0BIG', label: '#county' }], timezone: 'UTC' }),
  );
  for (let i = 0; i < MEMBERS; i++) {
    const m: Member = {
      id: `m${i}`,
      partnershipId: 'p-big',
      platform: 'slack',
      workspace: 'T0001',
      userId: `U${String(i).padStart(6, '0')}`,
      displayName: `Member ${i}`,
      role: i === 0 ? 'coordinator' : 'member',
      joinedAt: '2026-11-01T09:00:00.000Z',
    };
    await trellis.store.saveMember(m);
  }
});

afterAll(async () => {
  await trellis.close();
  await slack.close();
});

it("delivers a check-in to each of 2,000 members exactly once under Slack's limits, with no 429 storm", async () => {
  const res = await slashCommand(trellis.url, {
    user_id: 'U000000',
    user_name: 'coordinator',
    channel_id: 'C0BIG',
    channel_name: 'county',
    text: 'survey now',
    response_url: slack.responseUrl('now'),
  });
  expect(res.status).toBe(200);
  const reply = await waitFor(() => slack.responses.find((r) => r.id === 'now'), 30_000);
  expect(String(reply.body.text)).toContain(`sent privately to ${MEMBERS} members`);
  // The command was answered while the check-ins were still going out.
  const checkIns = () => slack.calls.filter((c) => c.method === 'chat.postMessage' && String(c.body.text).includes('short statement'));
  expect(checkIns().length).toBeLessThan(MEMBERS);

  await waitFor(() => (checkIns().length >= MEMBERS ? true : undefined), 120_000);
  await trellis.drain();
  const perMember = new Map<string, number>();
  for (const c of checkIns()) perMember.set(String(c.body.channel), (perMember.get(String(c.body.channel)) ?? 0) + 1);
  expect(perMember.size).toBe(MEMBERS);
  expect([...perMember.values()].every((n) => n === 1)).toBe(true);
  // Paced to the limit, not discovering it: at most a stray 429 from timing at the window's edge.
  expect(slack.rateLimited.length).toBeLessThanOrEqual(5);
}, 180_000);
