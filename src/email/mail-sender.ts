// Where emails go: an SMTP server through nodemailer (SMTP_URL), or — in the
// playground with no SMTP_URL — the in-memory mailbox the playground shows.
import nodemailer from 'nodemailer';
import type { RenderedEmail } from './render-email.js';

export interface OutgoingEmail extends RenderedEmail {
  to: string;
}

export interface MailSender {
  /** Resolves once the server accepted it; throws what nodemailer throws (with `responseCode` when the server refused). */
  send(mail: OutgoingEmail): Promise<void>;
  close(): void;
}

/**
 * One pool of SMTP connections for every email (nodemailer reads host, port,
 * credentials and TLS from the URL): a round for a thousand people is not a
 * thousand TLS handshakes and logins. `?pool=false` in SMTP_URL turns it off.
 */
export function smtpSender(smtpUrl: string, from: string): MailSender {
  const url = new URL(smtpUrl);
  if (!url.searchParams.has('pool')) url.searchParams.set('pool', 'true');
  const transport = nodemailer.createTransport(url.toString(), { from });
  return {
    async send(mail) {
      await transport.sendMail({
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        // A notice from a machine: out-of-office replies and other auto-responders must not answer it (RFC 3834).
        headers: { 'Auto-Submitted': 'auto-generated' },
        disableFileAccess: true,
        disableUrlAccess: true,
      });
    },
    close: () => transport.close(),
  };
}
