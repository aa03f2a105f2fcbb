// A local stand-in for slack.com: answers the Web API methods Trellis calls
// (SLACK_API_URL points here) and collects response_url posts, so tests can
// read exactly what the bot sent.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlackCall {
  method: string;
  body: Record<string, unknown>;
}

export interface FakeSlack {
  apiUrl: string;
  /** A response_url for one slash command or click. */
  responseUrl(id: string): string;
  calls: SlackCall[];
  responses: { id: string; body: Record<string, unknown> }[];
  users: Map<string, string>;
  /** Web API method → error code: that method answers `{ ok: false, error }` until removed. */
  fail: Map<string, string>;
  close(): Promise<void>;
}

const parse = (raw: string, type: string | undefined): Record<string, unknown> => {
  if (!raw) return {};
  if (type?.includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    try {
      out[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
    } catch {
      out[k] = v;
    }
  }
  return out;
};

export async function startFakeSlack(): Promise<FakeSlack> {
  const calls: SlackCall[] = [];
  const responses: FakeSlack['responses'] = [];
  const users = new Map<string, string>();
  const fail = new Map<string, string>();
  let seq = 0;
  // Slack's ts: seconds and a sequence, unique per message.
  const nextTs = () => `${Math.floor(Date.now() / 1000)}.${String(++seq).padStart(6, '0')}`;
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const body = parse(raw, req.headers['content-type']);
      const url = req.url ?? '';
      res.setHeader('content-type', 'application/json');
      const response = /^\/response\/(.+)$/.exec(url);
      if (response) {
        responses.push({ id: response[1]!, body });
        return void res.end(JSON.stringify({ ok: true }));
      }
      const method = /^\/api\/([\w.]+)/.exec(url)?.[1] ?? url;
      calls.push({ method, body });
      const user = String(body.user ?? '');
      const failure = fail.get(method);
      if (failure) return void res.end(JSON.stringify({ ok: false, error: failure }));
      const channel = String(body.channel ?? '');
      const view = { id: `V${++seq}`, ...(body.view as object) };
      const answers: Record<string, unknown> = {
        'auth.test': { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1', user: 'trellis' },
        'users.info': users.has(user)
          ? { ok: true, user: { id: user, name: user.toLowerCase(), real_name: users.get(user), profile: { display_name: users.get(user) } } }
          : { ok: false, error: 'user_not_found' },
        'views.publish': { ok: true, view: { id: 'V1' } },
        // Posting to a user id lands in the bot's DM with them (D + their id here).
        'chat.postMessage': { ok: true, ts: nextTs(), channel: /^[UW]/.test(channel) ? `D${channel}` : channel },
        'chat.update': { ok: true, channel, ts: body.ts, text: body.text },
        'views.open': { ok: true, view },
        'views.push': { ok: true, view },
        'views.update': { ok: true, view: { ...view, id: body.view_id ?? view.id } },
      };
      res.end(JSON.stringify(answers[method] ?? { ok: true }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    apiUrl: `${base}/api/`,
    responseUrl: (id) => `${base}/response/${id}`,
    calls,
    responses,
    users,
    fail,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
