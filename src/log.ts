// One logger for everything, Bolt's and botbuilder's messages included. It
// masks tokens and secrets whatever path they arrive by. Each line names its
// component and, while a request is being answered, that request's id (the
// X-Request-Id Trellis answers with), so one request's lines can be found.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { LogFormat, LogLevel } from './config.js';

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
/** A line's component when nothing narrower is named (see withComponent). */
const DEFAULT_COMPONENT = 'trellis';

const requests = new AsyncLocalStorage<string>();

/** Runs `work` (and everything it awaits) as request `id`: each line logged meanwhile carries it. */
export function withRequestId<T>(id: string, work: () => T): T {
  return requests.run(id, work);
}

/** `log` with its lines marked as `component`'s (slack, teams, delivery, scheduler, store…), unless a line names its own. */
export function withComponent(log: Logger, component: string): Logger {
  const tag = (meta?: Record<string, unknown>) => ({ component, ...meta });
  return {
    debug: (msg, meta) => log.debug(msg, tag(meta)),
    info: (msg, meta) => log.info(msg, tag(meta)),
    warn: (msg, meta) => log.warn(msg, tag(meta)),
    error: (msg, meta) => log.error(msg, tag(meta)),
  };
}

export interface LoggerOptions {
  level: LogLevel;
  /**
   * `json`: one object a line (for a log collector, and what tests read back); `text`: a readable line.
   * main.ts passes LOG_FORMAT, whose default is `text`.
   */
  format?: LogFormat;
  /** Values to mask wherever they appear (signing secrets, passwords, TRELLIS_SECRET). */
  secrets?: (string | undefined)[];
  write?: (line: string) => void;
}

interface Line {
  time: string;
  level: LogLevel;
  component: string;
  requestId?: string;
  msg: string;
  meta: Record<string, unknown>;
}

const asJson = ({ time, level, component, requestId, msg, meta }: Line) =>
  JSON.stringify({ time, level, component, ...(requestId ? { requestId } : {}), msg, ...meta });

/** `2026-12-04T09:00:00.000Z INFO  slack [req 1f0c…] Message text key=value key="two words"`. */
function asText({ time, level, component, requestId, msg, meta }: Line): string {
  const value = (v: unknown) => (typeof v === 'string' && /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v));
  const fields = Object.entries(meta).map(([k, v]) => ` ${k}=${value(v)}`);
  const text = msg.replace(/\r?\n/g, '\\n'); // one line, always
  return `${time} ${level.toUpperCase().padEnd(5)} ${component}${requestId ? ` [req ${requestId}]` : ''} ${text}${fields.join('')}`;
}

export function createLogger({ level, format = 'json', secrets = [], write = (l) => process.stderr.write(`${l}\n`) }: LoggerOptions): Logger {
  const masks = secrets.filter((s): s is string => !!s && s.length >= 8);
  const redact = (text: string) => masks.reduce((t, s) => t.split(s).join('[secret]'), text.replace(TOKEN, '[token]').replace(EMAIL, '[email]'));
  const render = format === 'text' ? asText : asJson;
  const emit = (lvl: LogLevel) => (msg: string, meta?: Record<string, unknown>) => {
    if (ORDER[lvl] < ORDER[level]) return;
    const { component = DEFAULT_COMPONENT, ...rest } = meta ?? {};
    const requestId = requests.getStore();
    const line: Line = { time: new Date().toISOString(), level: lvl, component: String(component), msg, meta: rest, ...(requestId ? { requestId } : {}) };
    write(redact(render(line)));
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}
