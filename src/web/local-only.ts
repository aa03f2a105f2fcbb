// Local-only modes (the playground, TEAMS_ALLOW_UNAUTHENTICATED=true) let
// whoever reaches them act as anyone, so they stay on this machine: they
// listen on loopback, answer only requests addressed to a loopback name (a web
// page elsewhere that rebinds its DNS name to 127.0.0.1 still sends its own
// name as Host), and send nothing anywhere but loopback.
import type { RequestHandler } from 'express';

/** Where a local-only server listens. */
export const LOOPBACK_ADDRESS = '127.0.0.1';
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];
const LOOPBACK_HOST = /^(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/i;

export const NOT_LOCAL_HOST =
  'This Trellis runs in a local-only mode (the playground, or TEAMS_ALLOW_UNAUTHENTICATED=true) and answers only requests addressed to localhost, 127.0.0.1 or [::1]. Open it as http://localhost:<port>/ on the machine it runs on.';

/** A URL that stays on this machine: http(s) to a loopback name. */
export function isLoopbackUrl(url: unknown): boolean {
  if (typeof url !== 'string') return false;
  try {
    const u = new URL(url);
    return (u.protocol === 'http:' || u.protocol === 'https:') && LOOPBACK_NAMES.includes(u.hostname);
  } catch {
    return false;
  }
}

/** Refuses, with 403 and a message, every request whose Host header is not a loopback name (with any port). */
export const loopbackHostsOnly = (): RequestHandler => (req, res, next) => {
  if (LOOPBACK_HOST.test(req.headers.host ?? '')) return next();
  res.status(403).set('Cache-Control', 'no-store').type('text/plain; charset=utf-8').send(`${NOT_LOCAL_HOST}\n`);
};
