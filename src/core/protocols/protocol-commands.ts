// Dispatch for `protocol …` / `review …` commands and their buttons and forms.
import { closedRefusal, isClosed } from '../commands/closed.js';
import { failure, success, type Message, type Reply } from '../message.js';
import type { Deps } from '../deps.js';
import type { Caller } from '../request.js';
import type { Protocol } from '../model.js';
import { contextIn, requireCoordinator, requireMember, type Context } from '../context.js';
import type { FormCommand } from '../command-forms.js';
import { addDays, formatDate, localToday } from '../time.js';
import type { ProtocolCommand } from './protocol-grammar.js';
import { findProtocol, listProtocols, openProtocolForm, refOf, retireProtocol, saveProtocol, showProtocol } from './register.js';
import { closeReview, reviewStatus, startReview } from './reviews.js';
import { NEW_PROTOCOL } from './protocol-form.js';

/** Who may change the reminders' lead times: the typed command and its form refuse alike. */
export const mayChangeReminders = (deps: Deps, ctx: Context) => requireMember(ctx) ?? requireCoordinator(deps.store, ctx, 'change protocol reminders');

export async function protocolCommand(deps: Deps, ctx: Context, cmd: Exclude<ProtocolCommand, FormCommand>): Promise<Reply> {
  const refusedMember = requireMember(ctx);
  if (refusedMember) return refusedMember;
  const partnership = ctx.partnership;
  switch (cmd.name) {
    case 'protocol add':
      return openProtocolForm(deps, ctx, NEW_PROTOCOL);
    case 'protocol list':
      return listProtocols(deps, partnership);
    case 'protocol reminders': {
      const refused = await mayChangeReminders(deps, ctx);
      if (refused) return refused;
      await deps.store.savePartnership({ ...partnership, leadDays: cmd.days });
      return success(`Protocol reminders go out ${cmd.days.join(', ')} day(s) before a review date, on the day itself, then weekly while overdue.`);
    }
  }
  const found = await findProtocol(deps, partnership.id, cmd.which);
  if (!found.ok) return found.reply;
  const protocol = found.protocol;
  switch (cmd.name) {
    case 'protocol show':
      return showProtocol(deps, partnership, protocol);
    case 'protocol edit':
      return openProtocolForm(deps, ctx, protocol.id);
    case 'protocol retire':
      return retireProtocol(deps, ctx, protocol);
    case 'review start':
      return startReview(deps, ctx, protocol, cmd.withTrends);
    case 'review status':
      return reviewStatus(deps, protocol);
    case 'review close':
      return closeReview(deps, ctx, protocol, cmd.outcome, cmd.next);
  }
}

const NOT_YOURS = failure("That isn't a protocol of a partnership you are in.");

// Buttons on reminders and the protocol form (registered in protocol-routes.ts): values carry ids, re-checked here.

/** Value `partnership:protocol`, as the form's reopen button carries it. */
export async function openProtocolFormFor(deps: Deps, caller: Caller, value: string): Promise<Reply> {
  const [partnershipId, which] = value.split(':');
  const ctx = partnershipId ? await contextIn(deps.store, caller, partnershipId) : undefined;
  if (ctx && isClosed(ctx.partnership)) return closedRefusal(ctx.partnership);
  return ctx && which ? openProtocolForm(deps, ctx, which) : NOT_YOURS;
}

/** The protocol a reminder's button names, and the caller's place in its partnership. */
async function protocolOf(deps: Deps, caller: Caller, protocolId: string): Promise<{ protocol: Protocol; ctx: Context } | undefined> {
  const protocol = await deps.store.protocol(protocolId);
  const ctx = protocol && (await contextIn(deps.store, caller, protocol.partnershipId));
  return protocol && ctx ? { protocol, ctx } : undefined;
}

export async function startReviewFor(deps: Deps, caller: Caller, protocolId: string): Promise<Reply> {
  const found = await protocolOf(deps, caller, protocolId);
  if (found && isClosed(found.ctx.partnership)) return closedRefusal(found.ctx.partnership);
  return found ? startReview(deps, found.ctx, found.protocol) : NOT_YOURS;
}

/** The owner's, as the reminders are addressed to them. */
export async function snoozeReminders(deps: Deps, caller: Caller, protocolId: string): Promise<Reply> {
  const found = await protocolOf(deps, caller, protocolId);
  if (!found) return NOT_YOURS;
  const { protocol, ctx } = found;
  if (isClosed(ctx.partnership)) return closedRefusal(ctx.partnership);
  if (ctx.me?.id !== protocol.ownerMemberId) return failure(`Only the owner of ${refOf(protocol)} can snooze its reminders.`);
  const until = addDays(localToday(ctx.partnership.timezone, deps.clock.now()), 7);
  await deps.store.saveProtocol({ ...protocol, snoozedUntil: until });
  return success(`Reminders for ${refOf(protocol)} are snoozed until ${formatDate(until)}. The review date itself has not moved.`);
}

export async function protocolSubmit(deps: Deps, caller: Caller, context: string, values: Record<string, string>): Promise<Message> {
  const [partnershipId, which] = context.split(':');
  const ctx = partnershipId ? await contextIn(deps.store, caller, partnershipId) : undefined;
  if (!ctx || !which) return failure("That form isn't for a partnership you are in; nothing was saved.");
  if (isClosed(ctx.partnership)) return closedRefusal(ctx.partnership);
  return saveProtocol(deps, ctx, which, values);
}
