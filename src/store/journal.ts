// The lowdb store's write-ahead journal, beside the data file: each group
// commit appends one line and fsyncs it, so a commit costs the size of its
// changes rather than of the whole file. Changes are numbered; the data file
// records the number of the last one it holds, so replay takes only what came
// after. While the file is being rewritten, the journal it is taking in is
// kept as `.prev` and new changes go to a fresh one.
// Lines are sealed under TRELLIS_SECRET: their order would otherwise link who
// answered to what they answered.
// Damage is never guessed away. Only a last line without its newline is a
// write cut short (a commit is acknowledged only after its whole line, newline
// included, is fsynced); any complete line that does not open is damage. The
// header records how far the journal has reached, so a journal that lost its
// last lines is noticed too; and a data file with a mark always has a journal.
import { constants, writeSync } from 'node:fs';
import { copyFile, open, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { TrellisError } from '../core/errors.js';
import { seal, sealText, unseal } from '../core/seal.js';
import { writeDurably } from './durable-json-file.js';
import { isEntryName, type Change } from './journal-entries.js';

const SEAL = 'journal';
/** The header's "reaches" is rewritten in place after each commit, so it keeps one width. */
const REACH_DIGITS = 16;
const REACHES = '"reaches":"';
const digits = (n: number) => String(n).padStart(REACH_DIGITS, '0');

/**
 * What the data file records of its journal: whose it is, and the number of the
 * last change the file holds. A marked file expects its journal beside it,
 * unless `closed`: written by a clean stop, the file then holds everything and
 * is rewritten without it in front of the next change.
 */
export interface JournalMark {
  id: string;
  seq: number;
  closed?: boolean;
}

interface Line {
  from: number;
  changes: Change[];
}

interface JournalFile {
  file: string;
  id: string;
  base: number;
  /** The last change the header says was made durable (absent in journals from before it was kept). */
  reaches?: number;
  lines: Line[];
  /** Ends in part of a line (or of its header): a write cut short, never acknowledged. */
  torn: boolean;
  /** When loss is accepted: the damage that stopped the reading (the lines before it are kept). */
  damaged?: JournalProblem;
}

export interface JournalRead {
  /** The changes after the data file's mark, in order. */
  changes: Change[];
  last: number;
  /** False when the journal must be started afresh (a `.prev` left by a rewrite, a torn tail, an old header). */
  clean: boolean;
  /** A journal of this data file is there (one with nothing in it, left by a first start cut short, is not). */
  kept: boolean;
  /** Files to keep a copy of, and why, before the journal is started afresh over them. */
  setAside: { file: string; why: 'torn' | 'damaged' }[];
  /** When loss was accepted (recovery): what could not be read. */
  lost?: string;
}

export class Journal {
  readonly previous: string;
  private handle?: FileHandle;
  /** The header the next append starts a new file with, when there is none open. */
  private next?: { id: string; base: number };
  /** Where the file ends, and where its header's "reaches" digits are. */
  private size = 0;
  private reachAt = 0;
  /** Bytes of changes in the current file. */
  bytes = 0;

  constructor(
    readonly file: string,
    private readonly secret: string,
    /** The data file this journal belongs to, for messages. */
    private readonly dataFile = file.replace(/\.journal$/, ''),
  ) {
    this.previous = `${file}.prev`;
  }

  /**
   * Reads the journal (and a `.prev`) against the data file's mark. Any damage
   * throws, naming the file and line, unless `acceptLoss`: then what reads in
   * order up to the first problem is returned, with the problem in `lost`.
   */
  async read(mark: JournalMark | undefined, acceptLoss = false): Promise<JournalRead> {
    const found = (await Promise.all([this.previous, this.file].map((f) => this.readFile(f, acceptLoss)))).filter((f) => f !== undefined);
    const setAside: JournalRead['setAside'] = [];
    let lost: string | undefined;
    const fail = (problem: JournalProblem): void => {
      if (!acceptLoss) throw problem;
      lost ??= problem.what;
    };
    for (const f of found) if (f.torn) setAside.push({ file: f.file, why: 'torn' });
    for (const f of found) if (f.id === '' && f.damaged) fail(f.damaged);
    // A journal holding nothing that the data file does not name: a first start (or the first change after an upgrade) cut short.
    const orphan = (f: JournalFile) => !mark && f.lines.length === 0 && (f.reaches ?? f.base) === f.base;
    const files = found.filter((f) => f.id !== '' && !orphan(f)).sort((a, b) => a.base - b.base);
    let clean = found.every((f) => f.file === this.file && !f.torn && f.reaches !== undefined);
    if (mark && !mark.closed && files.length === 0) {
      fail(this.problem(`is missing. The data file ${this.dataFile} holds changes up to ${mark.seq} and expects a journal beside it with any made after`));
    }
    let last = files[0]?.base ?? mark?.seq ?? 0;
    const changes: Change[] = [];
    const from = mark?.seq ?? 0;
    let reached = from; // the last change taken in, in order
    if (mark && last > mark.seq)
      fail(
        this.problem(`starts after the data file ends (change ${last + 1}, file up to ${mark.seq}); the data file may have been restored from an older backup`),
      );
    for (const [i, f] of files.entries()) {
      if (lost) break;
      if (f.id !== mark?.id) {
        fail(
          this.problem(
            mark
              ? `belongs to another copy of the data file (journal ${f.id}, data file ${mark.id}); the data file may have been restored from a backup`
              : `holds changes, but the data file ${this.dataFile} is missing or does not name a journal; it may have been deleted or replaced`,
          ),
        );
        break;
      }
      if (f.base !== last) fail(this.problem(`is missing changes ${last + 1} to ${f.base}`));
      else if (f.torn && i < files.length - 1) fail(this.problem(`is damaged at the end of ${f.file}`));
      for (const line of f.lines) {
        if (lost) break;
        if (line.from !== last + 1) {
          fail(this.problem(`is missing changes ${last + 1} to ${line.from - 1}`));
          break;
        }
        line.changes.forEach((c, k) => line.from + k > from && changes.push(c));
        last += line.changes.length;
        reached = Math.max(reached, last);
      }
      if (f.damaged) fail(f.damaged);
      else if (!lost && f.reaches !== undefined && last < f.reaches) {
        fail(this.problem(`has lost its last changes: ${f.file} records that it reached change ${f.reaches}, but its lines end at change ${last}`));
      }
    }
    if (lost) {
      clean = false;
      for (const f of found) if (!setAside.some((s) => s.file === f.file)) setAside.push({ file: f.file, why: 'damaged' });
    }
    return { changes, last: reached, clean, kept: files.length > 0, setAside, lost };
  }

  /** Appends one group commit's changes (each already JSON), numbered from `from`, and makes them durable. */
  async append(from: number, changes: string[]): Promise<void> {
    if (!this.handle) await this.create();
    const line = Buffer.from(`${sealText(this.secret, SEAL, `{"from":${from},"changes":[${changes.join(',')}]}`)}\n`);
    // Written synchronously (into the page cache, microseconds): the promise API's round trip cost more than the write; only the fsync waits.
    writeSync(this.handle!.fd, line, 0, line.length, this.size);
    this.size += line.length;
    await this.handle!.datasync();
    // Only once the line is durable may the header say the journal reaches it: a header ahead of its lines means lines were lost.
    // Not synced on its own: the next commit's datasync (or closing) carries it, so a crash can leave it one commit
    // behind its lines — never ahead — and a commit costs one fsync, not two.
    const reach = Buffer.from(digits(from + changes.length - 1));
    writeSync(this.handle!.fd, reach, 0, reach.length, this.reachAt);
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

  /** Starts an empty journal after the data file was written whole with mark `id`, `base` (or, for a new file, just before). */
  async reset(id: string, base: number): Promise<void> {
    await this.close();
    const header = this.header(id, base);
    await writeDurably(this.file, header);
    await this.dropPrevious();
    await this.openAt(header);
  }

  /** Appends to the journal as it is (read() found it clean). */
  async continue(id: string, base: number): Promise<void> {
    this.next = { id, base };
    const text = await readFile(this.file, 'utf8');
    await this.openAt(text.slice(0, text.indexOf('\n') + 1));
    this.size = this.bytes = Buffer.byteLength(text);
  }

  /**
   * Keeps a copy of `file` beside it, named for why, before the journal is
   * started afresh over it; the copy is durable before this returns.
   */
  async setAside(file: string, why: string): Promise<string> {
    const aside = `${file}.${why}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await copyFile(file, aside, constants.COPYFILE_EXCL);
    const copy = await open(aside, 'r');
    try {
      await copy.sync();
    } finally {
      await copy.close();
    }
    await syncDirectory(file);
    return aside;
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
    this.bytes = this.size = 0;
  }

  private async openAt(header: string): Promise<void> {
    this.handle = await open(this.file, 'r+', 0o600);
    this.size = Buffer.byteLength(header);
    this.reachAt = Buffer.byteLength(header.slice(0, header.indexOf(REACHES) + REACHES.length));
  }

  private async create(): Promise<void> {
    if (!this.next) throw new TrellisError('STORE_CORRUPT', 'The journal has no header to start with.');
    const header = this.header(this.next.id, this.next.base);
    this.handle = await open(this.file, 'wx+', 0o600);
    await this.handle.write(header, 0);
    await this.handle.datasync();
    // A new file is only there after a crash once its directory entry is flushed.
    await syncDirectory(this.file);
    this.size = Buffer.byteLength(header);
    this.reachAt = Buffer.byteLength(header.slice(0, header.indexOf(REACHES) + REACHES.length));
  }

  /** The check proves, before anything is replayed, that the journal is sealed under this TRELLIS_SECRET. */
  private header(id: string, base: number): string {
    return `${JSON.stringify({ journal: id, base, check: seal(this.secret, SEAL, `${id}:${base}`) }).slice(0, -1)},${REACHES}${digits(base)}"}\n`;
  }

  private async readFile(file: string, acceptLoss: boolean): Promise<JournalFile | undefined> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw this.problem(`cannot be read (${(err as Error).message})`);
    }
    const body = text.split('\n');
    const tail = body.pop()!; // a complete last line ends with a newline: nothing after it
    // No complete header: the file was being started when the process stopped; it holds nothing.
    if (body.length === 0) return { file, id: '', base: 0, lines: [], torn: true };
    let header: { id: string; base: number; reaches?: number };
    try {
      header = this.parseHeader(body.shift()!, file);
    } catch (err) {
      if (!acceptLoss || /different TRELLIS_SECRET/.test((err as Error).message)) throw err;
      return { file, id: '', base: 0, lines: [], torn: false, damaged: err as JournalProblem };
    }
    const { id, base, reaches } = header;
    const lines: Line[] = [];
    for (const [n, text] of body.entries()) {
      const line = unseal<Partial<Line>>(this.secret, SEAL, text);
      const changes =
        line && Number.isInteger(line.from) && Array.isArray(line.changes) && line.changes.length > 0 && line.changes.every(Array.isArray)
          ? (line.changes as unknown[][])
          : undefined;
      const unknown = changes?.find((c) => !isEntryName(c[0]));
      if (changes && !unknown) {
        lines.push(line as Line);
        continue;
      }
      // A name not in the table may be a change of a newer Trellis: refused, since skipping it would lose it.
      const problem =
        typeof unknown?.[0] === 'string'
          ? this.problem(
              `holds a change named ${JSON.stringify(unknown![0])} at line ${n + 2} of ${file}, which this version of Trellis does not know (was it written by a newer one?)`,
            )
          : this.problem(`is damaged at line ${n + 2} of ${file} (a complete line that does not open, so not a write cut short)`);
      if (!acceptLoss) throw problem;
      return { file, id, base, lines, torn: false, damaged: problem };
    }
    return { file, id, base, reaches, lines, torn: tail !== '' };
  }

  private parseHeader(line: string, file: string): { id: string; base: number; reaches?: number } {
    let header: { journal?: unknown; base?: unknown; check?: unknown; reaches?: unknown };
    try {
      header = JSON.parse(line) as typeof header;
    } catch {
      throw this.problem(`has no valid first line in ${file}`);
    }
    const { journal: id, base, check, reaches } = header;
    const reachOk = reaches === undefined || (typeof reaches === 'string' && new RegExp(`^\\d{${REACH_DIGITS}}$`).test(reaches));
    if (typeof id !== 'string' || id === '' || typeof base !== 'number' || !Number.isInteger(base) || typeof check !== 'string' || !reachOk)
      throw this.problem(`has no valid first line in ${file}`);
    if (unseal(this.secret, SEAL, check) !== `${id}:${base}`) throw this.problem('was sealed under a different TRELLIS_SECRET', 'secret');
    return { id, base, reaches: typeof reaches === 'string' ? Number(reaches) : undefined };
  }

  private problem(what: string, kind?: 'secret'): JournalProblem {
    const keep =
      kind === 'secret'
        ? 'Start Trellis with the TRELLIS_SECRET it was sealed under, or restore both from the same backup.'
        : `Restore the data file and its journal together from the same backup; or, to go on with what can still be read and accept that the rest is lost, run \`npm run recover-data -- --file ${this.dataFile}\` (it keeps a copy of every journal file it replaces).`;
    return new JournalProblem(
      `The journal ${this.file} ${what}`,
      `The journal ${this.file} ${what}. Trellis has changed neither it nor the data file. ${keep}`,
    );
  }
}

/** A refusal to open; `what` is the problem alone, for recovery to report what it accepted. */
class JournalProblem extends TrellisError {
  constructor(
    readonly what: string,
    message: string,
  ) {
    super('STORE_CORRUPT', message);
  }
}

async function syncDirectory(file: string): Promise<void> {
  const dir = await open(dirname(file), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
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
