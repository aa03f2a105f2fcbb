// The lowdb store's write-ahead journal, beside the data file: each group
// commit appends one line and fsyncs it, so a commit costs the size of its
// changes rather than of the whole file. Changes are numbered; the data file
// records the number of the last one it holds, so replay takes only what came
// after. While the file is being rewritten, the journal it is taking in is
// kept as `.prev` and new changes go to a fresh one.
// Lines are sealed under TRELLIS_SECRET: their order would otherwise link who
// answered to what they answered.
import { open, readFile, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { TrellisError } from '../core/errors.js';
import { seal, sealText, unseal } from '../core/seal.js';
import { writeDurably } from './durable-json-file.js';
import { MUTATORS, type Change } from './state-store.js';

const SEAL = 'journal';
const isChange = (c: unknown): c is Change => Array.isArray(c) && (MUTATORS as readonly unknown[]).includes(c[0]);

/** What the data file records of its journal: whose it is, and the number of the last change the file holds. */
export interface JournalMark {
  id: string;
  seq: number;
}

interface Line {
  from: number;
  changes: Change[];
}

export class Journal {
  readonly previous: string;
  private handle?: FileHandle;
  /** The header the next append starts a new file with, when there is none open. */
  private next?: { id: string; base: number };
  /** Bytes of changes in the current file. */
  bytes = 0;

  constructor(
    readonly file: string,
    private readonly secret: string,
  ) {
    this.previous = `${file}.prev`;
  }

  /**
   * The changes after the data file's mark, in order. `clean` is false when the
   * journal needs starting afresh: a line cut short at the end (never
   * acknowledged, as a commit returns only after its fsync: left out), or a
   * `.prev` left by a rewrite that did not finish.
   */
  async read(mark: JournalMark | undefined): Promise<{ changes: Change[]; last: number; clean: boolean }> {
    const files = (await Promise.all([this.previous, this.file].map((f) => this.readFile(f, mark)))).filter((f) => f !== undefined);
    files.sort((a, b) => a.base - b.base);
    let clean = files.every((f) => f.file === this.file);
    let last = files[0]?.base ?? mark?.seq ?? 0;
    const changes: Change[] = [];
    if (mark && last > mark.seq) throw this.problem(`starts after the data file ends (change ${last + 1}, file up to ${mark.seq}); the data file may have been restored from an older backup`);
    for (const [i, f] of files.entries()) {
      if (f.base !== last) throw this.problem(`is missing changes ${last + 1} to ${f.base}`);
      if (f.torn && i < files.length - 1) throw this.problem(`is damaged at the end of ${this.previous}`);
      clean &&= !f.torn;
      for (const line of f.lines) {
        if (line.from !== last + 1) throw this.problem(`is missing changes ${last + 1} to ${line.from - 1}`);
        line.changes.forEach((c, k) => line.from + k > (mark?.seq ?? 0) && changes.push(c));
        last += line.changes.length;
      }
    }
    return { changes, last: Math.max(last, mark?.seq ?? 0), clean };
  }

  /** Appends one group commit's changes (each already JSON), numbered from `from`, and makes them durable. */
  async append(from: number, changes: string[]): Promise<void> {
    if (!this.handle) await this.create();
    const line = `${sealText(this.secret, SEAL, `{"from":${from},"changes":[${changes.join(',')}]}`)}\n`;
    await this.handle!.write(line);
    await this.handle!.datasync();
    this.bytes += line.length;
  }

  /** From now on, changes after `base` go to a fresh file; the current one becomes `.prev` until the data file has taken it in. */
  async rotate(id: string, base: number): Promise<void> {
    await this.close();
    await rename(this.file, this.previous).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    this.next = { id, base };
    // Now rather than at the next append: this runs when writes pause, while the next append may have someone waiting.
    await this.create();
  }

  /** The data file now holds everything in `.prev`. */
  async dropPrevious(): Promise<void> {
    await rm(this.previous, { force: true });
  }

  /** Starts an empty journal after the data file was written whole with mark `id`, `base`. */
  async reset(id: string, base: number): Promise<void> {
    await this.close();
    await writeDurably(this.file, this.header(id, base));
    await this.dropPrevious();
    this.handle = await open(this.file, 'a', 0o600);
  }

  /** Appends to the journal as it is (read() found it clean); with none, the first append starts one. */
  async continue(id: string, base: number): Promise<void> {
    this.next = { id, base };
    const size = await stat(this.file).then(
      (s) => s.size,
      (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return undefined;
        throw err;
      },
    );
    if (size === undefined) return;
    this.handle = await open(this.file, 'a', 0o600);
    this.bytes = size;
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
    this.bytes = 0;
  }

  private async create(): Promise<void> {
    if (!this.next) throw new TrellisError('STORE_CORRUPT', 'The journal has no header to start with.');
    this.handle = await open(this.file, 'wx', 0o600);
    await this.handle.write(this.header(this.next.id, this.next.base));
    await this.handle.datasync();
    // A new file is only there after a crash once its directory entry is flushed.
    const dir = await open(dirname(this.file), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }

  /** The check proves, before anything is replayed, that the journal is sealed under this TRELLIS_SECRET. */
  private header(id: string, base: number): string {
    return `${JSON.stringify({ journal: id, base, check: seal(this.secret, SEAL, `${id}:${base}`) })}\n`;
  }

  private async readFile(file: string, mark: JournalMark | undefined): Promise<{ file: string; base: number; lines: Line[]; torn: boolean } | undefined> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw this.problem(`cannot be read (${(err as Error).message})`);
    }
    const [first = '', ...body] = text.split('\n');
    const { id, base } = this.parseHeader(first, file);
    if (id !== mark?.id) throw this.problem(`belongs to another copy of the data file (journal ${id}, data file ${mark?.id ?? 'without a journal'}); the data file may have been restored from a backup`);
    let torn = body.pop() !== ''; // a complete last line ends with a newline
    const lines: Line[] = [];
    for (const [n, text] of body.entries()) {
      const line = unseal<Partial<Line>>(this.secret, SEAL, text);
      if (line && Number.isInteger(line.from) && Array.isArray(line.changes) && line.changes.every(isChange)) lines.push(line as Line);
      else if (n === body.length - 1 && !torn) torn = true; // cut short at the very end
      else throw this.problem(`is damaged at line ${n + 2} of ${file}`);
    }
    return { file, base, lines, torn };
  }

  private parseHeader(line: string, file: string): { id: string; base: number } {
    let header: { journal?: unknown; base?: unknown; check?: unknown };
    try {
      header = JSON.parse(line) as typeof header;
    } catch {
      throw this.problem(`has no valid first line in ${file}`);
    }
    const { journal: id, base, check } = header;
    if (typeof id !== 'string' || typeof base !== 'number' || !Number.isInteger(base) || typeof check !== 'string') throw this.problem(`has no valid first line in ${file}`);
    if (unseal(this.secret, SEAL, check) !== `${id}:${base}`) throw this.problem('was sealed under a different TRELLIS_SECRET');
    return { id, base };
  }

  private problem(what: string): TrellisError {
    return new TrellisError(
      'STORE_CORRUPT',
      `The journal ${this.file} ${what}. Trellis has changed neither it nor the data file. ` +
        'Restore both from the same backup, or move the journal aside to open the data file as it was last written in full.',
    );
  }
}

/**
 * Whether the journal at `file` was begun under `secret` (its first line's check opens under it);
 * undefined when there is no journal or no readable first line. Reads only; changes nothing.
 */
export async function journalSealedUnder(file: string, secret: string): Promise<boolean | undefined> {
  const first = await readFile(file, 'utf8').then(
    (text) => text.split('\n', 1)[0],
    () => undefined,
  );
  try {
    const { journal: id, base, check } = JSON.parse(first ?? '') as { journal?: unknown; base?: unknown; check?: unknown };
    if (typeof id !== 'string' || typeof base !== 'number' || typeof check !== 'string') return undefined;
    return unseal(secret, SEAL, check) === `${id}:${base}`;
  } catch {
    return undefined;
  }
}
