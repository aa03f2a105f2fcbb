// What /healthz reports beyond "listening": a platform Trellis cannot reach
// (or that refuses it) while everything else keeps serving.
import type { MountedAdapter } from './adapter.js';

export interface Problem {
  adapter: MountedAdapter['name'];
  /** For the operator: what is wrong and what Trellis is doing about it. Never a token. */
  reason: string;
}

export class PlatformHealth {
  private readonly open = new Map<Problem['adapter'], string>();

  report(adapter: Problem['adapter'], reason: string): void {
    this.open.set(adapter, reason);
  }

  clear(adapter: Problem['adapter']): void {
    this.open.delete(adapter);
  }

  problems(): Problem[] {
    return [...this.open].map(([adapter, reason]) => ({ adapter, reason }));
  }
}
