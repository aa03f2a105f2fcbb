// botbuilder writes straight to `console` (a refused token's stack, the
// signing keys it holds), with no logger to hand it. Code run inside
// `consoleToLog` has those writes go to Trellis's logger instead: one line,
// no stack, masked like every other line. Everything else still reaches the
// console untouched, so no other library's (or test runner's) output is lost.
import { AsyncLocalStorage } from 'node:async_hooks';
import { format } from 'node:util';
import type { LogLevel } from './config.js';
import type { Logger } from './log.js';

interface Route {
  log: Logger;
  source: string;
  /** The most a line may weigh: library chatter about a request Trellis already judged is not an error. */
  atMost: LogLevel;
}

const METHODS = { debug: 'debug', trace: 'debug', log: 'info', info: 'info', warn: 'warn', error: 'error' } as const;
const ORDER: LogLevel[] = ['debug', 'info', 'warn', 'error'];
const MAX_TEXT = 500;
const routes = new AsyncLocalStorage<Route>();
let installed = false;

/** Runs `work` with console output from it (and what it awaits) sent to `log`. */
export function consoleToLog<T>(log: Logger, source: string, work: () => Promise<T>, atMost: LogLevel = 'error'): Promise<T> {
  install();
  return routes.run({ log, source, atMost }, work);
}

function install() {
  if (installed) return;
  installed = true;
  for (const [method, level] of Object.entries(METHODS) as [keyof typeof METHODS, LogLevel][]) {
    const original = console[method];
    console[method] = (...args: unknown[]) => {
      const route = routes.getStore();
      if (!route) return void original.apply(console, args);
      const lighter = ORDER[Math.min(ORDER.indexOf(level), ORDER.indexOf(route.atMost))]!;
      route.log[lighter](`${route.source} wrote to the console`, { text: describe(args) });
    };
  }
}

/** The message, never a stack (it names files, not causes, and can be long). */
function describe(args: unknown[]): string {
  const text = format(...args.map((a) => (a instanceof Error ? `${a.name}: ${a.message}` : a)));
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}
