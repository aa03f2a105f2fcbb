// The pulse question bank: statements about *the partnership*, never about
// named people or organisations. Pure data; validated in bank.ts at load.
// Factors and what they probe: ../shared/design/instrument.md.

export const BANK_DATA = [
  {
    factor: 'trust',
    label: 'Trust',
    core: true,
    items: [
      { id: 'trust-promises', text: 'Partners in this partnership keep the promises they make.' },
      { id: 'trust-competence', text: 'Partners can deliver what they say they will deliver.' },
      { id: 'trust-goodwill', text: "Partners act in the partnership's interest, not only in their own." },
      { id: 'trust-openness', text: 'I can be open with the other partners about problems.' },
    ],
  },
  {
    factor: 'commitment',
    label: 'Commitment',
    core: true,
    items: [
      { id: 'commitment-resources', text: 'Partners give the time, people and money they promised.' },
      { id: 'commitment-leadership', text: 'Senior leaders in each organisation actively back this partnership.' },
      { id: 'commitment-mandate', text: 'The people at the table can speak and decide for their organisation.' },
    ],
  },
  {
    factor: 'shared-purpose',
    label: 'Shared purpose',
    core: false,
    items: [
      { id: 'purpose-clear', text: 'The partnership has a clear strategy and objectives that all partners agree on.' },
      { id: 'purpose-before-sectional', text: "Partners put the partnership's aims before their own organisation's interests." },
      { id: 'purpose-shared-vision', text: 'I could explain what this partnership is trying to achieve.' },
    ],
  },
  {
    factor: 'roles',
    label: 'Roles & responsibilities',
    core: false,
    items: [
      { id: 'roles-clear', text: 'It is clear who does what in this partnership.' },
      { id: 'roles-no-turf', text: 'There are no turf wars between partners.' },
      { id: 'roles-boundaries', text: 'The boundaries of what the partnership does are clear.' },
    ],
  },
  {
    factor: 'power-voice',
    label: 'Power & voice',
    core: false,
    items: [
      { id: 'voice-heard', text: "Every partner's view is heard and counts." },
      { id: 'voice-no-dominance', text: 'No single partner dominates decisions.' },
      { id: 'voice-smaller-partners', text: 'Smaller and community partners can influence what the partnership decides.' },
    ],
  },
  {
    factor: 'communication',
    label: 'Communication',
    core: false,
    items: [
      { id: 'comms-open', text: 'Information is shared openly between partners.' },
      { id: 'comms-timely', text: 'I get the information I need in time to act on it.' },
      { id: 'comms-meetings-action', text: 'Partnership meetings lead to action.' },
    ],
  },
  {
    factor: 'conflict',
    label: 'Conflict handling',
    core: false,
    items: [
      { id: 'conflict-early', text: 'Disagreements are raised early, not left to fester.' },
      { id: 'conflict-agreed-way', text: 'There is an agreed way to resolve disagreements between partners.' },
    ],
  },
  {
    factor: 'resources',
    label: 'Resources',
    core: false,
    items: [
      { id: 'resources-open', text: 'What each partner contributes is open and fair.' },
      { id: 'resources-money', text: 'Money is not a source of tension between partners.' },
    ],
  },
  {
    factor: 'outcomes',
    label: 'Outcomes',
    core: false,
    items: [
      { id: 'outcomes-people', text: 'The partnership focuses on outcomes for people, not only on activity.' },
      { id: 'outcomes-learning', text: 'The partnership reviews what works, what does not, and why.' },
    ],
  },
] as const;
