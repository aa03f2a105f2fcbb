// The closing check-in's questions: what the research advises a partnership
// ask itself as it ends. Free text only; kept apart so that the messages and
// the form can both name them without importing each other.

export const CLOSING_QUESTIONS = [
  { id: 'closing-learnt', label: 'What did the partnership learn?', short: 'Learnt' },
  { id: 'closing-unfinished', label: 'What is left to finish, and who will carry it on?', short: 'Left to finish' },
  { id: 'closing-thanks', label: 'Who would you like to thank?', short: 'Thanks' },
] as const;

export const CLOSING_QUESTION_IDS: string[] = CLOSING_QUESTIONS.map((q) => q.id);
