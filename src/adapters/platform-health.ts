// What /healthz reports beyond "listening": a platform Trellis cannot reach
// (or that refuses it) while everything else keeps serving.
import type { MountedAdapter } from './adapter.js';

export interface Problem {
  adapter: MountedAdapter['name'];
  /** For the operator: what is wrong and what Trellis is doing about it. Never a token. */
  reason: string;
}

/** `topic` tells apart an adapter's separate connections (Slack's Web API and its Socket Mode link). */
export class PlatformHealth {
  private readonly open = new Map<string, Problem>();

  report(adapter: Problem['adapter'], reason: string, topic = 'api'): void {
    this.open.set(`${adapter}:${topic}`, { adapter, reason });
  }

  clear(adapter: Problem['adapter'], topic = 'api'): void {
    this.open.delete(`${adapter}:${topic}`);
  }

  problems(): Problem[] {
    return [...this.open.values()];
  }
}
