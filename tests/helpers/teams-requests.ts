// Bot Framework activities as Teams sends them to POST /api/messages, built
// from the real payloads in tests/fixtures/teams, and the one way tests post
// them (unsigned: the server runs with UNAUTHENTICATED; teams-auth.test.ts
// covers signed ones).
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
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

/** Someone in Teams: their id, display name and Microsoft Entra object id. */
export interface Person {
  id: string;
  name: string;
  aad: string;
}

/** Each person's personal chat with the bot has its own id (not derived from theirs, as in Teams). */
export const chatOf = (p: Person) => `a:1personalChat-${p.aad}`;

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
 * `Body` types the invoke answers the file reads.
 */
export function teamsRequests<Body = Activity>(world: () => { trellis: { url: string; drain(): Promise<void> }; connector: FakeTeamsConnector }) {
  const serviceUrl = () => world().connector.serviceUrl;

  /** A message typed in the team channel, @mentioning the bot first (and then anyone in `mentions`) as Teams does. */
  function inChannel(who: Person, text: string, mentions: Person[] = []): Activity {
    const id = channelPostId();
    const m = structuredClone(CHANNEL_MESSAGE);
    return {
      ...m,
      id,
      serviceUrl: serviceUrl(),
      from: from(m, who),
      conversation: { ...m.conversation, id: `${CHANNEL};messageid=${id}` },
      text: `<at>${BOT.name}</at> ${text}`,
      entities: [...m.entities, ...mentions.map((p) => ({ type: 'mention', text: `<at>${p.name}</at>`, mentioned: { id: p.id, name: p.name } }))],
    };
  }

  /** A message typed to the bot in the person's personal chat with it. */
  function inPersonal(who: Person, text: string): Activity {
    const m = fixture('personal-message');
    return { ...m, id: `p${++seq}`, serviceUrl: serviceUrl(), from: from(m, who), conversation: { ...m.conversation, id: chatOf(who) }, text };
  }

  /** An invoke (`task/fetch`, `task/submit`, …) carrying `data`, from the person's personal chat or from the channel. */
  function invoke(name: string, who: Person, data: unknown, where: 'personal' | 'channel' = 'personal'): Activity {
    const m = where === 'channel' ? fixture('task-fetch-channel') : fixture(name === 'task/fetch' ? 'task-fetch' : 'task-submit');
    const conversation = where === 'channel' ? { ...m.conversation, id: `${CHANNEL};messageid=${channelPostId()}` } : { ...m.conversation, id: chatOf(who) };
    return {
      ...m,
      name,
      id: `f:${++seq}`,
      serviceUrl: serviceUrl(),
      from: from(m, who),
      conversation,
      value: { type: name, data, context: { theme: 'default' } },
    };
  }

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${world().trellis.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  /** Posts one activity (200 expected); once what it queued has gone out, what the bot answered, POSTed and PUT. */
  async function deliver(activity: Activity): Promise<Delivered<Body>> {
    const { connector, trellis } = world();
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
