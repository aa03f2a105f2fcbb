// The side panel's "Private conversations": one entry per concern a persona
// can open, taken from the content-free notes already in their inbox (the
// reporter's "Read and answer", the critical friend's "Read and reply"). The
// notes carry a pseudonym and a button, never concern text; the text is only
// ever read in the private form the button opens.
import type { Button } from '../../core/message.js';
import { FRIEND_OPEN, REPORTER_OPEN } from '../../core/concerns/concern-forms.js';
import type { InboxMessage } from './playground-inbox.js';

export interface Conversation {
  /** "Your concern C-ABCD" (the reporter) or "Concern C-ABCD" (the critical friend). */
  title: string;
  /** The latest content-free note about it ("You have a reply from the critical friend…"), if any. */
  note?: string;
  /** When that note arrived (the server's clock). */
  at: string;
  /** Opens the private form: the whole conversation is read and answered there. */
  button: Button;
}

const OPENS = new Set([REPORTER_OPEN, FRIEND_OPEN]);
export const MAX_CONVERSATIONS = 10;

/** Newest first; a note about the same concern replaces the older one. */
export function conversationsOf(messages: InboxMessage[]): Conversation[] {
  const byConcern = new Map<string, Conversation>();
  for (const m of messages) {
    const opens = (m.message.buttons ?? []).filter((b) => OPENS.has(b.actionId) && b.opensForm === true && !b.url);
    for (const b of opens) {
      const key = `${b.actionId}\u0000${b.value}`;
      const known = byConcern.get(key);
      // A note about one concern names it in its title; a list (the monthly digest) only in its buttons.
      const single = opens.length === 1 && typeof m.message.title === 'string';
      const title = single ? m.message.title! : (known?.title ?? b.label);
      const note = single ? m.message.text : known?.note;
      byConcern.delete(key);
      byConcern.set(key, {
        title,
        ...(note ? { note } : {}),
        at: m.at,
        button: { actionId: b.actionId, label: single ? b.label : (known?.button.label ?? b.label), value: b.value, style: 'primary', opensForm: true },
      });
    }
  }
  return [...byConcern.values()].reverse().slice(0, MAX_CONVERSATIONS);
}
