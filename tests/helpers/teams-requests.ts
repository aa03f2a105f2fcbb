// Bot Framework activities as Teams sends them to POST /api/messages, built
// from the real payloads in tests/fixtures/teams, and the one way tests post
// them: unsigned (the server runs with UNAUTHENTICATED), or signed by the
// local issuer of fake-microsoft-identity.ts when the world names it.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { FakeMicrosoftIdentity } from './fake-microsoft-identity.js';
import type { FakeTeamsConnector, SentActivity, UpdatedActivity } from './fake-teams-connector.js';

/** A payload as Teams sends it: loosely typed on purpose. */
export type Activity = Record<string, any>;

/** The tenant of every Teams payload fixture. */
export const TENANT = '72f988bf-0000-41af-91ab-2d7cd011db47';
/** Where Trellis keeps a Teams chat's reference: under its tenant (conversation-reference.ts). */
export const chatKey = (id: string) => `${TENANT}/${id}`;

export const fixture = (name: string): Activity => JSON.parse(readFileSync(new URL(`../fixtures/teams/${name}.json`, import.meta.url), 'utf8')) as Activity;

export const CHANNEL_MESSAGE = fixture('channel-message-mention');
export const BOT = CHANNEL_MESSAGE.recipient as { id: string; name: string };
export const CHANNEL = (CHANNEL_MESSAGE.channelData as Activity).channel.id as string;
/** The server setting that lets these unsigned activities in. */
export const UNAUTHENTICATED = { TEAMS_ALLOW_UNAUTHENTICATED: 'true' };

/** Someone in Teams: their id, display name, Microsoft Entra object id, and tenant (TENANT unless said: ids are unique only within one). */
export interface Person {
  id: string;
  name: string;
  aad: string;
  tenant?: string;
}

const senderOf = (m: Activity): Person => ({ id: m.from.id, name: m.from.name, aad: m.from.aadObjectId });
/** Who sent the channel message fixture: Alex Morgan. */
export const ALEX = senderOf(CHANNEL_MESSAGE);
/** Who sent the personal message fixture: Sam Patel. */
export const SAM = senderOf(fixture('personal-message'));

/** Each person's personal chat with the bot has its own id (not derived from theirs, as in Teams). */
export const chatOf = (p: Person) => `a:1personalChat-${p.aad}`;

/** The tenant as Teams puts it on every activity: in the conversation and in channelData. */
export const inTenant = (a: Activity, tenant: string = TENANT): Activity => ({
  ...a,
  conversation: { ...a.conversation, tenantId: tenant },
  channelData: { ...(a.channelData as Activity), tenant: { id: tenant } },
});

/** The local issuer's signature on an activity, as Bot Framework's: its serviceUrl rides in the token (`claims` and `options` forge others). */
export const bearer = (
  identity: Pick<FakeMicrosoftIdentity, 'token'>,
  activity: Activity,
  claims: Record<string, unknown> = {},
  options?: Parameters<FakeMicrosoftIdentity['token']>[1],
) => `Bearer ${identity.token({ serviceurl: activity.serviceUrl, ...claims }, options)}`;

/** The server and fake connector activities go to; with `identity`, each is signed by its local issuer (real Bot Framework authentication). */
export interface TeamsWorld {
  /** `drain` (what the request queued has gone out) is needed by deliver only: a server in a child process has none. */
  trellis: { url: string; drain?(): Promise<void> };
  connector: FakeTeamsConnector;
  identity?: Pick<FakeMicrosoftIdentity, 'token'>;
}

/** What the bot did with one activity: the invoke's answer, and what it POSTed and PUT meanwhile (its queue drained). */
export interface Delivered<Body> {
  status: number;
  body?: Body;
  sent: SentActivity[];
  updated: UpdatedActivity[];
}

let seq = 0;
/** A new channel post's id (a channel thread's conversation id ends with it). */
export const channelPostId = () => `17410000${String(++seq).padStart(5, '0')}`;

