// A round's life: open (ask the members), remind (those who have not answered,
// once), close. `tickRounds` is the survey's part of every minute's tick (../tick.ts).
import type { Deps } from '../deps.js';
import type { Partnership, Round } from '../model.js';
import { bankFor } from './bank.js';
import { choosePulseItems, healthCheckItems } from './rotation.js';
import { lastSlot } from './schedule.js';
import { cancelledMessage, checkInMessage, closedMessage, reminderMessage } from './check-in-messages.js';
import { sendPrivate, updateSent } from '../send.js';
import { publishDigest } from '../trends/digest.js';
import { concurrently } from '../concurrently.js';
import { splitByAnswered } from '../answering.js';
import { CLOSING_QUESTION_IDS } from './closing-questions.js';
import { publishClosingAnswers } from './closing-check-in.js';

const MINUTE = 60_000;
const DAY = 1440 * MINUTE;
/** Messages queued side by side when a round opens or reminds. */
const FAN_OUT = 50;

export interface Opened {
  round: Round;
  invited: number;
  /** Members the bot cannot message yet (e.g. never opened a Teams chat with it). */
  unreachable: number;
}

export const isOpen = (r: Round) => !r.closedAt;
export const openRoundOf = async (deps: Deps, partnershipId: string) => (await deps.store.rounds(partnershipId)).find(isOpen);
/** Every round but the cancelled ones, which count nowhere: not in numbering, rotation, status, trends or exports. */
export const countedRounds = async (deps: Deps, partnershipId: string) => (await deps.store.rounds(partnershipId)).filter((r) => !r.cancelledAt);

export async function openRound(deps: Deps, p: Partnership, kind: Round['kind'], options: { windowMinutes?: number; slot?: string } = {}): Promise<Opened> {
  const now = deps.clock.now().getTime();
  const all = await deps.store.rounds(p.id);
  // Rotation counts only rounds that count; numbers never repeat, so a confirmation naming #n never reaches a later round.
  const earlier = all.filter((r) => !r.cancelledAt).sort((a, b) => a.number - b.number);
  const bank = bankFor(await deps.store.customItems(p.id));
  const window = options.windowMinutes ?? p.survey.windowMinutes;
  const round: Round = {
    id: deps.newId(),
    partnershipId: p.id,
    number: all.length + 1,
    kind,
    itemIds:
      kind === 'closing'
        ? CLOSING_QUESTION_IDS
        : kind === 'pulse'
          ? choosePulseItems(
              bank,
              earlier.filter((r) => r.kind === 'pulse').map((r) => r.itemIds),
            )
          : healthCheckItems(bank),
    threshold: p.threshold,
    openedAt: new Date(now).toISOString(),
    remindAt: new Date(now + Math.min(p.survey.remindAfterMinutes, window) * MINUTE).toISOString(),
    closesAt: new Date(now + window * MINUTE).toISOString(),
    ...(options.slot ? { slot: options.slot } : {}),
  };
  await deps.store.saveRound(round);
  return { round, ...(await inviteMembers(deps, p, round)) };
}

/**
 * Asks every member who was in the partnership when the round opened and has
 * no invitation yet. Opening calls it; so does every tick while the round is
 * open, which finishes a fan-out that a crash cut short without asking anyone twice.
 */
async function inviteMembers(deps: Deps, p: Partnership, round: Round): Promise<{ invited: number; unreachable: number }> {
  // The critical friend is a neutral outsider, not a partner: not surveyed.
  const invitees = (await deps.store.members(p.id)).filter((m) => m.role !== 'critical-friend' && m.joinedAt <= round.openedAt);
  const asked = new Set((await deps.store.invitations(round.id)).map((i) => i.memberId));
  let unreachable = 0;
  await concurrently(
    invitees.filter((m) => !asked.has(m.id)),
    FAN_OUT,
    async (m) => {
      const sent = await sendPrivate(deps, m, checkInMessage(p, round), { kind: 'check-in', partnershipId: p.id }, `check-in:${round.id}:${m.id}`);
      if (sent.status !== 'sent') unreachable++;
      // Not recorded as asked when queueing failed: the next tick asks them again (the key keeps it to one message).
      if (sent.status === 'failed') return;
      await deps.store.saveInvitation({ roundId: round.id, memberId: m.id, ...(sent.status === 'sent' ? { delivery: sent.delivery } : {}) });
    },
  );
  return { invited: invitees.length, unreachable };
}

