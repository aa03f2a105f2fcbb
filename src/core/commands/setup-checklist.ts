// The set-up checklist: after `setup`, the coordinator who ran it gets the five
// steps to a working partnership privately, in one message that ticks itself
// off. What is done is worked out from the store each time; the partnership
// keeps only where the message landed and which steps it shows, so it is
// updated only when that changes. trellis.ts asks for a refresh after every
// serial command, click and form: one place, whatever completed a step.
import { commandButton, failure, fieldErrors, info, success, type Button, type Form, type Message, type Reply } from '../message.js';
import type { Member, Organisation, Partnership, Person } from '../model.js';
import type { Deps } from '../deps.js';
import type { Caller } from '../request.js';
import type { Context } from '../context.js';
import { normaliseAddress } from '../email-identity.js';
import { sendPrivate, updateSent } from '../send.js';
import { join } from './members.js';
import { addEmailMember } from './email-members.js';

const STEPS = ['organisations', 'own-organisation', 'partners', 'critical-friend', 'schedule'] as const;
type Step = (typeof STEPS)[number];

/** A partnership is between organisations: two (the coordinator's own among them) make the first step done. */
const ENOUGH_ORGANISATIONS = 2;

export const OPEN_MY_ORG_FORM = 'setup-my-org-form';
export const SAVE_MY_ORG = 'setup-my-org';
export const OPEN_EMAIL_MEMBER_FORM = 'setup-email-member-form';
export const SAVE_EMAIL_MEMBER = 'setup-email-member';
/** The email form's organisation choice for someone who belongs to none (org ids are never this). */
const NO_ORGANISATION = 'independent';

/** A button whose command opens (or will open) a private form: Teams must know before the click. */
const formButton = (label: string, command: string): Button => ({ ...commandButton(label, command), opensForm: true });
const openButton = (label: string, actionId: string, partnershipId: string): Button => ({ actionId, label, value: partnershipId, opensForm: true });

interface Facts {
  orgs: Organisation[];
  members: Member[];
}

function doneSteps(p: Partnership, memberId: string, { orgs, members }: Facts): Step[] {
  const done: Record<Step, boolean> = {
    organisations: orgs.length >= ENOUGH_ORGANISATIONS,
    'own-organisation': members.find((m) => m.id === memberId)?.organisationId !== undefined,
    partners: members.some((m) => m.id !== memberId),
    'critical-friend': members.some((m) => m.role === 'critical-friend'),
    schedule: p.schedule !== undefined,
  };
  return STEPS.filter((s) => done[s]);
}

/** The checklist as it stands: each step ✅ or ⬜, with its button while it is not done. */
function checklistMessage(p: Partnership, done: readonly string[]): Message {
  const is = (s: Step) => done.includes(s);
  const tick = (s: Step) => (is(s) ? '✅' : '⬜');
  const items = [
    `${tick('organisations')} *Add the partner organisations* — at least ${ENOUGH_ORGANISATIONS}, your own included.`,
    `${tick('own-organisation')} *Join your own organisation* — say which organisation you are in.`,
    `${tick('partners')} *Invite partners* — give them the invite code \`${p.inviteCode}\`: they type \`join ${p.inviteCode} <organisation>\` to Trellis in Slack or Teams. Add people on neither by email.`,
    `${tick('critical-friend')} *Choose a critical friend* — someone neutral, outside the partnership's running, whom staff can raise tensions with anonymously.`,
    `${tick('schedule')} *Schedule check-ins* — regular pulse check-ins on trust and commitment.`,
  ];
  if (STEPS.every(is)) {
    return success(`*${p.name}* is set up: every step is done.`, { title: `Set up ${p.name}`, items, buttons: [commandButton('Menu', 'menu')] });
  }
  const buttons: Button[] = [
    ...(is('organisations') ? [] : [formButton('Add an organisation', 'org add')]),
    ...(is('own-organisation') ? [] : [openButton('Choose my organisation', OPEN_MY_ORG_FORM, p.id)]),
    ...(is('partners') ? [] : [openButton('Add someone by email', OPEN_EMAIL_MEMBER_FORM, p.id)]),
    ...(is('critical-friend') ? [] : [formButton('Choose a critical friend', 'role')]),
    ...(is('schedule') ? [] : [formButton('Schedule check-ins', 'survey schedule')]),
  ];
  return info(`${STEPS.filter(is).length} of ${STEPS.length} done. This message ticks itself off as you go.`, {
    title: `Set up ${p.name}`,
    items,
    buttons,
  });
}

const facts = async (deps: Deps, partnershipId: string): Promise<Facts> => {
  const [orgs, members] = await Promise.all([deps.store.organisations(partnershipId), deps.store.members(partnershipId)]);
  return { orgs, members };
};

/** Sent from `setup`, to the coordinator who ran it; true when it reached them (they may not have a private chat with Trellis yet). */
export async function sendSetupChecklist(deps: Deps, p: Partnership, coordinator: Member): Promise<boolean> {
  const done = doneSteps(p, coordinator.id, await facts(deps, p.id));
  const sent = await sendPrivate(deps, coordinator, checklistMessage(p, done), { kind: 'setup checklist', partnershipId: p.id });
  if (sent.status !== 'sent') return false;
  await deps.store.savePartnership({ ...p, setupChecklist: { memberId: coordinator.id, delivery: sent.delivery, done } });
  return true;
}

const pending = (p: Partnership | undefined): p is Partnership & Required<Pick<Partnership, 'setupChecklist'>> =>
  !!p?.setupChecklist && p.setupChecklist.done.length < STEPS.length;

