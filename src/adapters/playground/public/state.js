// @ts-check
// The page's one state and the elements it draws into, shared by the modules.
// The conversations live only here, in the page, like a chat client's.

/** @typedef {import('../../../core/message.js').Message} Message */
/** @typedef {import('../playground-api.js').Persona} Persona */
/** @typedef {'channel' | 'personal'} Where */

/**
 * One line of a conversation: something typed or clicked, a reply on its way,
 * a reply, or an error. `onlyFor` names the one persona who sees it, if any.
 * @typedef {{
 *   kind: 'user' | 'click' | 'pending' | 'bot' | 'error',
 *   persona?: string,
 *   text?: string,
 *   heading?: string,
 *   message?: Message,
 *   chartSvg?: string | null,
 *   chartAlt?: string | null,
 *   json?: string,
 *   inboxId?: string,
 *   roomId?: string,
 *   onlyFor: string | null,
 *   where?: Where,
 *   time?: string,
 *   updated?: boolean,
 * }} Entry
 */

export const state = {
  /** @type {readonly Persona[]} */
  personas: [],
  /** Commands never shown to the rest of the channel (the core's list, from the server). @type {readonly string[]} */
  privateCommands: [],
  room: '#partnership-room',
  /** @type {string | null} */
  persona: null,
  /** @type {Where} */
  where: 'channel',
  // Per place: the channel is one shared thread (entries carry who may see
  // them); each persona has their own direct-message thread.
  /** @type {Entry[]} */
  channel: [],
  /** @type {Record<string, Entry[]>} */
  dms: {},
  overviewRequest: 0,
  /** Per persona: inbox message id → its entry in their direct-message thread. @type {Record<string, Map<string, Entry>>} */
  inbox: {},
  inboxRequest: 0,
  /** Room post id → its entry in the channel thread. @type {Map<string, Entry>} */
  roomPosts: new Map(),
  /** Per persona: inbox messages that arrived while their DM was not on screen. @type {Record<string, number>} */
  unread: {},
  /** The open private form, if any (one at a time). @type {{ dialog: HTMLDialogElement, persona: string } | null} */
  form: null,
  formCount: 0,
};

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

export const els = {
  personaList: $('persona-list'),
  roomName: $('room-name'),
  chatTitle: $('chat-title'),
  chatSub: $('chat-sub'),
  log: $('log'),
  composer: $('composer'),
  input: /** @type {HTMLInputElement} */ ($('command')),
  overview: $('overview'),
  overviewWho: $('overview-who'),
  conversations: $('conversations'),
  conversationList: $('conversation-list'),
  dmBadge: $('dm-badge'),
};

/** @param {string | null} id */
export const personaById = (id) => state.personas.find((p) => p.id === id);
