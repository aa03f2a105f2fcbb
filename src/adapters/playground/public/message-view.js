// @ts-check
// A core Message drawn as a card: its text in Trellis's tiny markup, its
// fields, items, chart and buttons. Charts arrive as SVG text drawn by the
// server and are shown as an <img> with a data: URL, where no script in them
// could run. A link button becomes a real link only for an https: address
// (never javascript:), and is never sent back to the server as a click.
import { el, initials, inline } from './dom.js';
import { personaById, state } from './state.js';

/** @typedef {import('../../../core/message.js').Message} Message */
/** @typedef {import('../../../core/message.js').Button} Button */
/** @typedef {(button: Button, origin: HTMLElement) => void} OnButton */
/** @typedef {import('./state.js').Where} Where */

/** The persona colours in the design tokens: --persona-0 … --persona-7. */
const PERSONA_COLOURS = 8;
const TONE_LABEL = { info: 'Information', success: 'Done', error: 'Problem' };
const TONE_ICON = { info: 'i', success: '✓', error: '!' };

/** What a click on a Trellis button does: set by the page's main module, as the actions sit above the views. */
let buttonAction = /** @type {(button: Button, where: Where, origin: HTMLElement) => void} */ (() => {});
/** @param {typeof buttonAction} fn */
export const onButtonPress = (fn) => {
  buttonAction = fn;
};
/** @param {Button} button @param {Where} where the conversation it was clicked in @param {HTMLElement} origin */
export const pressButton = (button, where, origin) => buttonAction(button, where, origin);

/** @param {string} id */
const colourOf = (id) =>
  `var(--persona-${
    Math.max(
      0,
      state.personas.findIndex((p) => p.id === id),
    ) % PERSONA_COLOURS
  })`;

/** @param {string} id */
export function avatar(id) {
  const p = personaById(id);
  return el('span', { class: 'avatar', 'aria-hidden': 'true', style: `background:${colourOf(id)}` }, initials(p ? p.name : id));
}

/** The server's SVG as an image: an <img> never runs what is inside it, and nothing becomes markup in the page. @param {string} svg @param {string} alt */
function renderChart(svg, alt) {
  if (!svg.startsWith('<svg')) return null;
  const img = el('img', { class: 'chart-img', alt: alt || 'A chart', width: 640, height: 260, decoding: 'async' });
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  return el('figure', { class: 'chart' }, img);
}

/** A link button's address when it is a well-formed https: URL; anything else (javascript:, data:, http:) is refused. @param {string} url */
function safeLink(url) {
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
 * @param {Button} b
 * @param {OnButton} onClick
 */
export function renderButton(b, onClick, extraClass = '') {
  const style = b.style ? ` btn-${b.style}` : '';
  if (b.url !== undefined) {
    const href = safeLink(b.url);
    if (!href) return null;
    return el(
      'a',
      { class: `btn btn-link${style}${extraClass}`, href, target: '_blank', rel: 'noopener noreferrer' },
      b.label,
      el('span', { class: 'link-mark', 'aria-hidden': 'true' }, '↗'),
      el('span', { class: 'visually-hidden' }, ' (opens in a new tab)'),
    );
  }
  return el(
    'button',
    {
      type: 'button',
      class: `btn${style}${extraClass}`,
      onclick: (/** @type {Event} */ event) => onClick(b, /** @type {HTMLElement} */ (event.currentTarget)),
    },
    b.label,
  );
}

/**
 * A core Message as a card. `onButton` runs when a button is clicked.
 * @param {Message} message
 * @param {OnButton | null} onButton
 * @param {{ chart?: { svg: string, alt: string } | null, hideTitle?: boolean }} [options]
 */
export function renderMessage(message, onButton, options = {}) {
  const tone = message.tone;
  const card = el('div', { class: `card tone-${tone}` });
  if (message.title && !options.hideTitle) card.appendChild(el('h3', { class: 'card-title', text: message.title }));
  if (message.text) {
    const textEl = el('p', { class: 'card-text' });
    if (tone !== 'info') textEl.appendChild(el('span', { class: 'tone-icon', role: 'img', 'aria-label': `${TONE_LABEL[tone]}:` }, TONE_ICON[tone]));
    textEl.appendChild(inline(message.text, message.literals));
    card.appendChild(textEl);
  }
  const chart = options.chart ? renderChart(options.chart.svg, options.chart.alt) : null;
  if (chart) card.appendChild(chart);
  if (message.fields?.length) {
    card.appendChild(
      el(
        'dl',
        { class: 'fields' },
        message.fields.map((f) =>
          el('div', { class: 'field' }, el('dt', null, inline(f.label, message.literals)), el('dd', null, inline(f.value, message.literals))),
        ),
      ),
    );
  }
  if (message.items?.length)
    card.appendChild(
      el(
        'ul',
        { class: 'items' },
        message.items.map((item) => el('li', null, inline(item, message.literals))),
      ),
    );
  if (message.buttons?.length && onButton) {
    const shown = message.buttons.map((b) => renderButton(b, onButton)).filter((b) => b !== null);
    if (shown.length) card.appendChild(el('div', { class: 'actions' }, shown));
  }
  for (const s of message.sections ?? []) card.appendChild(renderSection(s, onButton));
  return card;
}

/**
 * A group of buttons under a heading (the console's jobs).
 * @param {import('../../../core/message.js').Section} section
 * @param {OnButton | null} onButton
 */
export function renderSection(section, onButton, extraClass = '') {
  const shown = onButton ? section.buttons.map((b) => renderButton(b, onButton, extraClass)).filter((b) => b !== null) : [];
  return el(
    'section',
    { class: 'card-section' },
    el('h4', { class: 'card-section-title', text: section.title }),
    section.text ? el('p', { class: 'card-section-text' }, inline(section.text)) : null,
    shown.length ? el('div', { class: 'actions' }, shown) : null,
  );
}
