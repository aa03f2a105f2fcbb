// What the core says about failures it does not hand back to the caller: a
// send in a fan-out, a follow-up after the reply. The server passes its own
// logger (src/log.ts), tests a capturing one. Never a name, a person's id, any
// text or an email: what failed, its kind and the partnership, no more.
export interface Logger {
  warn(msg: string, meta?: Record<string, unknown>): void;
  error(msg: string, meta?: Record<string, unknown>): void;
}

/** For a core started without one (tests, benchmarks): failures still show. */
export const consoleLogger: Logger = {
  warn: (msg, meta) => console.warn(msg, meta ?? {}),
  error: (msg, meta) => console.error(msg, meta ?? {}),
};

/** What kind of error, not its message: a message may quote a person, their id or their text. */
export function errorKind(err: unknown): { error: string; code?: string } {
  const error = err instanceof Error ? err.name : typeof err;
  const code = (err as { code?: unknown } | undefined)?.code;
  const safe = (typeof code === 'string' || typeof code === 'number') && /^[A-Za-z0-9_.-]{1,40}$/.test(String(code));
  return { error, ...(safe ? { code: String(code) } : {}) };
}
