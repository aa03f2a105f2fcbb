// The email platform messenger: private messages only, to the address opened
// for that person, paced by TRELLIS_MAIL_PER_SECOND; a mail server's refusal
// becomes a DeliveryFailure the dispatcher understands, never quoting the address.
import { describe, expect, it } from 'vitest';
import type { Button, Message } from '../../src/core/message.js';
import { DeliveryFailure } from '../../src/delivery/delivery-failure.js';
import { emailMessenger } from '../../src/email/email-messenger.js';
import type { MailSender, OutgoingEmail } from '../../src/email/mail-sender.js';

const home: Button = { actionId: 'overview-open', label: 'Open Trellis', value: '', readOnly: true };
const note: Message = { title: 'Riverside: check-in #1', text: 'words', tone: 'info', audience: 'caller' };
const target = { workspace: 'email', id: 'e-jo' };

function setup(fail?: unknown) {
  const sent: OutgoingEmail[] = [];
  const sender: MailSender = {
    send: async (m) => {
      if (fail) throw fail;
      sent.push(m);
    },
    close: () => {},
  };
  const messenger = emailMessenger({
    sender,
    perSecond: 3,
    addressOf: async (p) => (p.userId === 'e-jo' ? 'jo@example.org' : undefined),
    linkOf: (p, b) => `https://t.example.org/w/${p.userId}/${b.actionId}`,
    home,
  });
  return { sent, messenger };
}

describe('the email messenger', () => {
  it('sends a private message to the opened address, with links for that person, and stores no address', async () => {
    const { sent, messenger } = setup();
    expect(await messenger.reachable('private', target)).toBe(true);
    expect(await messenger.reachable('private', { workspace: 'email', id: 'e-nobody' })).toBe(false);
    expect(await messenger.reachable('conversation', target)).toBe(false);
    const delivery = await messenger.send('private', target, note, 'tag');
    expect(JSON.stringify(delivery)).not.toContain('example.org');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to: 'jo@example.org', subject: 'Riverside: check-in #1' });
    expect(sent[0]!.text).toContain('https://t.example.org/w/e-jo/overview-open');
    await expect(messenger.update(delivery, note)).resolves.toBeUndefined();
    expect(messenger.buckets('send', 'private', target)).toEqual([{ key: 'email:send', perSecond: 3, burst: 1 }]);
  });

  it('turns mail server answers into failures the dispatcher acts on, without the address', async () => {
    const failure = async (err: unknown) => {
      try {
        await setup(err).messenger.send('private', target, note, 'tag');
      } catch (e) {
        expect(e).toBeInstanceOf(DeliveryFailure);
        expect((e as Error).message).not.toContain('jo@');
        return (e as DeliveryFailure).kind;
      }
      throw new Error('expected a failure');
    };
    expect(await failure(Object.assign(new Error('550 <jo@example.org> unknown'), { responseCode: 550 }))).toBe('permanent');
    expect(await failure(Object.assign(new Error('451 try later'), { responseCode: 451 }))).toBe('transient');
    expect(await failure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe('transient');
    expect(await failure(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }))).toBe('unknown');
    await expect(setup().messenger.send('private', { workspace: 'email', id: 'e-nobody' }, note, 'tag')).rejects.toMatchObject({ kind: 'permanent' });
    await expect(setup().messenger.send('conversation', target, note, 'tag')).rejects.toMatchObject({ kind: 'permanent' });
  });
});
