// The default production store: one JSON file, validated on load, and a
// sealed journal beside it. Every change is durable before it is acknowledged:
// a group commit appends the changes to the journal; the JSON file is
// rewritten whole ("compacted", taking the journal in) once writes pause, or
// when the journal outgrows it, so a burst never waits on rewriting the file.
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Low } from 'lowdb';
import { z } from 'zod';
import { TrellisError } from '../core/errors.js';
import { coalesce, DurableJsonFile } from './durable-json-file.js';
import { lockFile } from './file-lock.js';
import { Journal, type JournalMark } from './journal.js';
import { emptyState, MIGRATIONS, stateSchema, STATE_VERSION, type State } from './state.js';
import { StateStore, type Change } from './state-store.js';

export interface Compaction {
  /** Compact once no commit has come for this long. */
  idleMs: number;
  /** Compact at the next commit, busy or not, once the journal is larger than the data file and this (so replay on start stays short). */
  minJournalBytes: number;
}
const COMPACTION: Compaction = { idleMs: 1_000, minJournalBytes: 4 * 1024 * 1024 };

export const journalFileFor = (file: string) => `${file}.journal`;

/** The file holds the state and a mark naming its journal (kept out of State: no other store has one). */
type DataFile = State & { journal?: JournalMark };
const markSchema = z.object({ id: z.string().min(1), folded: z.string().min(1).optional() }).strict();

export async function openLowdbStore(file: string, secret: string, compaction = COMPACTION): Promise<LowdbStore> {
  await mkdir(dirname(file), { recursive: true });
  const unlock = lockFile(file);
  try {
    // Built by hand: lowdb's JSONFilePreset silently keeps data in memory when NODE_ENV=test.
    const adapter = new DurableJsonFile<DataFile>(file);
    const db = new Low<unknown>(adapter as DurableJsonFile<unknown>, null);
    await db.read();
    const state: DataFile = db.data === null ? emptyState() : validate(file, db.data);
    const mark = markSchema.safeParse((db.data as { journal?: unknown } | null)?.journal);
    if (mark.success) state.journal = mark.data;
    const journal = new Journal(journalFileFor(file), secret);
    const { changes, clean } = await journal.read(state.journal);
    const store = new LowdbStore(new Low(adapter, state), adapter, journal, compaction, unlock);
    await store.open(changes, clean, db.data === null);
    return store;
  } catch (err) {
    unlock();
    throw err;
  }
}

export class LowdbStore extends StateStore {
  /** Changes made since the last commit began, each as JSON. */
  private pending: string[] = [];
  private compactNext = false;
  private idle?: NodeJS.Timeout;
  private readonly commit = coalesce(() => this.write());
  private readonly data: DataFile;

  constructor(
    private readonly low: Low<DataFile>,
    private readonly file: DurableJsonFile<DataFile>,
    private readonly journal: Journal,
    private readonly compaction: Compaction,
    private readonly unlock: () => void,
  ) {
    super(low.data);
    this.data = low.data;
  }

  /** Replays what the journal holds beyond the file and takes it in, so a restart begins from one whole file. */
  async open(changes: Change[], clean: boolean, created: boolean): Promise<void> {
    await this.replay(changes);
    if (changes.length > 0) {
      const replayed = stateSchema.safeParse(this.state);
      if (!replayed.success) throw new TrellisError('STORE_CORRUPT', `Replaying the journal ${this.journal.file} gives invalid data (${problems(replayed.error)}). Trellis has changed neither it nor the data file.`);
    }
    if (changes.length > 0 || created) await this.compact();
    else if (clean) await this.journal.continue();
    // Otherwise there is no journal to continue (none yet, or one cut short): the first change starts one, and until then the file is left as it is.
  }

  protected override persist(change: Change): Promise<void> {
    // Serialised now: the caller may change its object after the call.
    this.pending.push(JSON.stringify(change));
    return this.commit();
  }

  private async write(): Promise<void> {
    const changes = this.pending.splice(0);
    if (this.compactNext || (changes.length > 0 && !this.journal.writable) || this.journal.bytes > Math.max(this.compaction.minJournalBytes, this.file.bytes)) return this.compact();
    if (changes.length === 0) return;
    try {
      await this.journal.append(changes);
    } catch (err) {
      this.compactNext = true; // the journal may end in part of a line: start the next one afresh
      throw err;
    }
    clearTimeout(this.idle);
    // A failed compaction is retried by the next commit, which reports it.
    this.idle = setTimeout(() => ((this.compactNext = true), void this.commit().catch(() => undefined)), this.compaction.idleMs).unref();
  }

  /** Rewrites the whole file (every change so far included), then starts an empty journal. */
  private async compact(): Promise<void> {
    clearTimeout(this.idle);
    const before = this.data.journal;
    this.data.journal = { id: randomUUID(), ...(before ? { folded: before.id } : {}) };
    try {
      await this.low.write();
    } catch (err) {
      this.data.journal = before; // the file on disk still names the old journal
      this.compactNext = true;
      throw err;
    }
    this.compactNext = false;
    await this.journal.reset(this.data.journal.id);
  }

  override async close(): Promise<void> {
    try {
      await this.commit();
      if (this.journal.bytes > 0) {
        this.compactNext = true;
        await this.commit();
      }
    } finally {
      clearTimeout(this.idle);
      await this.journal.close();
      this.unlock();
    }
  }
}

const problems = (error: z.ZodError) => error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`).join('; ');

function validate(file: string, data: unknown): State {
  const version = (data as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > STATE_VERSION) {
    throw new TrellisError('STORE_VERSION', `The data file ${file} was written by a newer Trellis (schema ${version}; this one reads ${STATE_VERSION}). Upgrade Trellis; the file has not been changed.`);
  }
  let lifted = data as Record<string, unknown>;
  for (let v = version as number; typeof v === 'number' && v < STATE_VERSION; v++) {
    const step = MIGRATIONS[v];
    if (!step || !Array.isArray(lifted.partnerships)) break; // validation below names the problem
    lifted = step(lifted);
  }
  const parsed = stateSchema.safeParse(lifted);
  if (parsed.success) return parsed.data;
  throw new TrellisError(
    'STORE_CORRUPT',
    `The data file ${file} is not a valid Trellis data file (${problems(parsed.error)}). Trellis has not changed it. Restore it from a backup, or move it aside to start with an empty one.`,
  );
}
