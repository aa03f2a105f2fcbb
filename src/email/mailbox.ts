// The playground's mailbox: with no SMTP_URL, the emails Trellis would send
// land here, in memory, and the playground lists them with their links, so a
// trial shows the whole email path without a mail server. Bounded, like the
// playground's inbox.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../core/ports/clock.js';
import type { MailSender, OutgoingEmail } from './mail-sender.js';

export interface MailboxEmail extends OutgoingEmail {
  id: string;
  at: string;
}

export const MAILBOX_LIMIT = 200;

export class Mailbox implements MailSender {
  private readonly emails: MailboxEmail[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly limit = MAILBOX_LIMIT,
  ) {}

  async send(mail: OutgoingEmail): Promise<void> {
    this.emails.push({ ...mail, id: randomUUID(), at: this.clock.now().toISOString() });
    if (this.emails.length > this.limit) this.emails.splice(0, this.emails.length - this.limit);
  }

  close(): void {}

  /** Newest first (copies). */
  list(): MailboxEmail[] {
    return this.emails.map((e) => ({ ...e })).reverse();
  }
}
