// A closed partnership (commands/closing.ts): how to tell, the one refusal it
// gives, and how long it keeps more than its figures (`set retention closed`).
import { failure, type Message } from '../message.js';
import { retentionOf, type Partnership } from '../model.js';
import { addMonths, formatDate, localDay } from '../time.js';

export type ClosedPartnership = Partnership & { closedAt: string };

export const isClosed = (p: Partnership): p is ClosedPartnership => p.closedAt !== undefined;

export const closedOn = (p: ClosedPartnership) => formatDate(localDay(p.closedAt, p.timezone));

/** The local day a closed partnership's personal data goes: its retention's `closedMonths` after the day it closed. */
export const erasureDay = (p: ClosedPartnership): string => addMonths(localDay(p.closedAt, p.timezone), retentionOf(p).closedMonths);

/** The one reply to anything a closed partnership no longer does. */
export const closedRefusal = (p: ClosedPartnership): Message =>
  failure(`${p.name} was closed on ${closedOn(p)}, so nothing more can be changed in it. Its figures stay readable: try \`trends\` or \`status\`.`);
