// Who an email member is. Their user id is a keyed hash of their normalised
// address under TRELLIS_SECRET: the same address always gives the same person
// (so adding someone twice adds them once), and nobody holding the data file
// or the database can tell from it whose address it was — nor test a guess —
// without the secret. The address itself is kept only sealed on the member,
// opened by the email messenger to send to it.
import { createHmac } from 'node:crypto';
import { seal, unseal } from './seal.js';

/** An email person's workspace: there is one, the whole of email. */
export const EMAIL_WORKSPACE = 'email';
const SEALED_AS = 'email-contact';

// A plain, conservative check (RFC 5321's shape, no quoted or bracketed forms):
// a coordinator types these, and a clear refusal beats a bounce.
const ADDRESS = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/**
 * The address as one person: trimmed, any <angle brackets>, `mailto:` or Slack's
 * `<mailto:a@b|a@b>` dropped, lower-cased. Undefined when it is not an address.
 */
export function normaliseAddress(raw: string): string | undefined {
  const s = raw
    .trim()
    .replace(/^<(.*)>$/, '$1')
    .replace(/\|.*$/, '')
    .replace(/^mailto:/i, '');
  if (s.length > 254 || !ADDRESS.test(s)) return undefined;
  const at = s.lastIndexOf('@');
  const local = s.slice(0, at);
  if (local.length > 64 || local.startsWith('.') || local.endsWith('.') || local.includes('..')) return undefined;
  // The local part is case-sensitive by the standard but not in practice: one person should not become two by a capital.
  return `${local.toLowerCase()}@${s.slice(at + 1).toLowerCase()}`;
}

export const emailUserId = (secret: string, normalised: string): string =>
  `e-${createHmac('sha256', secret).update(`email-person\u0000${normalised}`).digest('base64url').slice(0, 32)}`;

export const sealContact = (secret: string, normalised: string): string => seal(secret, SEALED_AS, normalised);

export const openContact = (secret: string, sealed: string): string | undefined => {
  const v = unseal<unknown>(secret, SEALED_AS, sealed);
  return typeof v === 'string' ? v : undefined;
};

/** A name to show for someone added by address, from its local part only ("jo.smith" → "Jo Smith"): the address is never shown. */
export function nameFromAddress(normalised: string): string {
  const local = normalised.slice(0, normalised.indexOf('@')).replace(/\+.*$/, '');
  const words = local
    .split(/[._-]+/)
    .filter((w) => /^[a-z]/.test(w))
    .map((w) => w[0]!.toUpperCase() + w.slice(1));
  return words.length ? words.join(' ').slice(0, 60) : 'Email member';
}
