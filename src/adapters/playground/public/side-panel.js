// @ts-check
// The right-hand panel: the persona's console (the core's overview: their
// partnerships, what waits for them, and what they can do, by job), and their
// private conversations (the core's too): the concerns they raised and, for the
// critical friend, those addressed to them. Each is a pseudonym and a
// content-free status; the conversation itself is only in the form the button opens.
import { el, initials, inline } from './dom.js';
import { pressButton, renderButton, renderSection } from './message-view.js';
import { els, state } from './state.js';

/** @typedef {import('../../../core/message.js').Message} Message */
/** @typedef {import('../../../core/concerns/conversations.js').Conversation} Conversation */
/** @typedef {import('../playground-api.js').OverviewBody} OverviewBody */
/** @typedef {import('../playground-api.js').ErrorBody} ErrorBody */

/** @param {Conversation[]} list */
export function renderConversations(list) {
  const items = list.filter((c) => !c.button.url);
  const key = JSON.stringify(items);
  if (key === els.conversations.dataset.key) return; // unchanged: keep focus and the busy state of a button
  els.conversations.dataset.key = key;
  const active = document.activeElement;
  const focused = active && els.conversationList.contains(active) ? active.getAttribute('data-concern') : null;
  els.conversationList.replaceChildren(
    ...items.map((c, i) => {
      const titleId = `conversation-${i}-title`;
      const button = renderButton({ ...c.button, style: 'primary' }, (b, origin) => pressButton(b, 'personal', origin), ' btn-block');
      if (button) {
        button.setAttribute('aria-describedby', titleId);
        button.setAttribute('data-concern', `${c.button.actionId}:${c.button.value}`);
      }
      return el(
        'li',
        { class: 'conversation' },
        el('p', { class: 'conversation-title', id: titleId }, inline(c.title || 'Concern')),
        el('p', { class: 'conversation-note' }, inline(c.note)),
        button,
      );
    }),
  );
  els.conversations.hidden = items.length === 0;
  if (focused) {
    const again = els.conversationList.querySelector(`[data-concern="${CSS.escape(focused)}"]`);
    if (again instanceof HTMLElement) again.focus();
  }
}

export async function refreshOverview() {
  const persona = state.persona;
  if (!persona) return;
  const request = ++state.overviewRequest;
  let view;
  try {
    const res = await fetch(`/playground/overview?persona=${encodeURIComponent(persona)}`);
    /** @type {OverviewBody | ErrorBody} */
    const data = await res.json();
    if (!res.ok || 'error' in data) throw new Error('error' in data ? data.error : `HTTP ${res.status}`);
    view = renderOverview(data.overview);
  } catch (err) {
    view = el(
      'div',
      { class: 'inline-error', role: 'alert' },
      el('strong', { text: 'Could not load your partnerships.' }),
      ' ',
      String(err instanceof Error ? err.message : err),
    );
  }
  if (request !== state.overviewRequest) return; // a newer request (another persona) won
  // Keep keyboard focus on a side-panel button that is redrawn with the same label.
  const active = document.activeElement;
  const focused = active && els.overview.contains(active) ? active.textContent : null;
  els.overview.replaceChildren(view);
  if (focused) {
    const again = [...els.overview.querySelectorAll('button')].find((b) => b.textContent === focused);
    if (again) again.focus();
  }
}

/** "Riverside Partnership — member, City Council" becomes a small card per partnership; what waits and each job's buttons follow. @param {Message} message */
function renderOverview(message) {
  if (!message.items?.length) return el('div', { class: 'overview-empty' }, el('p', null, inline(message.text)));
  const buttons = message.buttons ?? [];
  const frag = document.createDocumentFragment();
  frag.appendChild(renderPartnerships(message.items));
  if (buttons.length) {
    frag.appendChild(
      el(
        'section',
        { class: 'overview-actions', 'aria-labelledby': 'overview-actions-title' },
        el('h3', { id: 'overview-actions-title', text: 'To answer' }),
        buttons.map((b) => renderButton(b, (button, origin) => pressButton(button, state.where, origin), ' btn-block')).filter((b) => b !== null),
      ),
    );
  }
  const onButton = (/** @type {import('../../../core/message.js').Button} */ button, /** @type {HTMLElement} */ origin) =>
    pressButton(button, state.where, origin);
  for (const section of message.sections ?? []) frag.appendChild(renderSection(section, onButton, ' btn-block'));
  return frag;
}

/** @param {string[]} items */
function renderPartnerships(items) {
  return el(
    'ul',
    { class: 'partnerships' },
    items.map((text) => {
      const cut = text.indexOf(' — ');
      const name = cut >= 0 ? text.slice(0, cut) : text;
      const detail = cut >= 0 ? text.slice(cut + 3) : '';
      return el(
        'li',
        { class: 'partnership' },
        el('span', { class: 'partnership-mark', 'aria-hidden': 'true' }, initials(name) || '•'),
        el(
          'span',
          { class: 'partnership-text' },
          el('span', { class: 'partnership-name', text: name }),
          detail ? el('span', { class: 'partnership-detail', text: detail }) : null,
        ),
      );
    }),
  );
}
