// GET /metrics for Prometheus (prom-client, one Registry per server). Every
// label is from a short fixed list — a surface, an HTTP status code, a
// platform, an outcome — never a person, a partnership, an id or any text
// (tests/metrics.test.ts holds the label values to that list). Served only
// when METRICS_TOKEN is set, and then only to that bearer token.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Express, NextFunction, Request, Response } from 'express';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Platform } from './core/model.js';
import type { DeliveryMetrics, DeliveryOutcome } from './delivery/dispatcher.js';
import type { Store } from './store/store.js';

/** Where a request came in: the platform it answers, or the server's own pages. */
export type Surface = 'slack' | 'teams' | 'playground' | 'web' | 'health' | 'metrics';
/** Surfaces whose answer is a platform's acknowledgement (Slack's 3 s, Teams' 15 s): their latency is what a person waits for. */
const ACKED: ReadonlySet<Surface> = new Set(['slack', 'teams', 'playground']);

export function surfaceOf(path: string): Surface {
  if (path.startsWith('/slack/')) return 'slack';
  if (path === '/api/messages') return 'teams';
  if (path.startsWith('/playground/')) return 'playground';
  if (path === '/healthz') return 'health';
  if (path === '/metrics') return 'metrics';
  return 'web';
}

export class Metrics implements DeliveryMetrics {
  readonly registry = new Registry();
  private readonly registers = [this.registry];
  private readonly requests = new Counter({
    name: 'trellis_http_requests_total',
    help: 'HTTP requests answered, by surface and status code.',
    labelNames: ['surface', 'status'] as const,
    registers: this.registers,
  });
  private readonly acks = new Counter({
    name: 'trellis_acks_total',
    help: 'Requests from Slack, Teams and the playground answered (acknowledged), by surface and status code.',
    labelNames: ['surface', 'status'] as const,
    registers: this.registers,
  });
  private readonly ackSeconds = new Histogram({
    name: 'trellis_ack_duration_seconds',
    help: 'Time from a platform request arriving to its answer (Slack gives up after 3 s).',
    labelNames: ['surface'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10],
    registers: this.registers,
  });
  private readonly deliveries = new Counter({
    name: 'trellis_deliveries_total',
    help: 'Outbox deliveries by platform and outcome: sent, failed (given up), retried (put back to try again).',
    labelNames: ['platform', 'outcome'] as const,
    registers: this.registers,
  });
  private readonly rateLimited = new Counter({
    name: 'trellis_rate_limited_total',
    help: 'Times a platform answered 429 (slow down), by platform.',
    labelNames: ['platform'] as const,
    registers: this.registers,
  });
  private readonly ticks = new Counter({
    name: 'trellis_scheduler_ticks_total',
    help: 'Scheduler ticks run here, by outcome (ok or error).',
    labelNames: ['outcome'] as const,
    registers: this.registers,
  });
  private readonly tickSeconds = new Histogram({
    name: 'trellis_scheduler_tick_duration_seconds',
    help: 'How long each scheduler tick took.',
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60],
    registers: this.registers,
  });
  private readonly commitSeconds = new Histogram({
    name: 'trellis_store_commit_duration_seconds',
    help: 'How long each write took to be durable (lowdb: its journal append; PostgreSQL: its statement).',
    labelNames: ['store'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: this.registers,
  });

  constructor(store: Store, storeKind: string) {
    new Gauge({
      name: 'trellis_outbox_depth',
      help: 'Outgoing messages waiting to be delivered (pending or being sent).',
      registers: this.registers,
      async collect() {
        this.set((await store.outboxBacklog()).depth);
      },
    });
    new Gauge({
      name: 'trellis_outbox_oldest_age_seconds',
      help: 'Age of the oldest message waiting in the outbox (0 when none waits).',
      registers: this.registers,
      async collect() {
        const { oldestCreatedAt } = await store.outboxBacklog();
        this.set(oldestCreatedAt ? Math.max(0, (Date.now() - Date.parse(oldestCreatedAt)) / 1000) : 0);
      },
    });
    const journalBytes = store.journalBytes?.bind(store);
    if (journalBytes)
      new Gauge({
        name: 'trellis_journal_bytes',
        help: 'Size of the lowdb journal beside the data file (it is folded into the file when writes pause).',
        registers: this.registers,
        collect() {
          this.set(journalBytes());
        },
      });
    store.onCommit?.((seconds) => this.commitSeconds.observe({ store: storeKind }, seconds));
  }

  /** Counts every request once it is answered (or its connection drops), by where it came in. */
  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    const surface = surfaceOf(req.path);
    const started = performance.now();
    res.once('close', () => {
      const status = String(res.statusCode);
      this.requests.inc({ surface, status });
      if (!ACKED.has(surface)) return;
      this.acks.inc({ surface, status });
      this.ackSeconds.observe({ surface }, (performance.now() - started) / 1000);
    });
    next();
  };

  delivery(platform: Platform, outcome: DeliveryOutcome): void {
    this.deliveries.inc({ platform, outcome });
  }

  slowedDown(platform: Platform): void {
    this.rateLimited.inc({ platform });
  }

  /** Runs one scheduler tick, counting and timing it. */
  async tick(run: () => Promise<void>): Promise<void> {
    const end = this.tickSeconds.startTimer();
    try {
      await run();
      this.ticks.inc({ outcome: 'ok' });
    } catch (err) {
      this.ticks.inc({ outcome: 'error' });
      throw err;
    } finally {
      end();
    }
  }
}

/** GET /metrics, only with METRICS_TOKEN set (otherwise it is not served at all: 404) and then only to `Authorization: Bearer <token>`. */
export function mountMetrics(app: Express, metrics: Metrics, token: string | undefined): void {
  if (!token) return;
  // Compared as digests: equal lengths for timingSafeEqual, and the time taken says nothing about the token.
  const digest = (s: string) => createHash('sha256').update(s).digest();
  const expected = digest(`Bearer ${token}`);
  app.get('/metrics', async (req, res) => {
    if (!timingSafeEqual(digest(req.get('authorization') ?? ''), expected)) {
      res.set('WWW-Authenticate', 'Bearer realm="trellis-metrics"').status(401).type('text/plain').send('A bearer token (METRICS_TOKEN) is needed.\n');
      return;
    }
    res
      .set('Cache-Control', 'no-store')
      .type(metrics.registry.contentType)
      .send(await metrics.registry.metrics());
  });
}
