// A core Form becomes the Adaptive Card of a Teams dialog (task module). What
// is typed or chosen here travels back in a `task/submit` invoke, never
// through the chat, so it never sits in exportable chat history.
import { formatDate } from '../../core/time.js';
import { CardFactory, type TaskModuleTaskInfo } from 'botbuilder';
import type { Form, FormField, Thread } from '../../core/message.js';
import { toMarkdown, toPlain } from './render-card.js';
import { FORM_VERB, RESERVED_FORM_KEYS, type Reopen } from './task-request.js';

const LIMITS = { label: 300, hint: 500, error: 300, fields: 40, value: 2000 } as const;
/** Characters in one intro TextBlock; a longer intro (a concern's conversation) takes several. */
const INTRO_BLOCK = 4000;
/**
 * Bytes of intro in one dialog card. Teams refuses a card much past 28 KB;
 * the form's fields (up to 2000 characters of initial text each) need room too.
 */
export const INTRO_BUDGET = 16_000;
export const INTRO_CUT = 'Earlier messages are not shown here: the whole conversation is longer than a Teams dialog holds.';
/** Up to this many options show as radio buttons or checkboxes; more as a drop-down. */
const EXPANDED_OPTIONS = 6;

/** What the dialog's submit button carries back (plus one entry per input, by field id). */
export interface FormSubmitData {
  verb: typeof FORM_VERB;
  actionId: string;
  context: string;
  /** The core's button that opens this same form, to open it again when a submit is refused. */
  reopen: Reopen;
}

export interface FormState {
  /** What the person chose or typed, shown again instead of the form's initial values. */
  values?: Record<string, string>;
  /** field id → what is wrong with it, shown in red under the field. */
  errors?: Record<string, string>;
  /** Why the submit was refused, shown in red above the fields. */
  error?: string;
}

const attention = (text: string, limit: number) => ({
  type: 'TextBlock',
  text: toPlain(text).slice(0, limit),
  wrap: true,
  color: 'attention',
  spacing: 'Small',
});

/**
 * Teams refuses a dialog much past 28 KB. Most of a big form is its choices (an
 * owner picked from every member, by display name): past this many bytes the
 * card is drawn again with shorter choice titles, which a drop-down cuts anyway.
 */
export const FORM_BUDGET = 26_000;
const CHOICE_TITLE_STEPS = [Infinity, 48, 24] as const;

const shorten = (s: string, max: number) => (s.length <= max ? s : `${[...s].slice(0, max - 1).join('')}…`);

const choices = (options: { value: string; label: string }[], titleMax: number) => ({
  style: options.length <= EXPANDED_OPTIONS ? 'expanded' : 'compact',
  // All of them: Adaptive Cards set no limit on choices, and one left out could never be chosen.
  choices: options.map((o) => ({ title: shorten(o.label, titleMax), value: o.value })),
});

/** The field's input, without its value. */
function inputOf(f: FormField, titleMax: number): Record<string, unknown> {
  const common = { id: f.id, label: f.label.slice(0, LIMITS.label) };
  switch (f.kind) {
    case 'choice':
      return { type: 'Input.ChoiceSet', ...common, ...choices(f.options, titleMax), isRequired: true, errorMessage: 'Choose an answer.' };
    case 'multichoice':
      // Teams submits the chosen values joined with commas, as the core expects.
      return { type: 'Input.ChoiceSet', ...common, ...choices(f.options, titleMax), isMultiSelect: true };
    case 'date':
      // Teams submits YYYY-MM-DD; the core checks that the date is real and allowed.
      return { type: 'Input.Date', ...common, isRequired: !f.optional, ...(f.optional ? {} : { errorMessage: 'Choose a date.' }) };
    case 'text':
      return {
        type: 'Input.Text',
        ...common,
        isMultiline: f.multiline,
        maxLength: f.maxLength,
        isRequired: !f.optional,
        ...(f.optional ? {} : { errorMessage: 'This one is needed.' }),
      };
  }
}

const initialOf = (f: FormField): string | undefined => (f.kind === 'multichoice' ? f.initial?.join(',') : f.initial);

function renderField(f: FormField, state: FormState, titleMax: number): Record<string, unknown>[] {
  if (RESERVED_FORM_KEYS.has(f.id)) throw new Error(`A form field may not be called "${f.id}": Teams would mix it up with the submit data.`);
  const value = (state.values?.[f.id] ?? initialOf(f))?.slice(0, LIMITS.value);
  const blocks: Record<string, unknown>[] = [{ ...inputOf(f, titleMax), ...(value ? { value } : {}), spacing: 'Medium' }];
  const hint = f.kind === 'text' || f.kind === 'date' ? f.hint : undefined;
  if (hint) blocks.push({ type: 'TextBlock', text: toPlain(hint).slice(0, LIMITS.hint), wrap: true, isSubtle: true, size: 'Small', spacing: 'Small' });
  const error = state.errors?.[f.id];
  if (error) blocks.push(attention(error, LIMITS.error));
  return blocks;
}

