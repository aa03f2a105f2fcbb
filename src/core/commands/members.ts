// join, role, members: the people.
import { closedOn, closedRefusal, isClosed } from './closed.js';
import { failure, info, success, type Message } from '../message.js';
import type { Member, Organisation, Partnership, Role } from '../model.js';
import type { Deps } from '../deps.js';
import type { Caller, CommandRequest } from '../request.js';
import { contextIn, requireCoordinator, requireMember, type Context } from '../context.js';
import { describeOrg, sameName } from './organisations.js';
import { criticalFriendChanged } from '../concerns/friend-changes.js';
import { sendPrivate } from '../send.js';

export const ROLE_NAMES: Record<Role, string> = { coordinator: 'coordinator', member: 'member', 'critical-friend': 'critical friend' };

/** The buttons of a change of organisation awaiting its confirmation; values `partnership:organisation` (none for independent). */
export const MOVE_ORG = 'join-move';
export const KEEP_ORG = 'join-keep';

const orgText = (org: Organisation | undefined) => (org ? describeOrg(org) : 'independent (no organisation)');

/** `req`: only who is joining counts (the set-up checklist's form runs this too). */
export async function join(deps: Deps, req: Pick<CommandRequest, 'caller'>, code: string, orgName: string | undefined): Promise<Message> {
  const { store, clock } = deps;
  const partnership = await store.partnershipByInvite(code);
  if (!partnership) return failure(`No partnership has the invite code ${code}. Check the code with your coordinator.`);
  if (isClosed(partnership)) return closedRefusal(partnership);
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
  const where = orgText(org);
  if (existing) {
    if (existing.organisationId === org?.id) return info(`You're already in ${partnership.name}, as ${where}.`);
    // Leaving an organisation moves whose figures your answers count toward: asked first. Naming
    // one for the first time (a coordinator after `setup`, say) is like joining, and needs no asking.
    if (existing.organisationId === undefined) return moveTo(deps, partnership, existing, org);
    const current = orgs.find((o) => o.id === existing.organisationId);
    return info(`You are in ${orgText(current)}. Move to ${where}? It changes which organisation your future answers count toward.`, {
      title: `${partnership.name}: your organisation`,
      buttons: [
        { actionId: MOVE_ORG, label: 'Confirm', value: `${partnership.id}:${org?.id ?? ''}`, style: 'primary' },
        { actionId: KEEP_ORG, label: 'Keep', value: partnership.id },
      ],
    });
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

async function moveTo(deps: Deps, partnership: Partnership, member: Member, org: Organisation | undefined): Promise<Message> {
  const { organisationId: _previous, ...rest } = member;
  await deps.store.saveMember(org ? { ...rest, organisationId: org.id } : rest);
  return success(
    `You're in ${partnership.name}; your organisation is now ${orgText(org)}. Your answers from now on count toward it; earlier ones stay where they were.`,
  );
}

/** Confirm, clicked: the ids in its value are checked again, as the partnership is now. */
export async function confirmMove(deps: Deps, caller: Caller, value: string): Promise<Message> {
  const [partnershipId = '', orgId = ''] = value.split(':');
  const ctx = await contextIn(deps.store, caller, partnershipId);
  if (!ctx?.me) return failure("That isn't a partnership you are in; nothing was changed.");
  const org = orgId ? (await deps.store.organisations(partnershipId)).find((o) => o.id === orgId) : undefined;
  if (orgId && !org) return failure(`That organisation is no longer in ${ctx.partnership.name}; nothing was changed.`);
  if (ctx.me.organisationId === org?.id) return info(`You're already in ${ctx.partnership.name}, as ${orgText(org)}.`);
  return moveTo(deps, ctx.partnership, ctx.me, org);
}

/** Keep, clicked: nothing to do but say so. */
export async function keepOrganisation(deps: Deps, caller: Caller, partnershipId: string): Promise<Message> {
  const ctx = await contextIn(deps.store, caller, partnershipId);
  if (!ctx?.me) return failure("That isn't a partnership you are in; nothing was changed.");
  const org = (await deps.store.organisations(partnershipId)).find((o) => o.id === ctx.me!.organisationId);
  return info(`You stay in ${orgText(org)} in ${ctx.partnership.name}. Nothing was changed.`);
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
  // Told privately, naming the coordinator: coordinators are known to everyone in the partnership (`members`).
  // Whoever changed their own role reads the reply instead.
  if (member.id !== ctx.me?.id) {
    await sendPrivate(deps, member, roleChanged(ctx.partnership, role, ctx.me!.displayName), { kind: 'role change', partnershipId: ctx.partnership.id });
  }
  return success(`${member.displayName} is now a ${ROLE_NAMES[role]} of ${ctx.partnership.name}.`);
}

const ROLE_MEANS: Record<Role, string> = {
  coordinator: 'Type `help` to see what coordinators can do.',
  member: 'You take part in check-ins and reviews.',
  'critical-friend': 'You read the concerns raised from now on, never who raised them.',
};

const roleChanged = (p: Partnership, role: Role, by: string) =>
  info(`You are now a ${ROLE_NAMES[role]} of ${p.name} (changed by ${by}, a coordinator). ${ROLE_MEANS[role]}`, { title: `${p.name}: your role` });

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
      // A closed partnership says so wherever it is listed (an email member's page has no channel to be told in).
      const closed = p && isClosed(p) ? ` (closed on ${closedOn(p)})` : '';
      return `${p?.name ?? 'Unknown partnership'} — ${ROLE_NAMES[m.role]}${org ? `, ${org.name}` : ''}${closed}`;
    }),
  );
}
