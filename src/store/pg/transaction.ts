// One transaction on one pooled connection: committed when `work` resolves,
// rolled back when it throws.
import type pg from 'pg';

export async function transaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let healthy = true;
  const dropped = () => {
    healthy = false;
  };
  client.on('error', dropped);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {
      healthy = false;
    });
    throw err;
  } finally {
    client.off('error', dropped);
    client.release(!healthy);
  }
}
