// A person's private conversations, content-free: the concerns they raised
// (found by opening each concern's sealed relay: nothing stored in the clear
// links a concern to them) and, for a critical friend, those addressed to
// them. A reference, a status and whether a reply waits — never a word of
// what a concern says — each with the button that opens it in a private form.
import type { Button } from '../message.js';
import type { Deps } from '../deps.js';
import type { Concern, Member } from '../model.js';
import { FRIEND_OPEN, REPORTER_OPEN } from './concern-forms.js';
import { loadConcerns, openConcern } from './concern-seal.js';
import { openRelay } from './relay.js';

export interface Conversation {
  /** "Your concern C-7F3K" (the reporter's) or "Concern C-7F3K" (the critical friend's). */
  title: string;
  /** Its status, and whether a reply waits; no concern text. */
  note: string;
  /** Opens the private form: the conversation is read and answered there. */
  button: Button;
  /** Its reference, e.g. C-7F3K: the console labels its button with it. */
  pseudonym: string;
}

/** At most this many of each side: the oldest beyond it are still reached from their notes. */
export const MAX_CONVERSATIONS = 10;

const STATUS: Record<Concern['status'], string> = {
  pending: 'on its way to the critical friend',
  open: 'open',
  acknowledged: 'acknowledged',
  resolved: 'resolved',
  closed: 'closed',
};

/** What waits for the reporter: a reply, a question about raising it, or a choice of critical friend. */
const waitsForReporter = (c: Concern) => c.handover === 'asked' || c.escalation?.status === 'requested' || c.messages.at(-1)?.from === 'friend';

/**
 * The concerns `member` raised and has not closed, newest first. Only the relay,
 * opened here, says whose a concern is; only theirs are unsealed.
 */
export async function ownConcerns(deps: Deps, member: Member): Promise<Concern[]> {
  const theirs = (await deps.store.concerns(member.partnershipId)).filter(
    (s) => s.status !== 'closed' && openRelay(deps.secret, s.relay)?.memberId === member.id,
  );
  return theirs.flatMap((s) => openConcern(deps.secret, s) ?? []).reverse();
}

export function reporterConversation(c: Concern): Conversation {
  return {
    title: `Your concern ${c.pseudonym}`,
    pseudonym: c.pseudonym,
    note: `${STATUS[c.status]}${waitsForReporter(c) ? ' — something waits for you' : ''}`,
    button: { actionId: REPORTER_OPEN, label: 'Read and answer', value: c.id, style: 'primary', opensForm: true },
  };
}

/** The live conversations addressed to a critical friend (what `concerns` lists). */
export async function friendConcerns(deps: Deps, friend: Member): Promise<Concern[]> {
  if (friend.role !== 'critical-friend') return [];
  return (await loadConcerns(deps, friend.partnershipId)).filter((c) => c.friendIds.includes(friend.id) && c.status !== 'pending' && c.status !== 'closed');
}

export const waitsForFriend = (c: Concern) => c.messages.at(-1)?.from === 'reporter';

export function friendConversation(c: Concern): Conversation {
  return {
    title: `Concern ${c.pseudonym}`,
    pseudonym: c.pseudonym,
    note: `${STATUS[c.status]}${waitsForFriend(c) ? ' — waiting for your reply' : ''}`,
    button: { actionId: FRIEND_OPEN, label: 'Read and reply', value: c.id, style: 'primary', opensForm: true },
  };
}

/** Every private conversation of a person across their partnerships, newest first: theirs as a reporter, then theirs as a critical friend. */
export async function conversationsOf(deps: Deps, memberships: Member[]): Promise<Conversation[]> {
  const reporter: Conversation[] = [];
  const friend: Conversation[] = [];
  for (const m of memberships) {
    reporter.push(...(await ownConcerns(deps, m)).map(reporterConversation));
    friend.push(...(await friendConcerns(deps, m)).reverse().map(friendConversation));
  }
  return [...reporter.slice(0, MAX_CONVERSATIONS), ...friend.slice(0, MAX_CONVERSATIONS)];
}