/**
 * Reminds those who have not answered; marked done only once every reminder is
 * queued, and keyed, so a run cut short or a reminder that failed to queue is
 * finished at the next tick, not repeated.
 */
export async function remindRound(deps: Deps, p: Partnership, round: Round): Promise<number> {
  const members = await deps.store.members(p.id);
  const byId = new Map(members.map((m) => [m.id, m]));
  const { waiting } = await splitByAnswered(deps, round.id, await deps.store.invitations(round.id));
  const due = waiting.filter((i) => byId.has(i.memberId)).map((i) => byId.get(i.memberId)!);
  let sent = 0;
  let failed = 0;
  await concurrently(due, FAN_OUT, async (m) => {
    const { status } = await sendPrivate(
      deps,
      m,
      reminderMessage(p, round),
      { kind: 'check-in reminder', partnershipId: p.id },
      `reminder:${round.id}:${m.id}`,
    );
    if (status === 'sent') sent++;
    if (status === 'failed') failed++;
  });
  if (failed === 0) await deps.store.saveRound({ ...round, remindedAt: deps.clock.now().toISOString() });
  return sent;
}

export async function closeRound(deps: Deps, p: Partnership, round: Round): Promise<{ answered: number; invited: number }> {
  await deps.store.saveRound({ ...round, closedAt: deps.clock.now().toISOString() });
  const invitations = await deps.store.invitations(round.id);
  const { answered, waiting } = await splitByAnswered(deps, round.id, invitations);
  // Unanswered check-ins stop inviting answers that would be refused.
  for (const inv of waiting) if (inv.delivery) await updateSent(deps, inv.delivery, closedMessage(p, round), { kind: 'check-in closed', partnershipId: p.id });
  // A closing check-in has no figures: its answers go out instead of a digest.
  if (round.kind === 'closing') await publishClosingAnswers(deps, p, round, answered.length);
  else await publishDigest(deps, p);
  return { answered: answered.length, invited: invitations.length };
}

/**
 * Discards a round opened by mistake: its invitations and answers are deleted
 * (the round itself is kept, marked, so a scheduled slot never opens twice),
 * and each person asked sees their check-in message say so — nothing more.
 */
export async function cancelRound(deps: Deps, p: Partnership, round: Round): Promise<void> {
  const invitations = await deps.store.invitations(round.id);
  await deps.store.cancelRound(round.id, deps.clock.now().toISOString());
  for (const inv of invitations)
    if (inv.delivery) await updateSent(deps, inv.delivery, cancelledMessage(p, round), { kind: 'check-in cancelled', partnershipId: p.id });
}

/** A partnership's rounds brought up to date: close, remind, then open a scheduled round (the latest missed slot only, once). */
export async function tickRounds(deps: Deps, p: Partnership): Promise<void> {
  const now = deps.clock.now().getTime();
  const rounds = await deps.store.rounds(p.id);
  // An answer whose save raced its round's cancellation in the database (see submitCheckIn) is swept up here.
  for (const r of rounds)
    if (r.cancelledAt && now - Date.parse(r.cancelledAt) < DAY && (await deps.store.answerSets(r.id)).length > 0)
      await deps.store.cancelRound(r.id, r.cancelledAt);
  let open = rounds.find(isOpen);
  if (open && now >= Date.parse(open.closesAt)) {
    await closeRound(deps, p, open);
    open = undefined;
  } else if (open) {
    await inviteMembers(deps, p, open);
    if (!open.remindedAt && now >= Date.parse(open.remindAt)) await remindRound(deps, p, open);
  }
  // A closed partnership's schedule has stopped (commands/closing.ts).
  if (!p.schedule || open || p.closedAt) return;
  const slot = lastSlot(p.schedule, p.timezone, now);
  if (slot === undefined) return;
  const iso = new Date(slot).toISOString();
  const latest = rounds
    .map((r) => r.slot)
    .filter((s): s is string => !!s)
    .sort()
    .pop();
  if (!latest || iso > latest) await openRound(deps, p, 'pulse', { slot: iso });
}
