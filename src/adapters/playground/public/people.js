// @ts-check
// The sidebar's two ways to fill the playground: add a person (who joins the
// partnership through Trellis's own `join`, with its invite code), and load a
// demo partnership (made by the server through the same commands and forms).
// Either way the server answers with what happened, shown here as text.
import { el, inline } from './dom.js';
import { renderMessage } from './message-view.js';

/** @typedef {import('../playground-api.js').PersonBody} PersonBody */
/** @typedef {import('../playground-api.js').ReplyBody} ReplyBody */
/** @typedef {import('../playground-api.js').ErrorBody} ErrorBody */

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

/**
 * A POST's JSON, or its refusal as { error }.
 * @template T
 * @param {string} path
 * @param {unknown} body
 * @returns {Promise<T | ErrorBody>}
 */
async function postJson(path, body) {
  try {
    const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const data = await res.json().catch(() => null);
    if (data && typeof data === 'object') return data;
    return { error: `The server answered ${res.status} ${res.statusText}.` };
  } catch {
    return { error: 'Could not reach the Trellis server. Check that it is still running (npm start), then try again.' };
  }
}

/** @param {HTMLElement} where @param {string} text */
const showError = (where, text) => where.replaceChildren(el('div', { class: 'inline-error', role: 'alert' }, inline(text)));

/**
 * @param {{ reloadPeople: (choose?: string) => Promise<void>, afterDemo: () => void }} hooks
 *   reloadPeople: fetch the people again and choose one; afterDemo: fetch what the demo sent.
 */
export function wirePeople({ reloadPeople, afterDemo }) {
  const form = /** @type {HTMLFormElement} */ ($('add-person-form'));
  const status = $('add-person-status');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const value = (/** @type {string} */ k) => String(data.get(k) ?? '').trim();
    const button = form.querySelector('button[type="submit"]');
    if (button instanceof HTMLButtonElement) button.disabled = true;
    status.replaceChildren('Adding…');
    /** @type {PersonBody | ErrorBody} */
    const answer = await postJson('/playground/people', { name: value('name'), organisation: value('organisation'), code: value('code') });
    if (button instanceof HTMLButtonElement) button.disabled = false;
    if ('error' in answer) return showError(status, answer.error);
    status.replaceChildren(el('span', null, inline(answer.reply.text)));
    const name = form.elements.namedItem('name');
    if (name instanceof HTMLInputElement) name.value = '';
    await reloadPeople(answer.persona.id);
  });

  const demo = /** @type {HTMLButtonElement} */ ($('load-demo'));
  const demoStatus = $('demo-status');
  demo.addEventListener('click', async () => {
    if (demo.getAttribute('aria-busy') === 'true') return;
    demo.setAttribute('aria-busy', 'true');
    demo.disabled = true;
    demoStatus.replaceChildren('Making three months of check-ins… (a few seconds)');
    /** @type {ReplyBody | ErrorBody} */
    const answer = await postJson('/playground/demo', {});
    demo.removeAttribute('aria-busy');
    demo.disabled = false;
    if ('error' in answer) return showError(demoStatus, answer.error);
    demoStatus.replaceChildren(renderMessage(answer.reply, null));
    await reloadPeople('alex');
    afterDemo();
  });
}
