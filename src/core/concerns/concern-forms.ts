// The private forms of the critical-friend channel. Concern text is only ever
// typed and read in these, never in a chat message, because workspace and
// tenant owners can export chat history.
import { RUN_COMMAND, type Form, type FormField, type Thread } from '../message.js';
import { CONCERN_CATEGORIES, type Concern, type ConcernCategory, type Member, type Partnership } from '../model.js';

/** Submits the form that raises a new concern (the wire value is older than the name: messages already sent carry it). */
export const SUBMIT_NEW_CONCERN = 'concern-submit';
export const FRIEND_OPEN = 'concern-friend-open';
export const FRIEND_SUBMIT = 'concern-friend-submit';
export const REPORTER_OPEN = 'concern-reporter-open';
export const REPORTER_SUBMIT = 'concern-reporter-submit';
export const MAX_CONCERN_TEXT = 2000;
/** A handover choice names the one critical friend chosen: `hand:<member id>`. */
export const HAND_TO = 'hand:';

export const CATEGORY_LABELS: Record<ConcernCategory, string> = {
  roles: 'Lack of clarity about roles',
  philosophies: 'Professional or organisational philosophies',
  priorities: 'Different expectations about priorities or ways of working',
  power: 'Perceived power differences',
  communication: 'Communication failures',
  commitment: 'Varying commitment',
  other: 'Something else',
};

export function raiseForm(partnerships: Partnership[], orgName: string | undefined, openedFrom: string): Form {
  const fields: FormField[] = [];
  if (partnerships.length > 1)
    fields.push({
      kind: 'choice',
      id: 'partnership',
      label: 'Which partnership is it about?',
      options: partnerships.map((p) => ({ value: p.id, label: p.name })),
    });
  fields.push(
    { kind: 'choice', id: 'category', label: 'What is it about?', options: CONCERN_CATEGORIES.map((c) => ({ value: c, label: CATEGORY_LABELS[c] })) },
    { kind: 'text', id: 'happening', label: 'What is happening?', multiline: true, maxLength: MAX_CONCERN_TEXT, optional: false },
    { kind: 'text', id: 'help', label: 'What would help? (optional)', multiline: true, maxLength: 1000, optional: true },
    {
      kind: 'choice',
      id: 'organisation',
      label: 'May the critical friend know your organisation?',
      options: [
        { value: 'no', label: 'No — just "a member of the partnership"' },
        ...(orgName ? [{ value: 'yes', label: `Yes — say I am from ${orgName}` }] : []),
      ],
      initial: 'no',
    },
    {
      kind: 'choice',
      id: 'consent',
      label: 'May the critical friend later ask you whether to raise it with the coordinators?',
      options: [
        { value: 'no', label: 'No' },
        { value: 'yes', label: 'Yes — they ask me first, and share only text I approve' },
      ],
      initial: 'no',
    },
  );
  return {
    title: 'Raise a concern',
    intro:
      "This goes to the partnership's critical friend, a neutral person outside the partners. They will not know who you are: not your name, not your platform, and not your organisation unless you say so. Nobody else sees it.",
    submitActionId: SUBMIT_NEW_CONCERN,
    submitLabel: 'Send',
    context: partnerships.length === 1 ? partnerships[0]!.id : 'choose',
    reopen: { actionId: RUN_COMMAND, value: openedFrom },
    fields,
  };
}

const LABELS = { reporter: 'Reporter', friend: 'Critical friend' } as const;

/** The heading above the conversation, as each side reads it. */
function heading(c: Concern, reader: Thread['reader']): string {
  return reader === 'friend'
    ? `*${c.pseudonym}* — ${CATEGORY_LABELS[c.category]} — from ${c.organisation ? `someone at ${c.organisation}` : 'a member of the partnership'}.`
    : `*Your concern ${c.pseudonym}* — ${CATEGORY_LABELS[c.category]}.`;
}

