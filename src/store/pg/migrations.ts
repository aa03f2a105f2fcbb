// The PostgreSQL schema, one step per version: MIGRATIONS[0] is version 1.
// Append only — never edit a step that has shipped; a database records which
// steps it has had in schema_migrations.
//
// Each collection is a table with the columns Trellis looks rows up by, and
// `doc`, the whole record as JSON: the record is the truth, the columns are
// copies for indexes, so most model changes need no migration.
// `seq` keeps insertion order, which every list returns (as the file store does).
// answer_sets and invitations have no time columns on purpose: when someone
// answered must not be recorded beside what they answered.

export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE partnerships (
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    id text PRIMARY KEY,
    invite_code text NOT NULL,
    doc jsonb NOT NULL
  );
  CREATE INDEX partnerships_invite_code ON partnerships (invite_code);
  CREATE INDEX partnerships_homes ON partnerships USING gin ((doc -> 'homes') jsonb_path_ops);

  CREATE TABLE organisations (
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    id text PRIMARY KEY,
    partnership_id text NOT NULL,
    doc jsonb NOT NULL
  );
  CREATE INDEX organisations_partnership ON organisations (partnership_id, seq);

  CREATE TABLE members (
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    id text PRIMARY KEY,
    partnership_id text NOT NULL,
    platform text NOT NULL,
    user_id text NOT NULL,
    doc jsonb NOT NULL,
    UNIQUE (partnership_id, platform, user_id)
  );
  CREATE INDEX members_person ON members (platform, user_id, seq);

  CREATE TABLE conversations (
    platform text NOT NULL,
    key text NOT NULL,
    doc jsonb NOT NULL,
    PRIMARY KEY (platform, key)
  );

  CREATE TABLE rounds (
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    id text PRIMARY KEY,
    partnership_id text NOT NULL,
    doc jsonb NOT NULL
  );
  CREATE INDEX rounds_partnership ON rounds (partnership_id, seq);

  CREATE TABLE invitations (
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    round_id text NOT NULL,
    member_id text NOT NULL,
    doc jsonb NOT NULL,
    PRIMARY KEY (round_id, member_id)
  );

  -- Listed in key order (byte order, as the file store keeps them), never arrival order.
  CREATE TABLE answer_sets (
    round_id text NOT NULL,
    key text COLLATE "C" NOT NULL,
    doc jsonb NOT NULL,
    PRIMARY KEY (round_id, key)
  );

  CREATE TABLE custom_items (
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    id text PRIMARY KEY,
    partnership_id text NOT NULL,
    doc jsonb NOT NULL
  );
  CREATE INDEX custom_items_partnership ON custom_items (partnership_id, seq);

  CREATE TABLE protocols (
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    id text PRIMARY KEY,
    partnership_id text NOT NULL,
    doc jsonb NOT NULL
  );
  CREATE INDEX protocols_partnership ON protocols (partnership_id, seq);

  CREATE TABLE sent_reminders (
    key text PRIMARY KEY,
    doc jsonb NOT NULL
  );

  CREATE TABLE concerns (
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    id text PRIMARY KEY,
    partnership_id text NOT NULL,
    doc jsonb NOT NULL
  );
  CREATE INDEX concerns_partnership ON concerns (partnership_id, seq);

  CREATE TABLE concern_quotas (
    key text PRIMARY KEY,
    doc jsonb NOT NULL
  );

  CREATE TABLE outgoing (
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    id text PRIMARY KEY,
    status text NOT NULL,
    not_before timestamptz NOT NULL,
    lease_until timestamptz,
    owner text,
    created_at timestamptz NOT NULL,
    doc jsonb NOT NULL
  );
  CREATE INDEX outgoing_due ON outgoing (not_before, seq) WHERE status IN ('pending', 'sending');
  CREATE INDEX outgoing_finished ON outgoing (created_at) WHERE status IN ('sent', 'failed');

  CREATE TABLE claims (
    key text PRIMARY KEY,
    expires_at timestamptz NOT NULL
  );
  CREATE INDEX claims_expiry ON claims (expires_at);
  `,
  // 2 (issue 13): invitations lose their "answered" mark (found through the answer sets' keyed
  // hashes now); every round, protocol review and concern records the threshold in force when it
  // opened (or was raised), which its figures and themes never go below — earlier ones get their partnership's threshold as it is at the upgrade.
  `
  UPDATE invitations SET doc = doc - 'answered' WHERE doc ? 'answered';

  UPDATE rounds r SET doc = jsonb_set(r.doc, '{threshold}', coalesce(p.doc -> 'threshold', '5'))
    FROM partnerships p
    WHERE p.id = r.partnership_id AND NOT r.doc ? 'threshold';
  UPDATE rounds SET doc = jsonb_set(doc, '{threshold}', '5') WHERE NOT doc ? 'threshold';

  UPDATE concerns c SET doc = jsonb_set(c.doc, '{threshold}', coalesce(p.doc -> 'threshold', '5'))
    FROM partnerships p
    WHERE p.id = c.partnership_id AND NOT c.doc ? 'threshold';
  UPDATE concerns SET doc = jsonb_set(doc, '{threshold}', '5') WHERE NOT doc ? 'threshold';

  UPDATE protocols x SET doc = jsonb_set(x.doc, '{reviews}', (
      SELECT coalesce(jsonb_agg(CASE WHEN rv ? 'threshold' THEN rv ELSE rv || jsonb_build_object('threshold', coalesce(p.doc -> 'threshold', '5')) END ORDER BY i), '[]'::jsonb)
      FROM jsonb_array_elements(x.doc -> 'reviews') WITH ORDINALITY AS e(rv, i)
    ))
    FROM partnerships p
    WHERE p.id = x.partnership_id AND jsonb_typeof(x.doc -> 'reviews') = 'array';
  `,
  // 3 (issue 16): a person is (platform, workspace, user id), as in the data file's version 6:
  // Teams people, homes and chats move under the tenant their stored chat names, the playground
  // has one workspace, and Slack's team (not stored) is adopted at start by the workspace connected.
  `
  CREATE TEMPORARY TABLE teams_tenants ON COMMIT DROP AS
    SELECT key, doc #>> '{reference,conversation,tenantId}' AS tenant FROM conversations
    WHERE platform = 'teams' AND coalesce(doc #>> '{reference,conversation,tenantId}', '') <> '';

  ALTER TABLE members ADD COLUMN workspace text NOT NULL DEFAULT '';
  UPDATE members SET workspace = 'playground' WHERE platform = 'playground';
  UPDATE members m SET workspace = t.tenant FROM teams_tenants t WHERE m.platform = 'teams' AND t.key = m.user_id;
  UPDATE members SET doc = doc || jsonb_build_object('workspace', workspace);
  ALTER TABLE members ALTER COLUMN workspace DROP DEFAULT;
  ALTER TABLE members DROP CONSTRAINT members_partnership_id_platform_user_id_key;
  ALTER TABLE members ADD UNIQUE (partnership_id, platform, workspace, user_id);
  DROP INDEX members_person;
  CREATE INDEX members_person ON members (platform, workspace, user_id, seq);

  UPDATE partnerships p SET doc = jsonb_set(p.doc, '{homes}', (
      SELECT coalesce(jsonb_agg(h || jsonb_build_object('workspace', CASE
          WHEN h ->> 'platform' = 'playground' THEN 'playground'
          WHEN h ->> 'platform' = 'teams' THEN coalesce((SELECT t.tenant FROM teams_tenants t WHERE t.key = h ->> 'conversationId'), '')
          ELSE '' END) ORDER BY i), '[]'::jsonb)
      FROM jsonb_array_elements(p.doc -> 'homes') WITH ORDINALITY AS e(h, i)
    ))
    WHERE jsonb_typeof(p.doc -> 'homes') = 'array';

  UPDATE conversations c SET key = t.tenant || '/' || c.key, doc = jsonb_set(c.doc, '{key}', to_jsonb(t.tenant || '/' || c.key))
    FROM teams_tenants t WHERE c.platform = 'teams' AND c.key = t.key;
  `,
  // 4 (issue 16): Slack installations in the workspaces that added Trellis (OAuth distribution);
  // `doc` holds the installation sealed by the adapter, never a token in the clear.
  `
  CREATE TABLE installations (
    platform text NOT NULL,
    workspace text NOT NULL,
    doc jsonb NOT NULL,
    PRIMARY KEY (platform, workspace)
  );
  `,
  // 5 (issue 18): uninstalls in their grace period (core/uninstall-grace.ts): whose ('' for a
  // whole workspace's user id) and when, no name.
  `
  CREATE TABLE removals (
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    platform text NOT NULL,
    workspace text NOT NULL,
    user_id text NOT NULL,
    doc jsonb NOT NULL,
    PRIMARY KEY (platform, workspace, user_id)
  );
  `,
];
