// `npm start` as a person runs it: the real process (src/main.ts), a real
// port, a real data directory, its output captured.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

export interface TrellisProcess {
  child: ChildProcess;
  /** The exit code (null when ended by a signal it did not handle). */
  exited: Promise<number | null>;
  /** stdout and stderr so far, interleaved. */
  output(): string;
}

export function startProcess(env: Record<string, string>): TrellisProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

/** /healthz's answer, or undefined while nothing answers. */
export const health = (port: number) =>
  fetch(`http://127.0.0.1:${port}/healthz`)
    .then((r) => r.json() as Promise<{ status: string; adapters: string[]; store: string; problems?: { adapter: string; reason: string }[] }>)
    .catch(() => undefined);

/** A stack trace's frame lines: what an operator must never be shown for a refused start. */
export const STACK_FRAME = /^\s+at .+[:(]/m;
