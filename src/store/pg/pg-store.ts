// The store's ports on PostgreSQL, for running several Trellis instances on one
// database. Its semantics are StateStore's (the contract tests run on both);
// what one process did with a lock or a list, this does with a row lock, an
// advisory lock or one statement, so that it holds across instances too.
import type pg from 'pg';
import type {
  AnswerSet,
  ConcernQuota,
  CustomItem,
  Invitation,
  Member,
  Organisation,
  Partnership,
  Person,
  Platform,
  Protocol,
  Removal,
  Round,
  SentReminder,
  StoredConcern,
} from '../../core/model.js';
import type { ConversationRecord } from '../../core/ports/conversation-references.js';
import type { InstallationRecord } from '../../core/ports/installations.js';
import type { RemovalKey } from '../../core/ports/removals.js';
import type { ClaimedOutgoing, Outgoing } from '../../core/ports/outbox.js';
import type { CommitListener, Store } from '../store.js';
import { TrellisError } from '../../core/errors.js';
import type { State } from '../state-schema.js';
import { applyMigrations } from './apply-migrations.js';
import { ClusterMutex } from './cluster-mutex.js';
import { connectOnce, createPool, describeDatabase } from './connection.js';
import { COLLECTIONS, insertSql, TABLES, upsertSql, type Collection, type Table } from './tables.js';
import { transaction } from './transaction.js';
import { personalConversationKeys } from '../state-store.js';

export const DEFAULT_POOL_SIZE = 10;

export type Counts = Record<Collection, number>;

export interface PgStore extends Store {
  readonly pool: pg.Pool;
  /** Rows per collection. */
  counts(): Promise<Counts>;
  /** Copies a whole State into this (empty) database in one transaction, checked by counting back. */
  importState(state: State): Promise<Counts>;
}

/** Connects, brings the schema up to date (or refuses a newer one), then pools connections. */
export async function openPgStore(databaseUrl: string, options: { poolSize?: number } = {}): Promise<PgStore> {
  const poolSize = options.poolSize ?? DEFAULT_POOL_SIZE;
  if (!Number.isInteger(poolSize) || poolSize < 2) {
    throw new TrellisError(
      'CONFIG_INVALID',
      `The PostgreSQL pool size must be a whole number of at least 2 (got ${poolSize}): exclusive work holds one connection while it runs on another.`,
    );
  }
  const client = await connectOnce(databaseUrl);
  try {
    await applyMigrations(client, describeDatabase(databaseUrl));
  } finally {
    await client.end().catch(() => undefined);
  }
  return new PostgresStore(createPool(databaseUrl, poolSize), poolSize);
}

type Doc<T> = { doc: T };
const UPSERT = Object.fromEntries(COLLECTIONS.map((c) => [c, upsertSql(TABLES[c])])) as Record<Collection, string>;
/** Expired claims are swept on every this-many claims, so the table stays small without a timer. */
const SWEEP_EVERY = 100;

class PostgresStore implements PgStore {
  private readonly mutex: ClusterMutex;
  private claimsSinceSweep = 0;

  constructor(
    readonly pool: pg.Pool,
    poolSize: number,
  ) {
    this.mutex = new ClusterMutex(pool, poolSize);
  }

  // Every row is parsed afresh from the wire, so callers always get copies.
  private async first<T>(sql: string, params: unknown[]): Promise<T | undefined> {
    const { rows } = await this.pool.query<Doc<T>>(sql, params);
    return rows[0]?.doc;
  }
  private async all<T>(sql: string, params: unknown[]): Promise<T[]> {
    const { rows } = await this.pool.query<Doc<T>>(sql, params);
    return rows.map((r) => r.doc);
  }
  private async save<C extends Collection>(collection: C, record: State[C][number]): Promise<void> {
    const table: Table = TABLES[collection];
    await this.timed(() => this.pool.query(UPSERT[collection], table.values(record)));
  }

