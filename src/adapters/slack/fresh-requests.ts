// Bolt rejects stale timestamps only from the past; a replayed request signed
// with a future timestamp would pass. Refuse both directions before Bolt runs.
import type { NextFunction, Request, Response } from 'express';

const MAX_SKEW_SECONDS = 5 * 60;

export function rejectStaleRequests(req: Request, res: Response, next: NextFunction): void {
  const ts = Number(req.header('x-slack-request-timestamp'));
  if (!Number.isInteger(ts) || Math.abs(Date.now() / 1000 - ts) > MAX_SKEW_SECONDS) {
    res.status(401).send('Request signature timestamp is missing or outside the allowed 5 minutes.');
    return;
  }
  next();
}
