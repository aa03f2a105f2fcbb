// @ts-check
// A form's intro, and the conversation a form may hold (a concern, as each
// side reads it) drawn turn by turn from its structured thread. A person's
// words are shown as typed, never read as markup, so a line typed to look like
// someone else's turn stays inside the turn of the person who typed it.
import { dayLabel, el, inline } from './dom.js';

/** @typedef {import('../../../core/message.js').Form} Form */

/** A person's words: paragraphs split at blank lines, single line breaks kept, no markup read. @param {string} text */
const paragraphs = (text) =>
  text
    .split(/\n[ \t]*\n/)
    .map((p) => p.replace(/^\n+|\n+$/g, ''))
    .filter((p) => p.trim() !== '')
    .map((p) =>
      el(
        'p',
        null,
        p.split('\n').flatMap((line, i) => (i ? [el('br'), line] : [line])),
      ),
    );

/** @param {Form} form @param {string} id the id the dialog's aria-describedby names */
export function renderIntro(form, id) {
  const intro = form.intro ?? '';
  const thread = form.thread;
  if (!thread) return el('p', { class: 'form-intro', id }, inline(intro, form.literals));
  return el(
    'div',
    { class: 'form-intro form-thread', id: intro.trim() ? undefined : id },
    intro.trim() ? el('p', { class: 'thread-head', id }, inline(intro, form.literals)) : null,
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
