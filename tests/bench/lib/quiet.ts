// Waits until the given processes are (nearly) idle, so that one server's
// leftover work from its last burst never lands in another's measurement.
// Linux only (/proc); elsewhere it waits a fixed moment.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU time the process has used (user + system), in ms; undefined off Linux. */
export const cpuMs = (pid: number): number | undefined => {
  const ticks = cpuTicks(pid);
  return ticks === undefined ? undefined : (ticks * 1000) / TICKS_PER_SECOND;
};

function cpuTicks(pid: number): number | undefined {
  try {
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

/** Resolves once all `pids` together used under `busyShare` of one core over a 250 ms window (at most `maxMs`); returns the ms waited. */
export async function untilQuiet(pids: number[], { busyShare = 0.1, windowMs = 250, maxMs = 10_000 } = {}): Promise<number> {
  const started = Date.now();
  const total = () => pids.map(cpuTicks).reduce<number | undefined>((a, b) => (a === undefined || b === undefined ? undefined : a + b), 0);
  for (;;) {
    const before = total();
    if (before === undefined) {
      await sleep(1000);
      return Date.now() - started;
    }
    await sleep(windowMs);
    const after = total() ?? before;
    const share = (after - before) / TICKS_PER_SECOND / (windowMs / 1000);
    if (share < busyShare || Date.now() - started > maxMs) return Date.now() - started;
  }
}
