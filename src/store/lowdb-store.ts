// The default production store: one JSON file, validated on load, and a
// sealed journal beside it. Every change is durable before it is acknowledged:
// a group commit appends the changes to the journal. The JSON file is
// rewritten whole ("compacted") once writes pause, or when the journal
// outgrows it; the rewrite runs beside the commits rather than in front of
// them, so a burst of answers never waits for the whole file.
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Low } from 'lowdb';
import { z } from 'zod';
import { TrellisError } from '../core/errors.js';
import { DurableJsonFile, removeLeftoverTemps } from './durable-json-file.js';
import { lockFile } from './file-lock.js';
import { Journal, type JournalMark, type JournalRead } from './journal.js';
import { emptyState, MIGRATIONS, stateSchema, STATE_VERSION, type State } from './state-schema.js';
import type { Change } from './journal-entries.js';
import type { StoredConcern } from '../core/model.js';
import { StateStore } from './state-store.js';
import type { CommitListener } from './store.js';

export interface Compaction {
  /** Compact once no commit has come for this long (and the journal holds a quarter of the file's size)… */
  idleMs: number;
  /** …or at the next commit, busy or not, once the journal is larger than the data file and this (so replay on start stays short). */
  minJournalBytes: number;
}
const COMPACTION: Compaction = { idleMs: 1_000, minJournalBytes: 4 * 1024 * 1024 };

export const journalFileFor = (file: string) => `${file}.journal`;

/** The file holds the state and a mark naming its journal (kept out of State: no other store has one). */
type DataFile = State & { journal?: JournalMark };
const markSchema = z.object({ id: z.string().min(1), seq: z.number().int().min(0), closed: z.literal(true).optional() }).strict();

export interface OpenOptions {
  /** Told what opening tidied away or set aside (a stale lock, a killed rewrite's temporary file, a torn tail, a recovered journal), for the operator. Nothing secret is in it. */
  notice?: (message: string) => void;
  /** Recovery (npm run recover-data): take what reads in order up to the first damage instead of refusing. */
  acceptLoss?: boolean;
}

export async function openLowdbStore(file: string, secret: string, compaction = COMPACTION, options: OpenOptions = {}): Promise<LowdbStore> {
  const { notice = (m: string) => process.stderr.write(`${m}\n`), acceptLoss = false } = options;
  await mkdir(dirname(file), { recursive: true });
  const unlock = lockFile(file, notice);
  try {
    for (const temp of await removeLeftoverTemps([file, journalFileFor(file)]))
      notice(`Removed ${temp}, left by a rewrite that was cut short (the file it was replacing is as it was).`);
    // Built by hand: lowdb's JSONFilePreset silently keeps data in memory when NODE_ENV=test.
    const adapter = new DurableJsonFile<DataFile>(file);
    const db = new Low<unknown>(adapter as DurableJsonFile<unknown>, null);
    await db.read();
    const state = db.data === null ? emptyState() : validate(file, db.data);
    const mark = markSchema.safeParse((db.data as { journal?: unknown } | null)?.journal);
    const journal = new Journal(journalFileFor(file), secret);
    const found = await journal.read(mark.success ? mark.data : undefined, acceptLoss);
    const store = new LowdbStore(state, adapter, journal, compaction, unlock, mark.success ? mark.data : undefined);
    await store.open(found, db.data === null, mark.success, notice);
    return store;
  } catch (err) {
    unlock();
    throw err;
  }
}

export class LowdbStore extends StateStore {
  /** Changes made since the last commit began, each as JSON. */
  private pending: string[] = [];
  /** The number of the last change made (in memory), and of the last one the data file holds. */
  private seq: number;
  private saved: number;
  private readonly id: string;
  /** The data file being rewritten beside the commits, if it is; never rejects. */
  private compacting?: Promise<void>;
  /** Rewrite the file in front of the next commit: after a failure, or for a file from before the journal. */
  private mustCompact = false;
  private idle?: NodeJS.Timeout;
  private closing = false;
  /** Group commit: one write at a time; every change made while one is queued joins it. */
  private running: Promise<void> = Promise.resolve();
  private queued?: Promise<void>;

