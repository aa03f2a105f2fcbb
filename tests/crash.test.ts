// A Trellis data file killed (SIGKILL) at random moments while it is being
// written to, over and over: after every restart, every answer that was
// acknowledged before a kill is there. The process is the real store in a small
// program (tests/helpers/crash-writer.ts, bundled once so that each start is
// quick): a whole server takes a second to start, and this needs a hundred kills.
// The moments are drawn from a seeded generator; a failure prints CRASH_SEED to
// run the same kills again.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_SECRET } from './helpers/start-trellis.js';
import { seededRandom } from './helpers/seeded-random.js';

const KILLS_UNDER_LOAD = 100;

let work: string;
let writer: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'trellis-crash-test-'));
  writer = join(work, 'crash-writer.mjs');
  await build({
    entryPoints: ['tests/helpers/crash-writer.ts'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: writer,
    logLevel: 'error',
  });
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

interface Run {
  /** Resolves with what the store held on opening, once it says so. */
  held: Promise<Record<string, number>>;
  exited: Promise<number | null>;
  kill(): void;
  stderr(): string;
}

function startWriter(file: string, firstValue: number, acked: Map<string, number>): Run {
  const child = spawn(process.execPath, [writer, file, String(firstValue)], { env: { TRELLIS_SECRET: TEST_SECRET }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let buffered = '';
  let onHeld: (held: Record<string, number>) => void = () => undefined;
  const held = new Promise<Record<string, number>>((resolve) => (onHeld = resolve));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => {
    const lines = (buffered + d.toString()).split('\n');
    buffered = lines.pop()!;
    for (const line of lines) {
      const [what, a = '', b = ''] = line.split(' ');
      if (what === 'held') onHeld(JSON.parse(a) as Record<string, number>);
      else if (what === 'ack') acked.set(a, Math.max(acked.get(a) ?? 0, Number(b)));
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { held, exited, kill: () => child.kill('SIGKILL'), stderr: () => stderr };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('crash', () => {
  it(`kills a store under write load at ${KILLS_UNDER_LOAD}+ random moments; every acknowledged answer is there after each restart`, async () => {
    const seed = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
    const random = seededRandom(seed);
    const file = join(work, 'trellis.json');
    /** The last value acknowledged for each answer key. */
    const acked = new Map<string, number>();
    let underLoad = 0;
    let duringStart = 0;
    let checked = 0;
    try {
      for (let run = 1; underLoad < KILLS_UNDER_LOAD + 1; run++) {
        const writing = startWriter(file, run * 1_000_000, acked);
        const ackedBefore = new Map(acked);
        // One kill in five lands while the store is opening (replaying, setting aside, compacting).
        const early = random() < 0.2 && underLoad < KILLS_UNDER_LOAD;
        const opened = await Promise.race([writing.held, early ? sleep(random() * 150).then(() => undefined) : writing.exited.then(() => undefined)]);
        if (opened) {
          for (const [key, value] of ackedBefore) {
            expect(opened[key] ?? 0, `answer ${key.slice(-4)} acknowledged as ${value} before the kill (restart ${run})`).toBeGreaterThanOrEqual(value);
          }
          checked++;
        } else if (!early) {
          throw new Error(`The store did not open after a kill (restart ${run}): ${writing.stderr()}`);
        }
        if (underLoad === KILLS_UNDER_LOAD) {
          writing.kill();
          await writing.exited;
          break; // the last start was only to check
        }
        if (opened) await sleep(random() * 40); // under load: commits, rewrites beside them, rotations
        writing.kill();
        const code = await writing.exited;
        if (code !== null) throw new Error(`The store stopped by itself (exit ${code}, restart ${run}): ${writing.stderr()}`);
        if (opened) underLoad++;
        else duringStart++;
      }
      expect(underLoad).toBeGreaterThanOrEqual(KILLS_UNDER_LOAD);
      expect(checked).toBeGreaterThan(KILLS_UNDER_LOAD);
      expect([...acked.keys()].length).toBeGreaterThan(0);
      // Only what Trellis itself keeps is beside the data file: the journal, and any torn tails it set aside.
      const names = (await readdir(work)).filter((n) => n.startsWith('trellis.json'));
      for (const n of names) expect(n).toMatch(/^trellis\.json(\.journal(\.prev)?(\.torn-[\dTZ-]+)?|\.lock|\.journal\.prev)?$/);
      console.info(`crash test: ${underLoad} kills under load, ${duringStart} while opening, ${checked} restarts checked (CRASH_SEED=${seed})`);
    } catch (err) {
      throw new Error(`${(err as Error).message}\nRun again with CRASH_SEED=${seed}`, { cause: err });
    }
  }, 180_000);
});
