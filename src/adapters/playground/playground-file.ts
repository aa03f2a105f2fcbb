// The playground's own small JSON files, beside the data file (never inside
// it): the people added on the page and the messages waiting in their inboxes.
// Written whole to a temporary file and renamed, so a crash leaves the old
// file or the new one, never half of one.
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { z } from 'zod';

/** `name` beside the data file. */
export const besideData = (dataFile: string, name: string) => join(dirname(dataFile), name);

/**
 * The file's contents as `schema` reads them; undefined when it does not exist yet.
 * A file that is not valid is left as it is and reported: nothing is rewritten over it silently.
 */
export async function readJsonFile<T>(file: string, schema: z.ZodType<T>): Promise<{ ok: true; value?: T } | { ok: false; error: string }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ok: true };
    return { ok: false, error: `cannot read ${basename(file)}: ${(err as Error).message}` };
  }
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? { ok: true, value: parsed.data } : { ok: false, error: `${basename(file)} is not as expected: ${parsed.error.issues[0]?.message}` };
  } catch (err) {
    return { ok: false, error: `${basename(file)} is not valid JSON: ${(err as Error).message}` };
  }
}

export async function writeJsonFile(file: string, value: unknown): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  const handle = await open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(JSON.stringify(value), 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
}

/**
 * Writes one after another, and only the latest: a burst of changes costs one
 * write in flight and one after it, never a queue of stale ones.
 */
export function latestWriter(file: string, snapshot: () => unknown, onError: (err: unknown) => void) {
  let running: Promise<void> | undefined;
  let again = false;
  const run = async (): Promise<void> => {
    do {
      again = false;
      await writeJsonFile(file, snapshot()).catch(onError);
    } while (again);
    running = undefined;
  };
  return {
    /** Something changed: it reaches the file soon. */
    changed(): void {
      if (running) again = true;
      else running = run();
    },
    /** Resolves once every change so far is on disk. */
    async flushed(): Promise<void> {
      while (running) await running;
    },
  };
}
