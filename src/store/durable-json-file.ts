// A lowdb adapter that survives power loss: lowdb's own writer renames a temp
// file but never fsyncs, so a crash can leave an empty or stale file.
import { open, readFile, rename } from 'node:fs/promises';
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
      return JSON.parse(text) as T;
    } catch (err) {
      throw new TrellisError(
        'STORE_CORRUPT',
        `The data file ${this.file} is not valid JSON (${(err as Error).message}; ${text.length} bytes). ` +
          'Trellis has not changed it. Restore it from a backup, or move it aside to start with an empty one.',
        { cause: err },
      );
    }
  }

  async write(data: T): Promise<void> {
    // Compact: the whole file is serialised on every commit, so its size is the cost of each one.
    const text = JSON.stringify(data);
    const tmp = join(dirname(this.file), `.${basename(this.file)}.${process.pid}.tmp`);
    const handle = await open(tmp, 'w', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, this.file);
    // The rename itself is only durable once the directory entry is flushed.
    const dir = await open(dirname(this.file), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}

/**
 * Group commit: serialises writes and folds every change requested while a
 * write is queued into that one write. Callers resolve only once their change is on disk.
 */
export function coalesce(write: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> = Promise.resolve();
  let queued: Promise<void> | undefined;
  return () => {
    queued ??= running
      .catch(() => undefined)
      .then(() => {
        queued = undefined;
        running = write();
        return running;
      });
    return queued;
  };
}
