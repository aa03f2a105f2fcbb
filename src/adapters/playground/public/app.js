// The Trellis playground page: plain browser JS, no framework, no build step.
// Server text (partnership and organisation names are typed by people) only
// ever reaches the page through textContent / createTextNode: never innerHTML.
// What Trellis sends a persona on its own (check-ins, reminders, alerts) is
// polled from the server's inbox and shown in their direct messages; what it
// posts to the room (digests) is polled too and shown in the channel. Answers
// are given in a private form (a modal dialog), never typed into a conversation.
// Charts arrive as SVG text drawn by the server and are shown as an <img> with
// a data: URL, where no script in them could run. Concerns raised with the
// critical friend are read and answered only in their private forms: the DM
// and the side panel show content-free notes with a button that opens them. A link button becomes a real
// link only for an https: address (never javascript:), and is never sent back
// to the server as a click.
'use strict';

(() => {
  const STORAGE_KEY = 'trellis-playground-persona';
  const COLOURS = ['#0f766e', '#7c3aed', '#c2410c', '#1d4ed8', '#be185d', '#4d7c0f', '#0e7490', '#a16207'];
  const INBOX_POLL_MS = 2000;
  const state = {
    personas: [],
    // Commands never shown to the rest of the channel (the core's list, from the server).
    privateCommands: [],
    room: '#partnership-room',
    persona: null,
    where: 'channel',
    // Per place: the channel is one shared thread (entries carry who may see
    // them); each persona has their own direct-message thread.
    channel: [],
    dms: {},
    overviewRequest: 0,
    // Per persona: inbox message id → its entry in their direct-message thread.
    inbox: {},
    inboxRequest: 0,
    // Room post id → its entry in the channel thread.
    roomPosts: new Map(),
    // Per persona: inbox messages that arrived while their DM was not on screen.
    unread: {},
    // The open private form, if any (one at a time).
    form: null,
    formCount: 0,
  };

  const $ = (id) => document.getElementById(id);
  const els = {
    personaList: $('persona-list'),
    roomName: $('room-name'),
    chatTitle: $('chat-title'),
    chatSub: $('chat-sub'),
    log: $('log'),
    composer: $('composer'),
    input: $('command'),
    overview: $('overview'),
    overviewWho: $('overview-who'),
    conversations: $('conversations'),
    conversationList: $('conversation-list'),
    dmBadge: $('dm-badge'),
  };

  // ---- small DOM helpers -------------------------------------------------

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    if (props) {
      for (const [key, value] of Object.entries(props)) {
        if (value === undefined || value === null || value === false) continue;
        if (key === 'class') node.className = value;
        else if (key === 'text') node.textContent = value;
        else if (key === 'style') node.setAttribute('style', value);
        else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
        else node.setAttribute(key, value === true ? '' : String(value));
      }
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }

  /**
   * Trellis's tiny markup: `code`, *bold* and line breaks. Every piece of text
   * becomes a text node, so "<img onerror=…>" in a name stays plain text.
   */
  function inline(text) {
    const frag = document.createDocumentFragment();
    const lines = String(text ?? '').split('\n');
    lines.forEach((line, i) => {
      if (i > 0) frag.appendChild(document.createElement('br'));
      const pattern = /`([^`\n]+)`|\*([^*\n]+)\*/g;
      let last = 0;
      let m;
      while ((m = pattern.exec(line)) !== null) {
        if (m.index > last) frag.appendChild(document.createTextNode(line.slice(last, m.index)));
        const tag = m[1] !== undefined ? 'code' : 'strong';
        frag.appendChild(el(tag, { text: m[1] !== undefined ? m[1] : m[2] }));
        last = pattern.lastIndex;
      }
      if (last < line.length) frag.appendChild(document.createTextNode(line.slice(last)));
    });
    return frag;
  }

  const dayLabel = (day) => {
    const d = new Date(`${day}T12:00:00Z`);
    if (Number.isNaN(d.getTime())) return day;
    // "Mon 23 Nov 2026", as Trellis writes dates elsewhere.
    const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).formatToParts(d).map((x) => [x.type, x.value]));
    return `${parts.weekday} ${parts.day} ${parts.month} ${parts.year}`;
  };

  /** A person's words: paragraphs split at blank lines, single line breaks kept, no markup read. */
  const paragraphs = (text) =>
    String(text)
      .split(/\n[ \t]*\n/)
      .map((p) => p.replace(/^\n+|\n+$/g, ''))
      .filter((p) => p.trim() !== '')
      .map((p) => el('p', null, p.split('\n').flatMap((line, i) => (i ? [el('br'), line] : [line]))));

  /** A form's intro, and the conversation it holds (a concern, as each side reads it) as a list of turns. */
  function renderIntro(form, id) {
    const intro = typeof form.intro === 'string' ? form.intro : '';
    const thread = form.thread;
    if (!thread) return el('p', { class: 'form-intro', id }, inline(intro));
    return el(
      'div',
      { class: 'form-intro form-thread', id: intro.trim() ? undefined : id },
      intro.trim() ? el('p', { class: 'thread-head', id }, inline(intro)) : null,
      el(
        'ol',
        { class: 'thread', 'aria-label': 'The conversation so far' },
        thread.turns.map((t) =>
          el(
            'li',
            { class: `turn${t.author === thread.reader ? ' turn-mine' : ''}` },
            el('p', { class: 'turn-meta' }, el('strong', { class: 'turn-who', text: t.label }), el('time', { datetime: t.day, text: dayLabel(t.day) })),
            el('div', { class: 'turn-text' }, paragraphs(t.text)),
          ),
        ),
      ),
      el('p', { class: 'thread-status' }, inline(thread.status)),
    );
  }

  const initials = (name) =>
    String(name)
      .split(/\s+/)
      .filter(Boolean)
      .slice(0, 2)
      .map((w) => w[0].toUpperCase())
      .join('');

  const personaById = (id) => state.personas.find((p) => p.id === id);
  const colourOf = (id) => COLOURS[Math.max(0, state.personas.findIndex((p) => p.id === id)) % COLOURS.length];
  const timeNow = () => new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const timeOf = (iso) => {
    const d = new Date(String(iso));
    return Number.isNaN(d.getTime()) ? timeNow() : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  };

  function avatar(id) {
    const p = personaById(id);
    return el('span', { class: 'avatar', 'aria-hidden': 'true', style: `background:${colourOf(id)}` }, initials(p ? p.name : id));
  }

  function icon(className, shapes) {
    const NS = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(NS, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    svg.setAttribute('class', className);
    for (const [tag, attrs] of shapes) {
      const shape = document.createElementNS(NS, tag);
      for (const [k, v] of Object.entries(attrs)) shape.setAttribute(k, v);
      svg.appendChild(shape);
    }
    return svg;
  }

  const eyeIcon = () =>
    icon('eye', [
      ['path', { d: 'M2 12s3.6-7 10-7 10 7 10 7-3.6 7-10 7S2 12 2 12z' }],
      ['circle', { cx: '12', cy: '12', r: '3' }],
    ]);

  const lockIcon = () =>
    icon('lock', [
      ['rect', { x: '4', y: '10.5', width: '16', height: '10.5', rx: '2.5' }],
      ['path', { d: 'M8 10.5V7.5a4 4 0 0 1 8 0v3' }],
    ]);

  // ---- rendering a Trellis message ----------------------------------------

  const TONE_LABEL = { info: 'Information', success: 'Done', error: 'Problem' };
  const TONE_ICON = { info: 'i', success: '✓', error: '!' };

  /** The server's SVG as an image: an <img> never runs what is inside it, and nothing becomes markup in the page. */
  function renderChart(svg, alt) {
    if (typeof svg !== 'string' || !svg.startsWith('<svg')) return null;
    const img = el('img', { class: 'chart-img', alt: typeof alt === 'string' && alt ? alt : 'A chart', width: 640, height: 260, decoding: 'async' });
    img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(svg);
    return el('figure', { class: 'chart' }, img);
  }

  /** A link button's address when it is a well-formed https: URL; anything else (javascript:, data:, http:) is refused. */
  function safeLink(url) {
    if (typeof url !== 'string' || !url) return null;
    try {
      const parsed = new URL(url);
      return parsed.protocol === 'https:' ? parsed.href : null;
    } catch {
      return null;
    }
  }

  /**
   * One of a message's buttons. A link button (`url`) opens its https page in a
   * new tab and runs no action; one with an unsafe address is left out (null).
   * Any other button runs `onClick(button, element)`.
   */
  function renderButton(b, onClick, extraClass = '') {
    const style = b.style === 'primary' || b.style === 'danger' ? ` btn-${b.style}` : '';
    if (b.url !== undefined && b.url !== null) {
      const href = safeLink(b.url);
      if (!href) return null;
      return el(
        'a',
        { class: `btn btn-link${style}${extraClass}`, href, target: '_blank', rel: 'noopener noreferrer' },
        String(b.label),
        el('span', { class: 'link-mark', 'aria-hidden': 'true' }, '↗'),
        el('span', { class: 'visually-hidden' }, ' (opens in a new tab)'),
      );
    }
    return el('button', { type: 'button', class: `btn${style}${extraClass}`, onclick: (event) => onClick(b, event.currentTarget) }, String(b.label));
  }

  /** A core Message as a card. `onButton(button)` runs when a button is clicked; `options.chart` is { svg, alt }. */
  function renderMessage(message, onButton, options = {}) {
    const tone = ['info', 'success', 'error'].includes(message.tone) ? message.tone : 'info';
    const card = el('div', { class: `card tone-${tone}` });
    if (message.title && !options.hideTitle) card.appendChild(el('h3', { class: 'card-title', text: message.title }));
    if (message.text) {
      const textEl = el('p', { class: 'card-text' });
      if (tone !== 'info') {
        textEl.appendChild(el('span', { class: 'tone-icon', role: 'img', 'aria-label': `${TONE_LABEL[tone]}:` }, TONE_ICON[tone]));
      }
      textEl.appendChild(inline(message.text));
      card.appendChild(textEl);
    }
    const chart = options.chart ? renderChart(options.chart.svg, options.chart.alt) : null;
    if (chart) card.appendChild(chart);
    if (Array.isArray(message.fields) && message.fields.length) {
      card.appendChild(
        el(
          'dl',
          { class: 'fields' },
          message.fields.map((f) => el('div', { class: 'field' }, el('dt', null, inline(f.label)), el('dd', null, inline(f.value)))),
        ),
      );
    }
    if (Array.isArray(message.items) && message.items.length) {
      card.appendChild(el('ul', { class: 'items' }, message.items.map((item) => el('li', null, inline(item)))));
    }
    if (Array.isArray(message.buttons) && message.buttons.length && onButton) {
      const shown = message.buttons.filter((b) => b && typeof b === 'object').map((b) => renderButton(b, onButton)).filter(Boolean);
      if (shown.length) card.appendChild(el('div', { class: 'actions' }, shown));
    }
    return card;
  }

  // ---- threads and entries ------------------------------------------------

  function thread(where, personaId) {
    if (where === 'channel') return state.channel;
    if (!state.dms[personaId]) state.dms[personaId] = [];
    return state.dms[personaId];
  }

  /** Whether the chosen persona sees an entry (the channel is shared; caller-only replies are not). */
  const visible = (entry) => !entry.onlyFor || entry.onlyFor === state.persona;

  function addEntry(where, personaId, entry) {
    entry.time = timeNow();
    entry.where = where;
    thread(where, personaId).push(entry);
    if (where === state.where && (where === 'channel' || personaId === state.persona)) renderLog(true);
    return entry;
  }

  function update(entry, changes) {
    Object.assign(entry, changes);
    if (entry.where === state.where) renderLog();
  }

  function removeEntry(entry, personaId) {
    const list = thread(entry.where, personaId);
    const i = list.indexOf(entry);
    if (i >= 0) list.splice(i, 1);
    if (entry.where === state.where) renderLog();
  }

  function renderEntry(entry) {
    const onlyYou = entry.onlyFor && entry.where === 'channel';
    const classes = ['msg', `msg-${entry.kind}`];
    if (onlyYou) classes.push('ephemeral');

    if (entry.kind === 'user' || entry.kind === 'click') {
      const p = personaById(entry.persona);
      const body =
        entry.kind === 'user'
          ? el('p', { class: 'command' }, el('code', { text: entry.text }))
          : el('p', { class: 'click-note' }, 'clicked ', el('strong', { text: entry.text }));
      return el(
        'article',
        { class: classes.join(' '), 'aria-label': `${p ? p.name : entry.persona}` },
        avatar(entry.persona),
        el('div', { class: 'msg-body' }, el('div', { class: 'meta' }, el('span', { class: 'who', text: p ? p.name : entry.persona }), el('time', { text: entry.time })), body),
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
    } else if (entry.kind === 'error') {
      content = el('div', { class: 'inline-error', role: 'alert' }, el('strong', { text: entry.heading }), ' ', entry.text);
    } else {
      const where = entry.where;
      const chart = entry.chartSvg ? { svg: entry.chartSvg, alt: entry.chartAlt } : null;
      content = renderMessage(entry.message, (button, origin) => click(button, where, origin), { chart });
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
        el('p', null, inline('A shared channel for the partnership. Everyone here sees the commands typed in it and the replies Trellis posts to the channel; some replies are only for the person who asked.')),
        el('p', null, inline('Start as Alex (the coordinator): `setup Riverside Partnership`')),
      );
    }
    const p = personaById(state.persona);
    return el(
      'div',
      { class: 'empty' },
      el('p', { class: 'empty-title', text: 'Your direct messages with Trellis' }),
      el('p', null, inline(`Only ${p ? p.name : 'you'} and the bot see this conversation. Join a partnership with \`join <invite-code> <organisation>\`, or type \`help\`.`)),
      el('p', null, inline('Check-ins arrive here too: you answer them in a private form.')),
      el('p', null, inline('To raise a worry with the critical friend, type `concern`. Their replies arrive here as a short note: read and answer them in a private form.')),
    );
  }

  /** Redraws the visible conversation; stays where the reader was unless they were at the end (or `toEnd`). */
  function renderLog(toEnd = false) {
    const entries = thread(state.where, state.persona).filter(visible);
    const { scrollTop } = els.log;
    const atEnd = els.log.scrollHeight - scrollTop - els.log.clientHeight < 80;
    els.log.replaceChildren(...(entries.length ? entries.map(renderEntry) : [emptyState()]));
    els.log.scrollTop = toEnd || atEnd ? els.log.scrollHeight : scrollTop;
  }

  function renderHeader() {
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

  // ---- talking to the server ----------------------------------------------

  async function post(path, body) {
    let res;
    try {
      res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    } catch {
      return { ok: false, heading: 'Could not reach the Trellis server.', text: 'Check that it is still running (npm start), then try again.' };
    }
    let data = null;
    try {
      data = await res.json();
    } catch {
      /* not JSON: handled below */
    }
    const form = data && data.form && typeof data.form === 'object' && Array.isArray(data.form.fields) ? data.form : null;
    if (!res.ok || !data || !(data.reply || form)) {
      const reason = data && typeof data.error === 'string' ? data.error : `The server answered ${res.status} ${res.statusText}.`;
      return { ok: false, heading: res.ok ? 'Unexpected answer from the server.' : 'Trellis could not take that request.', text: reason };
    }
    return form ? { ok: true, form } : { ok: true, reply: data.reply, ...chartOf(data) };
  }

  /** The chart fields of a server answer, kept on the entry that shows its message. */
  const chartOf = (data) => (data && typeof data.chartSvg === 'string' ? { chartSvg: data.chartSvg, chartAlt: typeof data.chartAlt === 'string' ? data.chartAlt : '' } : { chartSvg: null, chartAlt: null });

  function settle(where, persona, pending, result, anchor) {
    if (!result.ok) {
      update(pending, { kind: 'error', heading: result.heading, text: result.text, onlyFor: persona });
      return;
    }
    const shared = result.reply.audience === 'conversation';
    update(pending, { kind: 'bot', message: result.reply, chartSvg: result.chartSvg, chartAlt: result.chartAlt, onlyFor: shared || where !== 'channel' ? null : persona });
    // A button click is as private as its reply (like a click in Slack).
    if (anchor && shared) update(anchor, { onlyFor: null });
  }

  /** Typed words whose command the core keeps with their author. */
  const isPrivate = (text) => state.privateCommands.includes(String(text).trim().split(/\s+/)[0].toLowerCase());

  async function send(text) {
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
      if (persona === state.persona) openForm(result.form, persona, null, where);
    } else {
      settle(where, persona, pending, result);
    }
    refreshOverview();
    refreshInbox();
  }

  /**
   * A click on a message's button. One that opens a private form posts nothing
   * to the conversation (as in Slack and Teams): the button shows it is busy,
   * then the form opens over the page. Anything else is a click plus a reply.
   */
  async function click(button, where, origin) {
    const persona = state.persona;
    if (!persona) return;
    const opensForm = button.opensForm === true;
    let anchor = null;
    let pending = null;
    const note = () => {
      anchor = addEntry(where, persona, { kind: 'click', persona, text: String(button.label), onlyFor: persona });
      pending = addEntry(where, persona, { kind: 'pending', onlyFor: persona });
    };
    if (!opensForm) note();
    else if (origin) {
      if (origin.getAttribute('aria-busy') === 'true') return; // a double click
      origin.setAttribute('aria-busy', 'true');
      origin.disabled = true;
    }
    const result = await post('/playground/action', { persona, actionId: button.actionId, value: button.value, where });
    await refreshRoom();
    if (origin) {
      origin.removeAttribute('aria-busy');
      origin.disabled = false;
    }
    if (result.ok && result.form) {
      if (pending) removeEntry(pending, persona);
      if (anchor) removeEntry(anchor, persona);
      if (persona === state.persona) openForm(result.form, persona, origin);
    } else {
      if (opensForm) note();
      settle(where, persona, pending, result, anchor);
    }
    refreshOverview();
    refreshInbox();
  }

  // ---- the persona's inbox (check-ins and other private messages) ---------

  async function refreshInbox() {
    const persona = state.persona;
    if (!persona) return;
    const request = ++state.inboxRequest;
    let data;
    try {
      const res = await fetch(`/playground/inbox?persona=${encodeURIComponent(persona)}`, { cache: 'no-store' });
      if (!res.ok) return;
      data = await res.json();
    } catch {
      return; // the next poll tries again; commands show their own connection errors
    }
    if (request !== state.inboxRequest) return; // a newer poll (or another persona) won
    mergeInbox(persona, data && data.messages);
    renderConversations(data && data.conversations);
  }

  /**
   * The side panel's concerns: for the reporter "Read and answer", for the
   * critical friend "Read and reply". Each is a pseudonym and a content-free
   * note; the conversation itself is only in the form the button opens.
   */
  function renderConversations(list) {
    if (!els.conversations) return;
    const items = (Array.isArray(list) ? list : []).filter((c) => c && typeof c === 'object' && c.button && typeof c.button === 'object' && !c.button.url);
    const key = JSON.stringify(items);
    if (key === els.conversations.dataset.key) return; // unchanged: keep focus and the busy state of a button
    els.conversations.dataset.key = key;
    const focused = els.conversationList.contains(document.activeElement) ? document.activeElement.getAttribute('data-concern') : null;
    els.conversationList.replaceChildren(
      ...items.map((c, i) => {
        const titleId = `conversation-${i}-title`;
        const button = renderButton({ ...c.button, style: 'primary' }, (b, origin) => click(b, 'personal', origin), ' btn-block');
        if (button) {
          button.setAttribute('aria-describedby', titleId);
          button.setAttribute('data-concern', `${c.button.actionId}:${c.button.value}`);
        }
        return el(
          'li',
          { class: 'conversation' },
          el('p', { class: 'conversation-title', id: titleId }, inline(String(c.title || 'Concern'))),
          c.note ? el('p', { class: 'conversation-note' }, inline(String(c.note))) : null,
          el('p', { class: 'conversation-time' }, el('time', { text: timeOf(c.at) })),
          button,
        );
      }),
    );
    els.conversations.hidden = items.length === 0;
    if (focused) {
      const again = els.conversationList.querySelector(`[data-concern="${CSS.escape(focused)}"]`);
      if (again) again.focus();
    }
  }

  /** New messages join the DM thread where they are first seen; changed ones are updated in place. */
  function mergeInbox(persona, messages) {
    if (!Array.isArray(messages)) return;
    const known = state.inbox[persona] || (state.inbox[persona] = new Map());
    let changed = false;
    let added = 0;
    for (const m of messages) {
      if (!m || typeof m.id !== 'string' || !m.message || typeof m.message !== 'object') continue;
      const json = JSON.stringify(m.message);
      const entry = known.get(m.id);
      if (!entry) {
        const fresh = { kind: 'bot', message: m.message, ...chartOf(m), json, inboxId: m.id, onlyFor: null, where: 'personal', time: timeOf(m.at) };
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

  // ---- the room's posts (digests after a check-in closes) -------------------

  /** Merging is by post id, so overlapping polls are harmless (and a command's own refresh is never dropped). */
  async function refreshRoom() {
    let data;
    try {
      const res = await fetch('/playground/room', { cache: 'no-store' });
      if (!res.ok) return;
      data = await res.json();
    } catch {
      return; // the next poll tries again
    }
    mergeRoom(data && data.messages);
  }

  /**
   * New posts join the shared channel thread, for everyone, where they are
   * first seen (above a reply still on its way); changed ones are updated in place.
   */
  function mergeRoom(messages) {
    if (!Array.isArray(messages)) return;
    let changed = false;
    for (const m of messages) {
      if (!m || typeof m.id !== 'string' || !m.message || typeof m.message !== 'object') continue;
      const json = JSON.stringify(m.message);
      const entry = state.roomPosts.get(m.id);
      if (!entry) {
        const fresh = { kind: 'bot', message: m.message, ...chartOf(m), json, roomId: m.id, onlyFor: null, where: 'channel', time: timeOf(m.at) };
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

  /** "2 new" beside the direct-message place while the persona is elsewhere. */
  function renderUnread() {
    if (!els.dmBadge) return;
    if (state.where === 'personal') state.unread[state.persona] = 0;
    const n = state.unread[state.persona] || 0;
    els.dmBadge.textContent = n ? `${n} new` : '';
    els.dmBadge.hidden = !n;
  }

  // ---- private forms ----------------------------------------------------------

  /**
   * A core Form as a modal dialog: the rest of the page is inert while it is
   * open, Tab stays inside it, Esc closes it. Answers go straight to
   * /playground/submit and are never added to a conversation.
   * `typedIn` is where the command that opened it was typed (its reply goes
   * there, for this persona only); a form opened by a button replies in the
   * persona's direct messages.
   */
  function openForm(form, persona, opener, typedIn) {
    closeForm();
    const uid = ++state.formCount;
    const openerArea = opener && els.overview.contains(opener) ? 'overview' : opener && els.conversationList.contains(opener) ? 'conversation-list' : 'log';
    const ids = { title: `form-${uid}-title`, intro: `form-${uid}-intro`, alert: `form-${uid}-alert` };
    const fields = form.fields.filter((f) => f && typeof f.id === 'string' && ['choice', 'text', 'multichoice', 'date'].includes(f.kind));
    // A questionnaire (a check-in, a review: statements rated on one scale) numbers its statements; a form like
    // the protocol register's or a concern's (choices each with their own options) does not.
    const questionnaire = form.kind === 'questionnaire';
    const refs = new Map(); // field id → { field, box, error, control? | inputs (radios or checkboxes), multi? }
    let busy = false;
    // The alert only summarises field errors: it goes once the last of them is put right.
    let alertIsSummary = false;

    const alertBox = el('div', { class: 'form-alert', id: ids.alert, role: 'alert', hidden: true });
    const body = el('div', { class: 'form-body' });
    if (form.intro || form.thread) body.appendChild(renderIntro(form, ids.intro));
    body.appendChild(alertBox);

    let statement = 0;
    fields.forEach((field, i) => {
      const base = `form-${uid}-f${i}`;
      const error = el('p', { class: 'field-error', id: `${base}-error`, hidden: true });
      if (field.kind === 'choice' || field.kind === 'multichoice') {
        const multi = field.kind === 'multichoice';
        const numbered = questionnaire && !multi;
        if (numbered) statement++;
        const options = Array.isArray(field.options) ? field.options.filter((o) => o && typeof o === 'object') : [];
        // A choice starts with one value; a multichoice with a list of them (submitted joined with commas).
        const initial = multi
          ? Array.isArray(field.initial) ? field.initial.map(String) : []
          : field.initial === undefined || field.initial === null ? [] : [String(field.initial)];
        const inputs = options.map((o) => el('input', { type: multi ? 'checkbox' : 'radio', name: base, value: String(o.value), checked: initial.includes(String(o.value)) }));
        const hintId = multi ? `${base}-hint` : undefined;
        const box = el(
          'fieldset',
          { class: `form-field field-choice${multi ? ' field-multichoice' : ''}`, 'aria-describedby': hintId },
          el('legend', { class: 'field-label' }, numbered ? el('span', { class: 'field-number', 'aria-hidden': 'true' }, String(statement)) : null, el('span', null, inline(field.label))),
          multi ? el('p', { class: 'field-hint field-hint-top', id: hintId }, 'Tick all that apply.') : null,
          el(
            'div',
            numbered ? { class: 'options', style: `--count:${Math.max(1, options.length)}` } : { class: 'options options-row' },
            options.map((o, j) => el('label', { class: 'option' }, inputs[j], el('span', { class: 'option-label', text: String(o.label) }))),
          ),
          error,
        );
        box.addEventListener('change', () => clearFieldError(field.id));
        refs.set(field.id, { field, box, error, inputs, multi });
        body.appendChild(box);
      } else if (field.kind === 'date') {
        const hintId = field.hint ? `${base}-hint` : undefined;
        const control = el('input', { id: base, name: base, type: 'date', min: '2000-01-01', max: '2100-12-31', 'aria-describedby': hintId, 'aria-required': field.optional === false ? 'true' : undefined });
        // Only a well-formed YYYY-MM-DD reaches the input; it submits the same form.
        control.value = typeof field.initial === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(field.initial) ? field.initial : '';
        for (const type of ['input', 'change']) control.addEventListener(type, () => clearFieldError(field.id));
        const box = el(
          'div',
          { class: 'form-field field-text field-date' },
          el('label', { class: 'field-label', for: base }, inline(field.label)),
          control,
          field.hint ? el('div', { class: 'field-foot' }, el('p', { class: 'field-hint', id: hintId }, inline(field.hint))) : null,
          error,
        );
        refs.set(field.id, { field, box, error, control, date: true });
        body.appendChild(box);
      } else {
        const max = Number.isFinite(Number(field.maxLength)) && Number(field.maxLength) > 0 ? Math.floor(Number(field.maxLength)) : undefined;
        const hintId = field.hint ? `${base}-hint` : undefined;
        const control = field.multiline
          ? el('textarea', { id: base, name: base, rows: 3, maxlength: max, 'aria-describedby': hintId, 'aria-required': field.optional === false ? 'true' : undefined })
          : el('input', { id: base, name: base, type: 'text', maxlength: max, 'aria-describedby': hintId, 'aria-required': field.optional === false ? 'true' : undefined, autocomplete: 'off' });
        control.value = field.initial === undefined || field.initial === null ? '' : String(field.initial);
        const counter = max ? el('span', { class: 'counter', 'aria-hidden': 'true' }) : null;
        const count = () => {
          if (counter) counter.textContent = `${control.value.length} / ${max}`;
        };
        count();
        control.addEventListener('input', () => {
          count();
          clearFieldError(field.id);
        });
        const box = el(
          'div',
          { class: 'form-field field-text' },
          el('label', { class: 'field-label', for: base }, inline(field.label)),
          control,
          field.hint || counter ? el('div', { class: 'field-foot' }, field.hint ? el('p', { class: 'field-hint', id: hintId }, inline(field.hint)) : el('span'), counter) : null,
          error,
        );
        refs.set(field.id, { field, box, error, control });
        body.appendChild(box);
      }
    });

    const closeButton = el('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Close', onclick: () => dialog.close() }, '×');
    const cancelButton = el('button', { type: 'button', class: 'btn', onclick: () => dialog.close() }, 'Cancel');
    const submitLabel = String(form.submitLabel || 'Submit');
    const submitButton = el('button', { type: 'submit', class: 'btn btn-primary' }, submitLabel);
    const formEl = el(
      'form',
      { class: 'form', novalidate: true },
      el(
        'header',
        { class: 'form-head' },
        el('div', { class: 'form-heading' }, el('p', { class: 'form-eyebrow' }, lockIcon(), 'Private form'), el('h2', { id: ids.title, text: String(form.title || 'Form') })),
        closeButton,
      ),
      body,
      el('footer', { class: 'form-foot' }, el('p', { class: 'form-private' }, 'Only you see this form and what you choose in it.'), el('div', { class: 'form-buttons' }, cancelButton, submitButton)),
    );
    const dialog = el('dialog', { class: 'form-dialog', 'aria-labelledby': ids.title, 'aria-describedby': form.intro || form.thread ? ids.intro : undefined }, formEl);

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

    function setDescribedBy(ref, on) {
      const target = ref.control || ref.box;
      const described = (target.getAttribute('aria-describedby') || '').split(/\s+/).filter((x) => x && x !== ref.error.id);
      if (on) described.push(ref.error.id);
      if (described.length) target.setAttribute('aria-describedby', described.join(' '));
      else target.removeAttribute('aria-describedby');
      if (ref.control) {
        if (on) ref.control.setAttribute('aria-invalid', 'true');
        else ref.control.removeAttribute('aria-invalid');
      }
    }

    function showAlert(heading, text) {
      alertIsSummary = false;
      alertBox.replaceChildren(el('strong', { text: heading }), ...(text ? [' ', inline(text)] : []));
      alertBox.hidden = false;
    }

    function showFieldErrors(reply) {
      for (const id of refs.keys()) clearFieldError(id);
      const stray = [];
      let first = null;
      for (const [id, why] of Object.entries(reply.fieldErrors)) {
        const ref = refs.get(id);
        if (!ref) {
          stray.push(String(why));
          continue;
        }
        ref.error.replaceChildren(el('span', { class: 'tone-icon', 'aria-hidden': 'true' }, '!'), inline(String(why)));
        ref.error.hidden = false;
        ref.box.classList.add('has-error');
        setDescribedBy(ref, true);
        if (!first) first = ref;
      }
      showAlert(String(reply.text || 'Some answers need another look.'), stray.join(' '));
      alertIsSummary = first !== null && stray.length === 0;
      if (first) {
        first.box.scrollIntoView({ block: 'center' });
        const target = first.control || first.inputs.find((x) => x.checked) || first.inputs[0];
        if (target) target.focus({ preventScroll: true });
      } else {
        body.scrollTop = 0;
      }
    }

    formEl.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (busy) return;
      // A date half typed (or one the calendar cannot hold) reads as empty: say so here rather than send nothing.
      const unfinished = [...refs].filter(([, ref]) => ref.date && ref.control.validity && ref.control.validity.badInput);
      if (unfinished.length) {
        showFieldErrors({ text: 'Some fields need another look; nothing was sent.', fieldErrors: Object.fromEntries(unfinished.map(([id]) => [id, 'That date is not complete: pick a day from the calendar, or clear it.'])) });
        return;
      }
      const values = {};
      for (const [id, ref] of refs) {
        if (ref.control) values[id] = ref.control.value;
        else if (ref.multi) values[id] = ref.inputs.filter((x) => x.checked).map((x) => x.value).join(',');
        else {
          const chosen = ref.inputs.find((x) => x.checked);
          if (chosen) values[id] = chosen.value;
        }
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
      if (!result.ok) {
        showAlert(result.heading, result.text);
        body.scrollTop = 0;
        return;
      }
      const reply = result.reply;
      if (reply.fieldErrors && typeof reply.fieldErrors === 'object' && Object.keys(reply.fieldErrors).length) {
        showFieldErrors(reply);
        return;
      }
      dialog.close();
      // The reply is for this persona alone: where they typed the command that opened the form
      // (only visible to them there), or else their direct messages.
      const replyIn = typedIn === 'channel' ? 'channel' : 'personal';
      addEntry(replyIn, persona, { kind: 'bot', message: reply, chartSvg: result.chartSvg, chartAlt: result.chartAlt, onlyFor: replyIn === 'channel' ? persona : null });
      if (replyIn === 'personal' && state.where !== 'personal') {
        state.unread[persona] = (state.unread[persona] || 0) + 1;
        renderUnread();
      }
      refreshInbox();
      refreshOverview();
    });

    // Tab and Shift+Tab wrap around inside the dialog.
    dialog.addEventListener('keydown', (event) => {
      if (event.key !== 'Tab') return;
      const focusable = [...dialog.querySelectorAll('button, input, textarea, select, [tabindex]:not([tabindex="-1"])')].filter(
        (n) => !n.disabled && n.getClientRects().length > 0 && (n.type !== 'radio' || n.checked || !dialog.querySelector(`input[type="radio"][name="${n.name}"]:checked`)),
      );
      if (!focusable.length) return;
      const first = focusable[0];
      const last = focusable[focusable.length - 1];
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
      const twin = opener && !opener.isConnected ? [...document.querySelectorAll(`#${openerArea} button`)].reverse().find((b) => b.textContent === opener.textContent) : null;
      if (opener && opener.isConnected) opener.focus();
      else if (twin) twin.focus();
      else els.input.focus();
    });

    document.body.appendChild(dialog);
    document.body.classList.add('modal-open');
    state.form = { dialog, persona };
    dialog.showModal();
    const start = [...refs.values()][0];
    const target = start ? start.control || start.inputs.find((x) => x.checked) || start.inputs[0] : submitButton;
    if (target) target.focus();
    body.scrollTop = 0;
  }

  function closeForm() {
    const open = state.form;
    state.form = null;
    if (open && open.dialog.open) open.dialog.close();
  }

  async function refreshOverview() {
    const persona = state.persona;
    if (!persona) return;
    const request = ++state.overviewRequest;
    let view;
    try {
      const res = await fetch(`/playground/overview?persona=${encodeURIComponent(persona)}`);
      const data = await res.json();
      if (!res.ok || !data.overview) throw new Error(data && data.error ? data.error : `HTTP ${res.status}`);
      view = renderOverview(data.overview);
    } catch (err) {
      view = el('div', { class: 'inline-error', role: 'alert' }, el('strong', { text: 'Could not load your partnerships.' }), ' ', String(err && err.message ? err.message : err));
    }
    if (request !== state.overviewRequest) return; // a newer request (another persona) won
    // Keep keyboard focus on a side-panel button that is redrawn with the same label.
    const focused = els.overview.contains(document.activeElement) ? document.activeElement.textContent : null;
    els.overview.replaceChildren(view);
    if (focused) {
      const again = [...els.overview.querySelectorAll('button')].find((b) => b.textContent === focused);
      if (again) again.focus();
    }
  }

  /** "Riverside Partnership — member, City Council" becomes a small card per partnership; open check-ins become buttons. */
  function renderOverview(message) {
    if (!Array.isArray(message.items) || message.items.length === 0) {
      return el('div', { class: 'overview-empty' }, el('p', null, inline(message.text)));
    }
    const buttons = Array.isArray(message.buttons) ? message.buttons : [];
    const frag = document.createDocumentFragment();
    frag.appendChild(renderPartnerships(message.items));
    if (buttons.length) {
      frag.appendChild(
        el(
          'section',
          { class: 'overview-actions', 'aria-labelledby': 'overview-actions-title' },
          el('h3', { id: 'overview-actions-title', text: 'Open check-ins' }),
          buttons.filter((b) => b && typeof b === 'object').map((b) => renderButton(b, (button, origin) => click(button, state.where, origin), ' btn-block')).filter(Boolean),
        ),
      );
    }
    return frag;
  }

  function renderPartnerships(items) {
    return el(
      'ul',
      { class: 'partnerships' },
      items.map((item) => {
        const text = String(item);
        const cut = text.indexOf(' — ');
        const name = cut >= 0 ? text.slice(0, cut) : text;
        const detail = cut >= 0 ? text.slice(cut + 3) : '';
        return el(
          'li',
          { class: 'partnership' },
          el('span', { class: 'partnership-mark', 'aria-hidden': 'true' }, initials(name) || '•'),
          el('span', { class: 'partnership-text' }, el('span', { class: 'partnership-name', text: name }), detail ? el('span', { class: 'partnership-detail', text: detail }) : null),
        );
      }),
    );
  }

  // ---- choosing persona and place -----------------------------------------

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

  function choosePersona(id) {
    if (!personaById(id)) return;
    state.persona = id;
    try {
      localStorage.setItem(STORAGE_KEY, id);
    } catch {
      /* private mode: the choice just isn't remembered */
    }
    const p = personaById(id);
    els.overviewWho.textContent = p ? `As ${p.name}` : '';
    renderHeader();
    renderLog(true);
    renderUnread();
    renderConversations([]);
    refreshOverview();
    refreshInbox();
  }

  function chooseWhere(where) {
    state.where = where === 'personal' ? 'personal' : 'channel';
    renderHeader();
    renderLog(true);
    renderUnread();
    els.input.focus();
  }

  // ---- start ---------------------------------------------------------------

  async function start() {
    for (const radio of document.querySelectorAll('input[name="where"]')) {
      radio.addEventListener('change', () => radio.checked && chooseWhere(radio.value));
      if (radio.checked) state.where = radio.value;
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
        send(chip.getAttribute('data-command'));
        els.input.focus();
      });
    }

    try {
      const res = await fetch('/playground/personas');
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const data = await res.json();
      state.personas = Array.isArray(data.personas) ? data.personas : [];
      if (typeof data.room === 'string') state.room = data.room;
      state.privateCommands = Array.isArray(data.privateCommands) ? data.privateCommands : [];
    } catch (err) {
      els.personaList.replaceChildren(
        el('div', { class: 'inline-error', role: 'alert' }, el('strong', { text: 'Could not load the people.' }), ' ', `Is the Trellis server running? (${String(err && err.message ? err.message : err)})`),
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
    state.persona = personaById(saved) ? saved : state.personas[0] ? state.personas[0].id : null;
    renderPersonas();
    choosePersona(state.persona);
    // On narrow screens the people scroll sideways: bring the remembered one into view.
    const chosen = els.personaList.querySelector('input:checked');
    if (chosen && chosen.parentElement) chosen.parentElement.scrollIntoView({ block: 'nearest', inline: 'nearest' });
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
})();
