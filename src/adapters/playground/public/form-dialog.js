// @ts-check
// A core Form as a modal dialog: the rest of the page is inert while it is
// open, Tab stays inside it, Esc closes it. Answers go straight to
// /playground/submit and are never added to a conversation; a refused value
// is shown beside its field.
import { el, inline, lockIcon } from './dom.js';
import { post } from './api.js';
import { renderField, submittedValue } from './form-fields.js';
import { renderIntro } from './form-intro.js';
import { els, state } from './state.js';
import { addEntry, renderUnread } from './threads.js';

/** @typedef {import('../../../core/message.js').Form} Form */
/** @typedef {import('./form-fields.js').FieldRef} FieldRef */
/** @typedef {import('./state.js').Where} Where */

/**
 * @typedef {object} Opened
 * @property {string} persona who it is for
 * @property {HTMLElement | null} opener the button that opened it, to return focus to
 * @property {Where} [typedIn] where the command that opened it was typed (its reply goes there, for this
 *   persona only); a form opened by a button replies in the persona's direct messages
 * @property {() => void} afterReply what to refresh once the server has taken it
 */

/** @param {Form} form @param {Opened} opened */
export function openForm(form, { persona, opener, typedIn, afterReply }) {
  closeForm();
  const uid = ++state.formCount;
  const openerArea = opener && els.overview.contains(opener) ? 'overview' : opener && els.conversationList.contains(opener) ? 'conversation-list' : 'log';
  const ids = { title: `form-${uid}-title`, intro: `form-${uid}-intro`, alert: `form-${uid}-alert` };
  // A questionnaire (a check-in, a review: statements rated on one scale) numbers its statements; a form like
  // the protocol register's or a concern's (choices each with their own options) does not.
  const questionnaire = form.kind === 'questionnaire';
  /** @type {Map<string, FieldRef>} */
  const refs = new Map();
  let busy = false;
  // The alert only summarises field errors: it goes once the last of them is put right.
  let alertIsSummary = false;

  const alertBox = el('div', { class: 'form-alert', id: ids.alert, role: 'alert', hidden: true });
  const body = el('div', { class: 'form-body' });
  const described = Boolean(form.intro || form.thread);
  if (described) body.appendChild(renderIntro(form, ids.intro));
  body.appendChild(alertBox);

  let statement = 0;
  form.fields.forEach((field, i) => {
    const numbered = questionnaire && field.kind === 'choice';
    const ref = renderField(field, `form-${uid}-f${i}`, numbered ? ++statement : null, () => clearFieldError(field.id));
    refs.set(field.id, ref);
    body.appendChild(ref.box);
  });

  const closeButton = el('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Close', onclick: () => dialog.close() }, '×');
  const cancelButton = el('button', { type: 'button', class: 'btn', onclick: () => dialog.close() }, 'Cancel');
  const submitLabel = form.submitLabel || 'Submit';
  const submitButton = el('button', { type: 'submit', class: 'btn btn-primary' }, submitLabel);
  const formEl = el(
    'form',
    { class: 'form', novalidate: true },
    el(
      'header',
      { class: 'form-head' },
      el(
        'div',
        { class: 'form-heading' },
        el('p', { class: 'form-eyebrow' }, lockIcon(), 'Private form'),
        el('h2', { id: ids.title, text: form.title || 'Form' }),
      ),
      closeButton,
    ),
    body,
    el(
      'footer',
      { class: 'form-foot' },
      el('p', { class: 'form-private' }, 'Only you see this form and what you choose in it.'),
      el('div', { class: 'form-buttons' }, cancelButton, submitButton),
    ),
  );
  const dialog = el('dialog', { class: 'form-dialog', 'aria-labelledby': ids.title, 'aria-describedby': described ? ids.intro : undefined }, formEl);

  /** @param {string} id */
  function clearFieldError(id) {
    const ref = refs.get(id);
    if (!ref || ref.error.hidden) return;
    ref.error.hidden = true;
    ref.error.replaceChildren();
    ref.box.classList.remove('has-error');
    setDescribedBy(ref, false);
    if (alertIsSummary && [...refs.values()].every((r) => r.error.hidden)) {
      alertBox.hidden = true;
      alertBox.replaceChildren();
      alertIsSummary = false;
    }
  }

  /** @param {FieldRef} ref @param {boolean} on */
  function setDescribedBy(ref, on) {
    const target = ref.control || ref.box;
    const ids = (target.getAttribute('aria-describedby') || '').split(/\s+/).filter((x) => x && x !== ref.error.id);
    if (on) ids.push(ref.error.id);
    if (ids.length) target.setAttribute('aria-describedby', ids.join(' '));
    else target.removeAttribute('aria-describedby');
    if (ref.control) {
      if (on) ref.control.setAttribute('aria-invalid', 'true');
      else ref.control.removeAttribute('aria-invalid');
    }
  }

  /** @param {string} heading @param {string} text */
  function showAlert(heading, text) {
    alertIsSummary = false;
    alertBox.replaceChildren(el('strong', { text: heading }), ...(text ? [' ', inline(text)] : []));
    alertBox.hidden = false;
  }

  /** @param {{ text: string, fieldErrors: Record<string, string> }} reply */
  function showFieldErrors(reply) {
    for (const id of refs.keys()) clearFieldError(id);
    /** @type {string[]} */
    const stray = [];
    /** @type {FieldRef | null} */
    let first = null;
    for (const [id, why] of Object.entries(reply.fieldErrors)) {
      const ref = refs.get(id);
      if (!ref) {
        stray.push(why);
        continue;
      }
      ref.error.replaceChildren(el('span', { class: 'tone-icon', 'aria-hidden': 'true' }, '!'), inline(why));
      ref.error.hidden = false;
      ref.box.classList.add('has-error');
      setDescribedBy(ref, true);
      if (!first) first = ref;
    }
    showAlert(reply.text || 'Some answers need another look.', stray.join(' '));
    alertIsSummary = first !== null && stray.length === 0;
    if (first) {
      first.box.scrollIntoView({ block: 'center' });
      focusOn(first, true);
    } else {
      body.scrollTop = 0;
    }
  }

  formEl.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    // A date half typed (or one the calendar cannot hold) reads as empty: say so here rather than send nothing.
    const unfinished = [...refs].filter(([, ref]) => ref.date && ref.control.validity.badInput);
    if (unfinished.length) {
      showFieldErrors({
        text: 'Some fields need another look; nothing was sent.',
        fieldErrors: Object.fromEntries(unfinished.map(([id]) => [id, 'That date is not complete: pick a day from the calendar, or clear it.'])),
      });
      return;
    }
    /** @type {Record<string, string>} */
    const values = {};
    for (const [id, ref] of refs) {
      const value = submittedValue(ref);
      if (value !== undefined) values[id] = value;
    }
    busy = true;
    submitButton.disabled = true;
    submitButton.setAttribute('aria-busy', 'true');
    submitButton.textContent = 'Sending…';
    const result = await post('/playground/submit', { persona, actionId: form.submitActionId, context: form.context, values });
    busy = false;
    submitButton.disabled = false;
    submitButton.removeAttribute('aria-busy');
    submitButton.textContent = submitLabel;
    if (!dialog.open) return;
    if (!result.ok || result.form) {
      showAlert(result.ok ? 'Unexpected answer from the server.' : result.heading, result.ok ? '' : result.text);
      body.scrollTop = 0;
      return;
    }
    const reply = result.reply;
    if (reply.fieldErrors && Object.keys(reply.fieldErrors).length) {
      showFieldErrors({ text: reply.text, fieldErrors: reply.fieldErrors });
      return;
    }
    dialog.close();
    // The reply is for this persona alone: where they typed the command that opened the form
    // (only visible to them there), or else their direct messages.
    const replyIn = typedIn === 'channel' ? 'channel' : 'personal';
    addEntry(replyIn, persona, {
      kind: 'bot',
      message: reply,
      chartSvg: result.chartSvg,
      chartAlt: result.chartAlt,
      onlyFor: replyIn === 'channel' ? persona : null,
    });
    if (replyIn === 'personal' && state.where !== 'personal') {
      state.unread[persona] = (state.unread[persona] || 0) + 1;
      renderUnread();
    }
    afterReply();
  });

  // Tab and Shift+Tab wrap around inside the dialog.
  dialog.addEventListener('keydown', (event) => {
    if (event.key !== 'Tab') return;
    /** @type {(HTMLElement & { disabled?: boolean, type?: string, name?: string, checked?: boolean })[]} */
    const candidates = [...dialog.querySelectorAll('button, input, textarea, select, [tabindex]:not([tabindex="-1"])')].map(
      (n) => /** @type {HTMLElement} */ (n),
    );
    const focusable = candidates.filter(
      (n) =>
        !n.disabled &&
        n.getClientRects().length > 0 &&
        (n.type !== 'radio' || n.checked || !dialog.querySelector(`input[type="radio"][name="${n.name}"]:checked`)),
    );
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (!first || !last) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  });
  dialog.addEventListener('close', () => {
    dialog.remove();
    if (!state.form || state.form.dialog !== dialog) return; // replaced by a newer form
    state.form = null;
    document.body.classList.remove('modal-open');
    // Back to the button that opened it, or its redrawn twin (the conversation and side panel redraw).
    const twin =
      opener && !opener.isConnected
        ? [...document.querySelectorAll(`#${openerArea} button`)].reverse().find((b) => b.textContent === opener.textContent)
        : null;
    if (opener?.isConnected) opener.focus();
    else if (twin instanceof HTMLElement) twin.focus();
    else els.input.focus();
  });

  document.body.appendChild(dialog);
  document.body.classList.add('modal-open');
  state.form = { dialog, persona };
  dialog.showModal();
  const start = [...refs.values()][0];
  if (start) focusOn(start, false);
  else submitButton.focus();
  body.scrollTop = 0;
}

/** A field's control, its chosen option, or its first option. @param {FieldRef} ref @param {boolean} preventScroll */
function focusOn(ref, preventScroll) {
  const target = ref.control || ref.inputs.find((x) => x.checked) || ref.inputs[0];
  if (target) target.focus({ preventScroll });
}

export function closeForm() {
  const open = state.form;
  state.form = null;
  if (open?.dialog.open) open.dialog.close();
}
