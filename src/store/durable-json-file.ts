// A lowdb adapter that survives power loss: lowdb's own writer renames a temp
// file but never fsyncs, so a crash can leave an empty or stale file.
import { open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';
import { TrellisError } from '../core/errors.js';

export class DurableJsonFile<T> implements Adapter<T> {
  constructor(readonly file: string) {}

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new TrellisError('STORE_CORRUPT', `Cannot read the data file ${this.file}: ${(err as Error).message}`, { cause: err });
    }
    try {
      const data = JSON.parse(text) as T;
      this.bytes = Buffer.byteLength(text);
      return data;
    } catch (err) {
      throw new TrellisError(
        'STORE_CORRUPT',
        `The data file ${this.file} is not valid JSON (${(err as Error).message}; ${text.length} bytes). ` +
          'Trellis has not changed it. Restore it from a backup, or move it aside to start with an empty one.',
        { cause: err },
      );
    }
  }

  /** Size of the file as last read or written, in bytes: what one rewrite of it costs. */
  bytes = 0;

  async write(data: T): Promise<void> {
    // Compact: the whole file is serialised on every rewrite, so its size is the cost of each one.
    const text = JSON.stringify(data);
    await writeDurably(this.file, text);
    this.bytes = Buffer.byteLength(text);
  }
}

/** Where `writeDurably` writes before the rename: hidden, beside the file, named for the writing process. */
const tempFor = (file: string, pid: number | string) => join(dirname(file), `.${basename(file)}.${pid}.tmp`);

/**
 * Removes the temporary files a rewrite of any of `files` left when its process
 * was killed (the file itself was untouched: the rename never came). Call only
 * while holding the files' lock, so no live rewrite is among them. Matches
 * exactly `.NAME.PID.tmp`: never a data file, a journal or anything moved aside.
 */
export async function removeLeftoverTemps(files: string[]): Promise<string[]> {
  const removed: string[] = [];
  for (const file of files) {
    const prefix = `.${basename(file)}.`;
    for (const name of await readdir(dirname(file)).catch(() => [] as string[])) {
      if (!(name.startsWith(prefix) && name.endsWith('.tmp') && /^\d+$/.test(name.slice(prefix.length, -'.tmp'.length)))) continue;
      await rm(join(dirname(file), name), { force: true });
      removed.push(join(dirname(file), name));
    }
  }
  return removed;
}

/** Replaces `file` with `text` so that a crash leaves the old file or the new one, never a torn one. */
export async function writeDurably(file: string, text: string): Promise<void> {
  const tmp = tempFor(file, process.pid);
  const handle = await open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
  // The rename itself is only durable once the directory entry is flushed.
  const dir = await open(dirname(file), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
