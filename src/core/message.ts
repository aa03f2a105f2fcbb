// Platform-neutral messages: the core returns these, each adapter has one renderer.

export interface Field {
  label: string;
  value: string;
}

export interface Button {
  /** Which core action a click runs. */
  actionId: string;
  label: string;
  /** Carried back verbatim on click; never trusted (re-validated by the core). */
  value: string;
  style?: 'primary' | 'danger';
  /** The click opens a private form (Teams must know before the click: it opens a dialog). */
  opensForm?: boolean;
  /** A link button: opens this https URL and runs no action. */
  url?: string;
  /** The click only shows something (an overview) and changes nothing, like a form opening: a web link may run it on GET. */
  readOnly?: true;
  /** The click answers the question its message asks ("Leave Riverside?"): a web page makes it the form that acts, not a link to a second question. */
  confirms?: true;
  /** When the click stops being of use (a check-in's close): an emailed link to it expires then. */
  until?: string;
}

/** A heading with its own buttons: the console groups what a person can do by job. */
export interface Section {
  title: string;
  /** One short line under the heading; core markup. */
  text?: string;
  buttons: Button[];
}

export interface Message {
  title?: string;
  /** Plain text; `*bold*` and line breaks are the only markup renderers must support. */
  text: string;
  fields?: Field[];
  /** A bulleted list (members, organisations, help lines). */
  items?: string[];
  buttons?: Button[];
  /** Drawn after the buttons, each a heading, a line and its own buttons (Teams shows at most 6 buttons in one group). */
  sections?: Section[];
  tone: 'info' | 'success' | 'error';
  /** `caller`: only the person who asked sees it; `conversation`: everyone where it was asked. */
  audience: 'caller' | 'conversation';
  /** A chart of indices over rounds: Slack and Teams show it as an image, the playground inline. */
  chart?: ChartSpec;
  /** Only on a refused form submit: field id → what is wrong with it. */
  fieldErrors?: Record<string, string>;
  /**
   * Names people typed (a partnership, an organisation, a person) that occur in
   * this message: renderers show every occurrence as typed — escaped for their
   * platform, never formatting, never a mention. See `renderLiterals`.
   */
  literals?: string[];
}

