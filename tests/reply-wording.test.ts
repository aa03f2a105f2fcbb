// Every reply reads cleanly: no doubled words ("retired · retired"), no doubled
// punctuation ("..", ". .", a sentence ending `."`). Swept over everything the
// core can say (tests/helpers/every-reply.ts); the names and comments people
// typed are taken out first — they are shown as typed, whatever they hold.
import { beforeAll, describe, expect, it } from 'vitest';
import { everyReply, type Corpus } from './helpers/every-reply.js';

let corpus: Corpus;
beforeAll(async () => {
  corpus = await everyReply();
}, 120_000);

/** The words Trellis wrote: quoted comments and the message's literal names blanked out. */
const ours = (text: string, literals: readonly string[] = []) =>
  [...literals]
    .sort((a, b) => b.length - a.length)
    .reduce((t, n) => t.split(n).join(' ⟨name⟩ '), text)
    .replace(/“[^”]*”/g, ' ⟨quote⟩ ')
    .replace(/`[^`]*`/g, ' ⟨command⟩ ')
    .replace(/https?:\/\/\S+/g, ' ⟨link⟩ ');

const PROBLEMS: [string, RegExp][] = [
  ['a doubled full stop', /(?<!\.)\.\.(?!\.)/],
  ['a full stop, a space and another', /\. \./],
  ['a full stop inside the closing quote', /\."/],
  // Within a line: the last word of one help line and the first of the next (`…to join` / `join <code>`) are not doubled.
  ['a doubled word', /\b([A-Za-z]{2,})\b[ \t·—,]+\1\b/i],
  // One date format everywhere: "4 Dec 2026" (and "4 Dec 2026, 09:00"), never ISO or with a weekday.
  ['an ISO date', /\b\d{4}-\d{2}-\d{2}\b/],
  ['a date with a weekday', /\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun),? \d{1,2} [A-Z][a-z]{2}\b/],
];

function problemsIn(text: string): string[] {
  return PROBLEMS.filter(([, re]) => re.test(text)).map(([what]) => `${what}: …${text.slice(0, 160)}…`);
}

describe('reply wording', () => {
  it('the sweep finds what it looks for', () => {
    expect(problemsIn('P-1 Referral — retired · retired · due soon')).toHaveLength(1);
    expect(problemsIn('Done.. Next')).toHaveLength(1);
    expect(problemsIn('He said "stop."')).toHaveLength(1);
    expect(problemsIn('Due on 2027-01-31.')).toHaveLength(1);
    expect(problemsIn('Open until Sat 28 Nov, 09:00.')).toHaveLength(1);
    expect(problemsIn('Trust fell clearly, from 80 to 55 — more than chance would explain; due 31 Jan 2027, 09:00.')).toEqual([]);
  });

  it('no message or form has doubled words or punctuation', () => {
    const found: string[] = [];
    for (const { label, message } of [...corpus.messages, ...corpus.overviews]) {
      const texts = [message.title ?? '', message.text, ...(message.items ?? []), ...(message.fields ?? []).flatMap((f) => [f.label, f.value])];
      for (const t of texts) for (const p of problemsIn(ours(t, message.literals))) found.push(`${label}: ${p}`);
    }
    for (const { label, form } of corpus.forms)
      for (const t of [form.title, form.intro ?? '', ...form.fields.map((f) => f.label)])
        for (const p of problemsIn(ours(t, form.literals))) found.push(`${label}: ${p}`);
    expect([...new Set(found)]).toEqual([]);
  });
});
