// @ts-check
// One control per field of a core Form: radios or checkboxes, a date, a text
// box with its counter. Each comes with its box and its (hidden) error line,
// which the dialog fills when the server refuses a value.
import { el, inline } from './dom.js';

/** @typedef {import('../../../core/message.js').FormField} FormField */
/** @typedef {import('../../../core/message.js').ChoiceField} ChoiceField */
/** @typedef {import('../../../core/message.js').MultiChoiceField} MultiChoiceField */
/** @typedef {import('../../../core/message.js').DateField} DateField */
/** @typedef {import('../../../core/message.js').TextField} TextField */

/**
 * A drawn field: a control (text, date) or a group of inputs (radios, checkboxes).
 * @typedef {{ field: FormField, box: HTMLElement, error: HTMLElement } & ({ control: HTMLInputElement | HTMLTextAreaElement, inputs?: undefined, multi?: undefined, date?: boolean } | { control?: undefined, inputs: HTMLInputElement[], multi: boolean, date?: undefined })} FieldRef
 */

/**
 * @param {ChoiceField | MultiChoiceField} field
 * @param {string} base the ids' prefix
 * @param {HTMLElement} error
 * @param {number | null} number its place among a questionnaire's statements, if numbered
 * @returns {FieldRef}
 */
function choiceField(field, base, error, number) {
  const multi = field.kind === 'multichoice';
  // A choice starts with one value; a multichoice with a list of them (submitted joined with commas).
  const initial = field.kind === 'multichoice' ? (field.initial ?? []) : field.initial === undefined ? [] : [field.initial];
  const inputs = field.options.map((o) => el('input', { type: multi ? 'checkbox' : 'radio', name: base, value: o.value, checked: initial.includes(o.value) }));
  const hintId = multi ? `${base}-hint` : undefined;
  const box = el(
    'fieldset',
    { class: `form-field field-choice${multi ? ' field-multichoice' : ''}`, 'aria-describedby': hintId },
    el(
      'legend',
      { class: 'field-label' },
      number !== null ? el('span', { class: 'field-number', 'aria-hidden': 'true' }, String(number)) : null,
      el('span', null, inline(field.label)),
    ),
    multi ? el('p', { class: 'field-hint field-hint-top', id: hintId }, 'Tick all that apply.') : null,
    el(
      'div',
      number !== null ? { class: 'options', style: `--count:${Math.max(1, field.options.length)}` } : { class: 'options options-row' },
      field.options.map((o, j) => el('label', { class: 'option' }, inputs[j], el('span', { class: 'option-label', text: o.label }))),
    ),
    error,
  );
  return { field, box, error, inputs, multi };
}

/** @param {DateField} field @param {string} base @param {HTMLElement} error @returns {FieldRef} */
function dateField(field, base, error) {
  const hintId = field.hint ? `${base}-hint` : undefined;
  const control = el('input', {
    id: base,
    name: base,
    type: 'date',
    min: '2000-01-01',
    max: '2100-12-31',
    'aria-describedby': hintId,
    'aria-required': field.optional === false ? 'true' : undefined,
  });
  // A browser leaves a date input empty for anything but YYYY-MM-DD.
  control.value = field.initial ?? '';
  const box = el(
    'div',
    { class: 'form-field field-text field-date' },
    el('label', { class: 'field-label', for: base }, inline(field.label)),
    control,
    field.hint ? el('div', { class: 'field-foot' }, el('p', { class: 'field-hint', id: hintId }, inline(field.hint))) : null,
    error,
  );
  return { field, box, error, control, date: true };
}

/** @param {TextField} field @param {string} base @param {HTMLElement} error @returns {FieldRef} */
function textField(field, base, error) {
  const max = field.maxLength > 0 ? field.maxLength : undefined;
  const hintId = field.hint ? `${base}-hint` : undefined;
  const required = field.optional === false ? 'true' : undefined;
  const control = field.multiline
    ? el('textarea', { id: base, name: base, rows: 3, maxlength: max, 'aria-describedby': hintId, 'aria-required': required })
    : el('input', { id: base, name: base, type: 'text', maxlength: max, 'aria-describedby': hintId, 'aria-required': required, autocomplete: 'off' });
  control.value = field.initial ?? '';
  const counter = max ? el('span', { class: 'counter', 'aria-hidden': 'true' }) : null;
  const count = () => {
    if (counter) counter.textContent = `${control.value.length} / ${max}`;
  };
  count();
  control.addEventListener('input', count);
  const box = el(
    'div',
    { class: 'form-field field-text' },
    el('label', { class: 'field-label', for: base }, inline(field.label)),
    control,
    field.hint || counter
      ? el('div', { class: 'field-foot' }, field.hint ? el('p', { class: 'field-hint', id: hintId }, inline(field.hint)) : el('span'), counter)
      : null,
    error,
  );
  return { field, box, error, control };
}

/**
 * The field drawn, calling `changed` whenever its value changes.
 * @param {FormField} field
 * @param {string} base
 * @param {number | null} number
 * @param {() => void} changed
 * @returns {FieldRef}
 */
export function renderField(field, base, number, changed) {
  const error = el('p', { class: 'field-error', id: `${base}-error`, hidden: true });
  if (field.kind === 'choice' || field.kind === 'multichoice') {
    const ref = choiceField(field, base, error, number);
    ref.box.addEventListener('change', changed);
    return ref;
  }
  const ref = field.kind === 'date' ? dateField(field, base, error) : textField(field, base, error);
  for (const type of field.kind === 'date' ? ['input', 'change'] : ['input']) ref.control?.addEventListener(type, changed);
  return ref;
}

/** The value a field submits: a text or date as typed, checked boxes joined with commas, the chosen radio (none: left out). @param {FieldRef} ref */
export function submittedValue(ref) {
  if (ref.control) return ref.control.value;
  if (ref.multi)
    return ref.inputs
      .filter((x) => x.checked)
      .map((x) => x.value)
      .join(',');
  return ref.inputs.find((x) => x.checked)?.value;
}
