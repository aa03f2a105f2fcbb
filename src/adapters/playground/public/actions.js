// @ts-check
// What the person does: type a command, click a button. Each goes to the
// server as the chosen persona, and its answer (a reply, a private form, or an
// error) lands where it was asked. Then the inbox, the room and the side panel
// are fetched again, since a command may have sent or posted something.
import { getJson, post } from './api.js';
import { openForm } from './form-dialog.js';
import { renderConversations, refreshOverview } from './side-panel.js';
import { state } from './state.js';
import { addEntry, mergeInbox, mergeRoom, removeEntry, update } from './threads.js';

/** @typedef {import('../../../core/message.js').Button} Button */
/** @typedef {import('./api.js').Result} Result */
/** @typedef {import('./state.js').Entry} Entry */
/** @typedef {import('./state.js').Where} Where */
/** @typedef {import('../playground-api.js').InboxBody} InboxBody */
/** @typedef {import('../playground-api.js').RoomBody} RoomBody */

export function refreshAfter() {
  refreshOverview();
  refreshInbox();
}

/** @param {Where} where @param {string} persona @param {Entry | null} pending @param {Result} result @param {Entry | null} [anchor] */
function settle(where, persona, pending, result, anchor) {
  if (!pending) return;
  if (!result.ok) {
    update(pending, { kind: 'error', heading: result.heading, text: result.text, onlyFor: persona });
    return;
  }
  if (result.form) return;
  const shared = result.reply.audience === 'conversation';
  update(pending, {
    kind: 'bot',
    message: result.reply,
    chartSvg: result.chartSvg,
    chartAlt: result.chartAlt,
    onlyFor: shared || where !== 'channel' ? null : persona,
  });
  // A button click is as private as its reply (like a click in Slack).
  if (anchor && shared) update(anchor, { onlyFor: null });
}

/** Typed words whose command the core keeps with their author. @param {string} text */
const isPrivate = (text) => state.privateCommands.includes(text.trim().split(/\s+/)[0]?.toLowerCase() ?? '');

/** @param {string} text */
export async function send(text) {
  const persona = state.persona;
  const where = state.where;
  if (!persona) return;
  // Anything about concerns stays with the person who typed it, even when refused (`concern <some text>`).
  const typed = addEntry(where, persona, { kind: 'user', persona, text, onlyFor: isPrivate(text) ? persona : null });
  const pending = addEntry(where, persona, { kind: 'pending', onlyFor: persona });
  const result = await post('/playground/command', { persona, text, where });
  // What the command posted to the room (a digest, when it closed a check-in) shows before its reply, as in Slack and Teams.
  await refreshRoom();
  if (result.ok && result.form) {
    // `protocol add`, `concern` and the like open a private form, as a button can: nothing more is
    // posted here, and the command itself stays with the person who typed it (like a Slack slash
    // command): nobody else in the channel learns that someone opened, say, a concern.
    removeEntry(pending, persona);
    update(typed, { onlyFor: persona });
    if (persona === state.persona) openForm(result.form, { persona, opener: null, typedIn: where, afterReply: refreshAfter });
  } else {
    settle(where, persona, pending, result);
  }
  refreshAfter();
}

/**
 * A click on a message's button. One that opens a private form posts nothing
 * to the conversation (as in Slack and Teams): the button shows it is busy,
 * then the form opens over the page. Anything else is a click plus a reply.
 * @param {Button} button
 * @param {Where} where
 * @param {HTMLElement & { disabled?: boolean }} origin
 */
export async function click(button, where, origin) {
  const persona = state.persona;
  if (!persona) return;
  const opensForm = button.opensForm === true;
  /** @type {Entry | null} */
  let anchor = null;
  /** @type {Entry | null} */
  let pending = null;
  const note = () => {
    anchor = addEntry(where, persona, { kind: 'click', persona, text: button.label, onlyFor: persona });
    pending = addEntry(where, persona, { kind: 'pending', onlyFor: persona });
  };
  if (!opensForm) note();
  else {
    if (origin.getAttribute('aria-busy') === 'true') return; // a double click
    origin.setAttribute('aria-busy', 'true');
    origin.disabled = true;
  }
  const result = await post('/playground/action', { persona, actionId: button.actionId, value: button.value, where });
  await refreshRoom();
  origin.removeAttribute('aria-busy');
  origin.disabled = false;
  if (result.ok && result.form) {
    if (pending) removeEntry(pending, persona);
    if (anchor) removeEntry(anchor, persona);
    if (persona === state.persona) openForm(result.form, { persona, opener: origin, afterReply: refreshAfter });
  } else {
    if (opensForm) note();
    settle(where, persona, pending, result, anchor);
  }
  refreshAfter();
}

/** The persona's inbox (check-ins and other private messages) and the concerns they can open. */
export async function refreshInbox() {
  const persona = state.persona;
  if (!persona) return;
  const request = ++state.inboxRequest;
  /** @type {InboxBody | undefined} */
  const data = await getJson(`/playground/inbox?persona=${encodeURIComponent(persona)}`);
  // None: the next poll tries again (commands show their own connection errors). Or a newer poll (or another persona) won.
  if (!data || request !== state.inboxRequest) return;
  mergeInbox(persona, data.messages);
  renderConversations(data.conversations);
}

/** The room's posts (digests after a check-in closes). Merging is by post id, so overlapping polls are harmless. */
export async function refreshRoom() {
  /** @type {RoomBody | undefined} */
  const data = await getJson('/playground/room');
  if (data) mergeRoom(data.messages);
}
