// Bolt and its WebClient log through ours, so redaction applies to them too.
import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../../log.js';

const text = (msg: unknown[]) => msg.map((m) => (m instanceof Error ? m.message : typeof m === 'string' ? m : JSON.stringify(m))).join(' ');

export function boltLogger(log: Logger): BoltLogger {
  let level = LogLevel.INFO;
  return {
    // Bolt's and the WebClient's debug lines carry whole request and response
    // bodies (a reopened check-in holds a person's own answers): never pass
    // them on, whatever LOG_LEVEL says.
    debug: () => undefined,
    info: (...m) => log.info(`slack: ${text(m)}`),
    warn: (...m) => log.warn(`slack: ${text(m)}`),
    error: (...m) => log.error(`slack: ${text(m)}`),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
