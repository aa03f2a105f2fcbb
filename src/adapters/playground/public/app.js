// The Trellis playground page: plain browser JS, no framework, no build step.
// Server text (partnership and organisation names are typed by people) only
// ever reaches the page through textContent / createTextNode: never innerHTML.
'use strict';

(() => {
  const STORAGE_KEY = 'trellis-playground-persona';
  const COLOURS = ['#0f766e', '#7c3aed', '#c2410c', '#1d4ed8', '#be185d', '#4d7c0f', '#0e7490', '#a16207'];

  const state = {
    personas: [],
    room: '#partnership-room',
    persona: null,
    where: 'channel',
    // Per place: the channel is one shared thread (entries carry who may see
    // them); each persona has their own direct-message thread.
    channel: [],
    dms: {},
    overviewRequest: 0,
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

  function avatar(id) {
    const p = personaById(id);
    return el('span', { class: 'avatar', 'aria-hidden': 'true', style: `background:${colourOf(id)}` }, initials(p ? p.name : id));
  }

  function eyeIcon() {
    const NS = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(NS, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('class', 'eye');
    for (const [tag, attrs] of [
      ['path', { d: 'M2 12s3.6-7 10-7 10 7 10 7-3.6 7-10 7S2 12 2 12z' }],
      ['circle', { cx: '12', cy: '12', r: '3' }],
    ]) {
      const shape = document.createElementNS(NS, tag);
      for (const [k, v] of Object.entries(attrs)) shape.setAttribute(k, v);
      svg.appendChild(shape);
    }
    return svg;
  }

  // ---- rendering a Trellis message ----------------------------------------

  const TONE_LABEL = { info: 'Information', success: 'Done', error: 'Problem' };
  const TONE_ICON = { info: 'i', success: '✓', error: '!' };

  /** A core Message as a card. `onButton(button)` runs when a button is clicked. */
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
      const row = el('div', { class: 'actions' });
      for (const b of message.buttons) {
        const style = b.style === 'primary' || b.style === 'danger' ? ` btn-${b.style}` : '';
        row.appendChild(el('button', { type: 'button', class: `btn${style}`, onclick: () => onButton(b) }, String(b.label)));
      }
      card.appendChild(row);
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
      onlyYou ? el('span', { class: 'only-you' }, eyeIcon(), 'Only visible to you') : null,
    );
    let content;
    if (entry.kind === 'pending') {
      content = el('p', { class: 'typing', 'aria-label': 'Trellis is working on it' }, el('span'), el('span'), el('span'));
    } else if (entry.kind === 'error') {
      content = el('div', { class: 'inline-error', role: 'alert' }, el('strong', { text: entry.heading }), ' ', entry.text);
    } else {
      const where = entry.where;
      content = renderMessage(entry.message, (button) => click(button, where));
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
    if (!res.ok || !data || !data.reply) {
      const reason = data && typeof data.error === 'string' ? data.error : `The server answered ${res.status} ${res.statusText}.`;
      return { ok: false, heading: res.ok ? 'Unexpected answer from the server.' : 'Trellis could not take that request.', text: reason };
    }
    return { ok: true, reply: data.reply };
  }

  function settle(where, persona, pending, result, anchor) {
    if (!result.ok) {
      update(pending, { kind: 'error', heading: result.heading, text: result.text, onlyFor: persona });
      return;
    }
    const shared = result.reply.audience === 'conversation';
    update(pending, { kind: 'bot', message: result.reply, onlyFor: shared || where !== 'channel' ? null : persona });
    // A button click is as private as its reply (like a click in Slack).
    if (anchor && shared) update(anchor, { onlyFor: null });
  }

  async function send(text) {
    const persona = state.persona;
    const where = state.where;
    if (!persona) return;
    addEntry(where, persona, { kind: 'user', persona, text, onlyFor: null });
    const pending = addEntry(where, persona, { kind: 'pending', onlyFor: persona });
    const result = await post('/playground/command', { persona, text, where });
    settle(where, persona, pending, result);
    refreshOverview();
  }

  async function click(button, where) {
    const persona = state.persona;
    if (!persona) return;
    const anchor = addEntry(where, persona, { kind: 'click', persona, text: String(button.label), onlyFor: persona });
    const pending = addEntry(where, persona, { kind: 'pending', onlyFor: persona });
    const result = await post('/playground/action', { persona, actionId: button.actionId, value: button.value, where });
    settle(where, persona, pending, result, anchor);
    refreshOverview();
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
    els.overview.replaceChildren(view);
  }

  /** "Riverside Partnership — member, City Council" becomes a small card per partnership. */
  function renderOverview(message) {
    if (!Array.isArray(message.items) || message.items.length === 0) {
      return el('div', { class: 'overview-empty' }, el('p', null, inline(message.text)));
    }
    return el(
      'ul',
      { class: 'partnerships' },
      message.items.map((item) => {
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
    refreshOverview();
  }

  function chooseWhere(where) {
    state.where = where === 'personal' ? 'personal' : 'channel';
    renderHeader();
    renderLog(true);
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
    document.body.dataset.ready = 'true';
  }

  start();
})();
