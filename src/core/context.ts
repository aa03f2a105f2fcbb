// Which partnership a command is about, and who the caller is in it.
import { failure, type Message } from './message.js';
import type { Member, Partnership } from './model.js';
import type { Repository } from './ports/repository.js';
import type { Caller, Place } from './request.js';

export interface Context {
  partnership: Partnership;
  /** Undefined when a non-member types in a partnership's home channel. */
  me?: Member;
}

export type Resolved = { ok: true; ctx: Context } | { ok: false; reply: Message };

export async function resolveContext(store: Repository, caller: Caller, place: Place): Promise<Resolved> {
  const home = place.kind === 'channel' ? await store.partnershipByHome(caller.platform, place.conversationId) : undefined;
  const mine = await store.membershipsOf(caller);
  if (home) return { ok: true, ctx: { partnership: home, me: mine.find((m) => m.partnershipId === home.id) } };
  if (mine.length === 1) {
    const partnership = await store.partnership(mine[0]!.partnershipId);
    if (partnership) return { ok: true, ctx: { partnership, me: mine[0] } };
  }
  if (mine.length === 0) {
    return {
      ok: false,
      reply: failure(
        "You're not in a partnership yet. Ask a coordinator for an invite code and type `join <invite-code> <organisation>`, or type `setup <name>` in a channel to start one.",
      ),
    };
  }
  const names = await Promise.all(mine.map(async (m) => (await store.partnership(m.partnershipId))?.name ?? '?'));
  return {
    ok: false,
    reply: failure(`You belong to several partnerships (${names.join(', ')}). Type this in the home channel of the one you mean.`),
  };
}

/** The partnership a button or form names (in its value or context, re-checked here), and the caller in it; undefined unless they are a member. */
export async function contextIn(store: Repository, caller: Caller, partnershipId: string): Promise<Context | undefined> {
  const partnership = await store.partnership(partnershipId);
  const me = (await store.membershipsOf(caller)).find((m) => m.partnershipId === partnershipId);
  return partnership && me ? { partnership, me } : undefined;
}

/** A refusal naming who can help, or undefined when the caller is a coordinator. */
export async function requireCoordinator(store: Repository, ctx: Context, doing: string): Promise<Message | undefined> {
  if (ctx.me?.role === 'coordinator') return undefined;
  const coordinators = (await store.members(ctx.partnership.id)).filter((m) => m.role === 'coordinator');
  const who = coordinators.map((m) => m.displayName).join(', ');
  return failure(`Only coordinators can ${doing}. Ask a coordinator of ${ctx.partnership.name}${who ? ` (${who})` : ''}.`);
}

export function requireMember(ctx: Context): Message | undefined {
  if (ctx.me) return undefined;
  return failure(`You're not a member of ${ctx.partnership.name} yet. Ask a coordinator for the invite code, then type \`join <invite-code> <organisation>\`.`);
}
