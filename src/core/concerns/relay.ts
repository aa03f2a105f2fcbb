// The only way from a concern back to the person who raised it: sealed with
// AES-256-GCM under a key derived from TRELLIS_SECRET. The data file alone
// opens nothing; a tampered relay opens nothing either.
import { randomInt } from 'node:crypto';
import type { Platform } from '../model.js';
import { seal, unseal } from '../seal.js';

export interface Reporter {
  platform: Platform;
  userId: string;
  memberId: string;
}

export const sealRelay = (secret: string, reporter: Reporter): string => seal(secret, 'concern-relay', reporter);
export const openRelay = (secret: string, relay: string): Reporter | undefined => unseal<Reporter>(secret, 'concern-relay', relay);

const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
/** Random, so two concerns from one person look unrelated. */
export const newPseudonym = () => `C-${Array.from({ length: 4 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('')}`;
