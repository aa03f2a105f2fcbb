// The fourth renderer of the core's messages and private forms: plain
// server-rendered HTML for people on neither Slack nor Teams, reached through
// their personal links (web-links.ts). No script at all: every form is an
// ordinary POST, so it works with JavaScript off, in any browser and with any
// assistive technology. Every string from the core is escaped; `*bold*` and
// `code` are the only markup the core writes, and a concern's turns are data,
// shown verbatim.
import { formatDate } from '../core/time.js';
import {
  type Button,
  type ChoiceField,
  type DateField,
  type Form,
  type FormField,
  type Message,
  type MultiChoiceField,
  renderLiterals,
  type TextField,
  type Thread,
} from '../core/message.js';
import { esc, escWithCode, htmlDocument } from './html.js';

/** Core markup (`*bold*`, `code`, line breaks) to HTML, after escaping; names people typed are only escaped. */
const markup = (s: string, literals?: readonly string[]): string =>
  renderLiterals(
    s,
    literals,
    (t) =>
      escWithCode(t)
        .replace(/\*([^*\n]+)\*/g, '<strong>$1</strong>')
        .replace(/\n/g, '<br>'),
    esc,
  );

const STYLE = `
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); font: 16px/1.55 var(--font); }
.top { background: var(--brand); color: var(--on-brand); }
.wrap { max-width: 720px; margin: 0 auto; padding: 0 20px; }
.top .wrap { padding-top: 16px; padding-bottom: 16px; font-size: 14px; letter-spacing: .06em; text-transform: uppercase; }
main.wrap { padding-top: 24px; padding-bottom: 48px; }
.card { background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius); box-shadow: var(--shadow); padding: 22px 24px; }
.card + .card { margin-top: 18px; }
h1 { font-size: 24px; line-height: 1.25; margin: 0 0 10px; overflow-wrap: anywhere; }
p { margin: 0 0 12px; }
code { font: 0.92em var(--mono); background: var(--surface-2); border: 1px solid var(--border); border-radius: 4px; padding: 0 4px; }
.tone-error { border-color: var(--error-border); background: var(--error-softer); }
.tone-success { border-color: var(--brand-border); }
.status { font-size: 13px; font-weight: 600; letter-spacing: .05em; text-transform: uppercase; color: var(--error); margin-bottom: 6px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0 0 12px; }
dt { color: var(--muted); } dd { margin: 0; }
ul.items { padding-left: 22px; margin: 0 0 12px; }
.actions { display: flex; flex-wrap: wrap; gap: 10px; margin-top: 16px; }
.button, button { display: inline-block; font: inherit; font-weight: 600; border-radius: 8px; padding: 9px 18px; border: 1px solid var(--border-strong);
  background: var(--surface); color: var(--text); text-decoration: none; cursor: pointer; }
.button.primary, button.primary { background: var(--brand); border-color: var(--brand); color: var(--on-brand); }
.button.danger, button.danger { background: var(--error); border-color: var(--error); color: var(--on-brand); }
.button:focus-visible, button:focus-visible, input:focus-visible, textarea:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
fieldset { border: 1px solid var(--border); border-radius: 10px; margin: 0 0 16px; padding: 12px 16px 14px; }
legend { font-weight: 600; padding: 0 6px; }
.scale { display: flex; flex-wrap: wrap; gap: 6px 18px; }
.scale label, .choices label { display: flex; align-items: center; gap: 6px; }
.field { margin: 0 0 16px; }
.field > label { display: block; font-weight: 600; margin-bottom: 4px; }
input[type=text], input[type=date], textarea { width: 100%; font: inherit; padding: 8px 10px; border: 1px solid var(--border-strong); border-radius: 8px; background: var(--surface); }
textarea { min-height: 7em; }
.hint { color: var(--muted); font-size: 14px; margin: 2px 0 6px; }
.error { color: var(--error-text); font-weight: 600; margin: 4px 0; }
.invalid { border-color: var(--error) !important; background: var(--error-softer); }
.summary { border: 2px solid var(--error); border-radius: 10px; padding: 12px 16px; margin-bottom: 18px; background: var(--error-softer); }
.summary h2 { font-size: 17px; margin: 0 0 6px; color: var(--error-text); }
ol.thread { list-style: none; padding: 0; margin: 0 0 16px; }
ol.thread li { border-left: 4px solid var(--border-strong); padding: 6px 12px; margin-bottom: 10px; background: var(--surface-2); border-radius: 0 8px 8px 0; }
ol.thread li.mine { border-left-color: var(--brand); }
ol.thread .who { font-size: 14px; color: var(--muted); }
ol.thread .words { white-space: pre-wrap; overflow-wrap: anywhere; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
ol.mailbox { list-style: none; padding: 0; margin: 0; }
ol.mailbox li + li { border-top: 1px solid var(--border); margin-top: 14px; padding-top: 14px; }
ol.mailbox h2 { font-size: 18px; margin: 0; }
footer { color: var(--muted); font-size: 13px; text-align: center; padding: 0 20px 32px; }
`;

