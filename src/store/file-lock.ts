// One process per data file: two writers would each rewrite the whole file
// and silently drop the other's changes.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { TrellisError } from '../core/errors.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

export function lockFile(file: string): () => void {
  const lock = `${file}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return () => rmSync(lock, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(lock, 'utf8'));
      if (Number.isInteger(holder) && holder !== process.pid && alive(holder)) {
        throw new TrellisError(
          'STORE_CORRUPT',
          `The data file ${file} is in use by another Trellis process (pid ${holder}). Stop it first, or set TRELLIS_DATA to another file.`,
        );
      }
      rmSync(lock, { force: true }); // left by a process that has gone
    }
  }
  throw new TrellisError('STORE_CORRUPT', `Could not lock ${file} (${lock}).`);
}
