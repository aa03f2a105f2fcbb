// Which breakdown cells may be shown. A cell under k people is hidden; and
// whenever anything is hidden, enough else is hidden with it that the hidden
// cells together hold at least k people — so subtracting visible figures from
// their parent's total can only ever reveal a group of k or more.
import type { Cell } from './types.js';

export interface RawCell {
  group: string;
  n: number;
  index: number | null;
}

export function suppress(cells: RawCell[], k: number, parentVisible: boolean): Cell[] {
  const hidden = new Set(cells.filter((c) => !parentVisible || c.n < k || c.index === null).map((c) => c.group));
  const hiddenTotal = () => cells.filter((c) => hidden.has(c.group)).reduce((a, c) => a + c.n, 0);
  const bySize = [...cells].sort((a, b) => a.n - b.n || a.group.localeCompare(b.group));
  while (hidden.size > 0 && hiddenTotal() < k) {
    const next = bySize.find((c) => !hidden.has(c.group));
    if (!next) break; // everything is hidden already
    hidden.add(next.group);
  }
  return cells.map((c) =>
    hidden.has(c.group) ? { group: c.group, n: null, index: null, hidden: true } : { group: c.group, n: c.n, index: c.index, hidden: false },
  );
}
