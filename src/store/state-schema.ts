// The shape of the data file, validated on every load. Bump STATE_VERSION and
// add a migration when it changes; never rewrite a file we do not understand.
import { z } from 'zod';
import {
  CONCERN_CATEGORIES,
  CONCERN_STATUSES,
  CADENCES,
  DEFAULT_SURVEY_SETTINGS,
  DEFAULT_THRESHOLD,
  PARTNERSHIP_TYPES,
  PROTOCOL_KINDS,
  PROTOCOL_STATUSES,
  REVIEW_OUTCOMES,
  LEGACY_WORKSPACE,
  PLATFORMS,
  ROLES,
  SCALE,
  SECTORS,
  WEEKDAYS,
  type ScaleValue,
} from '../core/model.js';
import { OUTGOING_STATUSES } from '../core/ports/outbox.js';

export const STATE_VERSION = 8;

const platform = z.enum(PLATFORMS);

const partnership = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  purpose: z.string(),
  type: z.enum(PARTNERSHIP_TYPES),
  homes: z.array(z.object({ platform, workspace: z.string(), conversationId: z.string().min(1), label: z.string() })),
  timezone: z.string().min(1),
  threshold: z.number().int().min(3),
  inviteCode: z.string().min(1),
  createdAt: z.string(),
  schedule: z
    .object({
      cadence: z.enum(CADENCES),
      day: z.union([z.enum(WEEKDAYS), z.number().int().min(1).max(28)]),
      time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
      since: z.string(),
    })
    .optional(),
  survey: z.object({ remindAfterMinutes: z.number().int().min(1), windowMinutes: z.number().int().min(1) }),
  alerts: z.object({ notablePoints: z.number().min(1).max(100), floor: z.number().min(0).max(100) }).optional(),
  leadDays: z.array(z.number().int().min(0).max(365)).max(6).optional(),
  linkGeneration: z.number().int().min(0).optional(),
  setupChecklist: z.object({ memberId: z.string().min(1), delivery: z.object({ platform }).passthrough(), done: z.array(z.string().min(1)) }).optional(),
  closedAt: z.string().optional(),
  erasedAt: z.string().optional(),
  retention: z
    .object({
      concernMonths: z.number().int().min(1),
      commentMonths: z.number().int().min(1),
      invitationDays: z.number().int().min(1),
      closedMonths: z.number().int().min(1),
    })
    .partial()
    .optional(),
});

const organisation = z.object({
  id: z.string().min(1),
  partnershipId: z.string().min(1),
  name: z.string().min(1),
  sector: z.enum(SECTORS),
});

const member = z.object({
  id: z.string().min(1),
  partnershipId: z.string().min(1),
  platform,
  // '' (LEGACY_WORKSPACE): written before workspaces, until the one workspace connected adopts it.
  workspace: z.string(),
  userId: z.string().min(1),
  displayName: z.string(),
  organisationId: z.string().optional(),
  role: z.enum(ROLES),
  joinedAt: z.string(),
  wasCoordinator: z.literal(true).optional(),
  roleSince: z.string().optional(),
  contact: z.string().optional(),
});

const conversation = z.object({
  platform,
  key: z.string().min(1),
  reference: z.record(z.unknown()),
  updatedAt: z.string(),
});

// A platform app's installation in one workspace; `sealed` holds it (and its bot token) sealed by the adapter.
const installation = z.object({
  platform,
  workspace: z.string().min(1),
  sealed: z.string().min(1),
  updatedAt: z.string(),
});

const round = z.object({
  id: z.string().min(1),
  partnershipId: z.string().min(1),
  number: z.number().int().min(1),
  kind: z.enum(['pulse', 'healthcheck', 'closing']),
  itemIds: z.array(z.string().min(1)).min(1),
  threshold: z.number().int().min(3),
  openedAt: z.string(),
  remindAt: z.string(),
  closesAt: z.string(),
  remindedAt: z.string().optional(),
  closedAt: z.string().optional(),
  slot: z.string().optional(),
  tally: z.object({ invited: z.number().int().min(0), answered: z.number().int().min(0) }).optional(),
  cancelledAt: z.string().optional(),
  commentsDropped: z.literal(true).optional(),
});

const invitation = z.object({
  roundId: z.string().min(1),
  memberId: z.string().min(1),
  delivery: z.object({ platform }).passthrough().optional(),
});

const scale = z.custom<ScaleValue>((v) => (SCALE as readonly unknown[]).includes(v), 'must be 1–5');

const answerSet = z.object({
  roundId: z.string().min(1),
  key: z.string().regex(/^[0-9a-f]{64}$/),
  group: z.string().min(1).optional(),
  organisationId: z.string().optional(),
  sector: z.enum(SECTORS).optional(),
  values: z.record(scale.nullable()),
  choices: z.record(z.string()).optional(),
  comment: z.string().optional(),
  texts: z.record(z.string()).optional(),
});

const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

