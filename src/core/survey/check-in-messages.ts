// What people see in chat about a check-in. Never an answer, never who else
// has or has not answered: chat history can be exported by workspace owners.
import { info, success, type Button, type Message } from '../message.js';
import type { Partnership, Round } from '../model.js';
import { formatLocal } from '../time.js';

export const OPEN_CHECK_IN = 'survey-open';
export const SUBMIT_CHECK_IN = 'survey-submit';

export const answerButton = (round: Round, label: string): Button => ({
  actionId: OPEN_CHECK_IN,
  label,
  value: round.id,
  style: 'primary',
  opensForm: true,
  until: round.closesAt,
});
const name = (round: Round) =>
  round.kind === 'closing' ? 'closing check-in' : `${round.kind === 'healthcheck' ? 'health check' : 'check-in'} #${round.number}`;

export function checkInMessage(p: Partnership, round: Round): Message {
  if (round.kind === 'closing')
    return info(
      `${p.name} has closed. Three questions to end it well: what it learnt, what is left to finish (and who carries it on), and who you would like to thank. ` +
        `Open until ${formatLocal(round.closesAt, p.timezone)}. Your answers are anonymous.`,
      { title: `${p.name}: ${name(round)}`, buttons: [answerButton(round, 'Answer')] },
    );
  const n = round.itemIds.length;
  return info(
    `${n} short statement${n === 1 ? '' : 's'} about how the partnership is working${round.kind === 'pulse' ? ' — about a minute' : ''}. ` +
      `Open until ${formatLocal(round.closesAt, p.timezone)}. Your answers are anonymous.`,
    { title: `${p.name}: ${name(round)}`, buttons: [answerButton(round, round.kind === 'pulse' ? 'Answer (1 minute)' : 'Answer')] },
  );
}

export function reminderMessage(p: Partnership, round: Round): Message {
  return info(
    `A reminder: ${p.name}'s ${name(round)} is open until ${formatLocal(round.closesAt, p.timezone)}. ${round.kind === 'closing' ? 'Answer any of its three questions' : 'It takes about a minute'}, and every view counts.`,
    // Said in the title too: an email carries the title alone.
    { title: `Reminder — ${p.name}: ${name(round)}`, buttons: [answerButton(round, round.kind === 'closing' ? 'Answer' : 'Answer (1 minute)')] },
  );
}

export function answeredMessage(p: Partnership, round: Round): Message {
  return success(`Answered. You can change your answers until ${formatLocal(round.closesAt, p.timezone)}.`, {
    title: `${p.name}: ${name(round)}`,
    buttons: [{ ...answerButton(round, 'See or change my answers'), style: undefined }],
  });
}

export const closedMessage = (p: Partnership, round: Round): Message => info(`This ${name(round)} has closed.`, { title: `${p.name}: ${name(round)}` });

/** Content-free: the same words whether or not this person had answered. */
export const cancelledMessage = (p: Partnership, round: Round): Message =>
  info(`That ${name(round)} was cancelled: nothing from it is kept. The next one will come to you.`, { title: `${p.name}: ${name(round)}` });
