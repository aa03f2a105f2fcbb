// An email person is a keyed hash of their normalised address: one address is
// one person, and the hash says nothing without the secret.
import { describe, expect, it } from 'vitest';
import { emailUserId, nameFromAddress, normaliseAddress, openContact, sealContact } from '../../src/core/email-identity.js';

const SECRET = 'identity-secret-0123456789abcdef0123456789ab';

describe('email identity', () => {
  it('normalises what a coordinator types, and refuses what is not an address', () => {
    for (const typed of [
      'Jo.Smith@Example.org',
      ' <jo.smith@example.org> ',
      'mailto:jo.smith@example.org',
      '<mailto:jo.smith@example.org|jo.smith@example.org>',
    ])
      expect(normaliseAddress(typed)).toBe('jo.smith@example.org');
    for (const bad of [
      'jo',
      'jo@',
      '@example.org',
      'jo@example',
      'jo..smith@example.org',
      '.jo@example.org',
      'jo smith@example.org',
      'jo@exa_mple.org',
      `${'a'.repeat(65)}@example.org`,
    ])
      expect(normaliseAddress(bad), bad).toBeUndefined();
  });

  it('gives one address one user id under one secret, unlinkable under another, and seals the address', () => {
    const id = emailUserId(SECRET, 'jo.smith@example.org');
    expect(emailUserId(SECRET, normaliseAddress('JO.SMITH@example.org')!)).toBe(id);
    expect(emailUserId('another-secret-0123456789abcdef0123456789', 'jo.smith@example.org')).not.toBe(id);
    expect(id).not.toMatch(/jo|smith|example/i);
    const sealed = sealContact(SECRET, 'jo.smith@example.org');
    expect(sealed).not.toContain('example');
    expect(openContact(SECRET, sealed)).toBe('jo.smith@example.org');
    expect(openContact('another-secret-0123456789abcdef0123456789', sealed)).toBeUndefined();
  });

  it('names a person from the local part only', () => {
    expect(nameFromAddress('jo.smith@example.org')).toBe('Jo Smith');
    expect(nameFromAddress('jo+trellis@example.org')).toBe('Jo');
    expect(nameFromAddress('1234@example.org')).toBe('Email member');
  });
});
