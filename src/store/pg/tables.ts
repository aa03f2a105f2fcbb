// How each collection of the State maps onto its table: the key columns
// copied out of a record, beside the record itself in `doc`.
import type { State } from '../state-schema.js';

// Claims have their own table (key, expires_at; see PostgresStore.claimOnce) and expire: none is copied.
export type Collection = Exclude<keyof State, 'version' | 'claims'>;
type Row<C extends Collection> = State[C][number];

export interface Table<C extends Collection = Collection> {
  name: string;
  /** Every column written, `doc` last. */
  columns: string[];
  values(record: Row<C>): unknown[];
  /** The columns a record is the same record by (the ON CONFLICT target). */
  key: string[];
}

const json = (record: unknown) => JSON.stringify(record);

export const TABLES: { [C in Collection]: Table<C> } = {
  partnerships: { name: 'partnerships', columns: ['id', 'invite_code', 'doc'], values: (p) => [p.id, p.inviteCode, json(p)], key: ['id'] },
  organisations: { name: 'organisations', columns: ['id', 'partnership_id', 'doc'], values: (o) => [o.id, o.partnershipId, json(o)], key: ['id'] },
  members: {
    name: 'members',
    columns: ['id', 'partnership_id', 'platform', 'workspace', 'user_id', 'doc'],
    values: (m) => [m.id, m.partnershipId, m.platform, m.workspace, m.userId, json(m)],
    key: ['id'],
  },
  conversations: { name: 'conversations', columns: ['platform', 'key', 'doc'], values: (c) => [c.platform, c.key, json(c)], key: ['platform', 'key'] },
  installations: {
    name: 'installations',
    columns: ['platform', 'workspace', 'doc'],
    values: (i) => [i.platform, i.workspace, json(i)],
    key: ['platform', 'workspace'],
  },
  removals: {
    name: 'removals',
    columns: ['platform', 'workspace', 'user_id', 'doc'],
    values: (r) => [r.platform, r.workspace, r.userId ?? '', json(r)],
    key: ['platform', 'workspace', 'user_id'],
  },
  rounds: { name: 'rounds', columns: ['id', 'partnership_id', 'doc'], values: (r) => [r.id, r.partnershipId, json(r)], key: ['id'] },
  invitations: {
    name: 'invitations',
    columns: ['round_id', 'member_id', 'doc'],
    values: (i) => [i.roundId, i.memberId, json(i)],
    key: ['round_id', 'member_id'],
  },
  answerSets: { name: 'answer_sets', columns: ['round_id', 'key', 'doc'], values: (a) => [a.roundId, a.key, json(a)], key: ['round_id', 'key'] },
  customItems: { name: 'custom_items', columns: ['id', 'partnership_id', 'doc'], values: (c) => [c.id, c.partnershipId, json(c)], key: ['id'] },
  protocols: { name: 'protocols', columns: ['id', 'partnership_id', 'doc'], values: (p) => [p.id, p.partnershipId, json(p)], key: ['id'] },
  sentReminders: { name: 'sent_reminders', columns: ['key', 'doc'], values: (r) => [r.key, json(r)], key: ['key'] },
  concerns: { name: 'concerns', columns: ['id', 'partnership_id', 'doc'], values: (c) => [c.id, c.partnershipId, json(c)], key: ['id'] },
  concernQuotas: { name: 'concern_quotas', columns: ['key', 'doc'], values: (q) => [q.key, json(q)], key: ['key'] },
  outgoing: {
    name: 'outgoing',
    columns: ['id', 'status', 'not_before', 'lease_until', 'owner', 'created_at', 'doc'],
    values: (o) => [o.id, o.status, o.notBefore, o.leaseUntil ?? null, o.owner ?? null, o.createdAt, json(o)],
    key: ['id'],
  },
};

export const COLLECTIONS = Object.keys(TABLES) as Collection[];

/** INSERT of `rows` records, numbered parameters from $1. */
export function insertSql(table: Table, rows = 1): string {
  const width = table.columns.length;
  const tuples = Array.from({ length: rows }, (_, r) => `(${table.columns.map((_, c) => `$${r * width + c + 1}`).join(', ')})`);
  return `INSERT INTO ${table.name} (${table.columns.join(', ')}) VALUES ${tuples.join(', ')}`;
}

/** Insert, or replace the record with the same key in place (its `seq`, and so its position, kept). */
export function upsertSql(table: Table): string {
  const set = table.columns.filter((c) => !table.key.includes(c)).map((c) => `${c} = EXCLUDED.${c}`);
  return `${insertSql(table)} ON CONFLICT (${table.key.join(', ')}) DO UPDATE SET ${set.join(', ')}`;
}
