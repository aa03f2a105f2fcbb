// Messages to Slack and Teams go through the outbox: the core keeps only a
// handle ({ platform, outgoing }) and the dispatcher delivers them later.
// Tests drain the dispatcher (`trellis.drain()`) and then read, on the fake
// platform, where a handle's message landed.
import { expect } from 'vitest';
import type { Delivery } from '../../src/core/model.js';
import type { FakeSlack, SlackCall } from './fake-slack.js';
import type { FakeTeamsConnector, SentActivity } from './fake-teams-connector.js';

/** What the core stores for a queued message. */
export const queuedDelivery = (platform: 'slack' | 'teams') => ({ platform, outgoing: expect.stringMatching(/^[\w-]{16,}$/) });

/** The outgoing id a Slack post carries in its metadata, as Slack keeps it. */
export const outgoingOf = (call: SlackCall) => {
  const metadata = call.body.metadata as { event_type?: string; event_payload?: { outgoing?: unknown } } | undefined;
  return metadata?.event_type === 'trellis_outgoing' && typeof metadata.event_payload?.outgoing === 'string' ? metadata.event_payload.outgoing : undefined;
};

/**
 * The chat.postMessage that delivered the queued message `delivery` names, and
 * where Slack said it landed (the channel and ts a later chat.update must use).
 */
export function slackPostOf(slack: FakeSlack, delivery: Delivery | undefined): { call: SlackCall; channel: string; ts: string } | undefined {
  const outgoing = delivery?.outgoing;
  if (typeof outgoing !== 'string') return undefined;
  const posts = slack.calls.filter((c) => c.method === 'chat.postMessage' && outgoingOf(c) === outgoing);
  expect(posts.length, `posts carrying outgoing ${outgoing}`).toBeLessThanOrEqual(1);
  const call = posts[0];
  if (call?.result?.ok !== true) return undefined;
  return { call, channel: String(call.result.channel), ts: String(call.result.ts) };
}

/**
 * The activity id the fake connector answered a POST with: it numbers the
 * activities it accepts `sent-1`, `sent-2`, … in the order it keeps them.
 * A later update (PUT …/activities/:id) of that message must use this id.
 */
export function teamsActivityId(connector: FakeTeamsConnector, sent: SentActivity | undefined): string | undefined {
  const at = sent ? connector.sent.indexOf(sent) : -1;
  return at < 0 ? undefined : `sent-${at + 1}`;
}
