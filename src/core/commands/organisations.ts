// org add, org list, org rename, org remove.
import { failure, fieldErrors, info, success, type Form, type Message, type Reply } from '../message.js';
import type { Organisation, Sector } from '../model.js';
import type { Deps } from '../deps.js';
import { requireCoordinator, requireMember, type Context } from '../context.js';
import { badOrgName, MAX_NAME_LENGTH } from './partnership-grammar.js';

export const sameName = (a: string, b: string) => a.localeCompare(b, 'en', { sensitivity: 'base' }) === 0;

export const describeOrg = (o: Organisation) => `${o.name} (${o.sector})`;

/** The `org rename` form's button (Teams opens dialogs only from one) and its submit; both carry the partnership's id. */
export const OPEN_RENAME_FORM = 'org-rename-form';
export const RENAME_ORG = 'org-rename';

const unknownOrg = (ctx: Context, orgs: Organisation[], names: string[]) =>
  failure(
    `${ctx.partnership.name} has no organisation called ${names.map((n) => `"${n}"`).join(' or ')}. ${
      orgs.length ? `Its organisations: ${orgs.map((o) => o.name).join(', ')}.` : 'It has no organisations yet.'
    }`,
  );
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

/** `org rename <old> to <new>`, or the form when no names are given. */
export async function renameOrganisation(deps: Deps, ctx: Context, splits: { from: string; to: string }[]): Promise<Reply> {
  const refused = await requireCoordinator(deps.store, ctx, 'rename organisations');
  if (refused) return refused;
  const orgs = await deps.store.organisations(ctx.partnership.id);
  if (splits.length === 0) {
    if (orgs.length === 0) return failure(`${ctx.partnership.name} has no organisations to rename yet. Add one with \`org add <name> <sector>\`.`);
    return { form: renameForm(ctx.partnership.id, orgs) };
  }
  const found = splits.flatMap(({ from, to }) => {
    const org = orgs.find((o) => sameName(o.name, from));
    return org ? [{ org, to }] : [];
  });
  if (found.length === 0)
    return unknownOrg(
      ctx,
      orgs,
      splits.map((s) => s.from),
    );
  if (found.length > 1)
    return failure(
      `That can be read ${found.length} ways (${found.map((f) => `"${f.org.name}" to "${f.to}"`).join(', ')}). Type \`org rename\` alone to choose the organisation in a form.`,
    );
  const refusal = await rename(deps, ctx, found[0]!.org, found[0]!.to, orgs);
  return refusal ?? renamed(found[0]!.org, found[0]!.to);
}

/** A refusal (nothing changed), or undefined once renamed. Members and answers hold the id, so they follow it. */
async function rename(deps: Deps, ctx: Context, org: Organisation, to: string, orgs: Organisation[]): Promise<Message | undefined> {
  const wrong = badOrgName(to);
  if (wrong) return failure(`${wrong} Nothing was changed.`);
  if (to === org.name) return info(`${org.name} is already called that. Nothing was changed.`);
  const twin = orgs.find((o) => o.id !== org.id && sameName(o.name, to));
  if (twin) return failure(`${ctx.partnership.name} already has ${describeOrg(twin)}. Nothing was changed.`);
  await deps.store.saveOrganisation({ ...org, name: to });
  return undefined;
}

const renamed = (org: Organisation, to: string) =>
  success(`${org.name} is now called ${to}. Its members stay in it, and its figures from earlier check-ins stay with it under the new name.`);

function renameForm(partnershipId: string, orgs: Organisation[]): Form {
  return {
    title: 'Rename an organisation',
    intro: 'Its members stay in it, and its figures from earlier check-ins stay with it under the new name.',
    submitActionId: RENAME_ORG,
    submitLabel: 'Rename',
    context: partnershipId,
    reopen: { actionId: OPEN_RENAME_FORM, value: partnershipId },
    fields: [
      {
        kind: 'choice',
        id: 'org',
        label: 'Organisation',
        options: [...orgs].sort((a, b) => a.name.localeCompare(b.name)).map((o) => ({ value: o.id, label: o.name })),
      },
      { kind: 'text', id: 'name', label: 'New name', multiline: false, maxLength: MAX_NAME_LENGTH, optional: false },
    ],
  };
}

/** The form sent back: the organisation by id, re-checked against the partnership. */
export async function submitRename(deps: Deps, ctx: Context, values: Record<string, string>): Promise<Message> {
  const refused = await requireCoordinator(deps.store, ctx, 'rename organisations');
  if (refused) return refused;
  const orgs = await deps.store.organisations(ctx.partnership.id);
  const org = orgs.find((o) => o.id === values.org);
  const to = (values.name ?? '').replace(/\s+/g, ' ').trim();
  if (!org)
    return fieldErrors('That organisation is no longer in the partnership; nothing was changed.', { org: 'Choose an organisation of the partnership.' });
  if (!to) return fieldErrors('Give the new name; nothing was changed.', { name: 'Write the new name.' });
  const refusal = await rename(deps, ctx, org, to, orgs);
  if (refusal && refusal.tone === 'error') return fieldErrors(refusal.text, { name: refusal.text });
  return refusal ?? renamed(org, to);
}

/**
 * `org remove <name>`: only an organisation nobody belongs to (their answers
 * from now on would count toward nothing) and no protocol names (the register
 * is the partnership's record of who agreed to what). Answer sets keep its id,
 * sealed; breakdowns show them as a former organisation's, hidden as before.
 */
export async function removeOrganisation(deps: Deps, ctx: Context, name: string): Promise<Message> {
  const refused = await requireCoordinator(deps.store, ctx, 'remove organisations');
  if (refused) return refused;
  const p = ctx.partnership;
  const orgs = await deps.store.organisations(p.id);
  const org = orgs.find((o) => sameName(o.name, name));
  if (!org) return unknownOrg(ctx, orgs, [name]);
  const members = (await deps.store.members(p.id)).filter((m) => m.organisationId === org.id);
  if (members.length) {
    const n = members.length === 1 ? '1 member still belongs' : `${members.length} members still belong`;
    return failure(
      `${n} to ${org.name} (${members.map((m) => m.displayName).join(', ')}), so it stays. ` +
        `Each can move with \`join ${p.inviteCode} <other organisation>\` (or \`join ${p.inviteCode} independent\`); ` +
        'a coordinator moves someone added by email with `member add <email> <other organisation>`. Then remove it. Nothing was changed.',
    );
  }
  const protocols = (await deps.store.protocols(p.id)).filter((x) => x.partyOrgIds.includes(org.id));
  if (protocols.length) {
    const refs = protocols.map((x) => `P-${x.ref} ${x.title}${x.status === 'retired' ? ' (retired)' : ''}`).join(', ');
    return failure(
      `${org.name} is a party to ${refs}, so it stays: the register records who each protocol binds, retired ones too. ` +
        `To remove it, first take it off the parties with \`protocol edit P-${protocols[0]!.ref}\`${protocols.length > 1 ? ' (and the others)' : ''}. Nothing was changed.`,
    );
  }
  await deps.store.removeOrganisation(org.id);
  return success(
    `Removed ${org.name} from ${p.name}. Figures from earlier check-ins still count its answers, shown as a former organisation's and hidden under the same threshold as before.`,
  );
}