const protocol = z.object({
  id: z.string().min(1),
  partnershipId: z.string().min(1),
  ref: z.number().int().min(1),
  title: z.string().min(1),
  kind: z.enum(PROTOCOL_KINDS),
  purpose: z.string(),
  partyOrgIds: z.array(z.string().min(1)),
  ownerMemberId: z.string().min(1),
  link: z.string().optional(),
  cycleMonths: z.number().int().min(1).max(60).optional(),
  nextReview: localDate,
  status: z.enum(PROTOCOL_STATUSES),
  reviews: z.array(
    z.object({
      id: z.string().min(1),
      startedAt: z.string(),
      threshold: z.number().int().min(3),
      closedAt: z.string().optional(),
      outcome: z.enum(REVIEW_OUTCOMES).optional(),
      summary: z.string().optional(),
      commentsDropped: z.literal(true).optional(),
    }),
  ),
  remindersFrom: z.string(),
  snoozedUntil: localDate.optional(),
  createdAt: z.string(),
});

const sentReminder = z.object({ key: z.string().min(1), sentAt: z.string(), late: z.boolean() });

const concern = z.object({
  id: z.string().min(1),
  partnershipId: z.string().min(1),
  pseudonym: z.string().min(1),
  category: z.enum(CONCERN_CATEGORIES),
  organisation: z.string().optional(),
  mayAskToEscalate: z.boolean(),
  // The body (messages, escalation, organisation, who may read it) is sealed in `sealed`;
  // records from before sealing hold it in the clear until the upgrade pass (concern-seal.ts).
  sealed: z.string().min(1).optional(),
  messages: z.array(z.object({ from: z.enum(['reporter', 'friend']), text: z.string(), day: localDate })).optional(),
  status: z.enum(CONCERN_STATUSES),
  deliverAt: z.string().optional(),
  month: z.string().regex(/^\d{4}-\d{2}$/),
  threshold: z.number().int().min(3),
  relay: z.string().min(1),
  escalation: z.object({ status: z.enum(['requested', 'approved', 'declined']), proposed: z.string(), approved: z.string().optional() }).optional(),
});

// One slot per record; `count` only on records from before slots (a person's day).
const concernQuota = z.object({ key: z.string().regex(/^[0-9a-f]{64}$/), count: z.number().int().min(0).optional() });

const outgoing = z.object({
  id: z.string().min(1),
  platform,
  kind: z.enum(['private', 'conversation', 'update']),
  replaces: z.string().optional(),
  status: z.enum(OUTGOING_STATUSES),
  attempts: z.number().int().min(0),
  notBefore: z.string(),
  owner: z.string().optional(),
  leaseUntil: z.string().optional(),
  attemptedAt: z.string().optional(),
  createdAt: z.string(),
  sealed: z.string(),
  error: z.string().optional(),
});

const customItem = z.object({
  id: z.string().min(1),
  partnershipId: z.string().min(1),
  factor: z.string().min(1),
  factorLabel: z.string().optional(),
  text: z.string().min(1),
});

// A request already acted on (see Coordination.claimOnce), until when its claim holds. The key is a keyed
// digest made by the caller: it names no person, event or message.
const claim = z.object({ key: z.string().min(1), until: z.string() });

// Uninstalls in their grace period (core/uninstall-grace.ts): whose, and when; no name.
const removal = z.object({ platform, workspace: z.string().min(1), userId: z.string().min(1).optional(), removedAt: z.string() });

export const stateSchema = z.object({
  version: z.literal(STATE_VERSION),
  partnerships: z.array(partnership),
  organisations: z.array(organisation),
  members: z.array(member),
  conversations: z.array(conversation),
  installations: z.array(installation),
  rounds: z.array(round),
  invitations: z.array(invitation),
  answerSets: z.array(answerSet),
  customItems: z.array(customItem),
  protocols: z.array(protocol),
  sentReminders: z.array(sentReminder),
  concerns: z.array(concern),
  concernQuotas: z.array(concernQuota),
  outgoing: z.array(outgoing),
  claims: z.array(claim),
  removals: z.array(removal),
});

export type State = z.infer<typeof stateSchema>;

export const emptyState = (): State => ({
  version: STATE_VERSION,
  partnerships: [],
  organisations: [],
  members: [],
  conversations: [],
  installations: [],
  rounds: [],
  invitations: [],
  answerSets: [],
  customItems: [],
  protocols: [],
  sentReminders: [],
  concerns: [],
  concernQuotas: [],
  outgoing: [],
  claims: [],
  removals: [],
});

