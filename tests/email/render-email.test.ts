// Emails are content-free: the headline and the personal links, never the
// message's words — whatever the core puts in them.
import { describe, expect, it } from 'vitest';
import type { Button, Message } from '../../src/core/message.js';
import { renderEmail } from '../../src/email/render-email.js';

const home: Button = { actionId: 'overview-open', label: 'Open Trellis', value: '', readOnly: true };
const linkOf = (b: Button) => `https://trellis.example.org/w/${b.actionId}-${b.value}`;

describe('the email renderer', () => {
  it('carries the title and one link per button, and none of the text, fields or items', () => {
    const message: Message = {
      title: 'Riverside: check-in #3',
      text: 'secret-text-marker',
      fields: [{ label: 'Trust', value: 'secret-field-marker' }],
      items: ['secret-item-marker'],
      buttons: [{ actionId: 'survey-open', label: 'Answer (1 minute)', value: 'r3', style: 'primary', opensForm: true }],
      tone: 'info',
      audience: 'caller',
    };
    const email = renderEmail(message, { linkOf, home });
    expect(email.subject).toBe('Riverside: check-in #3');
    for (const part of [email.subject, email.text, email.html]) {
      expect(part).not.toMatch(/secret-\w+-marker/);
    }
    expect(email.text).toContain('https://trellis.example.org/w/survey-open-r3');
    expect(email.html).toContain('href="https://trellis.example.org/w/survey-open-r3"');
    expect(email.text).toContain('Open Trellis to read it');
  });

  it('gives a message without buttons the link to the person’s own page, and escapes what it shows', () => {
    const email = renderEmail({ title: 'Your concern C-7F3K <b>', text: 'words', tone: 'info', audience: 'caller' }, { linkOf, home });
    expect(email.text).toContain('https://trellis.example.org/w/overview-open-');
    expect(email.html).toContain('C-7F3K &lt;b&gt;');
    expect(email.html).not.toContain('<b>');
    expect(renderEmail({ title: 'a\r\nBcc: x@example.org', text: '', tone: 'info', audience: 'caller' }, { linkOf, home }).subject).not.toMatch(/[\r\n]/);
  });
});
