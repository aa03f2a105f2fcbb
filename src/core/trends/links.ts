// Signed links that expire: the dashboard and CSV export are reached without
// logging in, so the link itself is the permission.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type LinkPurpose = 'dashboard' | 'export';
export const LINK_HOURS = 24;

interface Payload {
  p: string;
  u: LinkPurpose;
  exp: number;
}

const mac = (secret: string, body: string) => createHmac('sha256', secret).update(`trellis-link\u0000${body}`).digest('base64url');

export function signLink(secret: string, partnershipId: string, purpose: LinkPurpose, now: Date): string {
  const body = Buffer.from(JSON.stringify({ p: partnershipId, u: purpose, exp: now.getTime() + LINK_HOURS * 3_600_000 } satisfies Payload)).toString('base64url');
  return `${body}.${mac(secret, body)}`;
}

export type Verified = { ok: true; partnershipId: string; expires: Date } | { ok: false; status: 403 | 410; message: string };

export function verifyLink(secret: string, token: string, purpose: LinkPurpose, now: Date): Verified {
  const forged: Verified = { ok: false, status: 403, message: 'This link is not valid. Ask Trellis for a new one (`dashboard` or `export`).' };
  const [body, sig] = token.split('.');
  if (!body || !sig || token.length > 1000) return forged;
  const expected = Buffer.from(mac(secret, body));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return forged;
  let payload: Payload;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Payload;
  } catch {
    return forged;
  }
  if (payload.u !== purpose || typeof payload.p !== 'string' || typeof payload.exp !== 'number') return forged;
  if (now.getTime() > payload.exp) return { ok: false, status: 410, message: `This link expired on ${new Date(payload.exp).toUTCString()}. Ask Trellis for a new one.` };
  return { ok: true, partnershipId: payload.p, expires: new Date(payload.exp) };
}
