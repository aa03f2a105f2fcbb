// The playground's messages sent without being asked: a persona's private
// messages (check-ins, reminders, alerts) and the shared room's posts
// (digests) wait here until the page asks for them. Kept in
// playground-inbox.json beside the data file, so the conversations survive a
// restart; bounded so a long session cannot grow without limit. It holds only
// what the core sends people unasked, and about a concern that is only ever a
// content-free note (a pseudonym and a button): a concern's words are read in
// its private form, never kept here.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Message } from '../../core/message.js';
import type { Delivery } from '../../core/model.js';
import type { Clock } from '../../core/ports/clock.js';
import type { PlatformMessenger, SendKind, Target } from '../../delivery/platform-messenger.js';
import { chartOf, type ShownChart } from './playground-chart.js';
import { besideData, latestWriter, readJsonFile } from './playground-file.js';

export interface InboxMessage extends ShownChart {
  id: string;
  /** When it was first sent (the server's clock), for the page to show. */
  at: string;
  message: Message;
}

export const INBOX_LIMIT = 200;
export const INBOX_FILE = 'playground-inbox.json';

type Feeds = Map<string, InboxMessage[]>;

/** On disk: each feed's messages without their charts, which are drawn again from the message on reading. */
const kept = z.object({ id: z.string().max(100), at: z.string().max(40), message: z.object({ text: z.string(), tone: z.string() }).passthrough() });
const feeds = z.array(z.tuple([z.string().max(200), z.array(kept)]));
const inboxFile = z.object({ version: z.literal(1), users: feeds, rooms: feeds });

export interface InboxStorage {
  dataFile: string;
  onError: (err: unknown) => void;
}

export class PlaygroundInbox implements PlatformMessenger {
  private readonly byUser: Feeds = new Map();
  private readonly byRoom: Feeds = new Map();
  private readonly writer?: ReturnType<typeof latestWriter>;

  constructor(
    private readonly clock: Clock,
    private readonly storage?: InboxStorage,
    private readonly limit = INBOX_LIMIT,
  ) {
    const strip = (f: Feeds) => [...f].map(([key, list]) => [key, list.map(({ id, at, message }) => ({ id, at, message }))]);
    if (storage)
      this.writer = latestWriter(
        besideData(storage.dataFile, INBOX_FILE),
        () => ({ version: 1, users: strip(this.byUser), rooms: strip(this.byRoom) }),
        storage.onError,
      );
  }

  /** What was kept before a restart. A file that cannot be read is reported and replaced by what arrives next (it holds nothing that is not elsewhere). */
  async load(): Promise<string | undefined> {
    if (!this.storage) return undefined;
    const read = await readJsonFile(besideData(this.storage.dataFile, INBOX_FILE), inboxFile);
    if (!read.ok) return read.error;
    const fill = (into: Feeds, from: z.infer<typeof feeds>) => {
      for (const [key, list] of from)
        into.set(
          key,
          list.slice(-this.limit).map((m) => ({ id: m.id, at: m.at, message: m.message as unknown as Message, ...chartOf(m.message as unknown as Message) })),
        );
    };
    fill(this.byUser, read.value?.users ?? []);
    fill(this.byRoom, read.value?.rooms ?? []);
    return undefined;
  }

  /** Resolves once every message so far is on disk. */
  async flushed(): Promise<void> {
    await this.writer?.flushed();
  }

  /** Nothing leaves the process and nothing is rate-limited: sent at once, never queued. */
  readonly direct = true;

  async reachable() {
    return true;
  }

  buckets() {
    return [];
  }

  async send(kind: SendKind, { id: target }: Target, message: Message): Promise<Delivery> {
    return kind === 'private'
      ? { platform: 'playground', userId: target, id: this.add(this.byUser, target, message) }
      : { platform: 'playground', conversationId: target, id: this.add(this.byRoom, target, message) };
  }

  async update(delivery: Delivery, message: Message): Promise<void> {
    if (delivery.platform !== 'playground') return;
    const feed =
      typeof delivery.userId === 'string'
        ? this.byUser.get(delivery.userId)
        : typeof delivery.conversationId === 'string'
          ? this.byRoom.get(delivery.conversationId)
          : undefined;
    const i = feed?.findIndex((m) => m.id === delivery.id) ?? -1;
    // Gone (dropped from the bounded feed, or its file could not be read at start): nothing to replace.
    if (feed && i >= 0) {
      feed[i] = { id: feed[i]!.id, at: feed[i]!.at, message, ...chartOf(message) };
      this.writer?.changed();
    }
  }

  /** The private messages for one user, oldest first (copies: callers cannot change the inbox). */
  list(userId: string): InboxMessage[] {
    return (this.byUser.get(userId) ?? []).map((m) => ({ ...m }));
  }

  /** The posts to one shared conversation, oldest first. */
  room(conversationId: string): InboxMessage[] {
    return (this.byRoom.get(conversationId) ?? []).map((m) => ({ ...m }));
  }

  private add(feeds: Feeds, key: string, message: Message): string {
    const feed = feeds.get(key) ?? [];
    feeds.set(key, feed);
    // Random ids: a delivery stored before a restart never matches a newer message.
    const id = randomUUID();
    feed.push({ id, at: this.clock.now().toISOString(), message, ...chartOf(message) });
    if (feed.length > this.limit) feed.splice(0, feed.length - this.limit);
    this.writer?.changed();
    return id;
  }
}
