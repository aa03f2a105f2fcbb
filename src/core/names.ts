// Names people typed — a partnership's, its organisations', its members' — go
// into messages everywhere. Rather than each message remembering to mark them,
// the front door and every send mark the names of the partnerships involved as
// literal (message.ts), so renderers show `*Bold*` or `<!channel>` as typed.
import type { Deps } from './deps.js';
import { isForm, mayShowMarkup, withLiterals, type Message, type Reply } from './message.js';
import type { Person } from './model.js';

/** Every name typed into these partnerships; `people` adds their members' display names. */
export async function namesOf(deps: Deps, partnershipIds: readonly string[], people = true): Promise<string[]> {
  const names: string[] = [];
  for (const id of new Set(partnershipIds)) {
    const p = await deps.store.partnership(id);
    if (!p) continue;
    names.push(p.name, ...(await deps.store.organisations(id)).map((o) => o.name));
    if (people) names.push(...(await deps.store.memberNames(id)));
  }
  return names;
}

/**
 * The message with the partnership's names marked literal. Marking is a
 * courtesy of display: if the names cannot be read, the message still goes
 * (every renderer escapes mentions and markup-breaking characters anyway).
 */
export async function markNames(deps: Deps, message: Message, partnershipId: string, people = true): Promise<Message> {
  if (!mayShowMarkup(message)) return message;
  try {
    return withLiterals(message, await namesOf(deps, [partnershipId], people));
  } catch {
    return message;
  }
}

/** A reply to this person, with the names of their partnerships marked literal. */
export async function markReply<R extends Reply>(deps: Deps, person: Person, reply: R): Promise<R> {
  if (!mayShowMarkup(reply)) return reply;
  try {
    const names = await namesOf(
      deps,
      (await deps.store.membershipsOf(person)).map((m) => m.partnershipId),
    );
    return (isForm(reply) ? { form: withLiterals(reply.form, names) } : withLiterals(reply, names)) as R;
  } catch {
    return reply; // done already: the reply must not be lost to a display courtesy
  }
}