const from = (m: Activity, who: Person) => ({ ...m.from, id: who.id, name: who.name, aadObjectId: who.aad });

/**
 * Activities to and from one running server and fake connector (read when called: both start in beforeAll).
 * `Body` types the invoke answers the file reads; `personalChat` names each person's personal chat where a file keeps its own ids.
 */
export function teamsRequests<Body = Activity>(world: () => TeamsWorld, { personalChat = chatOf }: { personalChat?: (p: Person) => string } = {}) {
  const serviceUrl = () => world().connector.serviceUrl;

  /** A message typed in the team channel, @mentioning the bot first (and then anyone in `mentions`) as Teams does. */
  function inChannel(who: Person, text: string, mentions: Pick<Person, 'id' | 'name'>[] = []): Activity {
    const id = channelPostId();
    const m = structuredClone(CHANNEL_MESSAGE);
    return inTenant(
      {
        ...m,
        id,
        serviceUrl: serviceUrl(),
        from: from(m, who),
        conversation: { ...m.conversation, id: `${CHANNEL};messageid=${id}` },
        text: `<at>${BOT.name}</at> ${text}`,
        entities: [...m.entities, ...mentions.map((p) => ({ type: 'mention', text: `<at>${p.name}</at>`, mentioned: { id: p.id, name: p.name } }))],
      },
      who.tenant,
    );
  }

  /** A message typed to the bot in the person's personal chat with it. */
  function inPersonal(who: Person, text: string): Activity {
    const m = fixture('personal-message');
    return inTenant(
      { ...m, id: `p${++seq}`, serviceUrl: serviceUrl(), from: from(m, who), conversation: { ...m.conversation, id: personalChat(who) }, text },
      who.tenant,
    );
  }

  /** An invoke (`task/fetch`, `task/submit`, …) carrying `data`, from the person's personal chat or from the channel. */
  function invoke(name: string, who: Person, data: unknown, where: 'personal' | 'channel' = 'personal'): Activity {
    const m = where === 'channel' ? fixture('task-fetch-channel') : fixture(name === 'task/fetch' ? 'task-fetch' : 'task-submit');
    const conversation =
      where === 'channel' ? { ...m.conversation, id: `${CHANNEL};messageid=${channelPostId()}` } : { ...m.conversation, id: personalChat(who) };
    return inTenant(
      {
        ...m,
        name,
        id: `f:${++seq}`,
        serviceUrl: serviceUrl(),
        from: from(m, who),
        conversation,
        value: { type: name, data, context: { theme: 'default' } },
      },
      who.tenant,
    );
  }

  /**
   * POSTs a body as it is (a string unparsed). Signed when the world has an identity and `headers` bring no
   * authorization of their own (a forged or missing one is the test's to give); a string body is never signed.
   */
  const post = (body: unknown, headers: Record<string, string> = {}) => {
    const { trellis, identity } = world();
    const signed = identity && typeof body === 'object' && body !== null && !('authorization' in headers);
    return fetch(`${trellis.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(signed ? { authorization: bearer(identity, body as Activity) } : {}), ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  };

  /** Posts one activity (200 expected); once what it queued has gone out, what the bot answered, POSTed and PUT. */
  async function deliver(activity: Activity): Promise<Delivered<Body>> {
    const { connector, trellis } = world();
    if (!trellis.drain) throw new Error('deliver needs a server whose queue it can drain (use post)');
    const [sentBefore, updatedBefore] = [connector.sent.length, connector.updated.length];
    const res = await post(activity);
    expect(res.status).toBe(200);
    const text = await res.text();
    // What the request queued for the outbox goes out before anything is read from the connector.
    await trellis.drain();
    return {
      status: res.status,
      body: text ? (JSON.parse(text) as Body) : undefined,
      sent: connector.sent.slice(sentBefore),
      updated: connector.updated.slice(updatedBefore),
    };
  }

  return { inChannel, inPersonal, invoke, post, deliver };
}
