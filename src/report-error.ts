// The one path unexpected failures take: a coded log line with no payload,
// so no token, answer or identity can ride along.
import { asTrellisError } from './core/errors.js';
import type { Logger } from './log.js';

export function reportError(log: Logger, where: string, err: unknown): void {
  const e = asTrellisError(err);
  log.error(`${where} failed`, { code: e.code, error: e.message });
}

/** What a person is told when something unexpected goes wrong. */
export const SORRY = 'Sorry — something went wrong on our side and nothing was changed. Please try again in a moment.';