/** Each step lifts a file one version; applied in order on load, then validated. */
export const MIGRATIONS: Record<number, (data: Record<string, unknown>) => Record<string, unknown>> = {
  // Version 2 added survey settings to partnerships and every collection after `conversations`.
  1: (d) => ({
    ...emptyState(),
    ...d,
    version: 2,
    partnerships: (d.partnerships as object[]).map((p) => ({ survey: DEFAULT_SURVEY_SETTINGS, ...p })),
  }),
  // Version 3 added the outgoing-message queue.
  2: (d) => ({ ...d, version: 3, outgoing: [] }),
  // Version 4 (issue 13): invitations drop the "answered" mark (it is found through the answer
  // sets' keyed hashes: a mark changed by answering would show two backups whose answer it was);
  // every round, protocol review and concern records the threshold in force when it opened (or was
  // raised), which its figures and themes never
  // go below — earlier ones get their partnership's threshold as it is at the upgrade, the most
  // that can be known of what was promised.
  3: (d) => ({ ...stampThresholds(d, 4), invitations: ((d.invitations ?? []) as Record<string, unknown>[]).map(({ answered: _, ...i }) => i) }),
  // Version 5 (issue 14): claims of requests already acted on outlive a restart (they were kept in memory only).
  4: (d) => ({ ...d, version: 5, claims: [] }),
  // Version 6 (issue 16): a person is (platform, workspace, user id). Teams knows the tenant of each
  // stored chat, so its people, homes and chats move under it; the playground has one workspace;
  // Slack's team is not in the file and is adopted at start by the one workspace connected.
  5: (d) => withWorkspaces(d),
  // Version 7 (issue 16): Slack installations in the workspaces that added Trellis (OAuth distribution).
  6: (d) => ({ ...d, version: 7, installations: [] }),
  // Version 8 (issue 18): uninstalls in their grace period (core/uninstall-grace.ts).
  7: (d) => ({ ...d, version: 8, removals: [] }),
};

type Doc = Record<string, unknown>;

const tenantNamedBy = (c: Doc): string | undefined => {
  const tenant = ((c.reference as Doc | undefined)?.conversation as Doc | undefined)?.tenantId;
  return c.platform === 'teams' && typeof tenant === 'string' && tenant ? tenant : undefined;
};

/** The tenant of each stored Teams chat, by the bare key it had before tenants (a person's or a channel's id). */
export function teamsTenants(conversations: readonly Doc[]): Map<string, string> {
  const tenants = new Map<string, string>();
  for (const c of conversations) {
    const tenant = tenantNamedBy(c);
    const key = String(c.key);
    if (tenant) tenants.set(key.startsWith(`${tenant}/`) ? key.slice(tenant.length + 1) : key, tenant);
  }
  return tenants;
}

/** The workspace of a person or home recorded before workspaces: as much as the file can tell. */
export const legacyWorkspaceOf = (platform: unknown, key: unknown, tenants: Map<string, string>): string =>
  platform === 'playground' ? 'playground' : platform === 'teams' ? (tenants.get(String(key)) ?? LEGACY_WORKSPACE) : LEGACY_WORKSPACE;

/** A Teams chat's key moved under the tenant its reference names (as Teams keys are kept now). */
export const underTenant = <C extends { key: unknown }>(c: C): C => {
  const tenant = tenantNamedBy(c as unknown as Doc);
  return tenant && !String(c.key).startsWith(`${tenant}/`) ? { ...c, key: `${tenant}/${String(c.key)}` } : c;
};

function withWorkspaces(d: Doc): Doc {
  const conversations = (d.conversations ?? []) as Doc[];
  const tenants = teamsTenants(conversations);
  return {
    ...d,
    version: 6,
    partnerships: ((d.partnerships ?? []) as Doc[]).map((p) => ({
      ...p,
      homes: ((p.homes ?? []) as Doc[]).map((h) => ({ ...h, workspace: legacyWorkspaceOf(h.platform, h.conversationId, tenants) })),
    })),
    members: ((d.members ?? []) as Doc[]).map((m) => ({ ...m, workspace: legacyWorkspaceOf(m.platform, m.userId, tenants) })),
    conversations: conversations.map((c) => underTenant(c as Doc & { key: unknown })),
  };
}

/** Sets `threshold` on rounds, reviews and concerns lacking it. */
function stampThresholds(d: Record<string, unknown>, version: number): Record<string, unknown> {
  const thresholds = new Map((d.partnerships as { id: string; threshold: number }[]).map((p) => [p.id, p.threshold]));
  const stamp = <T extends Record<string, unknown>>(x: T, partnershipId: unknown): T =>
    'threshold' in x ? x : { ...x, threshold: thresholds.get(String(partnershipId)) ?? DEFAULT_THRESHOLD };
  return {
    ...d,
    version,
    rounds: ((d.rounds ?? []) as Record<string, unknown>[]).map((r) => stamp(r, r.partnershipId)),
    protocols: ((d.protocols ?? []) as Record<string, unknown>[]).map((x) => ({
      ...x,
      reviews: ((x.reviews ?? []) as Record<string, unknown>[]).map((r) => stamp(r, x.partnershipId)),
    })),
    concerns: ((d.concerns ?? []) as Record<string, unknown>[]).map((c) => stamp(c, c.partnershipId)),
  };
}
