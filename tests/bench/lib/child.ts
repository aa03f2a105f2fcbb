// Child processes for the benchmarks: each server, store or memory
// measurement runs in its own Node process (forked through tsx, with an IPC
// channel), so one benchmark's heap, event loop and RSS never colour another's.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Idle keep-alive for the servers under test: longer than the time between
 * two bursts to the same server, so every burst reuses its connections rather
 * than finding some closed (Node's default is 5 s).
 */
export const KEEP_ALIVE_MS = 30_000;

export interface ChildMessage {
  type: string;
  [k: string]: unknown;
}

export class Child {
  private readonly inbox: ChildMessage[] = [];
  private readonly waiters: { type: string; resolve: (m: ChildMessage) => void; reject: (e: Error) => void }[] = [];
  readonly exited: Promise<number | null>;
  private exitCode: number | null | undefined;

  constructor(
    readonly name: string,
    readonly proc: ChildProcess,
  ) {
    proc.on('message', (raw) => {
      const m = raw as ChildMessage;
      if (m.type === 'error') {
        const err = new Error(`${name}: ${String(m.message)}`);
        for (const w of this.waiters.splice(0)) w.reject(err);
        return;
      }
      const at = this.waiters.findIndex((w) => w.type === m.type);
      if (at >= 0) this.waiters.splice(at, 1)[0]!.resolve(m);
      else this.inbox.push(m);
    });
    this.exited = new Promise((resolve) => {
      proc.on('exit', (code) => {
        this.exitCode = code;
        for (const w of this.waiters.splice(0)) w.reject(new Error(`${name} exited (code ${code}) before sending "${w.type}"`));
        resolve(code);
      });
    });
  }

  /** The next message of this type (one already received, or the next to arrive). */
  next<T extends ChildMessage = ChildMessage>(type: string, timeoutMs = 15 * 60_000): Promise<T> {
    const at = this.inbox.findIndex((m) => m.type === type);
    if (at >= 0) return Promise.resolve(this.inbox.splice(at, 1)[0] as T);
    if (this.exitCode !== undefined) return Promise.reject(new Error(`${this.name} has exited (code ${this.exitCode})`));
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}: no "${type}" within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        type,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
    });
  }

  send(message: ChildMessage): void {
    this.proc.send(message);
  }

  /** Sends a request and waits for the reply of type `${type}:done`. */
  async ask<T extends ChildMessage = ChildMessage>(message: ChildMessage, timeoutMs?: number): Promise<T> {
    const reply = this.next<T>(`${message.type}:done`, timeoutMs);
    this.send(message);
    return reply;
  }

  /** Asks the child to stop, and kills it (this child only) if it has not within `graceMs`. */
  async stop(graceMs = 20_000): Promise<void> {
    if (this.exitCode !== undefined) return;
    try {
      this.send({ type: 'stop' });
    } catch {
      // IPC already closed
    }
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Forks `script` (a path relative to tests/bench/) under tsx, with `input` as JSON in argv. */
export function spawnChild(script: string, input: unknown, options: { heapMb?: number; exposeGc?: boolean; name?: string } = {}): Child {
  const path = fileURLToPath(new URL(`../${script}`, import.meta.url));
  const execArgv = [
    '--import',
    'tsx',
    ...(options.heapMb ? [`--max-old-space-size=${options.heapMb}`] : []),
    ...(options.exposeGc ? ['--expose-gc'] : []),
    ...profiling(options.name ?? script),
  ];
  const proc = fork(path, [JSON.stringify(input)], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Child(options.name ?? script, proc);
}

/** BENCH_PROFILE=<regex of child names> (e.g. '^Trellis$'): those children write a V8 CPU profile to /tmp/trellis-bench-profiles/<name>/ (adds overhead: not for the figures). */
function profiling(name: string): string[] {
  const pattern = process.env.BENCH_PROFILE;
  if (!pattern || !new RegExp(pattern).test(name)) return [];
  return ['--cpu-prof', `--cpu-prof-dir=/tmp/trellis-bench-profiles/${name.replace(/\W+/g, '-')}`];
}

/** Runs a one-shot child to completion and returns its "result" message. */
export async function runChild<T extends ChildMessage = ChildMessage>(
  script: string,
  input: unknown,
  options: { heapMb?: number; exposeGc?: boolean; name?: string; timeoutMs?: number } = {},
): Promise<T> {
  const child = spawnChild(script, input, options);
  try {
    return await child.next<T>('result', options.timeoutMs);
  } finally {
    await child.stop();
  }
}

// ---- the child's side ----

/** In a child: the JSON input given by spawnChild. */
export const childInput = <T>(): T => JSON.parse(process.argv[2] ?? '{}') as T;

export function toParent(message: ChildMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send) return reject(new Error('not a benchmark child (no IPC channel)'));
    process.send(message, (err: Error | null) => (err ? reject(err) : resolve()));
  });
}

/**
 * In a child: answers requests from the parent with `handlers[type]` (reply
 * `${type}:done`); "stop" runs `onStop` and exits. Any failure is reported to
 * the parent as an error message, then the child exits non-zero.
 */
export function serveParent(
  handlers: Record<string, (m: ChildMessage) => Promise<Record<string, unknown>>>,
  onStop: () => Promise<void> = async () => {},
): void {
  process.on('message', (raw) => {
    const m = raw as ChildMessage;
    if (m.type === 'stop') {
      void onStop()
        .catch(() => undefined)
        .finally(() => process.exit(0));
      return;
    }
    const handler = handlers[m.type];
    if (!handler) return void failChild(new Error(`unknown request ${m.type}`));
    handler(m).then(
      (reply) => toParent({ ...reply, type: `${m.type}:done` }),
      (err: unknown) => failChild(err),
    );
  });
  // The parent went away: do not linger.
  process.on('disconnect', () => void onStop().finally(() => process.exit(0)));
}

export function failChild(err: unknown): void {
  const message = err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err);
  process.stderr.write(`benchmark child failed: ${message}\n`);
  void toParent({ type: 'error', message: err instanceof Error ? err.message : String(err) })
    .catch(() => undefined)
    .finally(() => process.exit(1));
}

/** In a one-shot child: runs `work`, sends its result, exits. */
export function runAsChild(work: () => Promise<Record<string, unknown>>): void {
  work().then(
    async (result) => {
      await toParent({ ...result, type: 'result' });
      process.exit(0);
    },
    (err: unknown) => failChild(err),
  );
}
