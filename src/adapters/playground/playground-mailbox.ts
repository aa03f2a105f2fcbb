// The playground's mailbox page: with no SMTP_URL, the emails Trellis sends
// to email members (invitations, check-ins, reminders, notes) are listed here
// with their personal links, so a trial can follow the email path end to end.
// Server-rendered like the pages the links open; it lists what an email
// shows, which is never an answer or a concern's words (render-email.ts).
import type { Express, RequestHandler } from 'express';
import type { Mailbox } from '../../email/mailbox.js';
import { esc } from '../../web/html.js';
import { webPage } from '../../web/web-page.js';

export const MAILBOX_PATH = '/mailbox';

export function mountMailbox(app: Express, mailbox: Mailbox, secure: RequestHandler): void {
  app.get(MAILBOX_PATH, secure, (_req, res) => {
    const emails = mailbox.list();
    const list = emails.length
      ? `<ol class="mailbox">${emails.map(emailHtml).join('\n')}</ol>`
      : '<p>No emails yet. A coordinator adds someone by email with <code>member add &lt;email&gt; &lt;organisation&gt;</code>; their invitation lands here.</p>';
    res
      .status(200)
      .type('html')
      .send(
        webPage(
          'Mailbox',
          `<section class="card"><h1>Mailbox</h1><p>What Trellis emailed, newest first. In the playground nothing is sent: with <code>SMTP_URL</code> set these go through your mail server. <a href="/">Back to the playground</a>.</p></section>
<section class="card">${list}</section>`,
          'The playground: everyone here is made up, and nothing leaves this machine.',
        ),
      );
  });
}

const LINK = /https?:\/\/\S+/g;

function emailHtml(e: ReturnType<Mailbox['list']>[number]): string {
  // The plain-text part, with its links made clickable: what the recipient would read.
  const body = esc(e.text).replace(LINK, (url) => `<a href="${url}">${url.length > 60 ? `${url.slice(0, 57)}…` : url}</a>`);
  return `<li><article aria-label="${esc(e.subject)}"><h2>${esc(e.subject)}</h2><p class="hint">To ${esc(e.to)} · ${esc(e.at.slice(0, 16).replace('T', ' '))} UTC</p><div class="words" style="white-space: pre-wrap">${body}</div></article></li>`;
}
