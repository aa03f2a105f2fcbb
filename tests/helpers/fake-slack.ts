// A local stand-in for slack.com: answers the Web API methods Trellis calls
// (SLACK_API_URL points here), collects response_url posts and the files
// uploaded through files.uploadV2, so tests can read exactly what the bot sent.
// Like slack.com it can rate-limit (429 + Retry-After), answer slowly or not at
// all, and keeps every posted message for conversations.history.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlackCall {
  method: string;
  body: Record<string, unknown>;
  /** The token the call carried (Authorization: Bearer, or a `token` field), exactly as sent. */
  token?: string;
  /** The workspace that token belongs to, when the fake issued it (OAuth installs). */
  workspace?: string;
  /** What the fake answered. */
  result?: Record<string, unknown>;
  /** Performed, but the answer was never delivered (`loseResponses`). */
  lost?: boolean;
}

/** Slack's message metadata: what a bot can attach to a message and read back from history. */
export interface SlackMetadata {
  event_type: string;
  event_payload: Record<string, unknown>;
}

/** A message the bot posted, as the fake now holds it (chat.update changes it in place). */
export interface SlackMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: unknown[];
  metadata?: SlackMetadata;
  threadTs?: string;
}

export interface FakeSlackLimits {
  /** chat.postMessage: at most this many to one channel (as given: `U…` for a DM, `C…`) in any 1000 ms. Off when unset. */
  perChannelPerSecond?: number;
  /**
   * Web API method → at most this many calls in any 60 000 ms, e.g. `{ 'chat.update': 50 }`. Counted per workspace, as
   * Slack counts them: the workspace of a token the fake issued (OAuth installs); every other token shares one count.
   */
  perMethodPerMinute?: Record<string, number>;
  /** Web API method → at most this many calls in any 1000 ms (a workspace-wide pace for posts), per workspace as above. */
  perMethodPerSecond?: Record<string, number>;
}

export interface FakeSlackOptions {
  limits?: FakeSlackLimits;
  /** The Retry-After of a 429; by default the whole seconds until the window has room again. */
  retryAfterSeconds?: number;
  /** Listen on this port (a Slack that comes back where Trellis was already looking); any free one by default. */
  port?: number;
  /**
   * The bot token's scopes. When given, every Web API method checks them as
   * Slack documents (`missing_scope` otherwise), and channels check membership:
   * a bot posts to, reads the history of and shares files into only the
   * channels it is in (see `scopeError`). Unset: nothing is checked.
   */
  scopes?: string[];
  /** Channels the bot is already in (with `scopes`). */
  botChannels?: string[];
  /** Channel ids that are private channels (with `scopes`); other C… ids are public. */
  privateChannels?: string[];
}

/**
 * A workspace that can install the app through the fake's OAuth flow: a team,
 * or an Enterprise Grid org (`orgWide`), whose installation is keyed by the enterprise id.
 */
export interface FakeWorkspace {
  /** The installation key: the team id, or the enterprise id of an org-wide install. */
  id: string;
  name: string;
  orgWide?: boolean;
}

