// What trends are made of: plain figures, already suppressed below the
// partnership's threshold, ready for any renderer.

/** A figure withheld because too few people stand behind it (or behind what it would reveal). */
export type Figure = number | null;

export interface FactorResult {
  factor: string;
  label: string;
  /** How many people rated at least one of this factor's statements. */
  n: number;
  /** 0–100 (1→0, 5→100); null when n < k. */
  index: Figure;
  /** Disagreement: the standard deviation of people's scores, on the same 0–100 scale; null when n < k. */
  spread: Figure;
  /**
   * How many people lean each way, by their score for the factor (agree: 62.5 or
   * more, i.e. a mean of 3.5; disagree: 37.5 or less), and how many preferred not
   * to say to all of it; null when n < k. People, not statements: counting each
   * statement's answers would weigh people by how many they rated, and with the
   * index give away whoever skipped some.
   */
  distribution: { agree: number; neither: number; disagree: number; skipped: number } | null;
}

export interface RoundSummary {
  roundId: string;
  number: number;
  kind: 'pulse' | 'healthcheck' | 'closing';
  closedAt?: string;
  invited: number;
  answered: number;
  /** answered / invited, 0–1. */
  rate: number;
  /** The k its figures use: the threshold it opened with, or today's if that is higher. */
  threshold: number;
  /** False when fewer than k answered: no index of this round is shown. */
  visible: boolean;
  factors: FactorResult[];
}

export interface Change {
  factor: string;
  label: string;
  current: Figure;
  previous: Figure;
  /** current − previous round. */
  delta: Figure;
  /** 95% interval for delta (Welch's t, suited to small groups); null when there is not enough data. */
  interval: [number, number] | null;
  /** current − the mean of the previous three rounds' indices. */
  deltaFromRecent: Figure;
  /** Large enough (≥ the partnership's notable change) and outside the interval's noise. */
  notable: boolean;
  /** At least the partnership's notable change, whatever chance says. */
  large: boolean;
  /** What the change means, for plain words: see `judge` in compute.ts. */
  judgement: Judgement;
}

/**
 * `unshown`: too few answers for a figure now; `first`: nothing earlier to compare;
 * `too-few`: a side has too few answers to judge; `exact`: nobody's answers varied
 * on either side, so the change is known; `beyond-chance` / `within-chance`: the
 * 95% interval leaves out zero, or holds it.
 */
export type Judgement = 'unshown' | 'first' | 'too-few' | 'exact' | 'beyond-chance' | 'within-chance';

export interface Cell {
  group: string;
  /** Null when hidden. */
  n: number | null;
  index: Figure;
  hidden: boolean;
}

export interface Breakdown {
  by: 'sector' | 'organisation';
  factor: string;
  cells: Cell[];
}

export interface Gap {
  factor: string;
  sector: string;
  index: number;
  othersIndex: number;
  gap: number;
}