const PERSONAL = 'This page is personal to you: do not forward the email or the link.';

/** A whole page: the design tokens from /tokens.css, this page's own layout inline, nothing else loaded. `footer`: a personal link's warning unless given. */
export function webPage(title: string, body: string, footer = PERSONAL): string {
  return htmlDocument(
    `${title} — Trellis`,
    STYLE,
    `<header class="top"><div class="wrap">Trellis</div></header>
<main class="wrap" id="main">
${body}
</main>
<footer>${esc(footer)}</footer>`,
    '<link rel="stylesheet" href="/tokens.css">\n',
  );
}

/** Where a button leads: a signed link of its own, or the link button's own URL. */
export type LinkOf = (button: Button) => string;
/** A button that answers its message's question (`confirms`): the form that POSTs it, once, to its own link. */
export type PostOf = (button: Button) => { action: string; hidden: Record<string, string> };

const buttonClass = (b: Button) => `button${b.style ? ` ${b.style}` : ''}`;

/** A message from the core: its buttons become links (each a personal link of its own). */
export function messageHtml(message: Message, linkOf: LinkOf, status?: number, postOf?: PostOf): string {
  const heading = message.title ?? (message.tone === 'error' ? 'Nothing was changed' : message.tone === 'success' ? 'Done' : 'Trellis');
  const parts = [
    status ? `<p class="status">${status >= 500 ? 'Sorry' : 'Not done'}</p>` : '',
    `<h1>${esc(heading)}</h1>`,
    `<p>${markup(message.text, message.literals)}</p>`,
  ];
  if (message.fields?.length)
    parts.push(`<dl>${message.fields.map((f) => `<dt>${esc(f.label)}</dt><dd>${markup(f.value, message.literals)}</dd>`).join('')}</dl>`);
  if (message.items?.length) parts.push(`<ul class="items">${message.items.map((i) => `<li>${markup(i, message.literals)}</li>`).join('')}</ul>`);
  if (message.chart)
    parts.push(`<p>${esc(message.chart.title)}: open Trellis in Slack or Teams, or ask a coordinator for the dashboard, to see this chart.</p>`);
  const one = (b: Button) => {
    if (!b.confirms || !postOf) return `<a class="${buttonClass(b)}" href="${esc(linkOf(b))}">${esc(b.label)}</a>`;
    // The page already asked the question: its answer is a POST, not a link to a page that asks again.
    const { action, hidden } = postOf(b);
    return `<form method="post" action="${esc(action)}">${hiddenInputs(hidden)}<button type="submit" class="${b.style ?? ''}">${esc(b.label)}</button></form>`;
  };
  const actions = (buttons: Button[]) => `<div class="actions">${buttons.map(one).join('')}</div>`;
  if (message.buttons?.length) parts.push(actions(message.buttons));
  for (const s of message.sections ?? [])
    parts.push(`<h2>${esc(s.title)}</h2>${s.text ? `<p>${markup(s.text)}</p>` : ''}${s.buttons.length ? actions(s.buttons) : ''}`);
  return `<section class="card tone-${message.tone}" ${message.tone === 'error' ? 'role="alert"' : ''}>${parts.join('\n')}</section>`;
}

