// One logger for everything, Bolt's and botbuilder's messages included. It
// masks tokens and secrets whatever path they arrive by.
import type { LogLevel } from './config.js';

export interface Logger {
  debug(msg: string, meta?: Record<string, unknown>): void;
  info(msg: string, meta?: Record<string, unknown>): void;
  warn(msg: string, meta?: Record<string, unknown>): void;
  error(msg: string, meta?: Record<string, unknown>): void;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
// Slack tokens, and JWTs (Bot Framework bearer tokens: a header and claims that start `{"`).
const TOKEN = /\b(xox[a-z]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)/g;
// Email addresses (an email member's, quoted by a mail server's error, say): never written, whatever path they take.
const EMAIL = /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;

export interface LoggerOptions {
  level: LogLevel;
  /** Values to mask wherever they appear (signing secrets, passwords, TRELLIS_SECRET). */
  secrets?: (string | undefined)[];
  write?: (line: string) => void;
}

export function createLogger({ level, secrets = [], write = (l) => process.stderr.write(`${l}\n`) }: LoggerOptions): Logger {
  const masks = secrets.filter((s): s is string => !!s && s.length >= 8);
  const redact = (text: string) => masks.reduce((t, s) => t.split(s).join('[secret]'), text.replace(TOKEN, '[token]').replace(EMAIL, '[email]'));
  const emit = (lvl: LogLevel) => (msg: string, meta?: Record<string, unknown>) => {
    if (ORDER[lvl] < ORDER[level]) return;
    write(redact(JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...meta })));
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}
