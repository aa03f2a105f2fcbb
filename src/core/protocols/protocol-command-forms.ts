// `protocol reminders` and `review close` with no words: forms read back into
// the typed commands' words.
import { commandForm, oneLine, type CommandForm } from '../command-forms.js';
import { requireMember } from '../context.js';
import { info } from '../message.js';
import { DEFAULT_LEAD_DAYS, REVIEW_OUTCOMES } from '../model.js';
import { mayChangeReminders } from './protocol-commands.js';
import { mayChange, refOf } from './register.js';
import { openReviewOf } from './reviews.js';

export const remindersForm: CommandForm = {
  async open(deps, ctx) {
    const refused = await mayChangeReminders(deps, ctx);
    if (refused) return refused;
    const days = ctx.partnership.leadDays ?? DEFAULT_LEAD_DAYS;
    return commandForm(ctx.partnership.id, 'protocol reminders', {
      title: 'Protocol reminders',
      intro: 'Reminders go out this many days before a review date, on the day itself, then weekly while it is overdue.',
      submitLabel: 'Save',
      fields: [
        {
          kind: 'text',
          id: 'days',
          label: 'Days before (one to six numbers, 1–365)',
          multiline: false,
          maxLength: 40,
          optional: false,
          hint: 'e.g. 30 7 1',
          initial: days.join(' '),
        },
      ],
    });
  },
  async read(_deps, _ctx, values) {
    return [{ field: 'days', text: `protocol reminders ${oneLine(values.days?.replace(/,/g, ' '))}` }];
  },
};

const OUTCOME_LABELS = { kept: 'Kept as it is', revised: 'Revised', retired: 'Retired' } as const satisfies Record<(typeof REVIEW_OUTCOMES)[number], string>;

export const reviewCloseForm: CommandForm = {
  async open(deps, ctx) {
    const refused = requireMember(ctx);
    if (refused) return refused;
    const reviewing = (await deps.store.protocols(ctx.partnership.id)).filter((p) => openReviewOf(p)).sort((a, b) => a.ref - b.ref);
    if (reviewing.length === 0) return info('No protocol is under review. Start one with `review start <P-number>`.');
    // Only those the caller may close: coordinators close any, an owner their own.
    const mine = [];
    for (const p of reviewing) if (!(await mayChange(deps, ctx, p, 'close reviews'))) mine.push(p);
    if (mine.length === 0) return (await mayChange(deps, ctx, reviewing[0], 'close reviews'))!;
    return commandForm(ctx.partnership.id, 'review close', {
      title: 'Close a review',
      intro: 'Record the outcome. A summary is shown only when enough people answered; the next review date comes from the cycle unless you give one.',
      submitLabel: 'Close review',
      fields: [
        {
          kind: 'choice',
          id: 'protocol',
          label: 'Protocol',
          options: mine.map((p) => ({ value: refOf(p), label: `${refOf(p)} ${p.title}` })),
          initial: refOf(mine[0]!),
        },
        { kind: 'choice', id: 'outcome', label: 'Outcome', options: REVIEW_OUTCOMES.map((o) => ({ value: o, label: OUTCOME_LABELS[o] })), initial: 'kept' },
        { kind: 'date', id: 'next', label: 'Next review date', optional: true, hint: 'Leave empty to count the cycle from today.' },
      ],
    });
  },
  async read(_deps, _ctx, values) {
    const which = oneLine(values.protocol);
    const outcome = oneLine(values.outcome);
    const next = oneLine(values.next);
    return [
      {
        field: 'next',
        text: `review close ${which} ${outcome}${next ? ` ${next}` : ''}`,
        probes: [{ field: 'outcome', text: `review close ${which || 'P-0'} ${outcome}` }],
      },
    ];
  },
};
