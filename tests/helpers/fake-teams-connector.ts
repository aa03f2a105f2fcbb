// A local stand-in for the Bot Framework connector (Teams' serviceUrl points
// here): it captures every activity the bot sends, so tests read the cards.
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

export interface FakeTeamsConnector {
  /** Put this in activities' `serviceUrl`. */
  serviceUrl: string;
  sent: SentActivity[];
  /** Every request that reached the fake, including ones it could not parse. */
  requests: number;
  close(): Promise<void>;
}

const ACTIVITIES = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?\/?$/;
const MAX_BODY = 1024 * 1024;
const MAX_CAPTURED = 1000;

export async function startFakeTeamsConnector(): Promise<FakeTeamsConnector> {
  const sent: SentActivity[] = [];
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
      if (req.method !== 'POST' || !match) return void res.writeHead(404).end(JSON.stringify({ error: { code: 'NotFound' } }));
      if (tooBig) return void res.writeHead(413).end(JSON.stringify({ error: { code: 'TooLarge' } }));
      let activity: Record<string, unknown>;
      try {
        activity = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return void res.writeHead(400).end(JSON.stringify({ error: { code: 'BadArgument' } }));
      }
      if (sent.length < MAX_CAPTURED) {
        sent.push({
          conversationId: decodeURIComponent(match[1]!),
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
