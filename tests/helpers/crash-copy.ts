// The lowdb store's files exactly as a crash at this moment would leave them.
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { journalFileFor } from '../../src/store/lowdb-store.js';

export const previousJournalOf = (file: string) => `${journalFileFor(file)}.prev`;

/**
 * Copies the data file, then the journal being taken in (if any), then the
 * journal, into a new directory; returns the copy's data file. Synchronous:
 * none of the store's code runs in between, and a rewrite of the data file
 * landing meanwhile leaves either version, each consistent with the journals after it.
 */
export function crashCopy(file: string): string {
  const copy = join(mkdtempSync(join(tmpdir(), 'trellis-crash-')), basename(file));
  for (const f of [file, previousJournalOf(file), journalFileFor(file)]) if (existsSync(f)) copyFileSync(f, join(copy, '..', basename(f)));
  return copy;
}
