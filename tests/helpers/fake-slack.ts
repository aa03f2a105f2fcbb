// A local stand-in for slack.com: answers the Web API methods Trellis calls
// (SLACK_API_URL points here), collects response_url posts and the files
// uploaded through files.uploadV2, so tests can read exactly what the bot sent.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlackCall {
  method: string;
  body: Record<string, unknown>;
  /** What the fake answered. */
  result?: Record<string, unknown>;
}

export interface SlackUpload {
  fileId: string;
  filename: string;
  /** The length announced to files.getUploadURLExternal. */
  length: number;
  altText?: string;
  bytes?: Buffer;
  channel?: string;
  threadTs?: string;
  title?: string;
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
  /**
   * Files sent through files.uploadV2 (files.getUploadURLExternal, the bytes
   * POSTed to the upload URL, files.completeUploadExternal), in order of upload.
   * `channel` and `threadTs` are set once the upload is completed into a conversation.
   */
  uploads: SlackUpload[];
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
  const uploads: SlackUpload[] = [];
  let base = '';
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const bytes = Buffer.concat(chunks);
      const url = req.url ?? '';
      res.setHeader('content-type', 'application/json');
      // Step 2 of files.uploadV2: the file's bytes, as multipart form data, to the URL step 1 gave.
      const upload = /^\/upload\/(F\w+)$/.exec(url);
      if (upload) {
        const entry = uploads.find((u) => u.fileId === upload[1]);
        const form = await new Request(`${base}${url}`, { method: 'POST', headers: { 'content-type': req.headers['content-type'] ?? '' }, body: bytes }).formData().catch(() => undefined);
        const file = form ? [...form.values()].find((v): v is File => typeof v !== 'string') : undefined;
        if (!entry || !file) return void res.writeHead(400).end('bad upload');
        entry.bytes = Buffer.from(await file.arrayBuffer());
        res.setHeader('content-type', 'text/plain');
        return void res.end(`OK - ${entry.bytes.length}`);
      }
      const body = parse(bytes.toString('utf8'), req.headers['content-type']);
      const response = /^\/response\/(.+)$/.exec(url);
      if (response) {
        responses.push({ id: response[1]!, body });
        return void res.end(JSON.stringify({ ok: true }));
      }
      const method = /^\/api\/([\w.]+)/.exec(url)?.[1] ?? url;
      const call: SlackCall = { method, body };
      calls.push(call);
      call.result = answer(method, body);
      res.end(JSON.stringify(call.result));
    });
  });

  function answer(method: string, body: Record<string, unknown>): Record<string, unknown> {
    const failure = fail.get(method);
    if (failure) return { ok: false, error: failure };
    const user = String(body.user ?? '');
    const channel = String(body.channel ?? '');
    const view = { id: `V${++seq}`, ...(body.view as object) };
    switch (method) {
      case 'auth.test':
        return { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1', user: 'trellis' };
      case 'users.info':
        return users.has(user)
          ? { ok: true, user: { id: user, name: user.toLowerCase(), real_name: users.get(user), profile: { display_name: users.get(user) } } }
          : { ok: false, error: 'user_not_found' };
      case 'views.publish':
        return { ok: true, view: { id: 'V1' } };
      // Posting to a user id lands in the bot's DM with them (D + their id here).
      case 'chat.postMessage':
        return { ok: true, ts: nextTs(), channel: /^[UW]/.test(channel) ? `D${channel}` : channel };
      case 'chat.update':
        return { ok: true, channel, ts: body.ts, text: body.text };
      case 'views.open':
      case 'views.push':
        return { ok: true, view };
      case 'views.update':
        return { ok: true, view: { ...view, id: body.view_id ?? view.id } };
      // files.uploadV2, step 1: where to send the bytes.
      case 'files.getUploadURLExternal': {
        const fileId = `F${String(++seq).padStart(6, '0')}`;
        uploads.push({ fileId, filename: String(body.filename ?? ''), length: Number(body.length), ...(typeof body.alt_text === 'string' ? { altText: body.alt_text } : {}) });
        return { ok: true, upload_url: `${base}/upload/${fileId}`, file_id: fileId };
      }
      // files.uploadV2, step 3: share the uploaded files into a conversation (or a thread of it).
      case 'files.completeUploadExternal': {
        const files = (Array.isArray(body.files) ? body.files : []) as { id?: string; title?: string }[];
        const entries = files.map((f) => uploads.find((u) => u.fileId === f.id && u.bytes));
        if (entries.length === 0 || entries.some((e) => !e)) return { ok: false, error: 'file_not_found' };
        files.forEach((f, i) => Object.assign(entries[i]!, { channel: String(body.channel_id ?? ''), ...(body.thread_ts ? { threadTs: String(body.thread_ts) } : {}), ...(f.title ? { title: f.title } : {}) }));
        return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title })) };
      }
      default:
        return { ok: true };
    }
  }
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    apiUrl: `${base}/api/`,
    responseUrl: (id) => `${base}/response/${id}`,
    calls,
    responses,
    users,
    fail,
    uploads,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
