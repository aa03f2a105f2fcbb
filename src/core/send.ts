// Every message the core sends goes through here. A failed send (the outbox
// write, a direct platform call) is logged — what kind of message, for which
// partnership, never to whom or what it said — and reported as `failed`, so a
// caller that should try again (a check-in's invitation) leaves things so it will.
import type { Deps } from './deps.js';
import { errorKind } from './logger.js';
import type { Message } from './message.js';
import { markNames } from './names.js';
import type { Delivery, Partnership, Person } from './model.js';

type SendKind =
  | 'check-in'
  | 'check-in reminder'
  | 'check-in thanks'
  | 'check-in closed'
  | 'check-in cancelled'
  | 'digest'
  | 'alert'
  | 'protocol reminder'
  | 'protocols coming up'
  | 'review'
  | 'review thanks'
  | 'review closed'
  | 'concern note'
  | 'concern escalation'
  | 'concern themes'
  | 'concern digest'
  | 'critical friend change'
  | 'role change'
  | 'member removed'
  | 'workspace removed'
  | 'email invitation'
  | 'setup checklist'
  | 'partnership closed'
  | 'closing answers'
  | 'comments'
  | 'partnership erased';

/** What a message is, for the log. */
interface About {
  kind: SendKind;
  partnershipId: string;
  /** The last message to someone about to be erased (Messenger.sendPrivate's `final`). */
  final?: true;
}

type Sent = { status: 'sent'; delivery: Delivery } | { status: 'unreachable' } | { status: 'failed' };

const failed = (deps: Deps, what: string, about: About, err: unknown) => deps.log.warn(`A message could not be ${what}`, { ...about, ...errorKind(err) });

/** `once`: a key naming this message, so a resumed fan-out never sends it twice. */
export async function sendPrivate(deps: Deps, to: Person, message: Message, about: About, once?: string): Promise<Sent> {
  // One person's message names their partnership (and perhaps an organisation); a fan-out marks everyone's names once, in sendToEach.
  return deliver(deps, to, await markNames(deps, message, about.partnershipId, false), about, once);
}

async function deliver(deps: Deps, to: Person, message: Message, about: About, once?: string): Promise<Sent> {
  try {
    const delivery = await deps.messenger.sendPrivate({ platform: to.platform, workspace: to.workspace, userId: to.userId }, message, once, about.final);
    return delivery ? { status: 'sent', delivery } : { status: 'unreachable' };
  } catch (err) {
    failed(deps, 'sent', about, err);
    return { status: 'failed' };
  }
}

/** One after another; one person's failure does not stop the rest. */
export async function sendToEach(deps: Deps, people: Person[], message: Message, about: About): Promise<void> {
  const marked = await markNames(deps, message, about.partnershipId);
  for (const m of people) await deliver(deps, m, marked, about);
}

/** To each of the partnership's home conversations. */
export async function postToHomes(deps: Deps, p: Partnership, message: Message, kind: SendKind): Promise<void> {
  const marked = await markNames(deps, message, p.id);
  for (const home of p.homes) {
    try {
      await deps.messenger.sendToConversation(home, marked);
    } catch (err) {
      failed(deps, 'posted', { kind, partnershipId: p.id }, err);
    }
  }
}

/** Replaces a message sent earlier; a courtesy, so a failure is logged and goes no further. */
export async function updateSent(deps: Deps, delivery: Delivery, message: Message, about: About): Promise<void> {
  try {
    await deps.messenger.update(delivery, await markNames(deps, message, about.partnershipId, false));
  } catch (err) {
    failed(deps, 'updated', about, err);
  }
}
