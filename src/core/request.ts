// The normalized input every adapter produces.
import type { Platform } from './model.js';

export interface Caller {
  platform: Platform;
  userId: string;
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
