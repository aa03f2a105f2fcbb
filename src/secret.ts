// TRELLIS_SECRET keys everything that protects anonymity. In playground mode
// one is made on first start and kept beside (never inside) the data file.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Config } from './config.js';
import { TrellisError } from './core/errors.js';
import type { Logger } from './log.js';

export const secretFileFor = (dataFile: string) => join(dirname(dataFile), 'trellis.secret');

/** TRELLIS_SECRET, or the one kept beside the data file; undefined if there is neither. */
export function existingSecret(config: Pick<Config, 'secret' | 'dataFile'>): string | undefined {
  if (config.secret) return config.secret;
  const file = secretFileFor(config.dataFile);
  try {
    const secret = readFileSync(file, 'utf8').trim();
    if (Buffer.byteLength(secret) < 32)
      throw new TrellisError('CONFIG_INVALID', `The secret in ${file} is shorter than 32 bytes. Restore it from a backup, or set TRELLIS_SECRET.`);
    return secret;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    return undefined;
  }
}

export function resolveSecret(config: Config, log: Logger): string {
  const existing = existingSecret(config);
  if (existing) return existing;
  const file = secretFileFor(config.dataFile);
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  log.warn(
    `Generated TRELLIS_SECRET for the playground and kept it in ${file}. Back it up with the data file. To connect Slack or Teams to this data later, carry it over: set TRELLIS_SECRET to this file's contents (a new secret could not read the data).`,
  );
  return secret;
}