/** A link of someone who has left every partnership (or been removed): it opens nothing, and says why. */
export function leftHtml(): string {
  return `<section class="card"><h1>You have left Trellis</h1><p>You are no longer in any partnership on Trellis: your name, your email address and the way back to your concerns are erased, so this link opens nothing any more. Your past answers stay in the partnerships' figures, linked to no one.</p><p>If you are added again, Trellis emails you a new link.</p></section>`;
}

/** A refusal (expired, forged, already used): a clear page, never the form. */
export function refusalHtml(status: number, message: string): string {
  return `<section class="card tone-error" role="alert"><p class="status">${status === 410 ? 'Link expired' : status === 409 ? 'Already sent' : 'Link refused'}</p><h1>This link cannot be used</h1><p>${markup(message)}</p></section>`;
}

/** A button that changes something: shown on GET, done only by this POST (mail scanners open links). */
export function confirmHtml(label: string, action: string, hidden: Record<string, string>): string {
  return `<section class="card"><h1>${esc(label)}</h1>
<p>Nothing has been done yet: press the button to go ahead.</p>
<form method="post" action="${esc(action)}">${hiddenInputs(hidden)}
<div class="actions"><button type="submit" class="primary">${esc(label)}</button></div>
</form></section>`;
}

/** What was sent, to show again beside its errors (a multichoice's values joined with commas, as the core reads them). */
export type Values = Record<string, string>;

/** A private form from the core, as an HTML form POSTing back to its link; `errors` sit beside their fields. */
export function formHtml(form: Form, action: string, hidden: Record<string, string>, values?: Values, problem?: Message): string {
  const errors = problem?.fieldErrors ?? {};
  // A questionnaire's statements are numbered (as in chat); its comment box is not one of them.
  const numbers = new Map(form.kind === 'questionnaire' ? form.fields.filter((f) => f.kind === 'choice').map((f, i) => [f.id, i + 1] as const) : []);
  const labelOf = (id: string) => {
    const f = form.fields.find((x) => x.id === id)!;
    return numbers.has(id) ? `Statement ${numbers.get(id)}` : f.label;
  };
  const ids = form.fields.map((f) => f.id).filter((id) => errors[id]);
  const summary = problem
    ? `<div class="summary" role="alert" tabindex="-1" id="problems"><h2>${esc(problem.text)}</h2>${
        ids.length ? `<ul>${ids.map((id) => `<li><a href="#${fieldDomId(id)}">${esc(labelOf(id))}: ${esc(errors[id]!)}</a></li>`).join('')}</ul>` : ''
      }</div>`
    : '';
  const fields = form.fields.map((f) => fieldHtml(f, values?.[f.id], errors[f.id], numbers.get(f.id))).join('\n');
  return `<section class="card">
<h1>${esc(form.title)}</h1>
${summary}
${form.intro ? `<p>${markup(form.intro, form.literals)}</p>` : ''}
${form.thread ? threadHtml(form.thread) : ''}
<form method="post" action="${esc(action)}" novalidate>${hiddenInputs(hidden)}
${fields}
<div class="actions"><button type="submit" class="primary">${esc(form.submitLabel)}</button></div>
</form>
</section>`;
}

const hiddenInputs = (hidden: Record<string, string>) =>
  Object.entries(hidden)
    .map(([name, value]) => `<input type="hidden" name="${esc(name)}" value="${esc(value)}">`)
    .join('');

/** Field ids come from the core; prefixed so none can clash with the page's own. */
const fieldDomId = (id: string) => `f-${id.replace(/[^A-Za-z0-9_-]/g, '_')}`;

