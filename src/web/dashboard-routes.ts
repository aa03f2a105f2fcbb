// The signed dashboard page, CSV export and `my data` file: reached without logging in, so
// the link is the permission. Mounted for every configuration. The token is
// in the URL, so it is never logged, never sent on as a referrer, and no
// response is cached.
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { TrellisError, asTrellisError } from '../core/errors.js';
import type { Trellis } from '../core/trellis.js';
import type { Logger } from '../log.js';
import { reportError, SORRY } from '../report-error.js';
import { dashboardPage, errorPage, refusalPage } from './dashboard-page.js';
import { securityHeaders } from './security-headers.js';

/** The page and CSV run no script and load nothing: inline styles and data: images only. */
export const SECURITY_HEADERS = securityHeaders({ 'style-src': "'unsafe-inline'", 'img-src': 'data:' });

const incomplete = (command: string) => `This link is incomplete or damaged. Open the whole link Trellis gave you, or ask Trellis for a new one (${command}).`;

type Reply = (res: Response, status: number, message: string) => void;

const html = (res: Response, status: number, body: string) => void res.status(status).type('html').send(body);
const refuseHtml: Reply = (res, status, message) => html(res, status, refusalPage(status, message));
const refuseText: Reply = (res, status, message) => void res.status(status).type('text/plain; charset=utf-8').send(`${message}\n`);

export function mountDashboard(app: Express, trellis: Trellis, log: Logger): void {
  app.use(
    '/dashboard',
    linkRouter(
      log,
      refuseHtml,
      (res) => html(res, 500, errorPage()),
      async (token, res) => {
        const result = await trellis.dashboard(token);
        if (!result.ok) return refuseHtml(res, result.status, result.message);
        html(res, 200, dashboardPage(result.view));
      },
    ),
  );
  app.use(
    '/export',
    linkRouter(
      log,
      refuseText,
      (res) => refuseText(res, 500, SORRY),
      async (token, res) => {
        const result = await trellis.exportCsv(token);
        if (!result.ok) return refuseText(res, result.status, result.message);
        // The core makes the filename from a slug; keep it header-safe whatever it becomes.
        const filename = result.filename.replace(/[^A-Za-z0-9._-]/g, '_') || 'trellis-trends.csv';
        res.status(200).type('text/csv; charset=utf-8').set('Content-Disposition', `attachment; filename="${filename}"`).send(result.csv);
      },
    ),
  );
  app.use(
    '/my-data',
    linkRouter(
      log,
      refuseText,
      (res) => refuseText(res, 500, SORRY),
      async (token, res) => {
        const result = await trellis.myDataFile(token);
        if (!result.ok) return refuseText(res, result.status, result.message);
        const filename = result.filename.replace(/[^A-Za-z0-9._-]/g, '_') || 'trellis-my-data.json';
        res
          .status(200)
          .type('application/json; charset=utf-8')
          .set('Content-Disposition', `attachment; filename="${filename}"`)
          .send(`${JSON.stringify(result.data, null, 2)}\n`);
      },
      incomplete('`my data`'),
    ),
  );
}

/** One signed-link route (`/:token`) with its headers, its answer to a missing token, and its error handler. */
function linkRouter(
  log: Logger,
  refuse: Reply,
  sorry: (res: Response) => void,
  serve: (token: string, res: Response) => Promise<void>,
  damaged = incomplete('`dashboard` or `export`'),
): express.Router {
  const router = express.Router();
  const secure = (_req: Request, res: Response, next: NextFunction) => {
    res.set(SECURITY_HEADERS);
    next();
  };
  router.get('/:token', secure, async (req, res) => serve(req.params.token as string, res));
  router.get('/', secure, (_req, res) => refuse(res, 404, damaged));
  // Failures end here, never as a stack trace. A request Express could not
  // parse (a malformed %-escape) is the caller's; anything else is ours,
  // reported with a code only and the token masked: the error may quote the URL.
  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    res.set(SECURITY_HEADERS);
    const status = (err as { status?: unknown } | null)?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) return refuse(res, 400, damaged);
    reportError(log, 'dashboard', redacted(err));
    if (res.headersSent) return void res.end();
    sorry(res);
  });
  return router;
}

const TOKENISH = /[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/g;

/** The error with anything that looks like a link token (base64url.base64url) masked in its message. */
function redacted(err: unknown): TrellisError {
  const e = asTrellisError(err);
  return new TrellisError(e.code, e.message.replace(TOKENISH, '[token]'));
}