  private commitListener?: CommitListener;
  onCommit(listener: CommitListener): void {
    this.commitListener = listener;
  }
  /** A write, timed for /metrics: every record saved, every message queued or settled. */
  private async timed<T>(write: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const result = await write();
    this.commitListener?.((performance.now() - started) / 1000);
    return result;
  }

  partnership(id: string) {
    return this.first<Partnership>('SELECT doc FROM partnerships WHERE id = $1', [id]);
  }
  partnershipByInvite(code: string) {
    return this.first<Partnership>('SELECT doc FROM partnerships WHERE invite_code = $1 ORDER BY seq LIMIT 1', [code]);
  }
  partnershipByHome(platform: Platform, conversationId: string) {
    return this.first<Partnership>(`SELECT doc FROM partnerships WHERE doc -> 'homes' @> $1::jsonb ORDER BY seq LIMIT 1`, [
      JSON.stringify([{ platform, conversationId }]),
    ]);
  }
  partnerships() {
    return this.all<Partnership>('SELECT doc FROM partnerships ORDER BY seq', []);
  }
  savePartnership(p: Partnership) {
    return this.save('partnerships', p);
  }

  organisations(partnershipId: string) {
    return this.all<Organisation>('SELECT doc FROM organisations WHERE partnership_id = $1 ORDER BY seq', [partnershipId]);
  }
  saveOrganisation(o: Organisation) {
    return this.save('organisations', o);
  }
  async removeOrganisation(id: string) {
    await this.pool.query('DELETE FROM organisations WHERE id = $1', [id]);
  }

  members(partnershipId: string) {
    return this.all<Member>('SELECT doc FROM members WHERE partnership_id = $1 ORDER BY seq', [partnershipId]);
  }
  async memberNames(partnershipId: string) {
    const { rows } = await this.pool.query<{ name: string }>(`SELECT doc->>'displayName' AS name FROM members WHERE partnership_id = $1 ORDER BY seq`, [
      partnershipId,
    ]);
    return rows.map((r) => r.name);
  }
  membershipsOf({ platform, workspace, userId }: Person) {
    return this.all<Member>('SELECT doc FROM members WHERE platform = $1 AND workspace = $2 AND user_id = $3 ORDER BY seq', [platform, workspace, userId]);
  }
  async saveMember(m: Member) {
    // One person is one member of a partnership, whatever id a caller holds:
    // replace the first row matching either, else insert. An insert that
    // loses a race to a concurrent one finds that row on the next pass.
    const values = TABLES.members.values(m);
    for (let attempt = 0; attempt < 5; attempt++) {
      const updated = await this.pool.query(
        `WITH hit AS (
           SELECT seq FROM members WHERE id = $1 OR (partnership_id = $2 AND platform = $3 AND workspace = $4 AND user_id = $5)
           ORDER BY seq LIMIT 1 FOR UPDATE
         )
         UPDATE members SET id = $1, partnership_id = $2, platform = $3, workspace = $4, user_id = $5, doc = $6
         FROM hit WHERE members.seq = hit.seq`,
        values,
      );
      if (updated.rowCount) return;
      const inserted = await this.pool.query(`${insertSql(TABLES.members)} ON CONFLICT DO NOTHING`, values);
      if (inserted.rowCount) return;
    }
    throw new TrellisError('STORE_WRITE_FAILED', `Could not save member ${m.id}: it kept conflicting with concurrent changes.`);
  }

  conversation(platform: Platform, key: string) {
    return this.first<ConversationRecord>('SELECT doc FROM conversations WHERE platform = $1 AND key = $2', [platform, key]);
  }
  async eraseMember(memberId: string) {
    await transaction(this.pool, async (client) => {
      const { rows } = await client.query<{ platform: string; workspace: string; user_id: string }>(
        'DELETE FROM members WHERE id = $1 RETURNING platform, workspace, user_id',
        [memberId],
      );
      const gone = rows[0];
      if (!gone) return;
      await client.query(`UPDATE invitations SET doc = doc - 'delivery' WHERE member_id = $1 AND doc ? 'delivery'`, [memberId]);
      const others = await client.query('SELECT 1 FROM members WHERE platform = $1 AND workspace = $2 AND user_id = $3 LIMIT 1', [
        gone.platform,
        gone.workspace,
        gone.user_id,
      ]);
      if (others.rowCount === 0)
        await client.query('DELETE FROM conversations WHERE platform = $1 AND key = ANY($2)', [
          gone.platform,
          personalConversationKeys({ platform: gone.platform as Platform, workspace: gone.workspace, userId: gone.user_id }),
        ]);
    });
  }

