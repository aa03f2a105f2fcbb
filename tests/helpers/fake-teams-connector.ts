// A local stand-in for the Bot Framework connector (Teams' serviceUrl points
// here): it captures every activity the bot sends (POST, replies and
// proactive messages alike) and every update (PUT), so tests read the cards.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SentActivity {
  conversationId: string;
  /** Set when the bot replied to a message (POST …/activities/:replyToId). */
  replyToId?: string;
  /** The Authorization header the bot sent, if any (never a real token in tests). */
  authorization?: string;
  activity: Record<string, unknown>;
}

export interface UpdatedActivity {
  conversationId: string;
  /** The activity replaced (PUT …/activities/:activityId). */
  activityId: string;
  authorization?: string;
  activity: Record<string, unknown>;
}

export interface FakeTeamsConnector {
  /** Put this in activities' `serviceUrl`. */
  serviceUrl: string;
  /** POSTs: replies (with replyToId) and proactive messages (without), in order; the fake answers `{ id: 'sent-<n>' }`. */
  sent: SentActivity[];
  /** PUTs: messages the bot replaced, in order. */
  updated: UpdatedActivity[];
  /** Conversation ids the bot may no longer write to: every request fails with 403, as when the person removed the app. */
  failing: Set<string>;
  /** Answers for the next requests, in order, before any is performed (throttling, a gateway timeout): e.g. `{ status: 429, retryAfter: '1' }`. */
  refuseNext: { status: number; retryAfter?: string }[];
  /** When each refused request arrived (ms), and what it was answered. */
  refused: { at: number; status: number }[];
  /** Every request that reached the fake, including ones it could not parse. */
  requests: number;
  close(): Promise<void>;
}

const ACTIVITIES = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?\/?$/;
const MAX_BODY = 1024 * 1024;
const MAX_CAPTURED = 1000;

export async function startFakeTeamsConnector(): Promise<FakeTeamsConnector> {
  const sent: SentActivity[] = [];
  const updated: UpdatedActivity[] = [];
  const failing = new Set<string>();
  const refuseNext: FakeTeamsConnector['refuseNext'] = [];
  const refused: FakeTeamsConnector['refused'] = [];
  let requests = 0;
  let next = 0;
  const server: Server = createServer((req, res) => {
    requests++;
    let raw = '';
    let tooBig = false;
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      if (raw.length + chunk.length > MAX_BODY) tooBig = true;
      else raw += chunk;
    });
    req.on('end', () => {
      const match = ACTIVITIES.exec((req.url ?? '').split('?')[0]!);
      res.setHeader('content-type', 'application/json');
      const isPut = req.method === 'PUT' && !!match?.[2];
      if ((req.method !== 'POST' && !isPut) || !match) return void res.writeHead(404).end(JSON.stringify({ error: { code: 'NotFound' } }));
      if (tooBig) return void res.writeHead(413).end(JSON.stringify({ error: { code: 'TooLarge' } }));
      const refusal = refuseNext.shift();
      if (refusal) {
        refused.push({ at: Date.now(), status: refusal.status });
        if (refusal.retryAfter) res.setHeader('retry-after', refusal.retryAfter);
        return void res.writeHead(refusal.status).end(JSON.stringify({ error: { code: refusal.status === 429 ? 'Throttled' : 'ServiceError' } }));
      }
      const conversationId = decodeURIComponent(match[1]!);
      if (failing.has(conversationId))
        return void res
          .writeHead(403)
          .end(JSON.stringify({ error: { code: 'BotNotInConversationRoster', message: 'The bot is not part of the conversation roster.' } }));
      let activity: Record<string, unknown>;
      try {
        activity = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return void res.writeHead(400).end(JSON.stringify({ error: { code: 'BadArgument' } }));
      }
      if (isPut) {
        const activityId = decodeURIComponent(match[2]!);
        if (updated.length < MAX_CAPTURED)
          updated.push({ conversationId, activityId, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}), activity });
        return void res.writeHead(200).end(JSON.stringify({ id: activityId }));
      }
      if (sent.length < MAX_CAPTURED) {
        sent.push({
          conversationId,
          ...(match[2] ? { replyToId: decodeURIComponent(match[2]) } : {}),
          ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
          activity,
        });
      }
      res.writeHead(200).end(JSON.stringify({ id: `sent-${++next}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    serviceUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    sent,
    updated,
    failing,
    refuseNext,
    refused,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
