// From stored rounds and answer sets to figures anyone may see: indices per
// round, change with honest uncertainty, suppressed breakdowns, sector gaps.
import type { AnswerSet, Organisation, Round } from '../model.js';
import type { Bank } from '../survey/bank.js';
import { mean, rescale, round1, sd, welchInterval } from './stats.js';
import { suppress, type RawCell } from './suppress.js';
import type { Breakdown, Change, FactorResult, Gap, Judgement, RoundSummary } from './types.js';

export interface RoundData {
  round: Round;
  invited: number;
  answered: number;
  answers: AnswerSet[];
  /** The threshold for this round's figures (thresholdFor: never below the one it opened with). */
  k: number;
}

export interface TrendSettings {
  notablePoints: number;
}

/** One person's score over some statements: the mean of those they rated, 0–100; undefined when they rated none. */
export function personScore(values: AnswerSet['values'], counts: (itemId: string) => boolean): number | undefined {
  const rated = Object.entries(values)
    .filter(([id, v]) => v !== null && counts(id))
    .map(([, v]) => v as number);
  return rated.length ? rescale(mean(rated)) : undefined;
}

/**
 * Each person's score for a factor. Every published figure of a factor is the
 * mean of these over a group: weighting statements instead would let two
 * figures be subtracted to reveal whoever skipped one.
 */
export function personScores(bank: Bank, answers: AnswerSet[], factor: string): { set: AnswerSet; score: number }[] {
  const out: { set: AnswerSet; score: number }[] = [];
  for (const set of answers) {
    const score = personScore(set.values, (id) => bank.item(id)?.factor === factor);
    if (score !== undefined) out.push({ set, score });
  }
  return out;
}

export function summarise(bank: Bank, data: RoundData): RoundSummary {
  const { round, invited, answered, answers, k } = data;
  const asked = [...new Set(round.itemIds.map((id) => bank.item(id)?.factor).filter((f): f is string => !!f))];
  const factors: FactorResult[] = asked.map((factor) => {
    const scores = personScores(bank, answers, factor);
    const label = bank.factor(factor)?.label ?? factor;
    if (scores.length < k) return { factor, label, n: scores.length, index: null, spread: null, distribution: null };
    const personal = scores.map((s) => s.score);
    const askedOf = answers.filter((s) => Object.keys(s.values).some((id) => bank.item(id)?.factor === factor)).length;
    const distribution = {
      agree: personal.filter((x) => x >= 62.5).length,
      neither: personal.filter((x) => x > 37.5 && x < 62.5).length,
      disagree: personal.filter((x) => x <= 37.5).length,
      skipped: askedOf - personal.length,
    };
    return { factor, label, n: scores.length, index: round1(mean(personal)), spread: round1(sd(personal) ?? 0), distribution };
  });
  return {
    roundId: round.id,
    number: round.number,
    kind: round.kind,
    ...(round.closedAt ? { closedAt: round.closedAt } : {}),
    invited,
    answered,
    rate: invited ? answered / invited : 0,
    threshold: k,
    visible: answered >= k,
    factors,
  };
}

const indexOf = (s: RoundSummary, factor: string) => s.factors.find((f) => f.factor === factor)?.index ?? null;

/** Change of every factor asked in the latest round, against the round before that asked it and the mean of the three before. */
export function changes(bank: Bank, history: RoundData[], summaries: RoundSummary[], settings: TrendSettings): Change[] {
  const latest = summaries.at(-1);
  const latestData = history.at(-1);
  if (!latest || !latestData) return [];
  return latest.factors.map((f) => {
    const earlier = summaries.slice(0, -1).filter((s) => indexOf(s, f.factor) !== null);
    const prev = earlier.at(-1);
    const current = f.index;
    const previous = prev ? indexOf(prev, f.factor) : null;
    const delta = current !== null && previous !== null ? round1(current - previous) : null;
    const prevData = prev && history.find((h) => h.round.id === prev.roundId);
    const raw =
      current !== null && prevData
        ? welchInterval(
            personScores(bank, latestData.answers, f.factor).map((s) => s.score),
            personScores(bank, prevData.answers, f.factor).map((s) => s.score),
          )
        : undefined;
    const interval: [number, number] | null = raw ? [round1(raw[0]), round1(raw[1])] : null;
    const recent = earlier.slice(-3).map((s) => indexOf(s, f.factor)!);
    const deltaFromRecent = current !== null && recent.length === 3 ? round1(current - mean(recent)) : null;
    const large = delta !== null && Math.abs(delta) >= settings.notablePoints;
    const judgement = judge(current, delta, interval);
    const notable = large && (judgement === 'beyond-chance' || judgement === 'exact');
    return { factor: f.factor, label: f.label, current, previous, delta, interval, deltaFromRecent, notable, large, judgement };
  });
}

