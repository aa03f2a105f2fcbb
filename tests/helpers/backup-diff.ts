// What an operator holding two backups learns: the records that differ between
// two captures of the stored state (lowdb's data file as a restart would see
// it, or every row of every PostgreSQL table), and the values in them that
// point at a person without TRELLIS_SECRET.
import pg from 'pg';

/** Collection or table name → each record as JSON. */
export type Capture = Record<string, string[]>;

/**
 * Records present in one capture and not the other (a changed record counts on both sides):
 * `added` only those in `after`, `removed` only those in `before` (including old versions of changed ones).
 */
export function difference(before: Capture, after: Capture, side: 'both' | 'added' | 'removed' = 'both'): string[] {
  const out: string[] = [];
  for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const left = count(before[name] ?? []);
    const right = count(after[name] ?? []);
    if (side !== 'removed') for (const [row, n] of right) if ((left.get(row) ?? 0) < n) out.push(`${name}: ${row}`);
    if (side !== 'added') for (const [row, n] of left) if ((right.get(row) ?? 0) < n) out.push(`${name}: ${row}`);
  }
  return out;
}

const count = (rows: string[]) => rows.reduce((m, r) => m.set(r, (m.get(r) ?? 0) + 1), new Map<string, number>());

/** A lowdb data file's JSON (journal mark already dropped) as a capture. */
export function captureFile(json: string): Capture {
  const data = JSON.parse(json) as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(data)
      .filter(([, v]) => Array.isArray(v))
      .map(([k, v]) => [k, (v as unknown[]).map((r) => JSON.stringify(r))]),
  );
}

/** Every row of every table, columns and all (sequence numbers included). */
export async function captureDatabase(url: string): Promise<Capture> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
    const capture: Capture = {};
    for (const { name } of tables) capture[name] = (await client.query(`SELECT * FROM ${name}`)).rows.map((r) => JSON.stringify(r));
    return capture;
  } finally {
    await client.end();
  }
}

interface PersonData {
  members: { id: string; userId: string; displayName: string }[];
  conversations?: { key: string }[];
  invitations: { memberId: string; delivery?: Record<string, unknown> }[];
}

/**
 * Every stored value that names or points at one person: member ids, platform
 * user ids, names, their chats, and the handles of messages sent to them
 * (each invitation's delivery: the queued message's id, a DM channel).
 */
export function personValues(state: PersonData, extra: string[] = []): string[] {
  const values = new Set<string>(extra);
  for (const m of state.members) for (const v of [m.id, m.userId, m.displayName]) values.add(v);
  for (const c of state.conversations ?? []) values.add(c.key);
  for (const i of state.invitations) {
    values.add(i.memberId);
    for (const v of Object.values(i.delivery ?? {})) if (typeof v === 'string' && !PLATFORM_NAMES.has(v)) values.add(v);
  }
  return [...values].filter((v) => v.length >= 3);
}

/** A delivery names its platform (and an email one the whole of email as its workspace): no one in particular. */
const PLATFORM_NAMES = new Set(['slack', 'teams', 'playground', 'email']);

/** The person values that appear in `text` (JSON-escaped as stored). */
export const found = (text: string, values: string[]) => values.filter((v) => text.includes(JSON.stringify(v).slice(1, -1)));
