// Private forms and private replies as Slack modals. Answers are collected
// here, never in a message, because workspace owners can export messages.
import { formatDate } from '../../core/time.js';
import type { types } from '@slack/bolt';
import {
  info,
  type ChoiceField,
  type DateField,
  type Form,
  type FormField,
  type Message,
  type MultiChoiceField,
  type TextField,
  type Thread,
} from '../../core/message.js';
import { chunks, escapeMrkdwn, renderBlocks, toMrkdwn } from './render-blocks.js';

type Block = types.KnownBlock;
type ModalView = types.ModalView;

export const FORM_CALLBACK_ID = 'trellis-form';
/** The one action_id every input carries: its block_id (the field id) says which field it is. */
export const INPUT_ACTION_ID = 'value';

// Slack's limits (https://docs.slack.dev/reference/block-kit): exceeding any rejects the whole view.
const TITLE_MAX = 24;
const BUTTON_MAX = 24;
const LABEL_MAX = 2000;
const OPTION_TEXT_MAX = 75;
const RADIO_MAX_OPTIONS = 10;
const CHECKBOXES_MAX_OPTIONS = 10;
const SELECT_MAX_OPTIONS = 100;
/** A select takes 100 options, or up to 100 groups of 100: a longer list (an owner chosen from every member) goes in groups. */
const SELECT_MAX_GROUPS = 100;
const SECTION_MAX = 3000;
const TEXT_INPUT_MAX = 3000;
const BLOCKS_MAX = 100;

const plain = (text: string, max: number) => ({ type: 'plain_text' as const, text: text.slice(0, max), emoji: true });

/** What a submitted form carries back to us, in `private_metadata`. */
export interface FormMetadata {
  actionId: string;
  context: string;
}

export const formMetadata = (form: Form): string => JSON.stringify({ actionId: form.submitActionId, context: form.context } satisfies FormMetadata);

/** Undefined unless it is exactly the shape we wrote; the core re-validates the values anyway. */
export function parseFormMetadata(raw: unknown): FormMetadata | undefined {
  if (typeof raw !== 'string' || raw.length > 3000) return undefined;
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (!parsed || typeof parsed !== 'object') return undefined;
    const { actionId, context } = parsed as Record<string, unknown>;
    if (typeof actionId !== 'string' || typeof context !== 'string' || !/^[a-z][a-z0-9-]{0,40}$/.test(actionId)) return undefined;
    return { actionId, context };
  } catch {
    return undefined;
  }
}

type Option = { text: ReturnType<typeof plain>; value: string };

const optionsOf = (f: ChoiceField | MultiChoiceField): Option[] =>
  f.options.slice(0, SELECT_MAX_OPTIONS * SELECT_MAX_GROUPS).map((o) => ({ text: plain(o.label, OPTION_TEXT_MAX), value: o.value.slice(0, 150) }));

/** A select's options: as they are up to 100, else in numbered groups of 100 (option_groups), so none is left out. */
function selectOptions(options: Option[]) {
  if (options.length <= SELECT_MAX_OPTIONS) return { options };
  const groups = [];
  for (let i = 0; i < options.length; i += SELECT_MAX_OPTIONS) {
    const group = options.slice(i, i + SELECT_MAX_OPTIONS);
    groups.push({ label: plain(`${i + 1}–${i + group.length}`, OPTION_TEXT_MAX), options: group });
  }
  return { option_groups: groups };
}

function choiceElement(f: ChoiceField) {
  const options = optionsOf(f);
  const initial = options.find((o) => o.value === f.initial);
  const common = { action_id: INPUT_ACTION_ID, ...(initial ? { initial_option: initial } : {}) };
  return options.length <= RADIO_MAX_OPTIONS
    ? { type: 'radio_buttons' as const, options, ...common }
    : { type: 'static_select' as const, placeholder: plain('Choose', 150), ...selectOptions(options), ...common };
}

function multiChoiceElement(f: MultiChoiceField) {
  const options = optionsOf(f);
  // Slack rejects a view whose initial options are not among its options.
  const initial = options.filter((o) => f.initial?.includes(o.value));
  const common = { action_id: INPUT_ACTION_ID, ...(initial.length ? { initial_options: initial } : {}) };
  return options.length <= CHECKBOXES_MAX_OPTIONS
    ? { type: 'checkboxes' as const, options, ...common }
    : { type: 'multi_static_select' as const, placeholder: plain('Choose', 150), ...selectOptions(options), ...common };
}