export interface SlackUpload {
  fileId: string;
  filename: string;
  /** The length announced to files.getUploadURLExternal. */
  length: number;
  /** The screen-reader text, as sent under Slack's documented name `alt_txt`. */
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
  /** Limits in force; change them at any time (e.g. after a test's setup). Only performed calls count towards them. */
  limits: FakeSlackLimits;
  /** Channels the bot is in (with `scopes`); conversations.join adds to it. */
  botChannels: Set<string>;
  /** Calls refused with HTTP 429 `ratelimited`: not performed, not in `calls`. */
  rateLimited: SlackCall[];
  /** Web API methods whose calls are performed (recorded, messages stored) but whose answer is lost: the socket is destroyed. */
  loseResponses: Set<string>;
  /** Every Web API answer (a 429 included) waits this long after the call is performed. */
  delayMs: number;
  /** While set, every Web API answer also waits for this promise: a test holds Slack back until what it expects first has happened. */
  held?: Promise<unknown>;
  /** Messages posted to a channel (a user id means the bot's DM with them), oldest first. */
  messagesIn(channel: string): SlackMessage[];
  /**
   * OAuth (Slack's distribution): the workspaces that may install through GET /oauth/v2/authorize?team=<id>,
   * where the authorize page redirects with the code (Slack's configured redirect URL), and the client credentials
   * oauth.v2.access accepts.
   */
  oauth: { workspaces: Map<string, FakeWorkspace>; redirectUrl: string; clientId: string; clientSecret: string };
  /** The bot token issued to each workspace by oauth.v2.access (a reinstall issues a new one). */
  tokens: Map<string, string>;
  /**
   * Which workspaces each user or channel id belongs to (several: a Slack Connect channel, or the same user id in two
   * workspaces). A call with a token the fake issued is refused (`channel_not_found`, `user_not_found`) for an id that
   * belongs only to other workspaces, as Slack refuses one workspace's token for another's conversations and people.
   */
  owners: Map<string, Set<string>>;
  /** Puts ids in a workspace (see `owners`). */
  own(workspace: string, ids: string[]): void;
  /** Revokes every token of the workspace (an uninstall): Slack then answers `token_revoked` to them. */
  revoke(workspace: string): void;
  /** The authorize page's URL for the start of an install. */
  authorizeUrl: string;
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

// Posting to a user id lands in the bot's DM with them: D + their id here.
const dmOf = (channel: string) => (/^[UW]/.test(channel) ? `D${channel}` : channel);

/** Orders Slack ts values ("seconds.sequence") without floating-point rounding. */
const tsOrder = (a: string, b: string) => {
  const [as = '', af = ''] = a.split('.');
  const [bs = '', bf = ''] = b.split('.');
  return as.length - bs.length || as.localeCompare(bs) || af.padEnd(6, '0').localeCompare(bf.padEnd(6, '0'));
};

/** Metadata arrives as an object (JSON bodies, or a form field `parse` already decoded) or as a JSON string. */
const metadataOf = (raw: unknown): SlackMetadata | undefined => {
  let m = raw;
  if (typeof m === 'string') {
    try {
      m = JSON.parse(m);
    } catch {
      return undefined;
    }
  }
  if (!m || typeof m !== 'object' || typeof (m as SlackMetadata).event_type !== 'string') return undefined;
  return { event_type: (m as SlackMetadata).event_type, event_payload: ((m as SlackMetadata).event_payload ?? {}) as Record<string, unknown> };
};

/** Slack takes booleans as true/1 in a form body, as true in JSON. */
const flag = (v: unknown) => v === true || v === 'true' || v === '1' || v === 1;

export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const calls: SlackCall[] = [];
  const rateLimited: SlackCall[] = [];
  const messages = new Map<string, SlackMessage[]>();
  // Times (Date.now()) of performed calls, per method and per chat.postMessage channel.
  const methodHits = new Map<string, number[]>();
  const channelHits = new Map<string, number[]>();
  const responses: FakeSlack['responses'] = [];
  const users = new Map<string, string>();
  const fail = new Map<string, string>();
  let seq = 0;
  // Slack's ts: seconds and a sequence, unique per message.
  const nextTs = () => `${Math.floor(Date.now() / 1000)}.${String(++seq).padStart(6, '0')}`;
  const uploads: SlackUpload[] = [];
  const privateChannels = new Set(options.privateChannels ?? []);
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
        const form = await new Request(`${base}${url}`, { method: 'POST', headers: { 'content-type': req.headers['content-type'] ?? '' }, body: bytes })
          .formData()
          .catch(() => undefined);
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
      // Step 1 of OAuth: Slack's authorize page, here answered at once with a redirect for the chosen workspace.
      if (url.startsWith('/oauth/v2/authorize')) return void authorizePage(url, res);
      const method = /^\/api\/([\w.]+)/.exec(url)?.[1] ?? url;
      const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
      const token = bearer ?? (typeof body.token === 'string' ? body.token : undefined);
      const call: SlackCall = { method, body, ...(token ? { token } : {}) };
      const workspace = token ? issued.get(token) : undefined;
      if (workspace) call.workspace = workspace;
      const wait = limited(method, body, workspace);
      if (wait !== undefined) {
        call.result = { ok: false, error: 'ratelimited' };
        rateLimited.push(call);
        await delay();
        res.writeHead(429, { 'retry-after': String(wait) });
        return void res.end(JSON.stringify(call.result));
      }
      calls.push(call);
      call.result = refusedToken(token) ?? wrongWorkspace(body, workspace) ?? answer(method, body, token);
      await delay();
      if (fake.loseResponses.has(method)) {
        call.lost = true;
        return void req.socket.destroy();
      }
      res.end(JSON.stringify(call.result));
    });
  });

  const delay = async () => {
    await fake.held;
    if (fake.delayMs > 0) await new Promise((r) => setTimeout(r, fake.delayMs));
  };

  /** Seconds to wait when this call would exceed a limit (it is then not performed); undefined when it may go ahead. */
  function limited(method: string, body: Record<string, unknown>, workspace = ''): number | undefined {
    const now = Date.now();
    const over = (hits: Map<string, number[]>, key: string, windowMs: number, max: number | undefined) => {
      if (max === undefined) return undefined;
      // Hits are kept for the longest window (a minute) and counted within this one.
      const kept = (hits.get(key) ?? []).filter((t) => t > now - 60_000);
      hits.set(key, kept);
      const recent = kept.filter((t) => t > now - windowMs);
      if (recent.length < max) return undefined;
      // Room again once the oldest call that counts leaves the window.
      const oldest = recent[recent.length - max] ?? now;
      return options.retryAfterSeconds ?? Math.max(1, Math.ceil((oldest + windowMs - now) / 1000));
    };
    // Each workspace has its own limits; a DM is the bot's conversation with a person in one workspace,
    // while a channel (a Slack Connect one too) is one conversation, however many workspaces share it.
    const methodKey = `${workspace}:${method}`;
    const channel = String(body.channel ?? '');
    const channelKey = /^[UWD]/.test(channel) ? `${workspace}:${channel}` : channel;
    const wait =
      over(methodHits, methodKey, 60_000, fake.limits.perMethodPerMinute?.[method]) ??
      over(methodHits, methodKey, 1000, fake.limits.perMethodPerSecond?.[method]) ??
      (method === 'chat.postMessage' ? over(channelHits, channelKey, 1000, fake.limits.perChannelPerSecond) : undefined);
    if (wait !== undefined) return wait;
    (methodHits.get(methodKey) ?? methodHits.set(methodKey, []).get(methodKey)!).push(now);
    if (method === 'chat.postMessage') (channelHits.get(channelKey) ?? channelHits.set(channelKey, []).get(channelKey)!).push(now);
    return undefined;
  }

  const stored = (channel: string) => messages.get(channel) ?? messages.set(channel, []).get(channel)!;

  /** Tokens the fake issued → their workspace; revoked ones → undefined (kept, so they are refused rather than unknown). */
  const issued = new Map<string, string | undefined>();
  const codes = new Map<string, string>();

  function refusedToken(token: string | undefined): Record<string, unknown> | undefined {
    if (token && issued.has(token) && issued.get(token) === undefined) return { ok: false, error: 'token_revoked' };
    return undefined;
  }

  /** One workspace's token used on another workspace's conversation or person. */
  function wrongWorkspace(body: Record<string, unknown>, workspace: string | undefined): Record<string, unknown> | undefined {
    if (!workspace) return undefined;
    const channel = String(body.channel ?? body.channel_id ?? '');
    const users = [body.user, body.user_id, ...String(body.users ?? '').split(',')].map((u) => String(u ?? '').trim()).filter(Boolean);
    const foreign = (id: string) => {
      const in_ = fake.owners.get(id);
      return in_ !== undefined && !in_.has(workspace);
    };
    const channelId = /^D[UW]/.test(channel) ? channel.slice(1) : channel;
    if (channelId && foreign(channelId)) return { ok: false, error: 'channel_not_found' };
    if (users.some(foreign)) return { ok: false, error: 'user_not_found' };
    return undefined;
  }

  function authorizePage(url: string, res: import('node:http').ServerResponse) {
    const q = new URL(url, base).searchParams;
    const ws = fake.oauth.workspaces.get(q.get('team') ?? '');
    if (q.get('client_id') !== fake.oauth.clientId || !ws) return void res.writeHead(400).end(JSON.stringify({ ok: false, error: 'invalid_team_or_client' }));
    const code = `code-${++seq}`;
    codes.set(code, ws.id);
    const to = new URL(fake.oauth.redirectUrl);
    to.searchParams.set('code', code);
    to.searchParams.set('state', q.get('state') ?? '');
    res.writeHead(302, { location: to.toString() }).end();
  }

  /** oauth.v2.access: a code from the authorize page, once, for the app's own client id and secret. */
  function exchange(body: Record<string, unknown>): Record<string, unknown> {
    if (body.client_id !== fake.oauth.clientId || body.client_secret !== fake.oauth.clientSecret) return { ok: false, error: 'invalid_client_id' };
    const id = codes.get(String(body.code ?? ''));
    if (!id) return { ok: false, error: 'invalid_code' };
    codes.delete(String(body.code));
    const ws = fake.oauth.workspaces.get(id)!;
    const token = `xoxb-${id}-${++seq}-${Math.random().toString(36).slice(2)}`;
    fake.revoke(id); // a reinstall replaces the token
    issued.set(token, id);
    fake.tokens.set(id, token);
    return {
      ok: true,
      app_id: 'A123456',
      authed_user: { id: `UADMIN${id}` },
      scope: (options.scopes ?? ['commands', 'chat:write']).join(','),
      token_type: 'bot',
      access_token: token,
      bot_user_id: 'UBOT',
      team: ws.orgWide ? null : { id: ws.id, name: ws.name },
      enterprise: ws.orgWide ? { id: ws.id, name: ws.name } : null,
      is_enterprise_install: ws.orgWide === true,
    };
  }

  function answer(method: string, body: Record<string, unknown>, token?: string): Record<string, unknown> {
    if (method === 'oauth.v2.access') return exchange(body);
    const failure = fail.get(method);
    if (failure) return { ok: false, error: failure };
    const refused = options.scopes ? scopeError(method, body, new Set(options.scopes)) : undefined;
    if (refused) return { ok: false, ...refused };
    const user = String(body.user ?? '');
    const channel = String(body.channel ?? '');
    const view = { id: `V${++seq}`, ...(body.view as object) };
    switch (method) {
      case 'auth.test': {
        const ws = token ? fake.oauth.workspaces.get(issued.get(token) ?? '') : undefined;
        if (ws?.orgWide)
          return {
            ok: true,
            user_id: 'UBOT',
            bot_id: 'BBOT',
            enterprise_id: ws.id,
            user: 'trellis',
            url: `https://${ws.id.toLowerCase()}.enterprise.slack.com/`,
          };
        return { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: ws?.id ?? 'T0001', user: 'trellis' };
      }
      case 'users.info':
        return users.has(user)
          ? { ok: true, user: { id: user, name: user.toLowerCase(), real_name: users.get(user), profile: { display_name: users.get(user) } } }
          : { ok: false, error: 'user_not_found' };
      case 'views.publish':
        return { ok: true, view: { id: 'V1' } };
      case 'chat.postMessage': {
        const message: SlackMessage = { channel: dmOf(channel), ts: nextTs(), ...content(body) };
        if (body.thread_ts) message.threadTs = String(body.thread_ts);
        stored(message.channel).push(message);
        return { ok: true, ts: message.ts, channel: message.channel, message: { type: 'message', ts: message.ts, text: message.text ?? '', bot_id: 'BBOT' } };
      }
      // Changes the stored message; a ts the fake never issued is still answered ok, as it always was here.
      case 'chat.update': {
        const message = stored(dmOf(channel)).find((m) => m.ts === body.ts);
        if (message) Object.assign(message, content(body));
        return { ok: true, channel, ts: body.ts, text: body.text };
      }
      case 'chat.delete': {
        const list = stored(dmOf(channel));
        const at = list.findIndex((m) => m.ts === body.ts);
        if (at < 0) return { ok: false, error: 'message_not_found' };
        list.splice(at, 1);
        return { ok: true, channel, ts: body.ts };
      }
      // One user: the bot's DM with them, the same id chat.postMessage answers with.
      case 'conversations.open': {
        if (body.channel) return { ok: true, channel: { id: String(body.channel) } };
        const ids = (Array.isArray(body.users) ? body.users.map(String) : String(body.users ?? '').split(',')).map((u) => u.trim()).filter(Boolean);
        if (ids.length === 0) return { ok: false, error: 'users_list_not_supplied' };
        return { ok: true, channel: { id: ids.length === 1 ? dmOf(ids[0]!) : `G${[...ids].sort().join('')}` } };
      }
      // Newest first; `oldest` and `latest` exclusive unless `inclusive`; metadata only when asked for, as Slack does.
      case 'conversations.history': {
        const inclusive = flag(body.inclusive);
        const after = (ts: string) => body.oldest === undefined || (inclusive ? tsOrder(ts, String(body.oldest)) >= 0 : tsOrder(ts, String(body.oldest)) > 0);
        const before = (ts: string) => body.latest === undefined || (inclusive ? tsOrder(ts, String(body.latest)) <= 0 : tsOrder(ts, String(body.latest)) < 0);
        const limit = Number(body.limit ?? 100) || 100;
        const found = [...stored(dmOf(channel))].filter((m) => after(m.ts) && before(m.ts)).sort((a, b) => tsOrder(b.ts, a.ts));
        const withMetadata = flag(body.include_all_metadata);
        return {
          ok: true,
          has_more: found.length > limit,
          messages: found.slice(0, limit).map((m) => ({
            type: 'message',
            bot_id: 'BBOT',
            ts: m.ts,
            text: m.text ?? '',
            ...(m.blocks ? { blocks: m.blocks } : {}),
            ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
            ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}),
          })),
        };
      }
      case 'conversations.join':
        fake.botChannels.add(channel);
        return { ok: true, channel: { id: channel } };
      case 'views.open':
      case 'views.push':
        return { ok: true, view };
      case 'views.update':
        return { ok: true, view: { ...view, id: body.view_id ?? view.id } };
      // files.uploadV2, step 1: where to send the bytes.
      case 'files.getUploadURLExternal': {
        const fileId = `F${String(++seq).padStart(6, '0')}`;
        // Slack documents the screen-reader text as `alt_txt` (at most 1000 characters); any other name is ignored, as Slack ignores unknown arguments.
        // https://docs.slack.dev/reference/methods/files.getUploadURLExternal
        if (typeof body.alt_txt === 'string' && body.alt_txt.length > 1000) return { ok: false, error: 'alt_txt_too_large' };
        uploads.push({
          fileId,
          filename: String(body.filename ?? ''),
          length: Number(body.length),
          ...(typeof body.alt_txt === 'string' ? { altText: body.alt_txt } : {}),
        });
        return { ok: true, upload_url: `${base}/upload/${fileId}`, file_id: fileId };
      }
      // files.uploadV2, step 3: share the uploaded files into a conversation (or a thread of it).
      case 'files.completeUploadExternal': {
        const files = (Array.isArray(body.files) ? body.files : []) as { id?: string; title?: string }[];
        const entries = files.map((f) => uploads.find((u) => u.fileId === f.id && u.bytes));
        if (entries.length === 0 || entries.some((e) => !e)) return { ok: false, error: 'file_not_found' };
        files.forEach((f, i) =>
          Object.assign(entries[i]!, {
            channel: String(body.channel_id ?? ''),
            ...(body.thread_ts ? { threadTs: String(body.thread_ts) } : {}),
            ...(f.title ? { title: f.title } : {}),
          }),
        );
        return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title })) };
      }
      default:
        return { ok: true };
    }
  }
  /**
   * What Slack would refuse for want of a scope or of membership, per each method's
   * documented required scopes (https://docs.slack.dev/reference/methods/<method>),
   * and the rule that a bot token reads the history of only the conversations the
   * bot is a member of (conversations.history, "Bot token: any conversation the
   * relevant bot is a member of") and posts to a channel it is not in only with
   * chat:write.public (public channels only).
   */
  function scopeError(method: string, body: Record<string, unknown>, granted: Set<string>): { error: string; needed?: string } | undefined {
    const channel = String(body.channel ?? body.channel_id ?? '');
    const kind = /^[DU]/.test(channel) ? 'im' : privateChannels.has(channel) ? 'private' : 'public';
    const member = kind === 'im' || fake.botChannels.has(channel);
    const need = (scope: string) => (granted.has(scope) ? undefined : { error: 'missing_scope', needed: scope });
    switch (method) {
      case 'chat.postMessage':
        if (!granted.has('chat:write')) return need('chat:write');
        if (member) return undefined;
        if (kind === 'private') return { error: 'channel_not_found' };
        return granted.has('chat:write.public') ? undefined : { error: 'not_in_channel' };
      case 'chat.update':
      case 'chat.delete':
      case 'chat.postEphemeral':
        return need('chat:write') ?? (member ? undefined : { error: kind === 'private' ? 'channel_not_found' : 'not_in_channel' });
      case 'conversations.history':
        return need({ im: 'im:history', private: 'groups:history', public: 'channels:history' }[kind]) ?? (member ? undefined : { error: 'not_in_channel' });
      case 'conversations.join':
        return need('channels:join') ?? (kind === 'private' ? { error: 'method_not_supported_for_channel_type' } : undefined);
      case 'conversations.open':
        return need('im:write');
      case 'users.info':
        return need('users:read');
      case 'files.getUploadURLExternal':
        return need('files:write');
      case 'files.completeUploadExternal':
        return need('files:write') ?? (channel === '' || member ? undefined : { error: 'not_in_channel' });
      default:
        return undefined;
    }
  }

  /** What chat.postMessage and chat.update set on a message: only the fields the call gives. */
  function content(body: Record<string, unknown>): Partial<SlackMessage> {
    const metadata = metadataOf(body.metadata);
    return {
      ...(body.text !== undefined ? { text: String(body.text) } : {}),
      ...(Array.isArray(body.blocks) ? { blocks: body.blocks as unknown[] } : {}),
      ...(metadata ? { metadata } : {}),
    };
  }

  await new Promise<void>((r) => server.listen(options.port ?? 0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const fake: FakeSlack = {
    apiUrl: `${base}/api/`,
    responseUrl: (id) => `${base}/response/${id}`,
    calls,
    responses,
    users,
    fail,
    uploads,
    limits: { ...options.limits },
    botChannels: new Set(options.botChannels ?? []),
    rateLimited,
    loseResponses: new Set(),
    delayMs: 0,
    messagesIn: (channel) => [...(messages.get(dmOf(channel)) ?? [])],
    oauth: { workspaces: new Map(), redirectUrl: '', clientId: '', clientSecret: '' },
    tokens: new Map(),
    owners: new Map(),
    own: (workspace, ids) => {
      for (const id of ids) (fake.owners.get(id) ?? fake.owners.set(id, new Set()).get(id)!).add(workspace);
    },
    revoke: (workspace) => {
      for (const [token, ws] of issued) if (ws === workspace) issued.set(token, undefined);
      fake.tokens.delete(workspace);
    },
    authorizeUrl: '',
    close: () =>
      new Promise((r) => {
        // A delayed answer or a kept-alive client must not hold the test up.
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
  fake.authorizeUrl = `${base}/oauth/v2/authorize`;
  return fake;
}
