// One process per data file: two writers would each rewrite the whole file
// and silently drop the other's changes. The lock holds the pid and when that
// process started, so that a pid reused by another program after Trellis was
// killed is told apart from a Trellis still running.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { TrellisError } from '../core/errors.js';

interface Holder {
  pid: number;
  /** The kernel's start time of the process (Linux); absent in locks from before it was kept. */
  started?: string;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const procFile = (pid: number, name: string) => {
  try {
    return readFileSync(`/proc/${pid}/${name}`, 'utf8');
  } catch {
    return undefined;
  }
};

/** When `pid` started, in clock ticks since boot (field 22 of /proc/<pid>/stat); undefined where there is no /proc. */
function startedAt(pid: number): string | undefined {
  const stat = procFile(pid, 'stat');
  // The command name (field 2) may hold spaces and parentheses: count from after its closing one.
  return stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

function holderOf(text: string): Holder | undefined {
  try {
    const h = JSON.parse(text) as Partial<Holder>;
    if (Number.isInteger(h.pid) && h.pid! > 0) return { pid: h.pid!, ...(typeof h.started === 'string' ? { started: h.started } : {}) };
  } catch {
    // an older lock: the pid alone
  }
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? { pid } : undefined;
}

/** Why the lock no longer stands, or undefined when its Trellis is still running. */
function staleBecause(holder: Holder | undefined): string | undefined {
  if (!holder) return 'it names no process (Trellis was stopped while taking it)';
  const { pid } = holder;
  if (pid === process.pid) return `it was left by an earlier Trellis that had this same process id ${pid} (a restarted container)`;
  if (!alive(pid)) return `it was left by Trellis process ${pid}, which is no longer running (it was killed, crashed or lost power)`;
  const now = startedAt(pid);
  const program = procFile(pid, 'comm')?.trim();
  const other = `it was left by a Trellis process ${pid} that is no longer running: that process id now belongs to another program${program ? ` (${program})` : ''}`;
  if (holder.started !== undefined && now !== undefined && now !== holder.started) return other;
  // An older lock, without a start time: only a program that is not Node can be told apart.
  if (holder.started === undefined && program !== undefined && !/^(node|nodejs|MainThread)$/.test(program)) return other;
  return undefined;
}

/**
 * Takes `${file}.lock`, or throws naming whoever holds it. A lock whose holder
 * is gone is removed, and `notice` says why. The lock is released by the
 * function returned, or at the latest when the process exits.
 */
export function lockFile(file: string, notice: (message: string) => void = () => undefined): () => void {
  const lock = `${file}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, JSON.stringify({ pid: process.pid, started: startedAt(process.pid) }), { flag: 'wx', mode: 0o600 });
      let held = true;
      const release = () => {
        if (!held) return;
        held = false;
        process.off('exit', release);
        rmSync(lock, { force: true });
      };
      // A crash still exits: the next start then finds no lock to explain.
      process.on('exit', release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let text = '';
      try {
        text = readFileSync(lock, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue; // released meanwhile
        throw e;
      }
      const holder = holderOf(text);
      const why = staleBecause(holder);
      if (!why) {
        throw new TrellisError(
          'STORE_CORRUPT',
          `The data file ${file} is in use by another Trellis process (pid ${holder!.pid}, which holds ${lock}). Stop that process first, or set TRELLIS_DATA to another file. ` +
            `If no Trellis is running on this file (process ${holder!.pid} is some other program), delete ${lock} and start again.`,
        );
      }
      rmSync(lock, { force: true });
      notice(`Removed the lock ${lock}: ${why}. Trellis takes the data file and its journal in as usual.`);
    }
  }
  throw new TrellisError('STORE_CORRUPT', `Could not lock ${file} (${lock}).`);
}
