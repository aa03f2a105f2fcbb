// Socket Mode's connection, kept up by us: Slack's client reconnects by itself
// but lets a failed reconnect reject with no one listening (an unhandled
// rejection ends the process), and a first connect that fails would stop
// start-up. Here a lost or refused connection is reported on /healthz and
// retried with backoff, and everything else keeps serving.
import { SocketModeReceiver } from '@slack/bolt';
import type { Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../../log.js';
import { reportError } from '../../report-error.js';
import { keepTrying, type Backoff } from '../backoff.js';
import type { PlatformHealth } from '../platform-health.js';

export interface SocketLink {
  receiver: SocketModeReceiver;
  /** Connects in the background; resolves at once. */
  start(): void;
  stop(): Promise<void>;
}

export function socketLink(o: { appToken: string; apiUrl?: string; logger: BoltLogger; log: Logger; health: PlatformHealth; retry: Backoff }): SocketLink {
  const receiver = new SocketModeReceiver({
    appToken: o.appToken,
    logger: o.logger,
    autoReconnectEnabled: false,
    installerOptions: { clientOptions: { ...(o.apiUrl ? { slackApiUrl: o.apiUrl } : {}), retryConfig: { retries: 0 }, timeout: 10_000 } },
  });
  let stopping = false;
  let connecting = false;
  let retrying: { stop(): Promise<void> } | undefined;

  const report = (why: string) => {
    const text = `Slack Socket Mode is not connected (${why}). Trellis keeps serving everything else and tries again with backoff.`;
    o.health.report('slack', text, 'socket');
    o.log.warn(text);
  };
  const connect = async (): Promise<boolean> => {
    if (stopping) return true;
    connecting = true;
    try {
      await receiver.start();
      o.health.clear('slack', 'socket');
      return true;
    } catch (err) {
      report(err instanceof Error ? err.message : String(err));
      return false;
    } finally {
      connecting = false;
    }
  };
  const reconnect = () => {
    if (stopping || retrying) return;
    retrying = keepTrying(
      async () => {
        const done = await connect();
        if (done) retrying = undefined;
        return done;
      },
      o.retry,
      (err) => reportError(o.log, 'slack socket mode', err),
    );
  };
  // With Slack's own reconnecting off, a dropped link ends here.
  receiver.client.on('disconnected', () => {
    if (stopping || connecting) return;
    report('the connection was lost');
    reconnect();
  });

  return {
    receiver,
    start: () => {
      void connect().then((ok) => ok || reconnect());
    },
    stop: async () => {
      stopping = true;
      await retrying?.stop();
      await receiver.stop().catch((err: unknown) => reportError(o.log, 'slack socket mode stop', err));
    },
  };
}
