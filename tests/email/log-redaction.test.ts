// No email address reaches a log line, whatever path it takes (a mail
// server's refusal quoting it, an error message, a field).
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';

describe('the logger', () => {
  it('masks email addresses in the message and every field', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'debug', write: (l) => lines.push(l) });
    log.warn('550 5.1.1 <Jo.Smith+x@mail.example.org>: recipient rejected', { error: 'to kim_lee@example.co.uk failed', kind: 'email' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/Jo\.Smith|kim_lee|example\.(org|co\.uk)/);
    expect(lines[0]).toContain('<[email]>: recipient rejected');
    expect(lines[0]).toContain('to [email] failed');
  });
});
