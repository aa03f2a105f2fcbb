// `setup` and `join` with no words: the forms someone not yet in a partnership
// reaches by clicking (their console's buttons). Like the other command forms,
// what comes back is read into the typed words and run as if typed. `setup`
// binds the partnership to where it was asked, so that place travels in the
// form's context sealed under the server secret and tied to the caller: a
// forged submit cannot make another channel a partnership's home.
import type { Deps } from '../deps.js';
import { failure, type Form, type Message } from '../message.js';
import type { Caller, Place } from '../request.js';
import { samePerson } from '../model.js';
import { seal, unseal } from '../seal.js';
import { oneLine } from '../command-forms.js';
import { INDEPENDENT, MAX_NAME_LENGTH } from './partnership-grammar.js';

export const OPEN_SETUP_FORM = 'setup-form';
export const SUBMIT_SETUP_FORM = 'setup-form-submit';
export const OPEN_JOIN_FORM = 'join-form';
export const SUBMIT_JOIN_FORM = 'join-form-submit';

const PURPOSE = 'setup-form-place';
type Sealed = { caller: Caller; place: Place };

export function setupForm(deps: Deps, caller: Caller, place: Place): { form: Form } | Message {
  if (place.kind !== 'channel') {
    return failure('Set up a partnership in the channel (or team) it will use, so Trellis knows where its home is: type `setup` there.');
  }
  const context = seal(deps.secret, PURPOSE, { caller, place } satisfies Sealed);
  return {
    form: {
      title: 'Set up a partnership',
      intro: `${place.label ?? 'This channel'} becomes its home, and you its coordinator. You get an invite code for the partners.`,
      submitActionId: SUBMIT_SETUP_FORM,
      submitLabel: 'Set up',
      context,
      reopen: { actionId: OPEN_SETUP_FORM, value: context },
      fields: [{ kind: 'text', id: 'name', label: 'Name of the partnership', multiline: false, maxLength: MAX_NAME_LENGTH, optional: false }],
    },
  };
}

/** The place a setup form was opened in, if the form is the caller's own. */
export function setupPlace(deps: Deps, caller: Caller, context: string): Place | undefined {
  const opened = unseal<Sealed>(deps.secret, PURPOSE, context);
  return opened && samePerson(opened.caller, caller) ? opened.place : undefined;
}

export const setupWords = (values: Record<string, string>) => `setup ${oneLine(values.name)}`;

export const joinForm = (): { form: Form } => ({
  form: {
    title: 'Join a partnership',
    intro:
      'Its coordinator gives you the invite code (they see it with `invite`). Name your organisation as the partnership knows it, or write `independent` if you belong to none (as a critical friend).',
    submitActionId: SUBMIT_JOIN_FORM,
    submitLabel: 'Join',
    context: '',
    reopen: { actionId: OPEN_JOIN_FORM, value: '' },
    fields: [
      { kind: 'text', id: 'code', label: 'Invite code', multiline: false, maxLength: 20, optional: false, hint: 'e.g. M28D-Q5Q9' },
      {
        kind: 'text',
        id: 'organisation',
        label: 'Your organisation',
        multiline: false,
        maxLength: MAX_NAME_LENGTH,
        optional: false,
        hint: `or ${INDEPENDENT}`,
      },
    ],
  },
});

export const joinWords = (values: Record<string, string>) => `join ${oneLine(values.code)} ${oneLine(values.organisation)}`;
