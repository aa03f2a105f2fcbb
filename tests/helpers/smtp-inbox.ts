// A real SMTP server in the test process (smtp-server), requiring a password,
// that parses each email it accepts (mailparser): what Trellis's nodemailer
// transport sent, as a recipient's mailbox would hold it.
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SmtpInbox {
  /** SMTP_URL for Trellis, with the password the server requires. */
  url: string;
  /** Every email received, in order. */
  mail: ParsedMail[];
  mailTo(address: string): ParsedMail[];
  close(): Promise<void>;
}

/** The personal links (`…/w/<token>`) in an email's text part. */
export const linksIn = (m: ParsedMail): string[] => [...(m.text ?? '').matchAll(/https?:\/\/\S+\/w\/[A-Za-z0-9_.-]+/g)].map((x) => x[0]);

export async function startSmtpInbox(password: string): Promise<SmtpInbox> {
  const mail: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: false,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth: (auth, _session, cb) => (auth.password === password ? cb(null, { user: auth.username }) : cb(new Error('bad password'))),
    onData: (stream, _session, cb) =>
      void simpleParser(stream).then(
        (m) => {
          mail.push(m);
          cb();
        },
        (err: Error) => cb(err),
      ),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `smtp://trellis:${password}@127.0.0.1:${(server.server.address() as AddressInfo).port}`,
    mail,
    mailTo: (address) => mail.filter((m) => m.to && !Array.isArray(m.to) && m.to.value[0]?.address === address),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
