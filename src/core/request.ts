// The normalized input every adapter produces.
import type { Person } from './model.js';

export interface Caller extends Person {
  displayName: string;
}

export interface Place {
  /** The platform's id for where the command was typed. */
  conversationId: string;
  /** A shared channel/team/group chat, or a one-to-one chat with the bot. */
  kind: 'channel' | 'personal';
  /** How people refer to it, e.g. "#riverside". */
  label?: string;
}

export interface CommandRequest {
  caller: Caller;
  place: Place;
  text: string;
}

export interface ActionRequest {
  caller: Caller;
  place: Place;
  actionId: string;
  value: string;
}

export interface SubmitRequest {
  caller: Caller;
  /** The form's submitActionId. */
  actionId: string;
  /** The form's context, as sent with it. */
  context: string;
  /** field id → the chosen option's value or the text typed. */
  values: Record<string, string>;
}
