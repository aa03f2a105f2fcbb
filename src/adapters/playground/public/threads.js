// @ts-check
// The conversations on the page: the shared channel (one thread, whose entries
// say who may see them) and each persona's direct messages with Trellis. What
// Trellis sends a persona on its own (check-ins, reminders, alerts) is merged
// into their DMs, and the room's posts (digests) into the channel, by id.
import { el, eyeIcon, inline, timeNow, timeOf } from './dom.js';
import { chartOf } from './api.js';
import { avatar, pressButton, renderMessage } from './message-view.js';
import { els, personaById, state } from './state.js';

/** @typedef {import('./state.js').Entry} Entry */
/** @typedef {import('./state.js').Where} Where */
/** @typedef {import('../playground-inbox.js').InboxMessage} InboxMessage */

/** @param {Where | undefined} where @param {string | null} personaId */
function thread(where, personaId) {
  if (where === 'channel') return state.channel;
  const key = personaId ?? '';
  return (state.dms[key] ??= []);
}

/** Whether the chosen persona sees an entry (the channel is shared; caller-only replies are not). @param {Entry} entry */
const visible = (entry) => !entry.onlyFor || entry.onlyFor === state.persona;

/** @param {Where} where @param {string} personaId @param {Entry} entry */
export function addEntry(where, personaId, entry) {
  entry.time = timeNow();
  entry.where = where;
  thread(where, personaId).push(entry);
  if (where === state.where && (where === 'channel' || personaId === state.persona)) renderLog(true);
  return entry;
}

/** @param {Entry} entry @param {Partial<Entry>} changes */
export function update(entry, changes) {
  Object.assign(entry, changes);
  if (entry.where === state.where) renderLog();
}

/** @param {Entry} entry @param {string} personaId */
export function removeEntry(entry, personaId) {
  const list = thread(entry.where, personaId);
  const i = list.indexOf(entry);
  if (i >= 0) list.splice(i, 1);
  if (entry.where === state.where) renderLog();
}

/** @param {Entry} entry */
function renderEntry(entry) {
  const onlyYou = entry.onlyFor && entry.where === 'channel';
  const classes = ['msg', `msg-${entry.kind}`];
  if (onlyYou) classes.push('ephemeral');

  if (entry.kind === 'user' || entry.kind === 'click') {
    const id = entry.persona ?? '';
    const p = personaById(id);
    const body =
      entry.kind === 'user'
        ? el('p', { class: 'command' }, el('code', { text: entry.text }))
        : el('p', { class: 'click-note' }, 'clicked ', el('strong', { text: entry.text }));
    return el(
      'article',
      { class: classes.join(' '), 'aria-label': `${p ? p.name : id}` },
      avatar(id),
      el(
        'div',
        { class: 'msg-body' },
        el('div', { class: 'meta' }, el('span', { class: 'who', text: p ? p.name : id }), el('time', { text: entry.time })),
        body,
      ),
    );
  }

  const meta = el(
    'div',
    { class: 'meta' },
    el('span', { class: 'who', text: 'Trellis' }),
    el('span', { class: 'badge', text: 'App' }),
    el('time', { text: entry.time }),
    entry.updated ? el('span', { class: 'edited', text: '(updated)' }) : null,
    onlyYou ? el('span', { class: 'only-you' }, eyeIcon(), 'Only visible to you') : null,
  );
  let content;
  if (entry.kind === 'pending') {
    content = el('p', { class: 'typing', 'aria-label': 'Trellis is working on it' }, el('span'), el('span'), el('span'));
  } else if (entry.kind === 'error' || !entry.message) {
    content = el('div', { class: 'inline-error', role: 'alert' }, el('strong', { text: entry.heading }), ' ', entry.text);
  } else {
    const where = entry.where ?? 'channel';
    const chart = entry.chartSvg ? { svg: entry.chartSvg, alt: entry.chartAlt ?? '' } : null;
    content = renderMessage(entry.message, (button, origin) => pressButton(button, where, origin), { chart });
  }
  return el(
    'article',
    { class: classes.join(' '), 'aria-label': 'Trellis' },
    el('span', { class: 'avatar avatar-bot', 'aria-hidden': 'true' }, 'T'),
    el('div', { class: 'msg-body' }, meta, content),
  );
}

