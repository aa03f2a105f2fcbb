// @ts-check
// The Trellis playground page: plain browser JS as native ES modules, no
// framework, no build step; `tsc` checks them against the core's message
// model and the server's JSON (playground-api.ts). This is its entry: it
// fetches the personas, wires the persona and place choices and the command
// box, and polls for what Trellis sends unasked (check-ins, digests).
//
//   dom.js          elements and text nodes, never innerHTML
//   api.js          the server's endpoints
//   state.js        the page's state and the elements it draws into
//   message-view.js a core Message as a card, with its buttons
//   threads.js      the channel and the direct messages
//   form-intro.js   a form's intro and the conversation it holds
//   form-fields.js  one control per form field
//   form-dialog.js  a private form as a modal dialog
//   side-panel.js   partnerships, open check-ins, private conversations
//   actions.js      commands and clicks, and what they refresh
//   people.js       adding a person, loading the demo partnership
import { el } from './dom.js';
import { wirePeople } from './people.js';
import { click, refreshInbox, refreshRoom, send } from './actions.js';
import { getJson } from './api.js';
import { avatar, onButtonPress } from './message-view.js';
import { renderConversations, refreshOverview } from './side-panel.js';
import { els, personaById, state } from './state.js';
import { renderHeader, renderLog, renderUnread } from './threads.js';

/** @typedef {import('../playground-api.js').PersonasBody} PersonasBody */

const STORAGE_KEY = 'trellis-playground-persona';
const INBOX_POLL_MS = 2000;

function renderPersonas() {
  const list = state.personas.map((p) =>
    el(
      'label',
      { class: 'persona' },
      el('input', { type: 'radio', name: 'persona', value: p.id, checked: p.id === state.persona, onchange: () => choosePersona(p.id) }),
      avatar(p.id),
      el('span', { class: 'persona-text' }, el('span', { class: 'persona-name', text: p.name }), el('span', { class: 'persona-hint', text: p.hint })),
    ),
  );
  els.personaList.replaceChildren(...list);
}

/** @param {string} id */
function choosePersona(id) {
  const p = personaById(id);
  if (!p) return;
  state.persona = id;
  try {
    localStorage.setItem(STORAGE_KEY, id);
  } catch {
    /* private mode: the choice just isn't remembered */
  }
  els.overviewWho.textContent = `As ${p.name}`;
  renderHeader();
  renderLog(true);
  renderUnread();
  renderConversations([]);
  refreshOverview();
  refreshInbox();
}

/** What the page says about concerns' delay, from the server's setting. @param {number} seconds */
function concernDelayLine(seconds) {
  return seconds === 0
    ? 'Concerns reach the critical friend at once here. Beside Slack or Teams they arrive after a random delay of up to 10 minutes, so the timing does not point to anyone (TRELLIS_CONCERN_DELAY_MAX_SECONDS sets it here too).'
    : `Concerns reach the critical friend after a random delay of up to ${Math.ceil(seconds / 60)} minutes (TRELLIS_CONCERN_DELAY_MAX_SECONDS), so the timing does not point to anyone.`;
}

/** The people again (one was added, or the demo added some), choosing `id`. @param {string} [id] */
async function reloadPeople(id) {
  /** @type {PersonasBody | undefined} */
  const data = await getJson('/playground/personas');
  if (!data) return;
  state.personas = data.personas;
  const chosen = personaById(id ?? state.persona) ?? state.personas[0];
  if (!chosen) return;
  state.persona = chosen.id;
  renderPersonas();
  choosePersona(chosen.id);
  els.personaList.querySelector('input:checked')?.parentElement?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
}

/** @param {string} where */
function chooseWhere(where) {
  state.where = where === 'personal' ? 'personal' : 'channel';
  renderHeader();
  renderLog(true);
  renderUnread();
  els.input.focus();
}

async function start() {
  onButtonPress(click);
  for (const radio of document.querySelectorAll('input[name="where"]')) {
    if (!(radio instanceof HTMLInputElement)) continue;
    radio.addEventListener('change', () => radio.checked && chooseWhere(radio.value));
    if (radio.checked) state.where = radio.value === 'personal' ? 'personal' : 'channel';
  }
  els.composer.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = els.input.value.trim();
    if (!text || !state.persona) return;
    els.input.value = '';
    send(text);
  });
  for (const chip of document.querySelectorAll('[data-command]')) {
    chip.addEventListener('click', () => {
      send(chip.getAttribute('data-command') ?? '');
      els.input.focus();
    });
  }

  try {
    const res = await fetch('/playground/personas');
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    /** @type {PersonasBody} */
    const data = await res.json();
    state.personas = data.personas;
    state.room = data.room;
    state.privateCommands = data.privateCommands;
    const delay = document.getElementById('concern-delay');
    if (delay) delay.textContent = concernDelayLine(data.concernDelayMaxSeconds);
  } catch (err) {
    els.personaList.replaceChildren(
      el(
        'div',
        { class: 'inline-error', role: 'alert' },
        el('strong', { text: 'Could not load the people.' }),
        ' ',
        `Is the Trellis server running? (${String(err instanceof Error ? err.message : err)})`,
      ),
    );
    return;
  }
  els.roomName.textContent = state.room;
  let saved = null;
  try {
    saved = localStorage.getItem(STORAGE_KEY);
  } catch {
    /* ignore */
  }
  const first = personaById(saved) ?? state.personas[0];
  if (first) {
    state.persona = first.id;
    renderPersonas();
    choosePersona(first.id);
  }
  // On narrow screens the people scroll sideways: bring the remembered one into view.
  const chosen = els.personaList.querySelector('input:checked');
  if (chosen?.parentElement) chosen.parentElement.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  wirePeople({
    reloadPeople,
    afterDemo: () => {
      refreshRoom();
      refreshInbox();
    },
  });
  // New check-ins, updated ones and the room's digests show up while the page is on screen.
  refreshRoom();
  setInterval(() => {
    if (document.visibilityState !== 'visible') return;
    refreshInbox();
    refreshRoom();
  }, INBOX_POLL_MS);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState !== 'visible') return;
    refreshInbox();
    refreshRoom();
  });
  document.body.dataset.ready = 'true';
}

start();
