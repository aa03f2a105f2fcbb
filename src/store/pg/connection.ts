// Connecting to PostgreSQL, and saying what went wrong without ever
// repeating the password that DATABASE_URL may carry.
import pg from 'pg';
import { TrellisError } from '../../core/errors.js';

/** "user@host:port/database" — what a person needs to find the server, and nothing secret. */
export function describeDatabase(databaseUrl: string): string {
  try {
    const u = new URL(databaseUrl);
    const host = u.hostname || u.searchParams.get('host') || 'localhost';
    const db = decodeURIComponent(u.pathname.replace(/^\//, '')) || '(default database)';
    const user = u.username ? `${decodeURIComponent(u.username)}@` : '';
    return `${user}${host}:${u.port || '5432'}/${db}`;
  } catch {
    return '(DATABASE_URL is not a URL such as postgres://user:password@host:5432/trellis)';
  }
}

const password = (databaseUrl: string) => {
  try {
    return decodeURIComponent(new URL(databaseUrl).password);
  } catch {
    return '';
  }
};

/** A message safe to print: the driver's reason, with the password masked should it ever appear. */
export function redact(message: string, databaseUrl: string): string {
  const secret = password(databaseUrl);
  let out = message.split(databaseUrl).join('[DATABASE_URL]');
  if (secret.length > 0) out = out.split(secret).join('[password]');
  return out;
}

function fixFor(code: string | undefined, where: string): string {
  switch (code) {
    case 'ECONNREFUSED':
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
      return 'Start PostgreSQL there, or set DATABASE_URL to a server that is running.';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'Check the host name in DATABASE_URL.';
    case '3D000':
      return `Create the database (e.g. createdb ${where.split('/').pop()}), or fix its name in DATABASE_URL.`;
    case '28P01':
    case '28000':
      return 'Check the user and password in DATABASE_URL, and that pg_hba.conf lets this user connect.';
    default:
      return 'Check DATABASE_URL and that the server is running and reachable.';
  }
}

/** Opens one connection, turning every failure into a TrellisError that names the server and the fix. */
export async function connectOnce(databaseUrl: string): Promise<pg.Client> {
  const where = describeDatabase(databaseUrl);
  let client: pg.Client;
  try {
    client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000, application_name: 'trellis' });
  } catch (err) {
    throw new TrellisError(
      'CONFIG_INVALID',
      `DATABASE_URL cannot be used: ${redact((err as Error).message, databaseUrl)}. Use a URL such as postgres://user:password@host:5432/trellis.`,
    );
  }
  // A connection that drops later surfaces on its next query; never as an uncaught event.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return client;
  } catch (err) {
    await client.end().catch(() => undefined);
    const e = err as { code?: string; message?: string };
    const reason = redact(e.message || e.code || 'no reason given', databaseUrl);
    throw new TrellisError('CONFIG_INVALID', `Cannot connect to PostgreSQL at ${where} (${reason}). ${fixFor(e.code, where)}`, { cause: err });
  }
}

export function createPool(databaseUrl: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl, max, application_name: 'trellis' });
  // An idle connection that drops (a server restart) is replaced on next use;
  // without a listener Node would treat the event as fatal.
  pool.on('error', () => undefined);
  return pool;
}