  saveConversation(c: ConversationRecord) {
    return this.save('conversations', c);
  }

  installation(platform: Platform, workspace: string) {
    return this.first<InstallationRecord>('SELECT doc FROM installations WHERE platform = $1 AND workspace = $2', [platform, workspace]);
  }
  saveInstallation(i: InstallationRecord) {
    return this.save('installations', i);
  }
  async deleteInstallation(platform: Platform, workspace: string) {
    const { rowCount } = await this.pool.query('DELETE FROM installations WHERE platform = $1 AND workspace = $2', [platform, workspace]);
    return (rowCount ?? 0) > 0;
  }

  removals() {
    return this.all<Removal>('SELECT doc FROM removals ORDER BY seq', []);
  }
  saveRemoval(r: Removal) {
    return this.save('removals', r);
  }
  async deleteRemoval({ platform, workspace, userId }: RemovalKey) {
    const { rowCount } = await this.pool.query('DELETE FROM removals WHERE platform = $1 AND workspace = $2 AND user_id = $3', [
      platform,
      workspace,
      userId ?? '',
    ]);
    return (rowCount ?? 0) > 0;
  }

  rounds(partnershipId: string) {
    return this.all<Round>('SELECT doc FROM rounds WHERE partnership_id = $1 ORDER BY seq', [partnershipId]);
  }
  round(id: string) {
    return this.first<Round>('SELECT doc FROM rounds WHERE id = $1', [id]);
  }
  saveRound(r: Round) {
    return this.save('rounds', r);
  }

  invitations(roundId: string) {
    return this.all<Invitation>('SELECT doc FROM invitations WHERE round_id = $1 ORDER BY seq', [roundId]);
  }
  invitation(roundId: string, memberId: string) {
    return this.first<Invitation>('SELECT doc FROM invitations WHERE round_id = $1 AND member_id = $2', [roundId, memberId]);
  }
  saveInvitation(i: Invitation) {
    return this.save('invitations', i);
  }

  answerSet(roundId: string, key: string) {
    return this.first<AnswerSet>('SELECT doc FROM answer_sets WHERE round_id = $1 AND key = $2', [roundId, key]);
  }
  answerSets(roundId: string) {
    return this.all<AnswerSet>('SELECT doc FROM answer_sets WHERE round_id = $1 ORDER BY key', [roundId]);
  }
  saveAnswerSet(a: AnswerSet) {
    return this.save('answerSets', a);
  }

  async dropComments(roundId: string) {
    await this.pool.query(`UPDATE answer_sets SET doc = doc - 'comment' - 'texts' WHERE round_id = $1 AND (doc ? 'comment' OR doc ? 'texts')`, [roundId]);
  }

  customItems(partnershipId: string) {
    return this.all<CustomItem>('SELECT doc FROM custom_items WHERE partnership_id = $1 ORDER BY seq', [partnershipId]);
  }
  saveCustomItem(c: CustomItem) {
    return this.save('customItems', c);
  }

  protocols(partnershipId: string) {
    return this.all<Protocol>('SELECT doc FROM protocols WHERE partnership_id = $1 ORDER BY seq', [partnershipId]);
  }
  protocol(id: string) {
    return this.first<Protocol>('SELECT doc FROM protocols WHERE id = $1', [id]);
  }
  saveProtocol(p: Protocol) {
    return this.save('protocols', p);
  }

