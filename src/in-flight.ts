// The requests being answered, so a stop can let them finish: a command that
// is writing when SIGTERM arrives completes and is acknowledged, rather than
// having its connection cut while its change may or may not be stored.
import type { NextFunction, Request, Response } from 'express';

export interface InFlight {
  middleware(req: Request, res: Response, next: NextFunction): void;
  /** From now on a request on a connection kept open is turned away (503, closing it) rather than started. */
  stop(): void;
  /** Resolves once no request is in flight, or after `graceMs` whatever remains. */
  settled(graceMs: number): Promise<void>;
}

export function inFlightRequests(): InFlight {
  let count = 0;
  let stopping = false;
  let idle: (() => void)[] = [];
  const done = () => {
    count--;
    if (count > 0) return;
    for (const resolve of idle) resolve();
    idle = [];
  };
  return {
    middleware: (_req, res, next) => {
      if (stopping) return void res.set('Connection', 'close').status(503).json({ error: 'Trellis is stopping; try again in a moment.' });
      count++;
      res.once('close', done);
      next();
    },
    stop: () => {
      stopping = true;
    },
    settled: (graceMs) =>
      count === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, graceMs);
            idle.push(() => {
              clearTimeout(timer);
              resolve();
            });
          }),
  };
}
