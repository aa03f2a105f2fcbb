// The email renderer of the core's messages, and deliberately the poorest:
// an email crosses other people's servers and sits in inboxes, archives and
// forwarding rules, so it carries the headline and the personal links only —
// never the message's text, fields or items, and so never an answer, a
// comment, a concern's words or a result. "Open Trellis to read it."
import { type Button, type Message, renderLiterals } from '../core/message.js';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** A link for each button; a message with none gets `home` (the person's overview), so every email leads somewhere. */
export interface EmailLinks {
  linkOf: (button: Button) => string;
  home: Button;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
/** A subject is one line whatever the title holds, without the core's markup; a name people typed stays as typed. */
const oneLine = (s: string, literals?: readonly string[]) =>
  renderLiterals(
    s,
    literals,
    (t) => t.replace(/\*/g, ''),
    (name) => name,
  )
    .replace(/[\r\n]+/g, ' ')
    .trim()
    .slice(0, 150);

export function renderEmail(message: Message, { linkOf, home }: EmailLinks): RenderedEmail {
  const headline = oneLine(message.title ?? 'Something for you in Trellis', message.literals) || 'Something for you in Trellis';
  const buttons = message.buttons?.length ? message.buttons : [home];
  const links = buttons.map((b) => ({ label: oneLine(b.label, message.literals), url: linkOf(b), primary: b.style === 'primary' }));
  const lead = 'There is something for you in Trellis. Open Trellis to read it:';
  const note =
    'Each link is personal to you and expires; opening it changes nothing until you press a button on the page. ' +
    'Please do not forward this email. Trellis never puts your answers or anything private in an email.';
  const text = `${headline}\n\n${lead}\n\n${links.map((l) => `${l.label}:\n${l.url}`).join('\n\n')}\n\n${note}\n`;
  const html = `<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(headline)}</title></head>
<body style="margin:0;padding:24px;background:#f3f5f7;color:#17212b;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border:1px solid #e2e7ec;border-radius:12px;padding:24px">
<p style="margin:0 0 4px;font-size:13px;letter-spacing:.06em;text-transform:uppercase;color:#0f766e">Trellis</p>
<h1 style="margin:0 0 12px;font-size:22px;line-height:1.3">${esc(headline)}</h1>
<p style="margin:0 0 16px">${esc(lead)}</p>
${links
  .map(
    (l) =>
      `<p style="margin:0 0 12px"><a href="${esc(l.url)}" style="display:inline-block;padding:10px 18px;border-radius:8px;font-weight:600;text-decoration:none;${
        l.primary ? 'background:#0f766e;color:#ffffff' : 'background:#ffffff;color:#0b5c56;border:1px solid #0f766e'
      }">${esc(l.label)}</a></p>`,
  )
  .join('\n')}
<p style="margin:16px 0 0;font-size:13px;color:#5b6875">${esc(note)}</p>
</div></body></html>
`;
  return { subject: headline, text, html };
}
