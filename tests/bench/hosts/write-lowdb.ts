// Child: writes a lowdb data file preloaded with `size` answer sets (see lib/dataset.ts).
import { performance } from 'node:perf_hooks';
import { childInput, runAsChild } from '../lib/child.js';
import { writeLowdbFile } from '../lib/dataset.js';

runAsChild(async () => {
  const { file, size } = childInput<{ file: string; size: number }>();
  const t0 = performance.now();
  const { bytes } = await writeLowdbFile(file, size);
  return { file, size, bytes, seconds: (performance.now() - t0) / 1000 };
});
