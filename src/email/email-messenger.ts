// The platform messenger for people on neither Slack nor Teams: a private
// message becomes a content-free email (render-email.ts) whose buttons are
// personal signed links to the web pages (src/web/web-links.ts). Email has no
// shared conversations and cannot replace what it sent, so `update` does
// nothing (the web page always shows the current state) and a conversation is
// never reachable. Sends are paced by TRELLIS_MAIL_PER_SECOND.
import type { Button, Message } from '../core/message.js';
import type { Delivery } from '../core/model.js';
import { DeliveryFailure } from '../delivery/delivery-failure.js';
import type { PlatformMessenger, SendKind, Target } from '../delivery/platform-messenger.js';
import type { Bucket } from '../delivery/rate-limiter.js';
import type { LinkPerson } from '../web/link-token.js';
import type { MailSender } from './mail-sender.js';
import { renderEmail } from './render-email.js';

export interface EmailMessengerDeps {
  sender: MailSender;
  perSecond: number;
  /** The email person's address, opened from their member record; undefined when nobody has it (any more). */
  addressOf: (person: LinkPerson) => Promise<string | undefined>;
  /** The personal link a button leads to. */
  linkOf: (person: LinkPerson, button: Button) => string;
  /** The link an email with no buttons of its own carries: the person's overview. */
  home: Button;
}

export function emailMessenger({ sender, perSecond, addressOf, linkOf, home }: EmailMessengerDeps): PlatformMessenger {
  const bucket: Bucket = { key: 'email:send', perSecond, burst: 1 };
  const personOf = ({ workspace, id }: Target): LinkPerson => ({ platform: 'email', workspace, userId: id });
  return {
    reachable: async (kind: SendKind, target: Target) => kind === 'private' && (await addressOf(personOf(target))) !== undefined,
    buckets: () => [bucket],
    // A final message's address, taken when queued: the member's sealed address is erased before it goes.
    pin: async (_kind, target) => ({ ...target, pinned: await addressOf(personOf(target)) }),
    async send(kind, target, message: Message): Promise<Delivery> {
      if (kind !== 'private') throw new DeliveryFailure('permanent', 'Email has no shared conversations');
      const person = personOf(target);
      const to = typeof target.pinned === 'string' ? target.pinned : await addressOf(person);
      if (!to) throw new DeliveryFailure('permanent', 'No address is kept for this email member');
      const email = renderEmail(message, { linkOf: (b) => linkOf(person, b), home });
      try {
        await sender.send({ to, ...email });
      } catch (err) {
        throw failureOf(err);
      }
      // Never the address: a delivery is stored with the invitation it answers.
      return { platform: 'email', workspace: target.workspace, userId: target.id };
    },
    // An email cannot be changed once sent; the page behind its links always shows things as they are now.
    update: async () => undefined,
  };
}

/** What an SMTP failure means for a retry. The error's own text may quote the address, so it is never passed on. */
function failureOf(err: unknown): DeliveryFailure {
  const e = err as { responseCode?: unknown; code?: unknown } | null;
  const status = typeof e?.responseCode === 'number' ? e.responseCode : undefined;
  if (status !== undefined && status >= 500) return new DeliveryFailure('permanent', `The mail server refused the email (${status})`);
  if (status !== undefined) return new DeliveryFailure('transient', `The mail server deferred the email (${status})`);
  const code = typeof e?.code === 'string' ? e.code : 'error';
  // Connection lost after the message was handed over: it may have gone.
  if (code === 'ETIMEDOUT' || code === 'ECONNRESET') return new DeliveryFailure('unknown', `The mail server stopped answering (${code})`);
  return new DeliveryFailure('transient', `The mail server cannot be reached (${code})`);
}