function threadHtml(thread: Thread): string {
  const turns = thread.turns
    .map(
      (t) =>
        `<li class="${t.author === thread.reader ? 'mine' : ''}"><div class="who">${esc(t.label)} · ${esc(formatDate(t.day))}</div><div class="words">${esc(t.text)}</div></li>`,
    )
    .join('');
  return `<h2 class="sr-only">The conversation</h2><ol class="thread">${turns}</ol><p>${markup(thread.status)}</p>`;
}

function fieldHtml(f: FormField, value: string | undefined, error: string | undefined, n: number | undefined): string {
  const id = fieldDomId(f.id);
  const errorHtml = error ? `<p class="error" id="${id}-error"><span class="sr-only">Error: </span>${esc(error)}</p>` : '';
  const label = `${n ? `${n}. ` : ''}${f.label}`;
  switch (f.kind) {
    case 'choice':
      return choiceHtml(f, id, label, value ?? f.initial, errorHtml, n !== undefined);
    case 'multichoice':
      return multiHtml(f, id, label, value === undefined ? (f.initial ?? []) : value.split(',').filter(Boolean), errorHtml);
    case 'text':
      return textHtml(f, id, label, value ?? f.initial ?? '', errorHtml);
    case 'date':
      return dateHtml(f, id, label, value ?? f.initial ?? '', errorHtml);
  }
}

const described = (id: string, hint: string | undefined, error: string) => {
  const by = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return `${by ? ` aria-describedby="${by}"` : ''}${error ? ' aria-invalid="true"' : ''}`;
};

function choiceHtml(f: ChoiceField, id: string, label: string, value: string | undefined, errorHtml: string, scale: boolean): string {
  const options = f.options
    .map(
      (o, i) =>
        `<label><input type="radio" name="${esc(f.id)}" value="${esc(o.value)}"${i === 0 ? ` id="${id}"` : ''}${o.value === value ? ' checked' : ''}> ${esc(o.label)}</label>`,
    )
    .join('\n');
  return `<fieldset class="${errorHtml ? 'invalid' : ''}"${errorHtml ? ` aria-describedby="${id}-error"` : ''}><legend>${esc(label)}</legend>${errorHtml}<div class="${scale ? 'scale' : 'choices'}">${options}</div></fieldset>`;
}

function multiHtml(f: MultiChoiceField, id: string, label: string, chosen: string[], errorHtml: string): string {
  const options = f.options
    .map(
      (o, i) =>
        `<label><input type="checkbox" name="${esc(f.id)}" value="${esc(o.value)}"${i === 0 ? ` id="${id}"` : ''}${chosen.includes(o.value) ? ' checked' : ''}> ${esc(o.label)}</label>`,
    )
    .join('\n');
  return `<fieldset class="${errorHtml ? 'invalid' : ''}"${errorHtml ? ` aria-describedby="${id}-error"` : ''}><legend>${esc(label)}</legend>${errorHtml}<div class="choices">${options}</div></fieldset>`;
}

function textHtml(f: TextField, id: string, label: string, value: string, errorHtml: string): string {
  const attrs = `id="${id}" name="${esc(f.id)}" maxlength="${f.maxLength}"${f.optional ? '' : ' required'}${described(id, f.hint, errorHtml)}${errorHtml ? ' class="invalid"' : ''}`;
  const input = f.multiline ? `<textarea ${attrs}>${esc(value)}</textarea>` : `<input type="text" ${attrs} value="${esc(value)}">`;
  return `<div class="field"><label for="${id}">${esc(label)}</label>${f.hint ? `<p class="hint" id="${id}-hint">${esc(f.hint)}</p>` : ''}${errorHtml}${input}</div>`;
}

function dateHtml(f: DateField, id: string, label: string, value: string, errorHtml: string): string {
  return `<div class="field"><label for="${id}">${esc(label)}</label>${f.hint ? `<p class="hint" id="${id}-hint">${esc(f.hint)}</p>` : ''}${errorHtml}<input type="date" id="${id}" name="${esc(f.id)}" value="${esc(value)}"${f.optional ? '' : ' required'}${described(id, f.hint, errorHtml)}${errorHtml ? ' class="invalid"' : ''}></div>`;
}
