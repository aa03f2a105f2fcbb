// One question a digest puts to the partnership: evaluation is the partners
// talking about what works and why, not a number posted to a channel.
export const DISCUSSION: Record<string, string> = {
  trust: 'Where have partners kept — or missed — a promise lately, and what made the difference?',
  commitment: 'Is every partner putting in the time, people and money agreed? What would help those who cannot?',
  'shared-purpose': 'Could each of us say in one sentence what this partnership is for? Do our sentences match?',
  roles: 'Is there a task right now where it is unclear who leads? Who should?',
  'power-voice': 'Whose voice is least heard in our meetings, and what would change that?',
  communication: 'What did someone need to know recently that reached them too late?',
  conflict: 'Is there a disagreement we are avoiding? How would we like to handle it?',
  resources: 'Are the contributions each partner makes visible and felt to be fair?',
  outcomes: 'What difference have we made for people this quarter, and how do we know?',
};

export const GENERAL_QUESTION = 'What is working well in the partnership, what is not, and why?';
