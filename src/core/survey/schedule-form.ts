// `survey schedule` with no words: a form for how often, the day and the time,
// read back into the typed command's words.
import { commandForm, oneLine, type CommandForm } from '../command-forms.js';
import { fieldErrors } from '../message.js';
import { CADENCES, WEEKDAYS } from '../model.js';
import { describeSchedule, mayRunCheckIns } from './survey-commands.js';

const OFF = 'off';
const cap = (w: string) => w[0]!.toUpperCase() + w.slice(1);
const MONTH_DAYS = Array.from({ length: 28 }, (_, i) => String(i + 1));

export const scheduleForm: CommandForm = {
  async open(deps, ctx) {
    const refused = await mayRunCheckIns(deps, ctx);
    if (refused) return refused;
    const p = ctx.partnership;
    const s = p.schedule;
    return commandForm(p.id, 'survey schedule', {
      title: 'Check-in schedule',
      intro: `${s ? `Now: ${describeSchedule(s, p)}.` : 'No regular check-ins yet.'} Times are in ${p.timezone} (a coordinator changes it with \`set timezone\`).`,
      submitLabel: 'Save',
      fields: [
        {
          kind: 'choice',
          id: 'frequency',
          label: 'How often',
          options: [...CADENCES.map((c) => ({ value: c, label: cap(c) })), { value: OFF, label: 'Off (no regular check-ins)' }],
          initial: s?.cadence ?? 'weekly',
        },
        {
          kind: 'choice',
          id: 'day',
          label: 'Day (monthly: a weekday, its first in the month, or a day 1–28)',
          options: [...WEEKDAYS.map((d) => ({ value: d, label: cap(d) })), ...MONTH_DAYS.map((d) => ({ value: d, label: `Day ${d} of the month` }))],
          initial: s ? String(s.day) : 'monday',
        },
        { kind: 'text', id: 'time', label: 'Time (24-hour HH:MM)', multiline: false, maxLength: 5, optional: false, initial: s?.time ?? '09:00' },
      ],
    });
  },

  async read(_deps, _ctx, values) {
    const frequency = oneLine(values.frequency);
    if (frequency === OFF) return [{ field: 'frequency', text: 'survey schedule off' }];
    const day = oneLine(values.day);
    const time = oneLine(values.time);
    const missing: Record<string, string> = {};
    if (!day) missing.day = 'Choose a day.';
    if (!time) missing.time = 'Give a time, e.g. 09:30.';
    if (Object.keys(missing).length) return fieldErrors('Nothing was changed: fill in each field.', missing);
    return [
      {
        field: 'time',
        text: `survey schedule ${frequency} ${day} ${time}`,
        probes: [
          { field: 'frequency', text: `survey schedule ${frequency} monday 09:00` },
          { field: 'day', text: `survey schedule ${frequency} ${day} 09:00` },
        ],
      },
    ];
  },
};
