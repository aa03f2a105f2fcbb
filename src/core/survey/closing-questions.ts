// The closing check-in's questions: what the research advises a partnership
// ask itself as it ends. Free text only; kept apart (with how their answers
// are listed) so that the rounds, the form and "Read all comments" can all use
// them without importing each other.
import type { AnswerSet } from '../model.js';

export const CLOSING_QUESTIONS = [
  { id: 'closing-learnt', label: 'What did the partnership learn?', short: 'Learnt' },
  { id: 'closing-unfinished', label: 'What is left to finish, and who will carry it on?', short: 'Left to finish' },
  { id: 'closing-thanks', label: 'Who would you like to thank?', short: 'Thanks' },
] as const;

export const CLOSING_QUESTION_IDS: string[] = CLOSING_QUESTIONS.map((q) => q.id);

/**
 * Every answer, question by question, as "Learnt: …" (quoted where shown). Within a question they
 * are sorted by their words: in the store's order, one person's three answers
 * would stand at the same place in each list.
 */
export function closingAnswers(sets: AnswerSet[]): string[] {
  return CLOSING_QUESTIONS.flatMap((q) =>
    sets
      .map((s) => s.texts?.[q.id]?.trim())
      .filter((t): t is string => !!t)
      .sort()
      .map((t) => `${q.short}: ${t}`),
  );
}
