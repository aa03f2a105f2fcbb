// The private form that adds or edits a protocol, and the checks on what
// comes back: a bad value names its field and nothing is saved.
import type { Form } from '../message.js';
import { PROTOCOL_KINDS, type Member, type Organisation, type Protocol, type ProtocolKind } from '../model.js';
import { formatDate, parseDate } from '../time.js';

export const OPEN_PROTOCOL_FORM = 'protocol-form';
export const SAVE_PROTOCOL = 'protocol-save';
export const NEW_PROTOCOL = 'new';
const KIND_LABELS: Record<ProtocolKind, string> = { protocol: 'Protocol', agreement: 'Agreement', mou: 'Memorandum of understanding' };
export const kindLabel = (k: ProtocolKind) => KIND_LABELS[k];

export function protocolForm(partnershipId: string, orgs: Organisation[], members: Member[], existing?: Protocol): Form {
  return {
    title: existing ? `Edit P-${existing.ref}` : 'Add a protocol',
    intro: 'Register an inter-agency protocol or agreement. Trellis reminds the owner and coordinators before its review date.',
    submitActionId: SAVE_PROTOCOL,
    submitLabel: 'Save',
    // partnership:protocol, so a form opened from a DM still knows where it belongs.
    context: `${partnershipId}:${existing?.id ?? NEW_PROTOCOL}`,
    reopen: { actionId: OPEN_PROTOCOL_FORM, value: `${partnershipId}:${existing?.id ?? NEW_PROTOCOL}` },
    fields: [
      { kind: 'text', id: 'title', label: 'Title', multiline: false, maxLength: 120, optional: false, ...(existing ? { initial: existing.title } : {}) },
      {
        kind: 'choice',
        id: 'kind',
        label: 'Kind',
        options: PROTOCOL_KINDS.map((k) => ({ value: k, label: KIND_LABELS[k] })),
        initial: existing?.kind ?? 'protocol',
      },
      {
        kind: 'text',
        id: 'purpose',
        label: 'Purpose',
        multiline: true,
        maxLength: 500,
        optional: true,
        ...(existing?.purpose ? { initial: existing.purpose } : {}),
      },
      {
        kind: 'multichoice',
        id: 'parties',
        label: 'Parties (organisations)',
        options: orgs.map((o) => ({ value: o.id, label: o.name })),
        ...(existing ? { initial: existing.partyOrgIds } : {}),
      },
      {
        kind: 'choice',
        id: 'owner',
        label: 'Owner',
        options: members.filter((m) => m.role !== 'critical-friend').map((m) => ({ value: m.id, label: m.displayName })),
        ...(existing ? { initial: existing.ownerMemberId } : {}),
      },
      {
        kind: 'text',
        id: 'link',
        label: 'Link to the document',
        multiline: false,
        maxLength: 500,
        optional: true,
        hint: 'https://…',
        ...(existing?.link ? { initial: existing.link } : {}),
      },
      {
        kind: 'text',
        id: 'cycle',
        label: 'Review every (months, 1–60)',
        multiline: false,
        maxLength: 2,
        optional: true,
        ...(existing?.cycleMonths ? { initial: String(existing.cycleMonths) } : {}),
      },
      {
        kind: 'date',
        id: 'next',
        label: 'Next review date',
        optional: true,
        hint: 'Leave empty to count the cycle from today.',
        ...(existing ? { initial: existing.nextReview } : {}),
      },
    ],
  };
}

export type ProtocolFields = Pick<Protocol, 'title' | 'kind' | 'purpose' | 'partyOrgIds' | 'ownerMemberId' | 'link' | 'cycleMonths'> & {
  /** Absent: count the cycle from today. */
  nextReview?: string;
};

export type Checked = { ok: true; fields: ProtocolFields } | { ok: false; errors: Record<string, string> };

export function checkProtocol(values: Record<string, string>, orgs: Organisation[], members: Member[], today: string): Checked {
  const errors: Record<string, string> = {};
  const title = (values.title ?? '').trim();
  if (!title) errors.title = 'Give the protocol a title.';
  else if (title.length > 120) errors.title = 'Keep the title under 120 characters.';
  const kind = PROTOCOL_KINDS.find((k) => k === values.kind);
  if (!kind) errors.kind = 'Choose protocol, agreement or memorandum of understanding.';
  const purpose = (values.purpose ?? '').trim();
  if (purpose.length > 500) errors.purpose = 'Keep the purpose under 500 characters.';
  const partyOrgIds = (values.parties ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = partyOrgIds.filter((id) => !orgs.some((o) => o.id === id));
  if (partyOrgIds.length === 0) errors.parties = 'Choose at least one organisation that is party to it.';
  else if (unknown.length) errors.parties = 'One of those organisations is not in the partnership.';
  const owner = members.find((m) => m.id === values.owner && m.role !== 'critical-friend');
  if (!owner) errors.owner = 'Choose the member who owns it.';
  const link = (values.link ?? '').trim();
  if (link && !/^https:\/\/[^\s]+$/.test(link)) errors.link = 'The link must be a web address starting with https://.';
  const cycleText = (values.cycle ?? '').trim();
  const cycle = cycleText ? Number(cycleText) : undefined;
  if (cycle !== undefined && (!Number.isInteger(cycle) || cycle < 1 || cycle > 60)) errors.cycle = 'The review cycle is a whole number of months from 1 to 60.';
  const nextText = (values.next ?? '').trim();
  let nextReview: string | undefined;
  if (nextText) {
    const d = parseDate(nextText);
    if (!d.ok) errors.next = d.error;
    else if (d.date < today) errors.next = `The next review cannot be in the past (today is ${formatDate(today)}).`;
    else nextReview = d.date;
  } else if (cycle === undefined && !errors.cycle) errors.next = 'Give a next review date, or a review cycle to count from today.';
  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    fields: {
      title,
      kind: kind!,
      purpose,
      partyOrgIds: [...new Set(partyOrgIds)],
      ownerMemberId: owner!.id,
      ...(link ? { link } : {}),
      ...(cycle ? { cycleMonths: cycle } : {}),
      ...(nextReview ? { nextReview } : {}),
    },
  };
}
