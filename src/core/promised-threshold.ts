// The threshold promised when a round or review opened holds for its figures
// for ever: lowering the setting applies only to what opens afterwards,
// raising it applies at once (the larger of the two always wins).
import type { Partnership } from './model.js';

/** The k for the figures of a round or review opened under `promised`. */
export const thresholdFor = (p: Pick<Partnership, 'threshold'>, promised: number | undefined): number => Math.max(p.threshold, promised ?? p.threshold);