function dateElement(f: DateField) {
  // A malformed initial_date rejects the whole view: give only a plain YYYY-MM-DD.
  const initial = f.initial && /^\d{4}-\d{2}-\d{2}$/.test(f.initial) ? f.initial : undefined;
  return { type: 'datepicker' as const, action_id: INPUT_ACTION_ID, placeholder: plain('Choose a date', 150), ...(initial ? { initial_date: initial } : {}) };
}

function textElement(f: TextField) {
  const max = Math.min(f.maxLength, TEXT_INPUT_MAX);
  return {
    type: 'plain_text_input' as const,
    action_id: INPUT_ACTION_ID,
    multiline: f.multiline,
    max_length: max,
    ...(f.initial ? { initial_value: f.initial.slice(0, max) } : {}),
  };
}

function element(f: FormField) {
  switch (f.kind) {
    case 'choice':
      return choiceElement(f);
    case 'multichoice':
      return multiChoiceElement(f);
    case 'date':
      return dateElement(f);
    case 'text':
      return textElement(f);
  }
}

function input(f: FormField): Block {
  return {
    type: 'input',
    block_id: f.id.slice(0, 255),
    label: plain(f.label, LABEL_MAX),
    element: element(f),
    ...(f.kind === 'text' || f.kind === 'date' ? { optional: f.optional, ...(f.hint ? { hint: plain(f.hint, LABEL_MAX) } : {}) } : {}),
  };
}

const section = (text: string): Block => ({ type: 'section', text: { type: 'mrkdwn', text } });
const EARLIER_LEFT_OUT = '_… the earlier part is too long to show here …_';

/**
 * A conversation turn: who and when in a context line, then the person's words
 * as plain_text sections, where Slack reads no markup at all, so a line typed
 * to look like someone else's turn stays visibly inside this one.
 */
function turnBlocks(t: Thread['turns'][number]): Block[] {
  const who: Block = { type: 'context', elements: [{ type: 'mrkdwn', text: `*${escapeMrkdwn(t.label)}* (${escapeMrkdwn(formatDate(t.day))})` }] };
  const words = chunks(t.text.split('\n'), SECTION_MAX).filter((c) => c.trim() !== '');
  return [who, ...words.map((text): Block => ({ type: 'section', text: { type: 'plain_text', text, emoji: false } }))];
}

/**
 * The intro and the conversation in as many blocks as they need, within the
 * blocks the inputs leave. Should they ever need more, the opening block and
 * the latest part are shown, and the inputs are never lost.
 */
function introBlocks(form: Form, room: number): Block[] {
  const intro = form.intro ? chunks(toMrkdwn(form.intro, form.literals).split('\n'), SECTION_MAX).map(section) : [];
  const thread = form.thread ? [...form.thread.turns.flatMap(turnBlocks), section(escapeMrkdwn(form.thread.status))] : [];
  const parts = [...intro, ...thread];
  if (parts.length <= room) return parts;
  if (room <= 0) return [];
  if (room < 3) return parts.slice(parts.length - room);
  return [parts[0]!, section(EARLIER_LEFT_OUT), ...parts.slice(parts.length - (room - 2))];
}

export function renderFormModal(form: Form): ModalView {
  const inputs = form.fields.slice(0, BLOCKS_MAX).map(input);
  const blocks: Block[] = [...introBlocks(form, BLOCKS_MAX - inputs.length), ...inputs];
  return {
    type: 'modal',
    callback_id: FORM_CALLBACK_ID,
    title: plain(form.title, TITLE_MAX),
    submit: plain(form.submitLabel, BUTTON_MAX),
    close: plain('Cancel', BUTTON_MAX),
    private_metadata: formMetadata(form),
    blocks: blocks.slice(0, BLOCKS_MAX),
  };
}

/** A reply shown privately in a modal (after a submit, or a click in App Home): read-only. */
export function renderMessageModal(m: Message, title = 'Trellis'): ModalView {
  return {
    type: 'modal',
    title: plain(title, TITLE_MAX),
    close: plain('Close', BUTTON_MAX),
    blocks: renderBlocks(m).slice(0, BLOCKS_MAX),
  };
}

/**
 * Where Slack gives no trigger_id (a message typed to the bot), a modal cannot
 * open yet: a message with the form's own button opens it instead.
 */
export const formButton = (form: Form): Message =>
  info('This opens in a private form, so what you enter stays out of the conversation.', {
    title: form.title,
    buttons: [{ actionId: form.reopen.actionId, label: 'Open the form', value: form.reopen.value, style: 'primary', opensForm: true }],
  });
