// `Coordination.exclusive` on a shared database: a session advisory lock per scope,
// held on one pooled connection while the work runs on the others.
import type pg from 'pg';
import { KeyedMutex } from '../keyed-mutex.js';

/** Counts lock-holding connections so work inside them always finds a free one. */
class Semaphore {
  private readonly waiting: (() => void)[] = [];
  constructor(private free: number) {}

  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

export class ClusterMutex {
  // Same-scope callers in this process queue here first, so one process
  // holds at most one connection per scope however many wait.
  private readonly local = new KeyedMutex();
  private readonly holders: Semaphore;

  constructor(
    private readonly pool: pg.Pool,
    poolSize: number,
  ) {
    this.holders = new Semaphore(Math.max(1, Math.floor(poolSize / 2)));
  }

  run<T>(scope: string, work: () => Promise<T>): Promise<T> {
    return this.local.run(scope, () => this.locked(scope, work));
  }

  private async locked<T>(scope: string, work: () => Promise<T>): Promise<T> {
    await this.holders.acquire();
    try {
      const client = await this.pool.connect();
      // A connection whose lock or unlock failed may still hold the lock:
      // discard it (ending the session frees the lock) rather than pool it.
      let healthy = true;
      // While work runs this connection sits idle in our hands, where a drop
      // would be an unhandled 'error' event; it only loses the lock.
      const dropped = () => {
        healthy = false;
      };
      client.on('error', dropped);
      try {
        await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [scope]).catch((err: unknown) => {
          healthy = false;
          throw err;
        });
        try {
          return await work();
        } finally {
          await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [scope]).catch(() => {
            healthy = false;
          });
        }
      } finally {
        client.off('error', dropped);
        client.release(!healthy);
      }
    } finally {
      this.holders.release();
    }
  }
}