/** The conversation so far, as each side reads it. */
export function thread(c: Concern, reader: Thread['reader']): Thread {
  const turns = c.messages.map((m) => ({ author: m.from, label: m.from === reader ? 'You' : LABELS[m.from], day: m.day, text: m.text }));
  return { reader, turns, status: `Status: ${c.status}.` };
}

export function friendForm(c: Concern): Form {
  const fields: FormField[] = [
    { kind: 'text', id: 'reply', label: 'Your reply (optional)', multiline: true, maxLength: MAX_CONCERN_TEXT, optional: true },
    {
      kind: 'choice',
      id: 'status',
      label: 'Status',
      options: [
        { value: 'open', label: 'Open' },
        { value: 'acknowledged', label: 'Acknowledged' },
        { value: 'resolved', label: 'Resolved' },
        { value: 'closed', label: 'Close the conversation' },
      ],
      initial: c.status === 'pending' ? 'open' : c.status,
    },
  ];
  if (c.mayAskToEscalate && !c.escalation) {
    fields.push({
      kind: 'text',
      id: 'escalate',
      label: 'Ask permission to raise it with the coordinators, sharing this text (optional)',
      multiline: true,
      maxLength: MAX_CONCERN_TEXT,
      optional: true,
      hint: 'The person sees this text and may edit, approve or decline it. Nothing is shared without their yes.',
    });
  }
  return {
    title: `Concern ${c.pseudonym}`,
    intro: heading(c, 'friend'),
    thread: thread(c, 'friend'),
    submitActionId: FRIEND_SUBMIT,
    submitLabel: 'Send',
    context: c.id,
    reopen: { actionId: FRIEND_OPEN, value: c.id },
    fields,
  };
}

/** `friends`: the critical friends in place now, named when the reporter is asked to hand the conversation to them. */
export function reporterForm(c: Concern, friends: Member[]): Form {
  const fields: FormField[] = [{ kind: 'text', id: 'reply', label: 'Your answer (optional)', multiline: true, maxLength: MAX_CONCERN_TEXT, optional: true }];
  if (c.escalation?.status === 'requested') {
    fields.push(
      {
        kind: 'choice',
        id: 'escalation',
        label: 'The critical friend asks to raise this with the coordinators, sharing the text below. Do you agree?',
        options: [
          { value: 'decline', label: 'No' },
          { value: 'approve', label: 'Yes, share the text below' },
        ],
        initial: 'decline',
      },
      {
        kind: 'text',
        id: 'shared',
        label: 'Text to share (edit it as you wish)',
        multiline: true,
        maxLength: MAX_CONCERN_TEXT,
        optional: true,
        initial: c.escalation.proposed,
      },
    );
  }
  if (c.handover === 'asked') {
    fields.push({
      kind: 'choice',
      id: 'handover',
      label: 'The critical friend you wrote to has left the role. Nobody reads this conversation unless you hand it on. What would you like?',
      options: [
        { value: 'later', label: friends.length ? 'Decide later' : 'Keep it until a new critical friend is in place' },
        ...friends.map((f) => ({ value: `${HAND_TO}${f.id}`, label: `Hand it, with everything said so far, to ${f.displayName}, critical friend now` })),
        { value: 'close', label: 'Close it' },
      ],
      initial: 'later',
    });
  } else {
    fields.push({
      kind: 'choice',
      id: 'close',
      label: 'Keep the conversation open?',
      options: [
        { value: 'open', label: 'Keep it open' },
        { value: 'close', label: 'Close it' },
      ],
      initial: 'open',
    });
  }
  return {
    title: `Concern ${c.pseudonym}`,
    intro: heading(c, 'reporter'),
    thread: thread(c, 'reporter'),
    submitActionId: REPORTER_SUBMIT,
    submitLabel: 'Send',
    context: c.id,
    reopen: { actionId: REPORTER_OPEN, value: c.id },
    fields,
  };
}
