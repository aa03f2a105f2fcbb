// What a protocol review asks the parties: what every protocol must cover,
// checked against practice.
export const REVIEW_ITEMS = [
  { id: 'review-roles', text: 'Roles and responsibilities under this protocol are still clear.' },
  { id: 'review-procedures', text: 'Its procedures work in practice.' },
  { id: 'review-monitoring', text: 'The arrangements for monitoring it are working.' },
  { id: 'review-no-breaches', text: 'There have been no breaches, grievances or complaints under it that were left unresolved.' },
] as const;

export const RECOMMENDATION = 'review-recommendation';
export const RECOMMENDATION_OPTIONS = [
  { value: 'kept', label: 'Keep it as it is' },
  { value: 'revised', label: 'Revise it' },
  { value: 'retired', label: 'Retire it' },
  { value: 'unsure', label: 'Not sure' },
];
