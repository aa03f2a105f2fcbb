// `closedMonths` (its retention) after a partnership closed, everything but its figures
// goes: every member (as `leave` erases one), the words and relays of its
// concerns, the free text of its answer sets, and who was asked what. Kept: its
// name, organisations, protocols (titles and review outcomes), rounds and the
// answer sets' values — the aggregates. Once per partnership; a second tick changes nothing.
import type { Deps } from '../deps.js';
import { info } from '../message.js';
import type { Partnership } from '../model.js';
import { loadConcerns, sealConcern } from '../concerns/concern-seal.js';
import { postToHomes } from '../send.js';
import { turnout } from '../survey/turnout.js';
import { localToday } from '../time.js';
import { closedOn, erasureDay, isClosed } from './closed.js';
import { ERASED_RELAY, eraseMember } from './leave.js';

export async function eraseClosedPartnership(deps: Deps, p: Partnership): Promise<void> {
  if (!isClosed(p) || p.erasedAt || localToday(p.timezone, deps.clock.now()) < erasureDay(p)) return;
  const now = deps.clock.now().toISOString();
  // Free text of every questionnaire, check-ins and reviews alike: the values stay, for the figures.
  const questionnaires = [
    ...(await deps.store.rounds(p.id)).map((r) => r.id),
    ...(await deps.store.protocols(p.id)).flatMap((x) => x.reviews.map((r) => r.id)),
  ];
  for (const id of questionnaires) await deps.store.dropComments(id);
  // Who was asked goes; how many were asked and answered stays on the round.
  for (const round of await deps.store.rounds(p.id)) {
    if (round.tally || round.cancelledAt) continue;
    if (!round.closedAt) await deps.store.saveRound({ ...round, closedAt: now });
    await deps.store.compactRound(round.id, await turnout(deps, round));
  }
  // Only the head is kept, for themes: its category and month.
  for (const c of await loadConcerns(deps, p.id)) {
    const { organisation: _o, escalation: _e, handover: _h, deliverAt: _d, ...rest } = c;
    await deps.store.eraseConcernText(sealConcern(deps.secret, { ...rest, status: 'closed', relay: ERASED_RELAY, messages: [], friendIds: [] }));
  }
  // Told while the homes are still known to reach; the homes themselves are channels, not people, and stay.
  await postToHomes(
    deps,
    p,
    info(
      `${p.name} closed on ${closedOn(p)}, and its time to keep more than its figures has passed: its members' names, ids and emails, its concerns and every free-text answer are now erased. Its figures remain.`,
      {
        title: `${p.name}: personal data erased`,
        audience: 'conversation',
      },
    ),
    'partnership erased',
  );
  // Last: lowdb rewrites its file and empties its journal on each, so none of the above is left in the journal either.
  for (const m of await deps.store.members(p.id)) await eraseMember(deps, p, m, undefined);
  const { setupChecklist: _s, ...rest } = (await deps.store.partnership(p.id)) ?? p;
  await deps.store.savePartnership({ ...rest, erasedAt: now });
}
