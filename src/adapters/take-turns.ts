// Node reads every request of a burst in one turn of its event loop, and a
// finished write is only noticed on the next turn: answers committed together
// would all wait for the burst's last request before any ack went out. Letting
// a few requests in per turn gives the group commit's completions a turn
// between them, so acks leave while the burst is still being read, in the
// order the requests came.
import type { NextFunction, Request, Response } from 'express';

/** Enough to fill a group commit, few enough that one turn is a few ms of work. */
export const REQUESTS_PER_TURN = 8;

export function takeTurns(perTurn = REQUESTS_PER_TURN): (req: Request, res: Response, next: NextFunction) => void {
  const waiting: NextFunction[] = [];
  let admitted = 0;
  let turnScheduled = false;
  const admit = (next: NextFunction) => {
    admitted++;
    if (!turnScheduled) {
      turnScheduled = true;
      // An immediate runs after this turn's I/O, and one set from an immediate waits for the next turn's.
      setImmediate(nextTurn);
    }
    next();
  };
  const nextTurn = () => {
    turnScheduled = false;
    admitted = 0;
    for (const next of waiting.splice(0, perTurn)) admit(next);
  };
  return (_req, _res, next) => {
    if (admitted < perTurn && waiting.length === 0) return admit(next);
    waiting.push(next);
  };
}
