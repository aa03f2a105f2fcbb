// The personal links' own checks: a link opens only as signed, only until it
// expires, and says nothing to whoever sees it.
import { describe, expect, it } from 'vitest';
import { checkFormToken, formToken, signWebLink, verifyWebLink, type WebLink } from '../../src/web/link-token.js';

const SECRET = 'link-secret-0123456789abcdef0123456789abcdef';
const NOW = new Date('2026-11-23T09:00:00Z');
const link: WebLink = {
  person: { platform: 'email', workspace: 'email', userId: 'e-abc123' },
  target: { actionId: 'survey-open', value: 'round-1', opensForm: true, label: 'Answer' },
  expires: new Date('2026-11-28T09:00:00Z'),
};

describe('personal web links', () => {
  it('opens as signed, until it expires, and reveals nothing of what it holds', () => {
    const token = signWebLink(SECRET, link);
    expect(verifyWebLink(SECRET, token, NOW)).toEqual({ ok: true, link });
    for (const word of ['e-abc123', 'survey-open', 'round-1', 'email', 'Answer'])
      expect(Buffer.from(token.split('.')[0]!, 'base64url').toString('latin1')).not.toContain(word);
    expect(verifyWebLink(SECRET, token, new Date('2026-11-28T09:00:00Z'))).toMatchObject({ ok: false, status: 410 });
  });

  it('refuses a forged, altered, truncated or foreign link with 403', () => {
    const token = signWebLink(SECRET, link);
    const [body, sig] = token.split('.') as [string, string];
    const flipped = `${body.slice(0, 10)}${body[10] === 'A' ? 'B' : 'A'}${body.slice(11)}`;
    for (const bad of [
      `${flipped}.${sig}`,
      `${body}.${sig.slice(0, -2)}`,
      body,
      `${body}.${sig}.x`,
      signWebLink('another-secret-0123456789abcdef0123456789', link),
      '',
      'x'.repeat(5000),
    ])
      expect(verifyWebLink(SECRET, bad, NOW)).toMatchObject({ ok: false, status: 403 });
  });

  it('binds a form token to its link, its nonce and what it submits', () => {
    const token = signWebLink(SECRET, link);
    const other = signWebLink(SECRET, { ...link, target: { ...link.target, value: 'round-2' } });
    const t = formToken(SECRET, token, 'nonce-1', 'submits-a');
    expect(checkFormToken(SECRET, token, 'nonce-1', 'submits-a', t)).toBe(true);
    expect(checkFormToken(SECRET, other, 'nonce-1', 'submits-a', t)).toBe(false);
    expect(checkFormToken(SECRET, token, 'nonce-2', 'submits-a', t)).toBe(false);
    expect(checkFormToken(SECRET, token, 'nonce-1', 'submits-b', t)).toBe(false);
    expect(checkFormToken(SECRET, token, 'nonce-1', 'submits-a', '')).toBe(false);
  });
});