  constructor(
    state: State,
    private readonly file: DurableJsonFile<DataFile>,
    private readonly journal: Journal,
    private readonly compaction: Compaction,
    private readonly unlock: () => void,
    mark: JournalMark | undefined,
  ) {
    super(state);
    this.id = mark?.id ?? randomUUID();
    this.seq = this.saved = mark?.seq ?? 0;
    this.closedMark = mark?.closed === true;
  }

  /** The file on disk says it was closed cleanly (so needs no journal): true until it is rewritten in front of the next change. */
  private closedMark: boolean;

  /** A journal of this data file is on disk; until there is one, the file is written without a mark only after it is (see compactNow). */
  private kept = false;

  /** Replays what the journal holds beyond the file; anything replayed is taken in at once, so a restart begins from one whole file. */
  async open({ changes, last, clean, kept, setAside, lost }: JournalRead, created: boolean, marked: boolean, notice: (message: string) => void): Promise<void> {
    await this.replay(changes);
    this.seq = last;
    this.kept = kept;
    if (changes.length > 0) {
      const replayed = stateSchema.safeParse(this.state);
      if (!replayed.success)
        throw new TrellisError(
          'STORE_CORRUPT',
          `Replaying the journal ${this.journal.file} gives invalid data (${problems(replayed.error)}). Trellis has changed neither it nor the data file.`,
        );
    }
    // Copied aside before anything is written over them: what is dropped is kept, named for why.
    const asides: string[] = [];
    for (const { file, why } of setAside) {
      const aside = await this.journal.setAside(file, why);
      asides.push(aside);
      if (why === 'torn' && !lost)
        notice(
          `The journal ${file} ended in part of a line: a write cut short when Trellis last stopped, never acknowledged, so it is left out. The journal as it was is kept as ${aside}.`,
        );
    }
    if (lost) {
      const copies = asides.length > 0 ? ` The journal as it was is kept as ${asides.join(' and ')}.` : '';
      notice(`Recovered ${this.file.file}: ${lost}. It now holds the changes up to number ${last}; any after that are lost.${copies}`);
    }
    // A file marked closed says it needs no journal: it is rewritten without the mark before any change goes to one.
    if (changes.length > 0 || created || !clean || this.closedMark) await this.compactNow();
    else if (marked) await this.journal.continue(this.id, this.seq);
    else this.mustCompact = true; // a file from before the journal is left as it is until its first change
  }

  protected override persistWithNext(change: Change): void {
    this.pending.push(JSON.stringify(change));
    this.seq++;
  }

  protected override persist(change: Change): Promise<void> {
    // Serialised now: the caller may change its object after the call.
    this.pending.push(JSON.stringify(change));
    this.seq++;
    const started = performance.now();
    const committed = (this.queued ??= this.after(() => {
      this.queued = undefined;
      return this.write();
    }));
    const listener = this.commitListener;
    return listener ? committed.then(() => listener((performance.now() - started) / 1000)) : committed;
  }

  private commitListener?: CommitListener;
  onCommit(listener: CommitListener): void {
    this.commitListener = listener;
  }
  journalBytes(): number {
    return this.journal.bytes;
  }

  /** Runs `work` once the write in progress (if any) is done. */
  private after(work: () => Promise<void>): Promise<void> {
    this.running = this.running.catch(() => undefined).then(work);
    return this.running;
  }

  private async write(idle = false): Promise<void> {
    const changes = this.pending.splice(0);
    if (this.mustCompact) return changes.length > 0 ? this.compactNow() : undefined;
    // The state holds exactly the changes up to `upTo` now: a rewrite starting here captures them all.
    const upTo = this.seq;
    const due = !this.compacting && this.journal.bytes > (idle ? this.file.bytes / 4 : Math.max(this.compaction.minJournalBytes, this.file.bytes));
    if (changes.length > 0) {
      try {
        await this.journal.append(upTo - changes.length + 1, changes);
      } catch (err) {
        this.mustCompact = true; // the journal may end in part of a line
        throw err;
      }
    }
    if (due) await this.compactBeside(upTo);
    else if (changes.length > 0) this.whenIdle();
  }