/**
 * Brings the checklists of the person's partnerships up to date. `serial` is the
 * commands' lock: the partnership is saved under it, so no command's change to
 * it is overwritten. Cheap when there is nothing to do: no lock is taken.
 */
export async function refreshSetupChecklists(deps: Deps, person: Person, serial: (work: () => Promise<void>) => Promise<void>): Promise<void> {
  for (const m of await deps.store.membershipsOf(person)) {
    if (pending(await deps.store.partnership(m.partnershipId))) await serial(() => refresh(deps, m.partnershipId));
  }
}

async function refresh(deps: Deps, partnershipId: string): Promise<void> {
  const p = await deps.store.partnership(partnershipId);
  if (!pending(p)) return;
  const { setupChecklist: list } = p;
  const done = doneSteps(p, list.memberId, await facts(deps, p.id));
  if (done.join() === list.done.join()) return;
  await updateSent(deps, list.delivery, checklistMessage(p, done), { kind: 'setup checklist', partnershipId: p.id });
  await deps.store.savePartnership({ ...p, setupChecklist: { ...list, done } });
}

// ---- The checklist's own forms (setup-checklist-routes.ts) -------------------

const NOT_YOURS = failure("That isn't a partnership you are in; nothing was changed.");

/** The partnership a button or form names, and the caller in it: only its members may use them. */
async function contextOf(deps: Deps, caller: Caller, partnershipId: string): Promise<Context | undefined> {
  const partnership = await deps.store.partnership(partnershipId);
  const me = (await deps.store.membershipsOf(caller)).find((m) => m.partnershipId === partnershipId);
  return partnership && me ? { partnership, me } : undefined;
}

const orgOptions = (orgs: Organisation[]) => [...orgs].sort((a, b) => a.name.localeCompare(b.name)).map((o) => ({ value: o.id, label: o.name }));

/** "Which organisation are you in?": the `join` command's own path, without needing the code typed. */
export async function openMyOrgForm(deps: Deps, caller: Caller, partnershipId: string): Promise<Reply> {
  const ctx = await contextOf(deps, caller, partnershipId);
  if (!ctx) return NOT_YOURS;
  const orgs = await deps.store.organisations(partnershipId);
  if (orgs.length === 0) return failure(`${ctx.partnership.name} has no organisations yet. Add yours first with \`org add <name> <sector>\`.`);
  const form: Form = {
    title: 'Your organisation',
    intro: `Which organisation are you in? Figures by organisation count you under it in ${ctx.partnership.name}.`,
    submitActionId: SAVE_MY_ORG,
    submitLabel: 'Save',
    context: partnershipId,
    reopen: { actionId: OPEN_MY_ORG_FORM, value: partnershipId },
    fields: [
      {
        kind: 'choice',
        id: 'organisation',
        label: 'Organisation',
        options: orgOptions(orgs),
        ...(ctx.me?.organisationId ? { initial: ctx.me.organisationId } : {}),
      },
    ],
  };
  return { form };
}

export async function saveMyOrg(deps: Deps, caller: Caller, partnershipId: string, values: Record<string, string>): Promise<Message> {
  const ctx = await contextOf(deps, caller, partnershipId);
  if (!ctx) return NOT_YOURS;
  const org = (await deps.store.organisations(partnershipId)).find((o) => o.id === values.organisation);
  if (!org) return fieldErrors('Choose one of the organisations; nothing was changed.', { organisation: 'Choose one of the organisations.' });
  return join(deps, { caller }, ctx.partnership.inviteCode, org.name);
}

/** `member add` as a form: the address never passes through the chat's history. */
export async function openEmailMemberForm(deps: Deps, caller: Caller, partnershipId: string): Promise<Reply> {
  const ctx = await contextOf(deps, caller, partnershipId);
  if (!ctx) return NOT_YOURS;
  const orgs = await deps.store.organisations(partnershipId);
  const form: Form = {
    title: 'Add someone by email',
    intro: `For someone on neither Slack nor Teams: they join ${ctx.partnership.name} at once and are emailed a personal link.`,
    submitActionId: SAVE_EMAIL_MEMBER,
    submitLabel: 'Add',
    context: partnershipId,
    reopen: { actionId: OPEN_EMAIL_MEMBER_FORM, value: partnershipId },
    fields: [
      { kind: 'text', id: 'email', label: 'Email address', multiline: false, maxLength: 254, optional: false, hint: 'jo.smith@example.org' },
      {
        kind: 'choice',
        id: 'organisation',
        label: 'Organisation',
        options: [...orgOptions(orgs), { value: NO_ORGANISATION, label: 'Independent (no organisation)' }],
      },
    ],
  };
  return { form };
}

export async function saveEmailMember(deps: Deps, caller: Caller, partnershipId: string, values: Record<string, string>): Promise<Message> {
  const ctx = await contextOf(deps, caller, partnershipId);
  if (!ctx) return NOT_YOURS;
  const address = values.email?.trim() ?? '';
  if (!normaliseAddress(address)) {
    return fieldErrors('That is not an email address Trellis can send to; nobody was added.', { email: 'Write it whole, like jo.smith@example.org.' });
  }
  const choice = values.organisation;
  const org = (await deps.store.organisations(partnershipId)).find((o) => o.id === choice);
  if (!org && choice !== NO_ORGANISATION) {
    return fieldErrors('Choose one of the organisations; nobody was added.', { organisation: 'Choose one of the organisations.' });
  }
  return addEmailMember(deps, ctx, address, org?.name);
}
