/** Polls until `probe` gives something truthy (bounded: fails after `ms`). */
export async function waitFor<T>(probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, ms = 5000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`waitFor: nothing after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
