// Which breakdown cells may be shown. A cell under k people is hidden; and
// whenever anything is hidden, enough else is hidden with it that the hidden
// cells together hold at least k people — so subtracting visible figures from
// their parent's total can only ever reveal a group of k or more.
// Which cells are hidden depends on their sizes alone, never on their names:
// were names to break ties, renaming an organisation could hide a different
// cell of the same closed round than before, and the two views together would
// give away the small group both were hiding.
import type { Cell } from './types.js';

export interface RawCell {
  group: string;
  n: number;
  index: number | null;
}

export function suppress(cells: RawCell[], k: number, parentVisible: boolean): Cell[] {
  const hidden = new Set(cells.filter((c) => !parentVisible || c.n < k || c.index === null).map((c) => c.group));
  const hiddenTotal = () => cells.filter((c) => hidden.has(c.group)).reduce((a, c) => a + c.n, 0);
  while (hidden.size > 0 && hiddenTotal() < k) {
    const shown = cells.filter((c) => !hidden.has(c.group));
    if (shown.length === 0) break; // everything is hidden already
    // The smallest shown cells go together, all of a size at once: a superset of what picking one of them by name once hid.
    const smallest = Math.min(...shown.map((c) => c.n));
    for (const c of shown) if (c.n === smallest) hidden.add(c.group);
  }
  return cells.map((c) =>
    hidden.has(c.group) ? { group: c.group, n: null, index: null, hidden: true } : { group: c.group, n: c.n, index: c.index, hidden: false },
  );
}
