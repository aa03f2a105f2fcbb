// The closing check-in: a round of kind 'closing' asked when a partnership
// closes, in free text only. Answers are filed under the keyed hash like any
// check-in's; at its close they are shown as comments are ("Read all comments"):
// to members only, with no organisation, and only when k or more answered.
import type { Deps } from '../deps.js';
import { commandButton, failure, fieldErrors, info, success, type Button, type Message, type Reply } from '../message.js';
import type { AnswerSet, Member, Partnership, Round } from '../model.js';
import { MAX_COMMENT_LENGTH, saveAnswers } from '../answering.js';
import { thresholdFor } from '../promised-threshold.js';
import { postToHomes, sendToEach, updateSent } from '../send.js';
import { formatLocal } from '../time.js';
import { answeredMessage, OPEN_CHECK_IN, SUBMIT_CHECK_IN } from './check-in-messages.js';
import { CLOSING_QUESTIONS } from './closing-questions.js';
import { READ_COMMENTS } from '../trends/comments.js';

export function closingForm(p: Partnership, round: Round, mine: AnswerSet | undefined): Reply {
  const k = thresholdFor(p, round.threshold);
  return {
    form: {
      kind: 'questionnaire',
      title: 'Closing check-in',
      intro:
        `*${p.name}* has closed. Answer any or all of these; your answers are anonymous and shown, without your name or organisation, ` +
        `to the partnership's members only if ${k} or more people answer.` +
        (mine ? ' These are the answers you gave; change any and submit again.' : ''),
      submitActionId: SUBMIT_CHECK_IN,
      submitLabel: 'Submit',
      context: round.id,
      reopen: { actionId: OPEN_CHECK_IN, value: round.id },
      fields: CLOSING_QUESTIONS.map((q) => ({
        kind: 'text' as const,
        id: q.id,
        label: q.label,
        multiline: true,
        maxLength: MAX_COMMENT_LENGTH,
        optional: true,
        ...(mine?.texts?.[q.id] ? { initial: mine.texts[q.id] } : {}),
      })),
    },
  };
}

export async function submitClosing(deps: Deps, p: Partnership, round: Round, member: Member, values: Record<string, string>): Promise<Message> {
  const ids = CLOSING_QUESTIONS.map((q) => q.id as string);
  if (Object.keys(values).some((k) => !ids.includes(k)))
    return failure('That form had answers this check-in does not ask. Nothing was recorded; open it again.');
  const errors: Record<string, string> = {};
  const texts: Record<string, string> = {};
  for (const id of ids) {
    const text = (values[id] ?? '').trim();
    if (text.length > MAX_COMMENT_LENGTH) errors[id] = `Please keep it under ${MAX_COMMENT_LENGTH} characters (this is ${text.length}).`;
    else if (text) texts[id] = text;
  }
  if (Object.keys(errors).length) return fieldErrors('Some answers need another look; nothing was recorded yet.', errors);
  if (Object.keys(texts).length === 0) return failure('Answer at least one of the questions; nothing was recorded.');
  // No organisation is kept with them: these answers are only ever shown without one.
  await saveAnswers(deps, round.id, member.id, undefined, { values: {}, texts });
  const delivery = (await deps.store.invitation(round.id, member.id))?.delivery;
  if (delivery) deps.later(() => updateSent(deps, delivery, answeredMessage(p, round), { kind: 'check-in thanks', partnershipId: p.id }));
  return success(`Thank you — your answers are in. You can change them until ${formatLocal(round.closesAt, p.timezone)}.`);
}

const readButton = (round: Round): Button => ({ actionId: READ_COMMENTS, label: 'Read the answers', value: `${round.id}:0`, readOnly: true });

/** At the closing check-in's close: how many answered, to the homes and every member; the answers behind a button when k or more did. */
export async function publishClosingAnswers(deps: Deps, p: Partnership, round: Round, answered: number): Promise<void> {
  const k = thresholdFor(p, round.threshold);
  const message =
    answered < k
      ? info(
          `${answered} ${answered === 1 ? 'person' : 'people'} answered the closing check-in: fewer than ${k}, so their answers are not shown. That protects everyone's anonymity.`,
          {
            title: `${p.name}: closing check-in`,
            audience: 'conversation',
          },
        )
      : info(
          `${answered} people answered the closing check-in: what the partnership learnt, what is left to finish, and who they thank. Members can read every answer, as written.`,
          {
            title: `${p.name}: closing check-in`,
            audience: 'conversation',
            buttons: [readButton(round), commandButton('Trends', 'trends')],
          },
        );
  await postToHomes(deps, p, message, 'closing answers');
  await sendToEach(deps, await deps.store.members(p.id), message, { kind: 'closing answers', partnershipId: p.id });
}
