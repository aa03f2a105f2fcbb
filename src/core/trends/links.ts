// Links that expire: the dashboard and CSV export are reached without logging
// in, so the link itself is the permission — but only while its holder may
// use it. A link names its holder, so every use checks that they are still a
// coordinator; it carries the partnership's link generation, so `dashboard
// revoke` ends every link issued before. Who holds it is sealed (AES-GCM under
// TRELLIS_SECRET): someone who sees a link learns nothing from it.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { seal, unseal } from '../seal.js';

export type LinkPurpose = 'dashboard' | 'export' | 'my-data';
export const LINK_HOURS = 24;
/** A person's own data is theirs alone: its link lasts an hour, long enough to download it. */
export const MY_DATA_LINK_HOURS = 1;
const HOURS: Record<LinkPurpose, number> = { dashboard: LINK_HOURS, export: LINK_HOURS, 'my-data': MY_DATA_LINK_HOURS };

/** Who a link was issued to, and under which generation of the partnership's links. */
export interface LinkHolder {
  partnershipId: string;
  memberId: string;
  generation: number;
}

interface Payload {
  p: string;
  m: string;
  g: number;
  u: LinkPurpose;
  exp: number;
}

const SEALED_AS = 'link';
// The signature is checked, in constant time, before anything is unsealed; the seal keeps the holder unreadable.
const mac = (secret: string, body: string) => createHmac('sha256', secret).update(`trellis-link\u0000${body}`).digest('base64url');

export function signLink(secret: string, holder: LinkHolder, purpose: LinkPurpose, now: Date): string {
  const payload: Payload = { p: holder.partnershipId, m: holder.memberId, g: holder.generation, u: purpose, exp: now.getTime() + HOURS[purpose] * 3_600_000 };
  const body = Buffer.from(seal(secret, SEALED_AS, payload), 'base64').toString('base64url');
  return `${body}.${mac(secret, body)}`;
}

export type Verified = ({ ok: true; issued: Date; expires: Date } & LinkHolder) | { ok: false; status: 403 | 410; message: string };

const FORGED_LINK = 'This link is not valid. Ask Trellis for a new one (`dashboard` or `export`).';

/** Checks the link itself (signature, purpose, expiry); whether its holder may still use it is the caller's check. */
export function verifyLink(secret: string, token: string, purpose: LinkPurpose, now: Date): Verified {
  const forged: Verified = { ok: false, status: 403, message: FORGED_LINK };
  const [body, sig, extra] = token.split('.');
  if (!body || !sig || extra !== undefined || token.length > 1000) return forged;
  const expected = Buffer.from(mac(secret, body));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return forged;
  const payload = unseal<Payload>(secret, SEALED_AS, Buffer.from(body, 'base64url').toString('base64'));
  if (
    !payload ||
    payload.u !== purpose ||
    typeof payload.p !== 'string' ||
    typeof payload.m !== 'string' ||
    typeof payload.g !== 'number' ||
    typeof payload.exp !== 'number'
  )
    return forged;
  if (now.getTime() > payload.exp)
    return { ok: false, status: 410, message: `This link expired on ${new Date(payload.exp).toUTCString()}. Ask Trellis for a new one.` };
  return {
    ok: true,
    partnershipId: payload.p,
    memberId: payload.m,
    generation: payload.g,
    issued: new Date(payload.exp - HOURS[purpose] * 3_600_000),
    expires: new Date(payload.exp),
  };
}
