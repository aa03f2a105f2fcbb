// The only way from a concern back to the person who raised it: sealed with
// AES-256-GCM under a key derived from TRELLIS_SECRET. The data file alone
// opens nothing; a tampered relay opens nothing either.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, randomInt } from 'node:crypto';
import type { Platform } from '../model.js';

export interface Reporter {
  platform: Platform;
  userId: string;
  memberId: string;
}

const keyFrom = (secret: string) => Buffer.from(hkdfSync('sha256', secret, 'trellis', 'concern-relay', 32));

export function sealRelay(secret: string, reporter: Reporter): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFrom(secret), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(reporter), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

export function openRelay(secret: string, relay: string): Reporter | undefined {
  try {
    const raw = Buffer.from(relay, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', keyFrom(secret), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    return JSON.parse(text) as Reporter;
  } catch {
    return undefined;
  }
}

const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
/** Random, so two concerns from one person look unrelated. */
export const newPseudonym = () => `C-${Array.from({ length: 4 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('')}`;