function emptyState() {
  if (state.where === 'channel') {
    return el(
      'div',
      { class: 'empty' },
      el('p', { class: 'empty-title', text: `This is the start of ${state.room}` }),
      el(
        'p',
        null,
        inline(
          'A shared channel for the partnership. Everyone here sees the commands typed in it and the replies Trellis posts to the channel; some replies are only for the person who asked.',
        ),
      ),
      el('p', null, inline('Start as Alex (the coordinator): `setup Riverside Partnership`')),
    );
  }
  const p = personaById(state.persona);
  return el(
    'div',
    { class: 'empty' },
    el('p', { class: 'empty-title', text: 'Your direct messages with Trellis' }),
    el(
      'p',
      null,
      inline(`Only ${p ? p.name : 'you'} and the bot see this conversation. Join a partnership with \`join <invite-code> <organisation>\`, or type \`help\`.`),
    ),
    el('p', null, inline('Check-ins arrive here too: you answer them in a private form.')),
    el(
      'p',
      null,
      inline('To raise a worry with the critical friend, type `concern`. Their replies arrive here as a short note: read and answer them in a private form.'),
    ),
  );
}

/** Redraws the visible conversation; stays where the reader was unless they were at the end (or `toEnd`). */
export function renderLog(toEnd = false) {
  const entries = thread(state.where, state.persona).filter(visible);
  const { scrollTop } = els.log;
  const atEnd = els.log.scrollHeight - scrollTop - els.log.clientHeight < 80;
  els.log.replaceChildren(...(entries.length ? entries.map(renderEntry) : [emptyState()]));
  els.log.scrollTop = toEnd || atEnd ? els.log.scrollHeight : scrollTop;
}

export function renderHeader() {
  const p = personaById(state.persona);
  if (state.where === 'channel') {
    els.chatTitle.textContent = state.room;
    els.chatSub.textContent = 'Everyone sees what is typed here, except replies marked “Only visible to you”.';
  } else {
    els.chatTitle.textContent = 'Direct message with Trellis';
    els.chatSub.textContent = p ? `${p.name}’s private conversation with the bot.` : '';
  }
  els.input.setAttribute('aria-describedby', 'chat-sub');
}

/** "2 new" beside the direct-message place while the persona is elsewhere. */
export function renderUnread() {
  const persona = state.persona ?? '';
  if (state.where === 'personal') state.unread[persona] = 0;
  const n = state.unread[persona] || 0;
  els.dmBadge.textContent = n ? `${n} new` : '';
  els.dmBadge.hidden = !n;
}

/** @param {InboxMessage} m @param {Where} where @returns {Entry} */
const entryOf = (m, where) => ({ kind: 'bot', message: m.message, ...chartOf(m), json: JSON.stringify(m.message), onlyFor: null, where, time: timeOf(m.at) });

/** New messages join the DM thread where they are first seen; changed ones are updated in place. @param {string} persona @param {InboxMessage[]} messages */
export function mergeInbox(persona, messages) {
  const known = (state.inbox[persona] ??= new Map());
  let changed = false;
  let added = 0;
  for (const m of messages) {
    const json = JSON.stringify(m.message);
    const entry = known.get(m.id);
    if (!entry) {
      const fresh = { ...entryOf(m, 'personal'), inboxId: m.id };
      thread('personal', persona).push(fresh);
      known.set(m.id, fresh);
      added++;
      changed = true;
    } else if (entry.json !== json) {
      Object.assign(entry, { message: m.message, ...chartOf(m), json, updated: true });
      changed = true;
    }
  }
  const onScreen = state.where === 'personal' && persona === state.persona;
  if (added && !onScreen) state.unread[persona] = (state.unread[persona] || 0) + added;
  if (changed && onScreen) renderLog();
  renderUnread();
}

/**
 * New posts join the shared channel thread, for everyone, where they are
 * first seen (above a reply still on its way); changed ones are updated in place.
 * @param {InboxMessage[]} messages
 */
export function mergeRoom(messages) {
  let changed = false;
  for (const m of messages) {
    const json = JSON.stringify(m.message);
    const entry = state.roomPosts.get(m.id);
    if (!entry) {
      const fresh = { ...entryOf(m, 'channel'), roomId: m.id };
      const waiting = state.channel.findIndex((e) => e.kind === 'pending');
      if (waiting >= 0) state.channel.splice(waiting, 0, fresh);
      else state.channel.push(fresh);
      state.roomPosts.set(m.id, fresh);
      changed = true;
    } else if (entry.json !== json) {
      Object.assign(entry, { message: m.message, ...chartOf(m), json, updated: true });
      changed = true;
    }
  }
  if (changed && state.where === 'channel') renderLog();
}
