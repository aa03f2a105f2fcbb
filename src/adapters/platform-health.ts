// What /healthz reports beyond "listening": a platform Trellis cannot reach
// (or that refuses it) while everything else keeps serving.
import type { MountedAdapter } from './adapter.js';
import { DeliveryFailure } from '../delivery/delivery-failure.js';
import type { PlatformMessenger } from '../delivery/platform-messenger.js';

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

const NAMES = { slack: 'Slack', teams: 'Microsoft Teams (the Bot Framework)' } as const;

/**
 * The messenger, reporting on /healthz while the platform fails deliveries
 * (no answer, or an error it asks to be retried): the outbox keeps them and
 * tries again with back-off, and the problem clears at the next delivery that goes through.
 */
export function watchedDeliveries(health: PlatformHealth, name: keyof typeof NAMES, messenger: PlatformMessenger): PlatformMessenger {
  const watch = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      const done = await call();
      health.clear(name, 'delivery');
      return done;
    } catch (err) {
      if (err instanceof DeliveryFailure && (err.kind === 'transient' || err.kind === 'unknown')) {
        health.report(name, `${NAMES[name]} is failing deliveries (${err.message}); they wait in the outbox and are retried with back-off.`, 'delivery');
      }
      throw err;
    }
  };
  return {
    ...(messenger.direct ? { direct: messenger.direct } : {}),
    reachable: (kind, target) => messenger.reachable(kind, target),
    send: (kind, target, message, tag) => watch(() => messenger.send(kind, target, message, tag)),
    update: (delivery, message) => watch(() => messenger.update(delivery, message)),
    ...(messenger.find ? { find: (kind, target, tag, since) => watch(() => messenger.find!(kind, target, tag, since)) } : {}),
    ...(messenger.pin ? { pin: messenger.pin.bind(messenger) } : {}),
    buckets: (call, kind, target) => messenger.buckets(call, kind, target),
  };
}
