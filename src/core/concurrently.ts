// Runs `work` over `items`, at most `limit` at a time. A fan-out to thousands
// of people is thousands of independent writes: side by side, the store can
// make them durable together instead of one file rewrite or round trip each.
export async function concurrently<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
