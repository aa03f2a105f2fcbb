// A Teams activity becomes the core's normalized request: who, where, and
// what they typed or clicked. Transport only: no rules here.
import type { Activity } from 'botbuilder';
import { z } from 'zod';
import type { ActionRequest, Caller, CommandRequest, Place } from '../../core/request.js';
import { commandText } from './command-text.js';

/** The `verb` every Trellis button carries (teams-ai routes Action.Submit by it). */
export const SUBMIT_VERB = 'trellis';
export const MAX_VALUE_LENGTH = 2000;

const MAX_LABEL_LENGTH = 100;

const tenantData = z.object({ tenant: z.object({ id: z.string().min(1) }) });

/** The tenant an activity comes from: Teams ids are unique within a tenant only, so it is part of who someone is. */
export const tenantOf = (a: Activity): string => {
  const data = tenantData.safeParse(a.channelData);
  return a.conversation.tenantId || (data.success ? data.data.tenant.id : '');
};

/** Where a stored conversation reference is kept: under its tenant (references from before tenants are under the bare id). */
export const referenceKey = (tenant: string, id: string): string => (tenant ? `${tenant}/${id}` : id);

export const callerOf = (a: Activity): Caller => ({
  platform: 'teams',
  workspace: tenantOf(a),
  userId: a.from.id,
  displayName: (typeof a.from.name === 'string' && a.from.name.trim()) || 'Teams user',
});

/**
 * A channel post arrives in its thread, `19:…@thread.tacv2;messageid=…`; the
 * channel itself (a partnership's home) is the part before `;messageid=`.
 */
export const channelIdOf = (a: Activity): string => a.conversation.id.replace(/;messageid=[^;]*$/, '');

export const isPersonal = (a: Activity): boolean => a.conversation.conversationType === 'personal';

// Teams adds team and channel names to channel posts (the General channel has no name).
const named = z
  .object({ name: z.string().trim().optional().catch(undefined) })
  .optional()
  .catch(undefined);
const channelData = z.object({ team: named, channel: named });

function labelOf(a: Activity): string {
  const data = channelData.safeParse(a.channelData ?? {});
  const parts = data.success ? [data.data.team?.name, data.data.channel?.name].filter((x): x is string => !!x) : [];
  const conversationName = typeof a.conversation.name === 'string' ? a.conversation.name.trim() : '';
  return (parts.join(' › ') || conversationName || 'this chat').slice(0, MAX_LABEL_LENGTH);
}

export const placeOf = (a: Activity): Place =>
  isPersonal(a) ? { conversationId: a.conversation.id, kind: 'personal' } : { conversationId: channelIdOf(a), kind: 'channel', label: labelOf(a) };

export const toCommand = (a: Activity): CommandRequest => ({ caller: callerOf(a), place: placeOf(a), text: commandText(a) });

/** A card click: a message with a `value` (even a null one) and nothing typed. */
export const isCardSubmit = (a: Activity): boolean => a.type === 'message' && a.value !== undefined && !(typeof a.text === 'string' && a.text.trim() !== '');

/** A click on a Trellis card (teams-ai's own verb selector throws on a null value). */
export const isTrellisSubmit = (a: Activity): boolean =>
  isCardSubmit(a) && typeof a.value === 'object' && a.value !== null && (a.value as { verb?: unknown }).verb === SUBMIT_VERB;

const submitValue = z.object({
  verb: z.literal(SUBMIT_VERB),
  actionId: z.string().min(1).max(100),
  value: z.string().max(MAX_VALUE_LENGTH),
});

/** The click's request, or undefined when its value is not one a Trellis card sends. */
export function toAction(a: Activity): ActionRequest | undefined {
  const parsed = submitValue.safeParse(a.value);
  if (!parsed.success) return undefined;
  return { caller: callerOf(a), place: placeOf(a), actionId: parsed.data.actionId, value: parsed.data.value };
}
