// Opening the private check-in form and recording what comes back, so that
// the stored answers cannot be traced to a person without TRELLIS_SECRET.
import { failure, fieldErrors, success, type Button, type Form, type Message, type Reply } from '../message.js';
import type { Member, Round } from '../model.js';
import type { Deps } from '../deps.js';
import type { Caller } from '../request.js';
import { bankFor } from './bank.js';
import { formatLocal } from '../time.js';
import { answerButton, OPEN_CHECK_IN, SUBMIT_CHECK_IN, answeredMessage } from './check-in-messages.js';
import { answersOf, COMMENT_FIELD, earlierChoice, hasAnswered, MAX_COMMENT_LENGTH, readComment, readScale, saveAnswers, SCALE_OPTIONS } from '../answering.js';
import { thresholdFor } from '../promised-threshold.js';
import { updateSent } from '../send.js';
import { closingForm, submitClosing } from './closing-check-in.js';

const CANCELLED = 'That check-in was cancelled, so nothing was recorded. The next one will come to you.';

type Found = { ok: true; round: Round; member: Member } | { ok: false; reply: Message };

async function findInvited(deps: Deps, caller: Caller, roundId: string): Promise<Found> {
  const round = await deps.store.round(roundId);
  const member = round && (await deps.store.membershipsOf(caller)).find((m) => m.partnershipId === round.partnershipId);
  if (!round || !member) return { ok: false, reply: failure("That check-in isn't one you can answer — it may belong to a partnership you are not in.") };
  const partnership = await deps.store.partnership(round.partnershipId);
  const tz = partnership?.timezone ?? 'UTC';
  if (round.cancelledAt) return { ok: false, reply: failure(CANCELLED) };
  if (round.closedAt)
    return {
      ok: false,
      reply: failure(
        `This check-in closed on ${formatLocal(round.closedAt, tz)}, so nothing was recorded. Thank you for wanting to answer — the next one will come to you.`,
      ),
    };
  const invited = (await deps.store.invitation(roundId, member.id)) !== undefined;
  if (!invited && member.role === 'critical-friend')
    return { ok: false, reply: failure('Check-ins are for the partners; as the critical friend you stand outside them and are not asked.') };
  if (!invited) return { ok: false, reply: failure('This check-in opened before you joined, so it is not yours to answer. The next one will come to you.') };
  return { ok: true, round, member };
}

export async function openCheckIn(deps: Deps, caller: Caller, roundId: string): Promise<Reply> {
  const found = await findInvited(deps, caller, roundId);
  if (!found.ok) return found.reply;
  const { round, member } = found;
  const partnership = (await deps.store.partnership(round.partnershipId))!;
  const mine = await answersOf(deps, round.id, member.id);
  if (round.kind === 'closing') return closingForm(partnership, round, mine);
  const bank = bankFor(await deps.store.customItems(round.partnershipId));
  const k = thresholdFor(partnership, round.threshold);
  const form: Form = {
    kind: 'questionnaire',
    title: `${round.kind === 'healthcheck' ? 'Health check' : 'Check-in'} #${round.number}`.slice(0, 24),
    intro:
      `How is *${partnership.name}* working? Choose how far you agree with each statement. ` +
      `Your answers are anonymous: nobody in the partnership sees them, and results are shown only for groups of ${k} or more.` +
      (mine ? ' These are the answers you gave; change any and submit again.' : ''),
    submitActionId: SUBMIT_CHECK_IN,
    submitLabel: 'Submit',
    context: round.id,
    reopen: { actionId: OPEN_CHECK_IN, value: round.id },
    fields: [
      ...round.itemIds.map((id) => ({ kind: 'choice' as const, id, label: bank.item(id)?.text ?? id, options: SCALE_OPTIONS, ...earlierChoice(mine, id) })),
      {
        kind: 'text',
        id: COMMENT_FIELD,
        label: 'Anything else about how the partnership is working? (optional)',
        multiline: true,
        maxLength: MAX_COMMENT_LENGTH,
        optional: true,
        hint: `Shared only in summaries with ${k} or more respondents, never with your name.`,
        ...(mine?.comment ? { initial: mine.comment } : {}),
      },
    ],
  };
  return { form };
}

export async function submitCheckIn(deps: Deps, caller: Caller, roundId: string, values: Record<string, string>): Promise<Message> {
  const found = await findInvited(deps, caller, roundId);
  if (!found.ok) return found.reply;
  const { round, member } = found;
  if (round.kind === 'closing') return submitClosing(deps, (await deps.store.partnership(round.partnershipId))!, round, member, values);

  const errors: Record<string, string> = {};
  const unknown = Object.keys(values).filter((k) => k !== COMMENT_FIELD && !round.itemIds.includes(k));
  if (unknown.length)
    return failure(
      `That form had answers to statements this check-in does not ask (${unknown.slice(0, 3).join(', ')}). Nothing was recorded; open the check-in again.`,
    );
  const scored = readScale(round.itemIds, values, errors);
  const comment = readComment(values, errors);
  if (Object.keys(errors).length) return fieldErrors('Some answers need another look; nothing was recorded yet.', errors);

  const org = member.organisationId ? (await deps.store.organisations(round.partnershipId)).find((o) => o.id === member.organisationId) : undefined;
  const partnership = (await deps.store.partnership(round.partnershipId))!;
  await saveAnswers(deps, round.id, member.id, org, { values: scored, comment });
  // People answer under their own lock, not the partnership's: a cancellation
  // that came between the check above and this save must not leave the answer behind.
  const after = await deps.store.round(round.id);
  if (after?.cancelledAt) {
    await deps.store.cancelRound(round.id, after.cancelledAt);
    return failure(CANCELLED);
  }
  // The person is waiting on the form, not on the DM: its "Thanks" is queued
  // once the reply has gone. A crash in between leaves the DM's button, which
  // still works.
  const delivery = (await deps.store.invitation(round.id, member.id))?.delivery;
  if (delivery) deps.later(() => updateSent(deps, delivery, answeredMessage(partnership, round), { kind: 'check-in thanks', partnershipId: partnership.id }));
  return success(`Thanks — your answers are in. You can change them until ${formatLocal(round.closesAt, partnership.timezone)}.`);
}

/** For a person's private overview: one button per open check-in they were asked to answer. */
export async function openCheckInButtons(deps: Deps, memberships: Member[]): Promise<Button[]> {
  const buttons: Button[] = [];
  for (const m of memberships) {
    const round = (await deps.store.rounds(m.partnershipId)).find((r) => !r.closedAt);
    const invitation = round && (await deps.store.invitation(round.id, m.id));
    if (!round || !invitation) continue;
    const name = (await deps.store.partnership(m.partnershipId))?.name ?? '';
    const answered = await hasAnswered(deps, round.id, m.id);
    const what = round.kind === 'closing' ? 'the closing check-in' : `check-in #${round.number}`;
    const button = answerButton(round, answered ? `${name}: see or change my answers` : `${name}: answer ${what}`);
    buttons.push(answered ? { ...button, style: undefined } : button);
  }
  return buttons;
}
