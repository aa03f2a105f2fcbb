// Personal web links for people on neither platform: an email carries one per
// button, and the link is the permission — to act as that one person, for that
// one button, until it expires. Like the dashboard's links (core/trends/links.ts)
// the payload is sealed (someone who sees a link learns nothing from it, not even
// whose it is) and signed, the signature checked in constant time first.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Platform } from '../core/model.js';
import { seal, unseal } from '../core/seal.js';

/** Who a link acts as. */
export interface LinkPerson {
  platform: Platform;
  workspace: string;
  userId: string;
}

/** What the link does: the button it stands for. */
export interface LinkTarget {
  actionId: string;
  value: string;
  /** The core opens a private form for it without changing anything: a GET may show it. */
  opensForm: boolean;
  label: string;
}

export interface WebLink {
  person: LinkPerson;
  target: LinkTarget;
  expires: Date;
}

/** How long a link lasts when its button says nothing sooner (a check-in's link ends when its round closes). */
export const LINK_DAYS = 14;
/** A token longer than any Trellis makes is refused before any work. */
export const MAX_TOKEN_LENGTH = 4000;

interface Payload {
  u: 'web';
  p: Platform;
  w: string;
  i: string;
  a: string;
  v: string;
  f: 0 | 1;
  l: string;
  exp: number;
}

const SEALED_AS = 'web-link';
const mac = (secret: string, what: string, body: string) => createHmac('sha256', secret).update(`trellis-${what}\u0000${body}`).digest('base64url');
const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export function signWebLink(secret: string, link: WebLink): string {
  const { person, target } = link;
  const payload: Payload = {
    u: 'web',
    p: person.platform,
    w: person.workspace,
    i: person.userId,
    a: target.actionId,
    v: target.value,
    f: target.opensForm ? 1 : 0,
    l: target.label,
    exp: link.expires.getTime(),
  };
  const body = Buffer.from(seal(secret, SEALED_AS, payload), 'base64').toString('base64url');
  return `${body}.${mac(secret, 'web-link', body)}`;
}

export type Checked = { ok: true; link: WebLink } | { ok: false; status: 403 | 410; message: string };

export const FORGED =
  'This link is not valid: it may have been cut short when it was copied. Open the whole link from your email, or ask your coordinator to send you a new invitation.';

/** The link's own checks: signature, shape, expiry. What it may do is the core's check, as for any click. */
export function verifyWebLink(secret: string, token: string, now: Date): Checked {
  const forged = { ok: false, status: 403, message: FORGED } as const;
  const [body, sig, extra] = token.split('.');
  if (!body || !sig || extra !== undefined || token.length > MAX_TOKEN_LENGTH) return forged;
  if (!same(mac(secret, 'web-link', body), sig)) return forged;
  const p = unseal<Payload>(secret, SEALED_AS, Buffer.from(body, 'base64url').toString('base64'));
  if (p?.u !== 'web' || ![p.p, p.w, p.i, p.a, p.v, p.l].every((s) => typeof s === 'string') || (p.f !== 0 && p.f !== 1) || typeof p.exp !== 'number')
    return forged;
  if (now.getTime() >= p.exp)
    return {
      ok: false,
      status: 410,
      message: `This link expired on ${new Date(p.exp).toUTCString()}. Trellis emails you a new link whenever there is something for you to do.`,
    };
  return {
    ok: true,
    link: {
      person: { platform: p.p, workspace: p.w, userId: p.i },
      target: { actionId: p.a, value: p.v, opensForm: p.f === 1, label: p.l },
      expires: new Date(p.exp),
    },
  };
}

/**
 * The per-form token: a form shown behind a link carries a fresh nonce and this
 * MAC over (link, nonce, what the form submits), so a POST is accepted only from
 * a form Trellis rendered for this link (no cross-site request can make one),
 * only for the action and context it was rendered with, and — the nonce being
 * claimed on use — only once.
 */
export function formToken(secret: string, linkToken: string, nonce: string, submits: string): string {
  return mac(secret, 'web-form', `${linkToken}\u0000${nonce}\u0000${submits}`);
}

export function checkFormToken(secret: string, linkToken: string, nonce: string, submits: string, given: string): boolean {
  return same(formToken(secret, linkToken, nonce, submits), given);
}