  concerns(partnershipId: string) {
    return this.all<StoredConcern>('SELECT doc FROM concerns WHERE partnership_id = $1 ORDER BY seq', [partnershipId]);
  }
  concern(id: string) {
    return this.first<StoredConcern>('SELECT doc FROM concerns WHERE id = $1', [id]);
  }
  saveConcern(c: StoredConcern) {
    return this.save('concerns', c);
  }
  /** A plain UPDATE: the earlier row version is dead at once and reclaimed by (auto)vacuum; no history table keeps it. */
  eraseConcernText(c: StoredConcern) {
    return this.save('concerns', c);
  }
  concernQuota(key: string) {
    return this.first<ConcernQuota>('SELECT doc FROM concern_quotas WHERE key = $1', [key]);
  }
  saveConcernQuota(q: ConcernQuota) {
    return this.save('concernQuotas', q);
  }

  async reminderSent(key: string) {
    const { rowCount } = await this.pool.query('SELECT 1 FROM sent_reminders WHERE key = $1', [key]);
    return (rowCount ?? 0) > 0;
  }
  saveSentReminder(r: SentReminder) {
    return this.save('sentReminders', r);
  }

  async compactRound(roundId: string, tally: { invited: number; answered: number }) {
    await transaction(this.pool, async (client) => {
      const { rowCount } = await client.query(`UPDATE rounds SET doc = jsonb_set(doc, '{tally}', $2::jsonb) WHERE id = $1`, [
        roundId,
        JSON.stringify({ ...tally }),
      ]);
      if (rowCount) await client.query('DELETE FROM invitations WHERE round_id = $1', [roundId]);
    });
  }

  async cancelRound(roundId: string, at: string) {
    await transaction(this.pool, async (client) => {
      const { rowCount } = await client.query(
        `UPDATE rounds SET doc = doc || jsonb_build_object('closedAt', COALESCE(doc->'closedAt', to_jsonb($2::text)), 'cancelledAt', $2::text) WHERE id = $1`,
        [roundId, at],
      );
      if (!rowCount) return;
      await client.query('DELETE FROM invitations WHERE round_id = $1', [roundId]);
      await client.query('DELETE FROM answer_sets WHERE round_id = $1', [roundId]);
    });
  }

  exclusive<T>(scope: string, work: () => Promise<T>): Promise<T> {
    return this.mutex.run(scope, work);
  }

  async claimOnce(key: string, ttlMs: number) {
    // Times are the database's, so instances with drifting clocks agree.
    const { rowCount } = await this.pool.query(
      `INSERT INTO claims (key, expires_at) VALUES ($1, now() + $2::double precision * interval '1 millisecond')
       ON CONFLICT (key) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE claims.expires_at <= now()
       RETURNING key`,
      [key, ttlMs],
    );
    if (++this.claimsSinceSweep >= SWEEP_EVERY) {
      this.claimsSinceSweep = 0;
      await this.pool.query('DELETE FROM claims WHERE expires_at < now()');
    }
    return (rowCount ?? 0) > 0;
  }