/** What a change means: the interval decides, never the size of the step alone. */
export function judge(current: number | null, delta: number | null, interval: [number, number] | null): Judgement {
  if (current === null) return 'unshown';
  if (delta === null) return 'first';
  if (interval === null) return 'too-few';
  if (interval[0] === interval[1]) return 'exact';
  return interval[0] > 0 || interval[1] < 0 ? 'beyond-chance' : 'within-chance';
}

const INDEPENDENT = 'independent';

/**
 * What each organisation's cells are called: its name now, or for one since
 * removed "former organisation" (numbered when several), as the round's answers hold their ids.
 */
function orgLabels(data: RoundData, orgs: Organisation[]): (id: string) => string {
  const former = [...new Set(data.answers.map((s) => s.organisationId).filter((id): id is string => !!id && !orgs.some((o) => o.id === id)))].sort();
  return (id) =>
    id === INDEPENDENT
      ? INDEPENDENT
      : (orgs.find((o) => o.id === id)?.name ?? (former.length > 1 ? `former organisation ${former.indexOf(id) + 1}` : 'former organisation'));
}

/**
 * By sector, and by organisation within each shown sector, for one factor of one round.
 * Organisations are grouped by id, and named only once hidden cells are chosen: a renamed
 * or removed organisation's past answers stay one group of their own, hidden exactly as before.
 */
export function breakdowns(bank: Bank, data: RoundData, factor: string, orgs: Organisation[]): Breakdown[] {
  const { k } = data;
  const scores = personScores(bank, data.answers, factor);
  const totalVisible = scores.length >= k;
  const sectorOf = (s: AnswerSet) => s.sector ?? INDEPENDENT;
  const orgOf = (s: AnswerSet) => s.organisationId ?? INDEPENDENT;
  const label = orgLabels(data, orgs);
  const cellsBy = (key: (s: AnswerSet) => string, among = scores): RawCell[] => {
    const groups = new Map<string, number[]>();
    for (const { set, score } of among) groups.set(key(set), [...(groups.get(key(set)) ?? []), score]);
    return [...groups].map(([group, xs]) => ({ group, n: xs.length, index: round1(mean(xs)) })).sort((a, b) => a.group.localeCompare(b.group));
  };
  const sectors = suppress(cellsBy(sectorOf), k, totalVisible);
  const orgCells = sectors.flatMap((sector) =>
    suppress(
      cellsBy(
        orgOf,
        scores.filter((s) => sectorOf(s.set) === sector.group),
      ),
      k,
      !sector.hidden,
    ),
  );
  const named = orgCells.map((cell) => ({ ...cell, group: label(cell.group) }));
  return [
    { by: 'sector', factor, cells: sectors },
    { by: 'organisation', factor, cells: named.sort((a, b) => a.group.localeCompare(b.group)) },
  ];
}

/** Sectors whose view of a factor is well below everyone else's (a sign of uneven power). */
export function gaps(bank: Bank, data: RoundData, factor: string, orgs: Organisation[], points: number): Gap[] {
  const [sectors] = breakdowns(bank, data, factor, orgs);
  const scores = personScores(bank, data.answers, factor);
  const out: Gap[] = [];
  for (const cell of sectors!.cells) {
    // The rest hold ≥ k people: suppression guarantees it whenever a sector is shown.
    const others = scores.filter((s) => (s.set.sector ?? INDEPENDENT) !== cell.group).map((s) => s.score);
    if (cell.hidden || cell.index === null || others.length === 0) continue;
    const othersIndex = round1(mean(others));
    const gap = round1(othersIndex - cell.index);
    if (gap >= points) out.push({ factor, sector: cell.group, index: cell.index, othersIndex, gap });
  }
  return out;
}
