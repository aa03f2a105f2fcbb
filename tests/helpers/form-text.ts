import type { Form } from '../../src/core/message.js';

/** What a form shows its reader: the intro, then each turn of its conversation and its status. */
export const formText = (f: Form): string =>
  [f.intro ?? '', ...(f.thread ? [...f.thread.turns.map((t) => `${t.label} (${t.day}): ${t.text}`), f.thread.status] : [])].join('\n');
