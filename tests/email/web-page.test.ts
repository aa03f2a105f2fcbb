// The web renderer of the core's forms: every string escaped, a concern's
// turns shown as data, each scale a fieldset with its legend, and each error
// beside its field and named in the summary.
import { describe, expect, it } from 'vitest';
import { type Form, fieldErrors } from '../../src/core/message.js';
import { formHtml, messageHtml } from '../../src/web/web-page.js';

const form: Form = {
  kind: 'questionnaire',
  title: 'Check-in #1 <i>',
  intro: 'How is *Riverside* working?',
  thread: {
    reader: 'reporter',
    turns: [{ author: 'friend', label: 'Critical friend', day: '2026-11-23', text: '<script>alert(1)</script> *not bold*' }],
    status: 'Status: *open*.',
  },
  submitActionId: 'survey-submit',
  submitLabel: 'Submit',
  context: 'r1',
  reopen: { actionId: 'survey-open', value: 'r1' },
  fields: [
    {
      kind: 'choice',
      id: 'trust',
      label: 'Partners keep promises',
      options: [
        { value: '5', label: 'Strongly agree' },
        { value: '1', label: 'Strongly disagree' },
      ],
    },
    { kind: 'text', id: 'comment', label: 'Anything else?', multiline: true, maxLength: 1000, optional: true, hint: 'Never with your name.' },
  ],
};

describe('the web renderer', () => {
  it('escapes everything, keeps turns verbatim and marks up only the core’s own text', () => {
    const html = formHtml(form, '/w/t', { _nonce: 'n"1' });
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; *not bold*');
    expect(html).toContain('Check-in #1 &lt;i&gt;');
    expect(html).toContain('How is <strong>Riverside</strong> working?');
    expect(html).toContain('value="n&quot;1"');
    expect(html).toMatch(/<fieldset[^>]*><legend>1\. Partners keep promises<\/legend>/);
    expect(html).toContain('<label for="f-comment">Anything else?</label>');
    expect(html).toContain('aria-describedby="f-comment-hint"');
    expect(html).toContain('method="post" action="/w/t"');
  });

  it('shows each error beside its field, keeps what was sent, and names the field in the summary', () => {
    const problem = fieldErrors('Some answers need another look.', { trust: 'Choose an answer.', comment: 'Too long.' });
    const html = formHtml(form, '/w/t', {}, { trust: '', comment: 'my <b>words</b>' }, problem);
    expect(html).toContain('role="alert"');
    expect(html).toContain('<a href="#f-trust">Statement 1: Choose an answer.</a>');
    expect(html).toMatch(/<legend>1\. Partners keep promises<\/legend><p class="error" id="f-trust-error">/);
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain('my &lt;b&gt;words&lt;/b&gt;</textarea>');
  });

  it('turns a message’s buttons into links of their own', () => {
    const html = messageHtml(
      {
        title: 'Trellis',
        text: 'Your partnerships:',
        items: ['Riverside — member'],
        buttons: [{ actionId: 'a', label: 'Go "now"', value: 'v' }],
        tone: 'info',
        audience: 'caller',
      },
      (b) => `https://t.example.org/w/${b.actionId}`,
    );
    expect(html).toContain('<a class="button" href="https://t.example.org/w/a">Go &quot;now&quot;</a>');
  });

  it('draws each group of buttons (the console’s jobs) under its heading, escaped', () => {
    const html = messageHtml(
      {
        title: 'Trellis',
        text: 'What you can do now:',
        sections: [{ title: 'Your <concerns>', text: 'Your concern C-7F3K: *open*', buttons: [{ actionId: 'b', label: 'Open C-7F3K', value: 'v' }] }],
        tone: 'info',
        audience: 'caller',
      },
      (b) => `https://t.example.org/w/${b.actionId}`,
    );
    expect(html).toContain(
      '<h2>Your &lt;concerns&gt;</h2><p>Your concern C-7F3K: <strong>open</strong></p><div class="actions"><a class="button" href="https://t.example.org/w/b">Open C-7F3K</a></div>',
    );
  });
});