/** The intro's lines, none longer than a block (a longer line is cut, at a space where there is one). */
function linesOf(intro: string): string[] {
  return intro.split('\n').flatMap((line) => {
    const parts: string[] = [];
    let rest = line;
    while (rest.length > INTRO_BLOCK) {
      const space = rest.lastIndexOf(' ', INTRO_BLOCK);
      const at = space > INTRO_BLOCK / 2 ? space : INTRO_BLOCK;
      parts.push(rest.slice(0, at));
      rest = rest.slice(at).trimStart();
    }
    return [...parts, rest];
  });
}

type Element = Record<string, unknown>;
const sizeOf = (e: Element) => Buffer.byteLength(JSON.stringify(e));
const run = (text: string, extra: Element = {}): Element => ({ type: 'TextRun', text, ...extra });

/**
 * A conversation turn as RichTextBlocks, one a line: a TextRun is never read
 * as markdown, so a line typed to look like someone else's turn stays plain
 * text inside this one. Who and when lead its first line.
 */
function turnBlocks(t: Thread['turns'][number]): Element[] {
  const lines = linesOf(t.text).filter((l) => l.trim() !== '');
  const [first = '', ...rest] = lines;
  const lead = [run(t.label, { weight: 'Bolder' }), run(` (${formatDate(t.day)}): `)];
  return [{ type: 'RichTextBlock', inlines: [...lead, ...(first ? [run(first)] : [])] }, ...rest.map((l) => ({ type: 'RichTextBlock', inlines: [run(l)] }))];
}

/**
 * The intro and the conversation, whole: the intro as wrapped TextBlocks, each
 * turn as RichTextBlocks, then the status line. Past the budget, the first
 * block (the heading) and the latest blocks are kept, and a note says that
 * earlier ones are left out: the newest message matters most.
 */
function introBlocks(form: Form): Element[] {
  const thread = form.thread;
  const all = [
    ...(form.intro ? textBlocks(linesOf(form.intro), form.literals) : []),
    ...(thread ? [...thread.turns.flatMap(turnBlocks), ...textBlocks([thread.status])] : []),
  ];
  if (all.reduce((n, e) => n + sizeOf(e), 0) <= INTRO_BUDGET) return all;
  const cut: Element = { type: 'TextBlock', text: INTRO_CUT, wrap: true, isSubtle: true, size: 'Small' };
  const [head, ...rest] = all;
  let room = INTRO_BUDGET - sizeOf(head!) - sizeOf(cut);
  const latest: Element[] = [];
  for (let i = rest.length - 1; i >= 0 && sizeOf(rest[i]!) <= room; i--) {
    room -= sizeOf(rest[i]!);
    latest.unshift(rest[i]!);
  }
  return [head!, cut, ...latest];
}

/** Lines packed into as few wrapped TextBlocks as the block size allows. */
function textBlocks(lines: string[], literals?: readonly string[]): Record<string, unknown>[] {
  const groups: string[][] = [];
  for (const line of lines) {
    const last = groups.at(-1);
    if (last && [...last, line].join('\n').length <= INTRO_BLOCK) last.push(line);
    else groups.push([line]);
  }
  return groups.map((g) => ({ type: 'TextBlock', text: toMarkdown(g.join('\n'), literals), wrap: true }));
}

export function renderFormCard(form: Form, state: FormState = {}): Record<string, unknown> {
  let card: Record<string, unknown> = {};
  for (const titleMax of CHOICE_TITLE_STEPS) {
    card = formCard(form, state, titleMax);
    if (Buffer.byteLength(JSON.stringify(card)) <= FORM_BUDGET) break;
  }
  return card;
}

function formCard(form: Form, state: FormState, titleMax: number): Record<string, unknown> {
  const body: Record<string, unknown>[] = [];
  if (state.error) body.push(attention(state.error, LIMITS.error));
  body.push(...introBlocks(form));
  for (const f of form.fields.slice(0, LIMITS.fields)) body.push(...renderField(f, state, titleMax));
  const data: FormSubmitData = {
    verb: FORM_VERB,
    actionId: form.submitActionId,
    context: form.context,
    reopen: { actionId: form.reopen.actionId, value: form.reopen.value },
  };
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body,
    actions: [{ type: 'Action.Submit', title: form.submitLabel.slice(0, 40), style: 'positive', data }],
  };
}

/** The dialog itself: its title and the form's card; a check-in is a tall card, Teams scrolls the rest. */
export const formTask = (form: Form, state: FormState = {}): TaskModuleTaskInfo => ({
  title: toPlain(form.title),
  height: 'large',
  width: 'medium',
  card: CardFactory.adaptiveCard(renderFormCard(form, state)),
});
