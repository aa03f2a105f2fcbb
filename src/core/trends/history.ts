// A partnership's closed rounds with their answers, summarised for display.
import { turnout } from '../survey/turnout.js';
import { countedRounds } from '../survey/rounds.js';
import type { Deps } from '../deps.js';
import { DEFAULT_ALERTS, type Organisation, type Partnership } from '../model.js';
import { thresholdFor } from '../promised-threshold.js';
import { bankFor, type Bank } from '../survey/bank.js';
import { openGroups } from '../answer-group.js';
import { changes, summarise, type RoundData } from './compute.js';
import type { ChartSpec } from '../message.js';
import type { Change, RoundSummary } from './types.js';

export interface History {
  bank: Bank;
  orgs: Organisation[];
  data: RoundData[];
  summaries: RoundSummary[];
  /** Of the latest closed round. */
  changes: Change[];
}

export async function loadHistory(deps: Deps, partnership: Partnership): Promise<History> {
  const bank = bankFor(await deps.store.customItems(partnership.id));
  // A closing check-in asks in free text only: it has no figures.
  const rounds = (await countedRounds(deps, partnership.id)).filter((r) => r.closedAt && r.kind !== 'closing').sort((a, b) => a.number - b.number);
  const data: RoundData[] = [];
  for (const round of rounds) {
    data.push({
      round,
      ...(await turnout(deps, round)),
      answers: openGroups(deps.secret, await deps.store.answerSets(round.id)),
      k: thresholdFor(partnership, round.threshold),
    });
  }
  const summaries = data.map((d) => summarise(bank, d));
  const settings = { notablePoints: (partnership.alerts ?? DEFAULT_ALERTS).notablePoints };
  return { bank, orgs: await deps.store.organisations(partnership.id), data, summaries, changes: changes(bank, data, summaries, settings) };
}

export const indexSeries = (summaries: RoundSummary[], factor: string) => summaries.map((s) => s.factors.find((f) => f.factor === factor)?.index ?? null);

/** The last dozen rounds of the given factors. */
export function chartOf(title: string, summaries: RoundSummary[], factors: { factor: string; label: string }[]): ChartSpec {
  const recent = summaries.slice(-12);
  return { title, labels: recent.map((s) => `#${s.number}`), series: factors.map((f) => ({ name: f.label, values: indexSeries(recent, f.factor) })) };
}

export const HEADLINE = [
  { factor: 'trust', label: 'Trust' },
  { factor: 'commitment', label: 'Commitment' },
];
