// Keeps where the bot can write later (reminders, surveys): the Teams
// ConversationReference for each personal chat and each channel or group chat.
import { TurnContext, type Activity } from 'botbuilder';
import type { Clock } from '../../core/ports/clock.js';
import type { ConversationReferences } from '../../core/ports/conversation-references.js';
import { channelIdOf, isPersonal, referenceKey, tenantOf } from './to-request.js';

/** Personal chats are keyed by the person, channels and group chats by the conversation, each within its tenant. */
export const referenceKeyOf = (a: Activity): string => referenceKey(tenantOf(a), isPersonal(a) ? a.from.id : channelIdOf(a));

/**
 * The reference to write to the conversation itself, not into one message's
 * thread: no activity id, and a channel's id without `;messageid=`. A shared
 * conversation's reference does not depend on who spoke last (no user, no
 * locale). It is then the same on every message, so it is stored only when
 * something changed.
 */
export function referenceOf(a: Activity): Record<string, unknown> {
  const { activityId: _activityId, ...reference } = TurnContext.getConversationReference(a);
  if (isPersonal(a)) return JSON.parse(JSON.stringify(reference)) as Record<string, unknown>;
  const { user: _user, locale: _locale, ...shared } = reference;
  return JSON.parse(JSON.stringify({ ...shared, conversation: { ...shared.conversation, id: channelIdOf(a) } })) as Record<string, unknown>;
}

/** The app was removed (uninstalled) where this activity comes from. */
export const isRemoval = (a: Activity): boolean => a.type === 'installationUpdate' && typeof a.action === 'string' && a.action.startsWith('remove');

/** The bot left (or was uninstalled): nothing to write to. */
const isGoodbye = (a: Activity): boolean => isRemoval(a) || (Array.isArray(a.membersRemoved) && a.membersRemoved.some((m) => m.id === a.recipient.id));

const REMEMBERED_TYPES = new Set(['message', 'conversationUpdate', 'installationUpdate']);

export async function rememberConversation(store: ConversationReferences, clock: Clock, a: Activity): Promise<void> {
  if (!REMEMBERED_TYPES.has(a.type)) return;
  if (isGoodbye(a)) return forgetConversation(store, clock, a);
  const key = referenceKeyOf(a);
  const reference = referenceOf(a);
  const known = await store.conversation('teams', key);
  if (known && JSON.stringify(known.reference) === JSON.stringify(reference)) return;
  await store.saveConversation({ platform: 'teams', key, reference, updatedAt: clock.now().toISOString() });
}

/**
 * The app removed from a personal chat, a team or a group chat, in one tenant: as
 * with a Slack uninstall, nothing more is sent there (the person counts as
 * unreachable, a home gets no digests) until the app is added back or someone
 * writes there again, which stores a fresh reference. What is kept names the chat
 * but holds no serviceUrl, so no messenger can write to it.
 */
async function forgetConversation(store: ConversationReferences, clock: Clock, a: Activity): Promise<void> {
  const key = referenceKeyOf(a);
  const known = await store.conversation('teams', key);
  if (!known || known.reference.removed === true) return;
  const { id, conversationType, tenantId } = referenceOf(a).conversation as { id: string; conversationType?: string; tenantId?: string };
  const reference = { removed: true, conversation: JSON.parse(JSON.stringify({ id, conversationType, tenantId })) as Record<string, unknown> };
  await store.saveConversation({ platform: 'teams', key, reference, updatedAt: clock.now().toISOString() });
}