  /**
   * After `idleMs` without a commit, offers a rewrite. It is looked at once that
   * turn's I/O is handled, so requests read in the same turn hold it off (their
   * commit offers it again) rather than wait behind the whole file's serialising.
   */
  private whenIdle(): void {
    clearTimeout(this.idle);
    // Claims waiting to ride with the next commit (persistWithNext) go with this one.
    const offer = () => {
      if (!this.closing && !this.queued) void this.after(() => this.write(true)).catch(() => undefined);
    };
    this.idle = setTimeout(() => setImmediate(offer).unref(), this.compaction.idleMs).unref();
  }

  /** Starts rewriting the file with every change up to `upTo`; later changes go to a fresh journal meanwhile. */
  private async compactBeside(upTo: number): Promise<void> {
    clearTimeout(this.idle);
    // Serialised synchronously, here: the state holds changes up to `upTo` and no later ones.
    const writing = this.file.write({ ...this.state, journal: { id: this.id, seq: upTo } });
    const rotating = this.journal.rotate(this.id, upTo);
    this.compacting = Promise.all([writing, rotating])
      .then(async () => {
        this.saved = upTo;
        await this.journal.dropPrevious();
      })
      .catch(() => void (this.mustCompact = true)) // the next commit rewrites the file in front of itself, and reports what fails
      .finally(() => (this.compacting = undefined));
    await rotating; // later changes go to the fresh journal
  }

  /** Rewrites the file with every change so far, then starts an empty journal. `closed`: on a clean stop. */
  private async compactNow(closed = false): Promise<void> {
    clearTimeout(this.idle);
    await this.compacting;
    const seq = this.seq;
    // A file with a mark expects its journal beside it (a missing one is refused), so a new file's journal comes first.
    if (!this.kept) await this.journal.reset(this.id, seq);
    this.kept = true;
    await this.file.write({ ...this.state, journal: { id: this.id, seq, ...(closed && { closed }) } });
    this.saved = seq;
    this.closedMark = closed;
    this.mustCompact = false;
    await this.journal.reset(this.id, seq);
  }

  /** The journal still holds the cancelled round's answers as they were saved: the file is rewritten at once and the journal emptied, so none is left on disk. */
  override async cancelRound(roundId: string, at: string): Promise<void> {
    const before = this.seq;
    await super.cancelRound(roundId, at);
    if (this.seq !== before) await this.rewriteNow(); // not while replaying the journal: opening rewrites the file after
  }

  /** The journal still holds the member's name and ids as they were saved: rewritten and emptied at once, as for a cancelled round. */
  override async eraseMember(memberId: string): Promise<void> {
    const before = this.seq;
    await super.eraseMember(memberId);
    if (this.seq !== before) await this.rewriteNow(); // not while replaying the journal: opening rewrites the file after
  }

  /** The journal still holds the concern's earlier seals, which the secret opens: rewritten and emptied at once. */
  override async eraseConcernText(c: StoredConcern): Promise<void> {
    const before = this.seq;
    await super.eraseConcernText(c);
    if (this.seq !== before) await this.rewriteNow(); // not while replaying the journal: opening rewrites the file after
  }

  /** The journal still holds the comments as they were saved: rewritten and emptied at once. */
  override async dropComments(roundId: string): Promise<void> {
    const before = this.seq;
    await super.dropComments(roundId);
    if (this.seq !== before) await this.rewriteNow(); // none to drop, or replaying: the file is left as it is
  }

  /** After an erasure: the file rewritten with every change so far and the journal emptied, in front of any later commit. */
  private rewriteNow(): Promise<void> {
    return this.after(() => {
      this.pending.splice(0); // taken into the rewrite, as a failed commit's are (write)
      return this.compactNow();
    });
  }

  override async close(): Promise<void> {
    this.closing = true;
    try {
      await this.after(async () => undefined); // every commit asked for so far is done
      await this.compacting;
      // Marked closed: the data file alone then holds everything (a backup of it alone is whole).
      if (this.seq > this.saved || !this.closedMark) await this.after(() => this.compactNow(true));
    } finally {
      clearTimeout(this.idle);
      await this.journal.close();
      this.unlock();
    }
  }
}

const problems = (error: z.ZodError) =>
  error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`)
    .join('; ');

function validate(file: string, data: unknown): State {
  const version = (data as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > STATE_VERSION) {
    throw new TrellisError(
      'STORE_VERSION',
      `The data file ${file} was written by a newer Trellis (schema ${version}; this one reads ${STATE_VERSION}). Upgrade Trellis; the file has not been changed.`,
    );
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
