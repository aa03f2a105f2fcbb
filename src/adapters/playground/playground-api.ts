// The JSON the playground's server sends its page, one type per endpoint: the
// server states each with `satisfies`, and the page (plain JS) reads them
// through JSDoc, so `tsc` checks both ends of the contract.
import type { Form, Message } from '../../core/message.js';
import type { PRIVATE_COMMANDS } from '../../core/grammar.js';
import type { ShownChart } from './playground-chart.js';
import type { Conversation } from '../../core/concerns/conversations.js';
import type { InboxMessage } from './playground-inbox.js';

export interface Persona {
  id: string;
  name: string;
  hint: string;
}

/** GET /playground/personas: who the page may act as, the shared room, and the commands it echoes to their author alone. */
export interface PersonasBody {
  personas: readonly Persona[];
  room: string;
  privateCommands: typeof PRIVATE_COMMANDS;
  /** Concerns reach the critical friend after a random delay up to this (0: at once, the playground's default). */
  concernDelayMaxSeconds: number;
}

/** POST /playground/people: the person added, and the core's welcome. */
export interface PersonBody {
  persona: Persona;
  reply: Message;
}

/** GET /playground/overview */
export interface OverviewBody {
  overview: Message;
}

/** GET /playground/inbox: a persona's private messages, and the concerns they can open. */
export interface InboxBody {
  messages: InboxMessage[];
  conversations: Conversation[];
}

/** GET /playground/room: the shared room's posts. */
export interface RoomBody {
  room: string;
  messages: InboxMessage[];
}

/** A reply, with its chart drawn for the page. */
export type ReplyBody = { reply: Message } & ShownChart;

/** POST /playground/command and /playground/action: a reply, or a private form to open. */
export type AnswerBody = ReplyBody | { form: Form };

/** Any refused request (4xx, 5xx). */
export interface ErrorBody {
  error: string;
}
