// The only way from a concern back to the person who raised it: sealed with
// AES-256-GCM under a key derived from TRELLIS_SECRET. The data file alone
// opens nothing; a tampered relay opens nothing either.
import { randomInt } from 'node:crypto';
import type { Person } from '../model.js';
import { seal, unseal } from '../seal.js';

/** The membership is what counts (relays sealed before workspaces hold no `workspace`). */
export interface Reporter extends Omit<Person, 'workspace'> {
  workspace?: string;
  memberId: string;
}

export const sealRelay = (secret: string, reporter: Reporter): string => seal(secret, 'concern-relay', reporter);
export const openRelay = (secret: string, relay: string): Reporter | undefined => unseal<Reporter>(secret, 'concern-relay', relay);

const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
/** Random, so two concerns from one person look unrelated. */
export const newPseudonym = () => `C-${Array.from({ length: 4 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('')}`;
