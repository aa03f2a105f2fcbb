// Every request gets an id of ours (never the caller's: a header could carry
// anything), answered as X-Request-Id and carried by each log line written
// while it is handled (src/log.ts), ending with a debug line saying how it was
// answered: its surface, status and time, never its path (a web link's path is
// a token) nor anything it carried.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { type Logger, withRequestId } from './log.js';
import { surfaceOf } from './metrics.js';

export function requestIds(log: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const id = randomUUID();
    const started = performance.now();
    const surface = surfaceOf(req.path); // now: a router mounted below rewrites req.path
    res.set('X-Request-Id', id);
    withRequestId(id, () => {
      const answered = () => log.debug('Request answered', { surface, status: res.statusCode, ms: Math.round(performance.now() - started) });
      // Bound here: 'close' is emitted from the connection's context, outside this request's.
      res.once('close', AsyncLocalStorage.bind(answered));
      next();
    });
  };
}
