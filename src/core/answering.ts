// Answering a private questionnaire — a check-in round or a protocol review,
// asked and answered the same way: the scale it offers, reading what comes
// back, and filing it where only the running server can find a person's.
//
// Whether someone has answered is never written beside them. An answer set is
// filed under a keyed hash of the member and the round (or review), so the
// running server, holding TRELLIS_SECRET, finds a person's by hashing; a copy
// of the data, or two copies taken either side of an answer, find nobody.
import { createHmac } from 'node:crypto';
import { sealedGroup } from './answer-group.js';
import type { Deps } from './deps.js';
import { SCALE, type AnswerSet, type Invitation, type Organisation, type ScaleValue } from './model.js';

/** A check-in round's id or a review's: both are questionnaires, answered alike. */
type QuestionnaireId = string;

/** Per person and questionnaire: changing one's answers works, linking rounds does not. */
export const answerKey = (secret: string, memberId: string, questionnaireId: QuestionnaireId) =>
  createHmac('sha256', secret).update(`answer-key\u0000${memberId}\u0000${questionnaireId}`).digest('hex');

/** What a person answered, found by hashing: for showing them their own answers again. */
export const answersOf = (deps: Deps, questionnaireId: QuestionnaireId, memberId: string): Promise<AnswerSet | undefined> =>
  deps.store.answerSet(questionnaireId, answerKey(deps.secret, memberId, questionnaireId));

export async function hasAnswered(deps: Deps, questionnaireId: QuestionnaireId, memberId: string): Promise<boolean> {
  return (await answersOf(deps, questionnaireId, memberId)) !== undefined;
}

/** The invitations of one questionnaire whose member has answered, and those still waiting. */
export async function splitByAnswered(
  deps: Deps,
  questionnaireId: QuestionnaireId,
  invitations: Invitation[],
): Promise<{ answered: Invitation[]; waiting: Invitation[] }> {
  const keys = new Set((await deps.store.answerSets(questionnaireId)).map((a) => a.key));
  const answered: Invitation[] = [];
  const waiting: Invitation[] = [];
  for (const i of invitations) (keys.has(answerKey(deps.secret, i.memberId, questionnaireId)) ? answered : waiting).push(i);
  return { answered, waiting };
}

// ---- The scale and the form's answers ---------------------------------------

/** "Prefer not to say": offered beside every statement, stored as null. */
export const SKIP = 'skip';
export const COMMENT_FIELD = 'comment';
export const MAX_COMMENT_LENGTH = 1000;

const SCALE_LABELS: Record<ScaleValue, string> = {
  5: 'Strongly agree',
  4: 'Agree',
  3: 'Neither agree nor disagree',
  2: 'Disagree',
  1: 'Strongly disagree',
};

/** Every statement's choices, most agreeing first. */
export const SCALE_OPTIONS = [...[...SCALE].reverse().map((v) => ({ value: String(v), label: SCALE_LABELS[v] })), { value: SKIP, label: 'Prefer not to say' }];
/** Only these exact strings are on the scale (no "05", " 5" or "5.0"). */
const ON_SCALE = new Map<string, ScaleValue>(SCALE.map((v) => [String(v), v]));

/** What a form shows as already chosen for a statement (spread into its field): the person's earlier answer, if they gave one. */
export const earlierChoice = (mine: AnswerSet | undefined, statementId: string): { initial?: string } =>
  mine ? { initial: String(mine.values[statementId] ?? SKIP) } : {};

/**
 * Each statement's answer read from a submitted form: a point on the scale, or
 * null for "prefer not to say". What is missing or off the scale is added to `errors`.
 */
export function readScale(statementIds: readonly string[], values: Record<string, string>, errors: Record<string, string>): Record<string, ScaleValue | null> {
  const scored: Record<string, ScaleValue | null> = {};
  for (const id of statementIds) {
    const value = values[id];
    if (value === undefined || value === '') errors[id] = 'Choose an answer (or "Prefer not to say").';
    else if (value === SKIP) scored[id] = null;
    else if (ON_SCALE.has(value)) scored[id] = ON_SCALE.get(value)!;
    else errors[id] = `"${value.slice(0, 20)}" is not on the scale.`;
  }
  return scored;
}

/** The optional comment, trimmed; one too long is added to `errors`. */
export function readComment(values: Record<string, string>, errors: Record<string, string>): string {
  const comment = (values[COMMENT_FIELD] ?? '').trim();
  if (comment.length > MAX_COMMENT_LENGTH) errors[COMMENT_FIELD] = `Please keep it under ${MAX_COMMENT_LENGTH} characters (this is ${comment.length}).`;
  return comment;
}

/**
 * Files a person's answers under their keyed hash, with their organisation sealed.
 * The answer set is the only thing written: it is also the "answered" mark.
 */
export async function saveAnswers(
  deps: Deps,
  questionnaireId: QuestionnaireId,
  memberId: string,
  org: Pick<Organisation, 'id' | 'sector'> | undefined,
  answers: Pick<AnswerSet, 'values' | 'choices' | 'comment' | 'texts'>,
): Promise<void> {
  await deps.store.saveAnswerSet({
    roundId: questionnaireId,
    key: answerKey(deps.secret, memberId, questionnaireId),
    ...sealedGroup(deps.secret, org),
    values: answers.values,
    ...(answers.choices ? { choices: answers.choices } : {}),
    ...(answers.comment ? { comment: answers.comment } : {}),
    ...(answers.texts && Object.keys(answers.texts).length ? { texts: answers.texts } : {}),
  });
}
