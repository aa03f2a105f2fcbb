// @ts-check
// Small DOM helpers. Server text (partnership and organisation names are typed
// by people) only ever reaches the page through textContent and text nodes,
// never innerHTML: that is what keeps "<img onerror=…>" in a name plain text.

/** @typedef {Node | string | null | undefined | false} Child */

/**
 * An element with attributes, listeners (`on…`), `class`, `text` and children.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, unknown> | null} [props]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, props, ...children) {
  const node = document.createElement(tag);
  if (props) {
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'class') node.className = String(value);
      else if (key === 'text') node.textContent = String(value);
      else if (key === 'style') node.setAttribute('style', String(value));
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), /** @type {EventListener} */ (value));
      else node.setAttribute(key, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

/** A web address in a message, up to the first space or quote. */
const URL_IN_TEXT = /https?:\/\/[^\s<>"'`]+/g;
/** Punctuation that ends a sentence after an address rather than belonging to it. */
const TRAILING = /[.,;:!?)\]}'"’”]+$/;

/** An address as a link only when it is a well-formed http: or https: URL (never javascript: or data:). @param {string} url */
export function webLink(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/**
 * Plain text with the web addresses in it made clickable (the dashboard link,
 * a protocol's document). The address is set as an attribute and shown as a
 * text node, so nothing in it becomes markup.
 * @param {string} text
 */
export function linked(text) {
  const frag = document.createDocumentFragment();
  let last = 0;
  for (const m of text.matchAll(URL_IN_TEXT)) {
    const url = m[0].replace(TRAILING, '');
    const href = webLink(url);
    if (!href) continue;
    const at = m.index ?? 0;
    if (at > last) frag.appendChild(document.createTextNode(text.slice(last, at)));
    frag.appendChild(el('a', { href, target: '_blank', rel: 'noopener noreferrer', class: 'text-link' }, url));
    last = at + url.length;
  }
  if (last < text.length) frag.appendChild(document.createTextNode(text.slice(last)));
  return frag;
}

/**
 * Trellis's tiny markup: `code`, *bold*, line breaks, and web addresses as
 * links. Every piece of text becomes a text node, so "<img onerror=…>" in a
 * name stays plain text; and a name people typed (the message's `literals`)
 * is held out of the markup, so an organisation called "*Bold*" is shown as
 * typed, not bold.
 * @param {string | undefined} text
 * @param {string[]} [literals]
 */
export function inline(text, literals = []) {
  const names = literals.filter((n) => n.length > 0).sort((a, b) => b.length - a.length);
  /** @type {string[]} */
  const held = [];
  let masked = '';
  const source = String(text ?? '');
  for (let i = 0; i < source.length; ) {
    const name = names.find((n) => source.startsWith(n, i));
    if (name) {
      masked += `\uE000${held.push(name) - 1}\uE001`;
      i += name.length;
    } else masked += source[i++];
  }
  const restore = (/** @type {string} */ s) => s.replace(/\uE000(\d+)\uE001/g, (whole, n) => held[Number(n)] ?? whole);
  const frag = document.createDocumentFragment();
  const lines = masked.split('\n');
  lines.forEach((line, i) => {
    if (i > 0) frag.appendChild(document.createElement('br'));
    const pattern = /`([^`\n]+)`|\*([^*\n]+)\*/g;
    let last = 0;
    let m;
    while ((m = pattern.exec(line)) !== null) {
      if (m.index > last) frag.appendChild(linked(restore(line.slice(last, m.index))));
      frag.appendChild(m[1] !== undefined ? el('code', { text: restore(m[1]) }) : el('strong', null, linked(restore(m[2] ?? ''))));
      last = pattern.lastIndex;
    }
    if (last < line.length) frag.appendChild(linked(restore(line.slice(last))));
  });
  return frag;
}

/** @param {string} name */
export const initials = (name) =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w.charAt(0).toUpperCase())
    .join('');

export const timeNow = () => new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** @param {string} iso */
export const timeOf = (iso) => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? timeNow() : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
};

/** "23 Nov 2026", as Trellis writes days everywhere (the core's formatDate). @param {string} day YYYY-MM-DD */
export const dayLabel = (day) => {
  const d = new Date(`${day}T12:00:00Z`);
  if (Number.isNaN(d.getTime())) return day;
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(d);
};

/**
 * @param {string} className
 * @param {[string, Record<string, string>][]} shapes
 */
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

export const eyeIcon = () =>
  icon('eye', [
    ['path', { d: 'M2 12s3.6-7 10-7 10 7 10 7-3.6 7-10 7S2 12 2 12z' }],
    ['circle', { cx: '12', cy: '12', r: '3' }],
  ]);

export const lockIcon = () =>
  icon('lock', [
    ['rect', { x: '4', y: '10.5', width: '16', height: '10.5', rx: '2.5' }],
    ['path', { d: 'M8 10.5V7.5a4 4 0 0 1 8 0v3' }],
  ]);
