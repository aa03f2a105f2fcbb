// Teams dialog (task module) invokes become the core's normalized requests:
// `task/fetch` is a click on a button that opens a form, `task/submit` is the
// form sent back. Transport only: the core re-validates every value.
import type { Activity } from 'botbuilder';
import { z } from 'zod';
import type { ActionRequest, SubmitRequest } from '../../core/request.js';
import { MAX_FORM_CONTEXT } from '../../core/message.js';
import { callerOf, MAX_VALUE_LENGTH, placeOf, SUBMIT_VERB } from './to-request.js';

export const TASK_FETCH = 'task/fetch';
export const TASK_SUBMIT = 'task/submit';
/** The `verb` a Trellis dialog's submit button carries. */
export const FORM_VERB = 'trellis-form';

const MAX_ACTION_ID_LENGTH = 100;
const MAX_FIELDS = 100;

/** Keys of a submit's data that are ours, not the person's answers. */
export const RESERVED_FORM_KEYS: ReadonlySet<string> = new Set(['msteams', 'verb', 'actionId', 'context', 'reopen']);

const actionId = z.string().min(1).max(MAX_ACTION_ID_LENGTH);
const reopen = z.object({ actionId, value: z.string().max(MAX_VALUE_LENGTH) });
export type Reopen = z.infer<typeof reopen>;

const fetchData = z.object({ verb: z.literal(SUBMIT_VERB), actionId, value: z.string().max(MAX_VALUE_LENGTH) });
const submitData = z.object({ verb: z.literal(FORM_VERB), actionId, context: z.string().max(MAX_FORM_CONTEXT), reopen: reopen.optional() });
const answers = z.record(z.string().max(MAX_VALUE_LENGTH)).refine((v) => Object.keys(v).length <= MAX_FIELDS);

/** What an invoke carries: `value.data` is the clicked button's data (plus, on submit, the inputs). */
const dataOf = (a: Activity): unknown => (typeof a.value === 'object' && a.value !== null ? (a.value as { data?: unknown }).data : undefined);

export const isInvoke = (a: Activity, name: string): boolean => a.type === 'invoke' && a.name === name;

/** The click behind a `task/fetch`, or undefined when its data is not one a Trellis card sends. */
export function toFetchAction(a: Activity): ActionRequest | undefined {
  const parsed = fetchData.safeParse(dataOf(a));
  if (!parsed.success) return undefined;
  return { caller: callerOf(a), place: placeOf(a), actionId: parsed.data.actionId, value: parsed.data.value };
}

export interface FormSubmit {
  request: SubmitRequest;
  reopen?: ActionRequest;
}

/** The form behind a `task/submit`, or undefined when it is not one a Trellis dialog sends. */
export function toFormSubmit(a: Activity): FormSubmit | undefined {
  const data = dataOf(a);
  const parsed = submitData.safeParse(data);
  if (!parsed.success) return undefined;
  const rest = Object.entries(data as Record<string, unknown>).filter(([k]) => !RESERVED_FORM_KEYS.has(k));
  const values = answers.safeParse(Object.fromEntries(rest));
  if (!values.success) return undefined;
  const caller = callerOf(a);
  const { actionId: submitActionId, context, reopen: again } = parsed.data;
  return {
    request: { caller, actionId: submitActionId, context, values: values.data },
    ...(again ? { reopen: { caller, place: placeOf(a), actionId: again.actionId, value: again.value } } : {}),
  };
}
