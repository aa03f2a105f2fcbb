// The lowdb store's write-ahead journal, beside the data file: each group
// commit appends one line and fsyncs it, so a commit costs the size of its
// changes rather than of the whole file. Lines are sealed under TRELLIS_SECRET:
// their order would otherwise link who answered to what they answered.
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { TrellisError } from '../core/errors.js';
import { seal, sealText, unseal } from '../core/seal.js';
import { writeDurably } from './durable-json-file.js';
import { MUTATORS, type Change } from './state-store.js';

const SEAL = 'journal';
const isChange = (c: unknown): c is Change => Array.isArray(c) && (MUTATORS as readonly unknown[]).includes(c[0]);

/** The data file's record of its journal: the one its changes continue in, and the one it has already taken in. */
export interface JournalMark {
  id: string;
  folded?: string;
}

export class Journal {
  private handle?: FileHandle;
  /** Bytes of changes appended since the journal was last started afresh. */
  bytes = 0;

  constructor(
    readonly file: string,
    private readonly secret: string,
  ) {}

  /**
   * The changes recorded after the data file marked `mark` was written, in order,
   * and whether appending may simply continue (else start afresh). A line cut
   * short at the end was never acknowledged (a commit returns after its fsync) and is left out.
   */
  async read(mark: JournalMark | undefined): Promise<{ changes: Change[]; clean: boolean }> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { changes: [], clean: false };
      throw this.problem(`cannot be read (${(err as Error).message})`);
    }
    const lines = text.split('\n');
    const id = this.headerId(lines[0]!);
    if (id === mark?.folded) return { changes: [], clean: false }; // already in the data file: a crash came between the two writes
    if (id !== mark?.id) throw this.problem(`belongs to another copy of the data file (journal ${id}, data file ${mark?.id ?? 'without a journal'}); the data file may have been restored from a backup`);
    const changes: Change[] = [];
    const body = lines.slice(1);
    let clean = body.pop() === ''; // a complete last line ends with a newline
    for (const [n, line] of body.entries()) {
      const batch = unseal<unknown>(this.secret, SEAL, line);
      if (Array.isArray(batch) && batch.every(isChange)) changes.push(...batch);
      else if (n === body.length - 1 && clean) clean = false; // torn at the very end
      else throw this.problem(`is damaged at line ${n + 2}`);
    }
    return { changes, clean };
  }

  /** Appends one group commit's changes (each already JSON) and makes them durable. */
  async append(changes: string[]): Promise<void> {
    if (!this.handle) throw new TrellisError('STORE_CORRUPT', 'The journal is not open for appending.');
    const line = `${sealText(this.secret, SEAL, `[${changes.join(',')}]`)}\n`;
    await this.handle.write(line);
    await this.handle.datasync();
    this.bytes += line.length;
  }

  /** Starts an empty journal for the data file just written with mark `id`. */
  async reset(id: string): Promise<void> {
    await this.close();
    // The check proves, before anything is replayed, that the journal is sealed under this TRELLIS_SECRET.
    await writeDurably(this.file, `${JSON.stringify({ journal: id, check: seal(this.secret, SEAL, id) })}\n`);
    await this.continue();
  }

  get writable(): boolean {
    return this.handle !== undefined;
  }

  /** Appends to the journal as it is (read() said it was clean). */
  async continue(): Promise<void> {
    this.handle = await open(this.file, 'a', 0o600);
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
    this.bytes = 0;
  }

  private headerId(line: string): string {
    let header: { journal?: unknown; check?: unknown };
    try {
      header = JSON.parse(line) as typeof header;
    } catch {
      throw this.problem('has no valid first line');
    }
    if (typeof header.journal !== 'string' || typeof header.check !== 'string') throw this.problem('has no valid first line');
    if (unseal(this.secret, SEAL, header.check) !== header.journal) throw this.problem('was sealed under a different TRELLIS_SECRET');
    return header.journal;
  }

  private problem(what: string): TrellisError {
    return new TrellisError(
      'STORE_CORRUPT',
      `The journal ${this.file} ${what}. Trellis has changed neither it nor the data file. ` +
        'Restore both from the same backup, or move the journal aside to open the data file as it was last written in full.',
    );
  }
}
