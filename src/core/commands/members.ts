// join, role, members: the people.
import { failure, info, success, type Message } from '../message.js';
import type { Member, Role } from '../model.js';
import type { Deps } from '../deps.js';
import type { CommandRequest } from '../request.js';
import { requireCoordinator, requireMember, type Context } from '../context.js';
import { describeOrg, sameName } from './organisations.js';
import { criticalFriendChanged } from '../concerns/friend-changes.js';

export const ROLE_NAMES: Record<Role, string> = { coordinator: 'coordinator', member: 'member', 'critical-friend': 'critical friend' };

export async function join(deps: Deps, req: CommandRequest, code: string, orgName: string | undefined): Promise<Message> {
  const { store, clock } = deps;
  const partnership = await store.partnershipByInvite(code);
  if (!partnership) return failure(`No partnership has the invite code ${code}. Check the code with your coordinator.`);
  const orgs = await store.organisations(partnership.id);
  const org = orgName === undefined ? undefined : orgs.find((o) => sameName(o.name, orgName));
  if (orgName !== undefined && !org) {
    const known = orgs.length
      ? `Its organisations: ${orgs.map((o) => o.name).join(', ')}.`
      : 'It has no organisations yet — a coordinator adds them with `org add`.';
    return failure(`${partnership.name} has no organisation called "${orgName}". ${known}`);
  }
  const { caller } = req;
  const existing = (await store.membershipsOf(caller)).find((m) => m.partnershipId === partnership.id);
  const where = org ? describeOrg(org) : 'independent (no organisation)';
  if (existing) {
    if (existing.organisationId === org?.id) return info(`You're already in ${partnership.name}, as ${where}.`);
    const { organisationId: _previous, ...rest } = existing;
    await store.saveMember(org ? { ...rest, organisationId: org.id } : rest);
    return success(`You're in ${partnership.name}; your organisation is now ${where}.`);
  }
  const member: Member = {
    id: deps.newId(),
    partnershipId: partnership.id,
    platform: caller.platform,
    workspace: caller.workspace,
    userId: caller.userId,
    displayName: caller.displayName,
    ...(org ? { organisationId: org.id } : {}),
    role: 'member',
    joinedAt: clock.now().toISOString(),
  };
  await store.saveMember(member);
  return success(`Welcome to *${partnership.name}*, ${caller.displayName} — you joined as ${where}. Type \`help\` to see what you can do.`);
}

// A platform mention arrives as <@ID> or <@ID|name> (adapters translate theirs to this form).
const MENTION = /^<@([^|>]+)(?:\|[^>]*)?>$/;

/** `mentioner`: whoever typed the mention, whose workspace it was made in (a user id names a person only within one). */
export function findMember(members: Member[], who: string, mentioner?: Member): { ok: true; member: Member } | { ok: false; reply: Message } {
  const id = MENTION.exec(who)?.[1];
  const byId = members.filter((m) => m.userId === id);
  const inMentionersWorkspace = byId.filter((m) => m.platform === mentioner?.platform && m.workspace === mentioner.workspace);
  const matches = id
    ? byId.length > 1 && inMentionersWorkspace.length
      ? inMentionersWorkspace
      : byId
    : members.filter((m) => sameName(m.displayName, who.replace(/^@/, '')));
  if (matches.length === 1) return { ok: true, member: matches[0]! };
  if (matches.length > 1) return { ok: false, reply: failure(`More than one member is called "${who}". Mention the person instead.`) };
  return { ok: false, reply: failure(`No member of the partnership matches "${who}". Type \`members\` to see who has joined.`) };
}

/** Who may change roles: `role` and its form refuse alike. */
export const mayChangeRoles = (deps: Deps, ctx: Context) => requireCoordinator(deps.store, ctx, 'change roles');

export async function setRole(deps: Deps, ctx: Context, who: string, role: Role): Promise<Message> {
  const refused = await mayChangeRoles(deps, ctx);
  if (refused) return refused;
  const members = await deps.store.members(ctx.partnership.id);
  const found = findMember(members, who, ctx.me);
  if (!found.ok) return found.reply;
  const { member } = found;
  if (member.role === role) return info(`${member.displayName} is already a ${ROLE_NAMES[role]}.`);
  const coordinators = members.filter((m) => m.role === 'coordinator');
  if (member.role === 'coordinator' && coordinators.length === 1) {
    return failure(`${member.displayName} is the only coordinator. Make someone else coordinator first: a partnership always needs one.`);
  }
  // Whoever runs the partnership, or ever did, stands inside it: never its neutral critical friend.
  if (role === 'critical-friend' && (member.role === 'coordinator' || member.wasCoordinator)) {
    return failure(
      `${member.displayName} is or has been a coordinator of ${ctx.partnership.name}, so cannot become its critical friend: the critical friend stands outside the partnership's running. Name someone who has never coordinated it.`,
    );
  }
  const saved: Member = {
    ...member,
    role,
    roleSince: deps.clock.now().toISOString(),
    ...(member.role === 'coordinator' || role === 'coordinator' ? { wasCoordinator: true as const } : {}),
  };
  await deps.store.saveMember(saved);
  if (member.role === 'critical-friend' || role === 'critical-friend') {
    await criticalFriendChanged(
      deps,
      ctx.partnership,
      saved,
      role === 'critical-friend',
      members.filter((m) => m.role === 'critical-friend'),
      ctx.me!.displayName,
    );
  }
  return success(`${member.displayName} is now a ${ROLE_NAMES[role]} of ${ctx.partnership.name}.`);
}

export async function listMembers(deps: Deps, ctx: Context): Promise<Message> {
  const refused = requireMember(ctx);
  if (refused) return refused;
  const [members, orgs] = await Promise.all([deps.store.members(ctx.partnership.id), deps.store.organisations(ctx.partnership.id)]);
  const orgOf = (m: Member) => {
    const o = orgs.find((x) => x.id === m.organisationId);
    return o ? describeOrg(o) : 'independent';
  };
  const sorted = [...members].sort((a, b) => a.displayName.localeCompare(b.displayName));
  return info(`${members.length} member${members.length === 1 ? '' : 's'} in ${ctx.partnership.name}:`, {
    items: sorted.map((m) => `${m.displayName} — ${orgOf(m)} · ${ROLE_NAMES[m.role]}`),
  });
}

export async function describeMemberships(deps: Deps, memberships: Member[]): Promise<string[]> {
  return Promise.all(
    memberships.map(async (m) => {
      const p = await deps.store.partnership(m.partnershipId);
      const org = (await deps.store.organisations(m.partnershipId)).find((o) => o.id === m.organisationId);
      return `${p?.name ?? 'Unknown partnership'} — ${ROLE_NAMES[m.role]}${org ? `, ${org.name}` : ''}`;
    }),
  );
}
