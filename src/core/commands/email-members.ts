// `member add <email> <organisation>`: a coordinator brings in someone on
// neither Slack nor Teams. They become a member at once, as an email person —
// a keyed hash of their address, never the address, names them — and are
// emailed a personal link to their own page. Adding the same address again
// changes nothing (or only their organisation) and sends nothing more.
import { failure, info, success, type Button, type Message } from '../message.js';
import type { Member, Partnership } from '../model.js';
import type { Deps } from '../deps.js';
import { requireCoordinator, type Context } from '../context.js';
import { describeOrg, sameName } from './organisations.js';
import { EMAIL_WORKSPACE, emailUserId, nameFromAddress, normaliseAddress, sealContact } from '../email-identity.js';
import { sendPrivate } from '../send.js';

/** The button on an email member's invitation: their own overview, which changes nothing when opened. */
export const OPEN_OVERVIEW = 'overview-open';

export const overviewButton = (label = 'Open Trellis'): Button => ({ actionId: OPEN_OVERVIEW, label, value: '', style: 'primary', readOnly: true });

export async function addEmailMember(deps: Deps, ctx: Context, rawAddress: string, orgName: string | undefined): Promise<Message> {
  const refused = await requireCoordinator(deps.store, ctx, 'add members by email');
  if (refused) return refused;
  const { partnership } = ctx;
  const address = normaliseAddress(rawAddress);
  if (!address)
    return failure(
      `That is not an email address Trellis can send to. Write it whole, like jo.smith@example.org.\nUsage: \`member add <email> <organisation>\``,
    );
  const orgs = await deps.store.organisations(partnership.id);
  const org = orgName === undefined ? undefined : orgs.find((o) => sameName(o.name, orgName));
  if (orgName !== undefined && !org) {
    const known = orgs.length ? `Its organisations: ${orgs.map((o) => o.name).join(', ')}.` : 'It has no organisations yet — add one with `org add`.';
    return failure(`${partnership.name} has no organisation called "${orgName}". ${known}`);
  }
  const where = org ? describeOrg(org) : 'independent (no organisation)';
  const person = { platform: 'email' as const, workspace: EMAIL_WORKSPACE, userId: emailUserId(deps.secret, address) };
  const existing = (await deps.store.membershipsOf(person)).find((m) => m.partnershipId === partnership.id);
  if (existing) {
    if (existing.organisationId === org?.id)
      return info(`${existing.displayName} is already in ${partnership.name} by email, as ${where}. Nothing was changed.`);
    const { organisationId: _previous, ...rest } = existing;
    await deps.store.saveMember(org ? { ...rest, organisationId: org.id } : rest);
    return success(`${existing.displayName} (by email) is in ${partnership.name}; their organisation is now ${where}.`);
  }
  const member: Member = {
    id: deps.newId(),
    partnershipId: partnership.id,
    ...person,
    displayName: nameFromAddress(address),
    contact: sealContact(deps.secret, address),
    ...(org ? { organisationId: org.id } : {}),
    role: 'member',
    joinedAt: deps.clock.now().toISOString(),
  };
  await deps.store.saveMember(member);
  const sent = await sendPrivate(deps, person, invitation(partnership, ctx.me?.displayName), { kind: 'email invitation', partnershipId: partnership.id });
  const note =
    sent.status === 'sent'
      ? 'Their invitation is on its way by email, with a personal link.'
      : 'Their invitation could not be emailed yet (Trellis has no mail server set up: SMTP_URL); they will get check-ins by email once it has.';
  return success(`Added ${member.displayName} to ${partnership.name} by email, as ${where}. ${note}`);
}

function invitation(p: Partnership, by: string | undefined): Message {
  return info(`${by ?? 'A coordinator'} added you to ${p.name} on Trellis.`, { title: `You're invited to ${p.name} on Trellis`, buttons: [overviewButton()] });
}