  async enqueueOutgoing(o: Outgoing) {
    await this.timed(() => this.pool.query(`${insertSql(TABLES.outgoing)} ON CONFLICT (id) DO NOTHING`, TABLES.outgoing.values(o)));
  }
  outgoing(id: string) {
    return this.first<Outgoing>('SELECT doc FROM outgoing WHERE id = $1', [id]);
  }
  async claimOutgoing(now: Date, owner: string, leaseMs: number, limit: number) {
    const leaseUntil = new Date(now.getTime() + leaseMs).toISOString();
    // SKIP LOCKED: a concurrent claimer passes over the rows this one is
    // taking instead of waiting for them, and never gets them too.
    const { rows } = await this.pool.query<{ doc: Outgoing; resumed: boolean }>(
      `WITH due AS (
         SELECT id, status FROM outgoing
         WHERE (status = 'pending' AND not_before <= $1) OR (status = 'sending' AND (lease_until IS NULL OR lease_until < $1))
         ORDER BY not_before, seq
         LIMIT $4
         FOR UPDATE SKIP LOCKED
       ), claimed AS (
         UPDATE outgoing o
         SET status = 'sending', owner = $2, lease_until = $3,
             doc = o.doc || jsonb_build_object('status', 'sending', 'owner', $2::text, 'leaseUntil', $5::text, 'attempts', (o.doc ->> 'attempts')::int + 1)
         FROM due WHERE o.id = due.id
         RETURNING o.doc, due.status = 'sending' AS resumed, o.not_before, o.seq
       )
       SELECT doc, resumed FROM claimed ORDER BY not_before, seq`,
      [now.toISOString(), owner, leaseUntil, limit, leaseUntil],
    );
    return rows.map((r): ClaimedOutgoing => ({ ...r.doc, resumed: r.resumed }));
  }
  async settleOutgoing(o: Outgoing, owner: string) {
    const { rowCount } = await this.timed(() =>
      this.pool.query(
        `UPDATE outgoing SET status = $2, not_before = $3, lease_until = $4, owner = $5, created_at = $6, doc = $7
       WHERE id = $1 AND owner = $8`,
        [...TABLES.outgoing.values(o), owner],
      ),
    );
    return (rowCount ?? 0) > 0;
  }
  async pruneOutgoing(before: Date) {
    const { rowCount } = await this.pool.query(`DELETE FROM outgoing WHERE status IN ('sent', 'failed') AND created_at < $1`, [before.toISOString()]);
    return rowCount ?? 0;
  }
  async outboxBacklog() {
    const { rows } = await this.pool.query<{ depth: number; oldest: Date | null }>(
      `SELECT count(*)::int AS depth, min(created_at) AS oldest FROM outgoing WHERE status IN ('pending', 'sending')`,
    );
    const oldest = rows[0]?.oldest;
    return { depth: rows[0]?.depth ?? 0, ...(oldest ? { oldestCreatedAt: new Date(oldest).toISOString() } : {}) };
  }

  counts(): Promise<Counts> {
    return countRows(this.pool);
  }

  importState(state: State): Promise<Counts> {
    return transaction(this.pool, async (client) => {
      const before = await countRows(client);
      const held = COLLECTIONS.filter((c) => before[c] > 0);
      if (held.length > 0) {
        throw new TrellisError(
          'CONFIG_INVALID',
          `The database already holds data (${held.map((c) => `${before[c]} ${TABLES[c].name}`).join(', ')}); nothing was imported.`,
        );
      }
      for (const collection of COLLECTIONS) {
        const table: Table = TABLES[collection];
        const records: unknown[] = state[collection];
        // In file order, so `seq` (list order) matches; chunked under PostgreSQL's 65,535 parameters.
        const perStatement = Math.floor(60_000 / table.columns.length);
        for (let i = 0; i < records.length; i += perStatement) {
          const chunk = records.slice(i, i + perStatement) as State[Collection][number][];
          await client.query(
            insertSql(table, chunk.length),
            chunk.flatMap((r) => table.values(r)),
          );
        }
      }
      const after = await countRows(client);
      const wrong = COLLECTIONS.filter((c) => after[c] !== state[c].length);
      if (wrong.length > 0) {
        throw new TrellisError(
          'STORE_WRITE_FAILED',
          `Counts read back differ (${wrong.map((c) => `${TABLES[c].name}: ${after[c]} of ${state[c].length}`).join(', ')}); nothing was imported.`,
        );
      }
      return after;
    });
  }

  async close() {
    await this.pool.end();
  }
}

async function countRows(db: pg.Pool | pg.ClientBase): Promise<Counts> {
  const { rows } = await db.query<Record<Collection, string>>(
    `SELECT ${COLLECTIONS.map((c) => `(SELECT count(*) FROM ${TABLES[c].name}) AS "${c}"`).join(', ')}`,
  );
  return Object.fromEntries(COLLECTIONS.map((c) => [c, Number(rows[0]![c])])) as Counts;
}
