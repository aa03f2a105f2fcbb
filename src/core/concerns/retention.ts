// Concern retention: a conversation's words (its messages, the organisation its
// reporter gave, the escalation text) and the way back to its reporter are erased
// the partnership's set months after it was resolved or closed (`set retention
// concerns`; DEFAULT_RETENTION). Its head stays — category, month, threshold,
// status — so the themes count it as before. Run by the scheduler (tick.ts);
// what is already erased is never written again.
import type { Deps } from '../deps.js';
import { retentionOf, type Concern, type Partnership } from '../model.js';
import { addMonths } from '../time.js';
import { ERASED_RELAY } from '../commands/leave.js';
import { isEnded, loadConcerns, sealConcern } from './concern-seal.js';

/** Already erased: nothing left to say, and no way back to anyone. */
const erased = (c: Concern) => c.relay === ERASED_RELAY && c.messages.length === 0 && !c.organisation && !c.escalation && c.friendIds.length === 0;

export async function expireConcerns(deps: Deps, p: Partnership): Promise<void> {
  const today = deps.clock.now().toISOString().slice(0, 10);
  const months = retentionOf(p).concernMonths;
  for (const c of await loadConcerns(deps, p.id)) {
    if (!isEnded(c) || erased(c)) continue;
    // The later of the day it ended and its last message (a reporter may still write after "resolved");
    // for one that ended before closedOn was kept, its last message's day is the nearest to when it ended.
    const ended = [c.closedOn, c.messages.at(-1)?.day]
      .filter((d): d is string => !!d)
      .sort()
      .at(-1);
    if (!ended || addMonths(ended, months) > today) continue;
    const { organisation: _o, escalation: _e, handover: _h, ...head } = c;
    // Read by nobody now: no friend, no relay, no words; the day it ended stays sealed with it.
    await deps.store.eraseConcernText(sealConcern(deps.secret, { ...head, messages: [], friendIds: [], relay: ERASED_RELAY, closedOn: ended }));
  }
}