/** Characters some platform reads as markup, mentions or links: only names holding one need marking. */
const MARKUP = /[*_~`<>&[\]|!@#:]/;

/**
 * Whether any string in it holds a markup character. When none does, it shows no
 * name that needs marking (such a name holds one), so none need be read: the
 * common case, a plain "Answered", costs no store reads.
 */
export const mayShowMarkup = (x: unknown): boolean =>
  typeof x === 'string' ? MARKUP.test(x) : x !== null && typeof x === 'object' && Object.values(x).some(mayShowMarkup);

/** The message with these user-given names marked literal (only those that could be read as markup). */
export function withLiterals<M extends Message | Form>(m: M, names: readonly string[]): M {
  // Only names this message shows: a reply must not carry the names of everyone in the partnership.
  const shown = JSON.stringify(m);
  const risky = [...new Set([...(m.literals ?? []), ...names.filter((n) => n && MARKUP.test(n) && shown.includes(JSON.stringify(n).slice(1, -1)))])];
  return risky.length ? { ...m, literals: risky } : m;
}

export interface ChartSeries {
  name: string;
  values: (number | null)[];
}

/** A line chart of indices (0–100) over rounds; renderers draw it as SVG/PNG or a text sparkline. */
export interface ChartSpec {
  title: string;
  labels: string[];
  series: ChartSeries[];
}

type Extra = Omit<Partial<Message>, 'text' | 'tone'>;

export const info = (text: string, extra: Extra = {}): Message => ({ text, tone: 'info', audience: 'caller', ...extra });
export const success = (text: string, extra: Extra = {}): Message => ({ text, tone: 'success', audience: 'caller', ...extra });
export const failure = (text: string, extra: Extra = {}): Message => ({ text, tone: 'error', audience: 'caller', ...extra });

const HELD = /\uE000(\d+)\uE001/g;

/**
 * Renders text whose literal names must not be read as markup: each name is
 * held out of the way (a private-use placeholder no markup touches), the rest
 * goes through the platform's `markup`, and each name comes back through its
 * `literal` escape. Core markup around a name (`*${name}*`) still applies.
 */
export function renderLiterals(text: string, literals: readonly string[] | undefined, markup: (s: string) => string, literal: (s: string) => string): string {
  const names = (literals ?? []).filter((n) => n.length > 0 && text.includes(n)).sort((a, b) => b.length - a.length);
  if (names.length === 0) return markup(text);
  const held: string[] = [];
  let masked = '';
  for (let i = 0; i < text.length; ) {
    const name = names.find((n) => text.startsWith(n, i));
    if (name) {
      masked += `\uE000${held.push(name) - 1}\uE001`;
      i += name.length;
    } else masked += text[i++];
  }
  return markup(masked).replace(HELD, (whole, i: string) => (held[Number(i)] === undefined ? whole : literal(held[Number(i)]!)));
}

/** The action of a button that runs a command (its value) as the person who clicks it. */
export const RUN_COMMAND = 'run';
/** A link button's action id: adapters open its url, and no route handles it. */
export const OPEN_LINK = 'open-link';

/** A button that runs a command as the person who clicks it. */
export const commandButton = (label: string, command: string, style?: Button['style']): Button => ({
  actionId: RUN_COMMAND,
  label,
  value: command,
  ...(style ? { style } : {}),
});

/** The action of a button that runs a command in one partnership (its value: `<partnership id> <command>`), wherever it is clicked. */
export const RUN_IN = 'run-in';

/** A button that runs a command as the person who clicks it, in the partnership named, not the one resolved from where they click. */
export const partnershipButton = (
  label: string,
  partnershipId: string,
  command: string,
  extra: Pick<Button, 'style' | 'opensForm' | 'readOnly' | 'confirms'> = {},
): Button => ({
  actionId: RUN_IN,
  label,
  value: `${partnershipId} ${command}`,
  ...extra,
});

export const linkButton = (label: string, url: string): Button => ({ actionId: OPEN_LINK, label, value: url, url });

// ---- Private forms (Slack modal, Teams dialog, playground form) -------------
// Answers and other sensitive text are collected here, never typed into chat,
// because workspace and tenant owners can export chat history.

export interface ChoiceField {
  kind: 'choice';
  id: string;
  label: string;
  options: { value: string; label: string }[];
  initial?: string;
}

export interface TextField {
  kind: 'text';
  id: string;
  label: string;
  multiline: boolean;
  maxLength: number;
  optional: boolean;
  hint?: string;
  initial?: string;
}

/** Several options at once; submitted as their values joined with commas. */
export interface MultiChoiceField {
  kind: 'multichoice';
  id: string;
  label: string;
  options: { value: string; label: string }[];
  initial?: string[];
}

/** A calendar date; submitted as YYYY-MM-DD. */
export interface DateField {
  kind: 'date';
  id: string;
  label: string;
  optional: boolean;
  hint?: string;
  initial?: string;
}

export type FormField = ChoiceField | TextField | MultiChoiceField | DateField;

/**
 * One turn of a conversation held in a form (a concern's). The person's words
 * travel as data, never as markup, so no text they type can pass for a turn.
 */
export interface ThreadTurn {
  author: 'reporter' | 'friend';
  /** The author as this reader names them: 'You', 'Critical friend', 'Reporter'. */
  label: string;
  /** YYYY-MM-DD. */
  day: string;
  /** As typed: renderers show it verbatim, escaped for their platform's markup. */
  text: string;
}

export interface Thread {
  /** Whose side the form is for: their own turns are the reader's. */
  reader: ThreadTurn['author'];
  turns: ThreadTurn[];
  /** One line after the turns (e.g. `Status: open.`); core markup. */
  status: string;
}

/**
 * The longest form context an adapter must carry back. A setup form's context is
 * its place sealed to its opener (start-forms.ts): long Teams ids make it several
 * hundred characters, so adapters bound submits by this, not a guess of their own.
 */
export const MAX_FORM_CONTEXT = 1000;

export interface Form {
  /** A questionnaire rates statements on one scale (a check-in, a review): renderers may number them. */
  kind?: 'questionnaire';
  title: string;
  intro?: string;
  /** A conversation, drawn after the intro. */
  thread?: Thread;
  /** Names people typed that occur in the intro: shown as typed (see Message.literals). */
  literals?: string[];
  /** The core action that receives the submitted values. */
  submitActionId: string;
  submitLabel: string;
  /** Carried back verbatim on submit (e.g. the round id); re-validated by the core. At most MAX_FORM_CONTEXT characters. */
  context: string;
  /** The button action that opens this same form (Teams opens dialogs only from a button). */
  reopen: { actionId: string; value: string };
  fields: FormField[];
}

/** What a click can lead to: a message, or a private form to open. */
export type Reply = Message | { form: Form };

export const isForm = (r: Reply): r is { form: Form } => 'form' in r;

/** A submit refused because of specific fields: adapters show each error beside its field. */
export const fieldErrors = (text: string, errors: Record<string, string>): Message => ({ ...failure(text), fieldErrors: errors });
