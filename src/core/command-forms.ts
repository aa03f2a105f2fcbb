// Forms that stand in for typed commands. A command that needs words opens
// one when given none (a menu's button runs it so); what comes back is turned
// into the same words, parsed by the one grammar and run by the same handler
// as if typed (trellis.ts), so a form can do nothing the command could not.
import type { Deps } from './deps.js';
import type { Context } from './context.js';
import type { Form, FormField, Message } from './message.js';

/** The commands that open a form when given no words. */
export const FORM_COMMANDS = ['survey schedule', 'org add', 'role', 'set', 'protocol reminders', 'review close'] as const;
export type FormKey = (typeof FORM_COMMANDS)[number];
export type FormCommand = { name: 'form'; of: FormKey };

export const isFormKey = (key: string): key is FormKey => (FORM_COMMANDS as readonly string[]).includes(key);

/** The action that opens a command's form again (Teams opens dialogs only from a button). */
export const OPEN_COMMAND_FORM = 'command-form';
export const SUBMIT_COMMAND_FORM = 'command-form-submit';

/**
 * One typed command a submitted form stands for. Its parse error is shown
 * beside `field`; `probes` are parsed first, in order, each with the fields
 * before it as given and the rest as a sample that parses, so an error lands
 * beside the field that caused it rather than the first one.
 */
export interface Step {
  field: string;
  text: string;
  probes?: { field: string; text: string }[];
}

export interface CommandForm {
  /** The form, prefilled from the partnership; or the same refusal the typed command gives. */
  open(deps: Deps, ctx: Context): Promise<{ form: Form } | Message>;
  /** The commands the values stand for (none when nothing changed), or a refusal naming the fields at fault. */
  read(deps: Deps, ctx: Context, values: Record<string, string>): Promise<Step[] | Message>;
}

/** A form whose submit comes back, with its partnership, to SUBMIT_COMMAND_FORM. */
export function commandForm(
  partnershipId: string,
  key: FormKey,
  form: { title: string; intro?: string; submitLabel: string; fields: FormField[] },
): { form: Form } {
  const context = `${partnershipId}:${key}`;
  return { form: { ...form, submitActionId: SUBMIT_COMMAND_FORM, context, reopen: { actionId: OPEN_COMMAND_FORM, value: context } } };
}

/** `partnership:command`, as commandForm writes it. */
export function readFormContext(context: string): { partnershipId: string; key: FormKey } | undefined {
  const at = context.indexOf(':');
  const key = context.slice(at + 1);
  return at > 0 && isFormKey(key) ? { partnershipId: context.slice(0, at), key } : undefined;
}

/** A value as typed into a form, on one line: the grammar reads words. */
export const oneLine = (value: string | undefined) => (value ?? '').replace(/\s+/g, ' ').trim();
