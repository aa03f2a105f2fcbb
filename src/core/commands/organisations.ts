// org add, org list.
import { failure, info, success, type Message } from '../message.js';
import type { Organisation, Sector } from '../model.js';
import type { Deps } from '../deps.js';
import { requireCoordinator, requireMember, type Context } from '../context.js';

export const sameName = (a: string, b: string) => a.localeCompare(b, 'en', { sensitivity: 'base' }) === 0;

export const describeOrg = (o: Organisation) => `${o.name} (${o.sector})`;

/** Who may add organisations: `org add` and its form refuse alike. */
export const mayAddOrganisations = (deps: Deps, ctx: Context) => requireCoordinator(deps.store, ctx, 'add organisations');

export async function addOrganisation(deps: Deps, ctx: Context, name: string, sector: Sector): Promise<Message> {
  const refused = await mayAddOrganisations(deps, ctx);
  if (refused) return refused;
  const orgs = await deps.store.organisations(ctx.partnership.id);
  const twin = orgs.find((o) => sameName(o.name, name));
  if (twin) return failure(`${ctx.partnership.name} already has ${describeOrg(twin)}.`);
  await deps.store.saveOrganisation({ id: deps.newId(), partnershipId: ctx.partnership.id, name, sector });
  return success(`Added ${name} (${sector}) to ${ctx.partnership.name}. Its people join with \`join ${ctx.partnership.inviteCode} ${name}\`.`);
}

export async function listOrganisations(deps: Deps, ctx: Context): Promise<Message> {
  const refused = requireMember(ctx);
  if (refused) return refused;
  const orgs = await deps.store.organisations(ctx.partnership.id);
  if (orgs.length === 0) return info(`${ctx.partnership.name} has no organisations yet. A coordinator adds them with \`org add <name> <sector>\`.`);
  const sorted = [...orgs].sort((a, b) => a.name.localeCompare(b.name));
  return info(`${orgs.length} organisation${orgs.length === 1 ? '' : 's'} in ${ctx.partnership.name}:`, { items: sorted.map(describeOrg) });
}
