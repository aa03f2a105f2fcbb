// The partnership domain. Plain data: every port stores and returns these shapes.

export const PLATFORMS = ['slack', 'teams', 'email', 'playground'] as const;
export type Platform = (typeof PLATFORMS)[number];

/**
 * A person as a platform knows them. User ids are unique only within a
 * workspace, so the workspace is part of who someone is: the same user id in
 * two Slack workspaces (or two Teams tenants) is two people. The workspace is
 * Slack's team id (the enterprise id for an Enterprise Grid org-wide install),
 * the Teams tenant id, 'email' or 'playground'.
 */
export interface Person {
  platform: Platform;
  workspace: string;
  userId: string;
}

/** A person's workspace in records written before workspaces: adopted by the one workspace connected at the time (core/upgrades.ts). */
export const LEGACY_WORKSPACE = '';

export const samePerson = (a: Person, b: Person) => a.platform === b.platform && a.workspace === b.workspace && a.userId === b.userId;

/**
 * Trellis removed from a Slack workspace (app_uninstalled), or from one person's
 * Teams chat (`userId`: that person): the members reached only through it are
 * erased once the grace period has passed, unless Trellis is added back first
 * (core/uninstall-grace.ts, core/commands/uninstall-erasure.ts). Holds no name: only whose it was and when.
 */
/** Days an uninstall waits before its members are erased, unless TRELLIS_UNINSTALL_GRACE_DAYS says otherwise. */
export const DEFAULT_UNINSTALL_GRACE_DAYS = 30;

export interface Removal {
  platform: Platform;
  workspace: string;
  userId?: string;
  removedAt: string;
}

export const SECTORS = ['public', 'private', 'voluntary', 'community'] as const;
export type Sector = (typeof SECTORS)[number];

export const PARTNERSHIP_TYPES = ['facilitating', 'coordinating', 'implementing'] as const;
export type PartnershipType = (typeof PARTNERSHIP_TYPES)[number];

export const ROLES = ['coordinator', 'member', 'critical-friend'] as const;
export type Role = (typeof ROLES)[number];

/** The smallest group whose aggregate may ever be shown (product privacy model). */
export const MIN_THRESHOLD = 3;
/** Higher than this, almost no partnership would ever see a result. */
export const MAX_THRESHOLD = 50;
export const DEFAULT_THRESHOLD = 5;
export const DEFAULT_TIMEZONE = 'Europe/London';

export interface HomeConversation {
  platform: Platform;
  /** The workspace (or tenant) it was made a home from: its messages go out through that installation. */
  workspace: string;
  conversationId: string;
  /** Human label, e.g. "#riverside" — shown in `status`. */
  label: string;
}

export interface Partnership {
  id: string;
  name: string;
  purpose: string;
  type: PartnershipType;
  homes: HomeConversation[];
  timezone: string;
  threshold: number;
  inviteCode: string;
  createdAt: string;
  schedule?: Schedule;
  survey: SurveySettings;
  /** When trends alert coordinators; defaults in DEFAULT_ALERTS. */
  alerts?: AlertSettings;
  /** Days before a protocol's review date that reminders go out; DEFAULT_LEAD_DAYS when unset. */
  leadDays?: number[];
  /** Dashboard and export links carry this; `dashboard revoke` raises it, ending every earlier link. 0 when unset. */
  linkGeneration?: number;
  /** The set-up checklist sent privately to whoever ran `setup`, kept so it can tick itself off (commands/setup-checklist.ts). */
  setupChecklist?: SetupChecklist;
  /** Set by `partnership close`: no more rounds, reminders or changes; its figures stay readable (commands/closing.ts). */
  closedAt?: string;
  /** Set once everything but the figures was erased, its retention's `closedMonths` after closing (commands/closed-erasure.ts). */
  erasedAt?: string;
  /** How long words and per-person records are kept (concerns/retention.ts, survey/retention.ts, survey/turnout.ts); DEFAULT_RETENTION when unset. */
  retention?: Partial<RetentionSettings>;
}

/** How long a partnership keeps what could say something about someone; the aggregates are kept for ever. */
export interface RetentionSettings {
  /** Concern and reply text is erased this many months after the conversation is resolved or closed. */
  concernMonths: number;
  /** Check-in and review comments are erased this many months after their round closed (and its digest went out). */
  commentMonths: number;
  /** A closed round's invitations are reduced to counts this many days after it closed. */
  invitationDays: number;
  /** A closed partnership keeps everything but its figures this many months after it closed (commands/closed-erasure.ts). */
  closedMonths: number;
}

export const DEFAULT_RETENTION: RetentionSettings = { concernMonths: 12, commentMonths: 24, invitationDays: 30, closedMonths: 12 };
/** The bounds `set retention` accepts: long enough to act on, short of keeping things for ever. */
export const RETENTION_LIMITS: Record<keyof RetentionSettings, { min: number; max: number }> = {
  concernMonths: { min: 1, max: 120 },
  commentMonths: { min: 1, max: 120 },
  invitationDays: { min: 1, max: 365 },
  closedMonths: { min: 1, max: 120 },
};
export const retentionOf = (p: Partnership): RetentionSettings => ({ ...DEFAULT_RETENTION, ...p.retention });
/** Sent and failed messages leave the outbox after this many days, for every partnership alike (src/delivery/dispatcher.ts prunes). */
export const KEEP_SENT_DAYS = 30;

export interface SetupChecklist {
  /** Whose checklist it is: the coordinator who ran `setup`. */
  memberId: string;
  /** Where it landed, so it can be updated in place. */
  delivery: Delivery;
  /** The steps it shows as done, so it is updated only when that changes (and no more once all are). */
  done: string[];
}

export interface AlertSettings {
  /** A change this many points or more (and outside its uncertainty) is notable. */
  notablePoints: number;
  /** Trust or commitment under this index alerts, whatever the change. */
  floor: number;
}

export const DEFAULT_ALERTS: AlertSettings = { notablePoints: 10, floor: 50 };

export interface Organisation {
  id: string;
  partnershipId: string;
  name: string;
  sector: Sector;
}

export interface Member extends Person {
  id: string;
  partnershipId: string;
  displayName: string;
  /** Absent for an independent person such as an external critical friend. */
  organisationId?: string;
  role: Role;
  joinedAt: string;
  /** Set once this person has been a coordinator of the partnership: they can never become its critical friend. */
  wasCoordinator?: true;
  /** When they took their present role (joinedAt when unset): a dashboard link given before it never opens again. */
  roleSince?: string;
  /** An email member's address, sealed (email-identity.ts): never stored in the clear. */
  contact?: string;
}

// ---- Pulse check-ins -------------------------------------------------------

export const CADENCES = ['weekly', 'fortnightly', 'monthly'] as const;
export type Cadence = (typeof CADENCES)[number];

export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface Schedule {
  cadence: Cadence;
  /** Weekly/fortnightly: a weekday. Monthly: a weekday (its first in the month) or a day 1–28. */
  day: Weekday | number;
  /** Local time in the partnership's timezone, "HH:MM". */
  time: string;
  /** Slots before this instant never open a round (set when scheduled). */
  since: string;
}

export interface SurveySettings {
  remindAfterMinutes: number;
  windowMinutes: number;
}

export const DEFAULT_SURVEY_SETTINGS: SurveySettings = { remindAfterMinutes: 48 * 60, windowMinutes: 5 * 24 * 60 };

export interface Round {
  id: string;
  partnershipId: string;
  /** 1, 2, 3… per partnership; health checks count too. */
  number: number;
  /** 'closing': the free-text check-in sent when the partnership closes (commands/closing-check-in.ts); never in the figures. */
  kind: 'pulse' | 'healthcheck' | 'closing';
  itemIds: string[];
  /** The partnership's threshold when the round opened: its figures never use a lower one. */
  threshold: number;
  openedAt: string;
  remindAt: string;
  closesAt: string;
  remindedAt?: string;
  closedAt?: string;
  /** The schedule slot this round was opened for, if any (so a slot opens once). */
  slot?: string;
  /** Set when a closed round is compacted: its invitations are gone, their counts stay. */
  tally?: { invited: number; answered: number };
  /** Set when a coordinator cancels it (`survey cancel`): its invitations and answers are deleted, and it counts nowhere. Kept so its slot never opens again. */
  cancelledAt?: string;
  /** Set once its answer sets' comments are erased (survey/retention.ts), so the expiry never looks at it again. */
  commentsDropped?: true;
}

/** Where a private message landed, so it can be updated later. Opaque to the core. */
export type Delivery = { platform: Platform } & Record<string, unknown>;

/**
 * Who was asked — written when a round opens, never when someone answers.
 * Whether a person has answered is found through their answer set's keyed
 * hash (see answering.ts): a mark here, changed by answering, would show two
 * backups taken either side of an answer whose it was.
 */
export interface Invitation {
  /** The check-in round's id, or a protocol review's: reviews are asked like check-ins (the name is kept on disk). */
  roundId: string;
  memberId: string;
  /** Where the check-in was delivered, so it can be updated to "Answered". */
  delivery?: Delivery;
}

export const SCALE = [1, 2, 3, 4, 5] as const;
export type ScaleValue = (typeof SCALE)[number];
/** The scale's ends: every figure runs from 0 at the lowest to 100 at the highest. */
export const SCALE_LOWEST = SCALE[0];
export const SCALE_HIGHEST = SCALE[SCALE.length - 1]!;

/**
 * What one person answered in one round. `key` is a keyed hash of the member
 * and the round under TRELLIS_SECRET: it lets that person change their answers,
 * and links nothing across rounds or to anyone without the secret.
 */
export interface AnswerSet {
  /** The check-in round's id, or a protocol review's: reviews are answered like check-ins (the name is kept on disk). */
  roundId: string;
  key: string;
  /**
   * The person's organisation and sector, sealed at rest (answer-group.ts): in the
   * clear they would name whoever answered for an organisation of one.
   */
  group?: string;
  /** Opened from `group` for the figures (never stored so, but by versions before sealing). */
  organisationId?: string;
  sector?: Sector;
  /** itemId → 1–5, or null for "prefer not to say". */
  values: Record<string, ScaleValue | null>;
  /** Answers that are choices, not scale points (a review's keep / revise / retire). */
  choices?: Record<string, string>;
  comment?: string;
  /** A closing check-in's free-text answers, by question id: free text, erased with the comments. */
  texts?: Record<string, string>;
}

/** A statement or a whole factor a coordinator added to their partnership's bank. */
export interface CustomItem {
  id: string;
  partnershipId: string;
  factor: string;
  /** Set when this item created a new (custom) factor. */
  factorLabel?: string;
  text: string;
}

// ---- Protocol register and reviews ------------------------------------------

export const PROTOCOL_KINDS = ['protocol', 'agreement', 'mou'] as const;
export type ProtocolKind = (typeof PROTOCOL_KINDS)[number];
export const PROTOCOL_STATUSES = ['draft', 'active', 'under-review', 'retired'] as const;
export type ProtocolStatus = (typeof PROTOCOL_STATUSES)[number];
export const REVIEW_OUTCOMES = ['kept', 'revised', 'retired'] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];
export const DEFAULT_LEAD_DAYS = [30, 7, 1];

export interface ProtocolReview {
  /** Also the id its invitations and answer sets are filed under. */
  id: string;
  startedAt: string;
  /** The partnership's threshold when the review started: its summary never uses a lower one. */
  threshold: number;
  closedAt?: string;
  outcome?: ReviewOutcome;
  /**
   * Written before schema 4 and no longer shown: the figures are worked out from
   * the answer sets when shown (review-summary.ts), so a raised threshold applies to them.
   */
  summary?: string;
  /** Set once its answer sets' comments are erased (survey/retention.ts). */
  commentsDropped?: true;
}

export interface Protocol {
  id: string;
  partnershipId: string;
  /** Shown as P-<ref>; 1, 2, 3… per partnership. */
  ref: number;
  title: string;
  kind: ProtocolKind;
  purpose: string;
  partyOrgIds: string[];
  ownerMemberId: string;
  link?: string;
  cycleMonths?: number;
  /** A local date (YYYY-MM-DD) in the partnership's timezone. */
  nextReview: string;
  status: ProtocolStatus;
  reviews: ProtocolReview[];
  /** Reminders due before this instant were not missed, they predate the date (only the latest such goes out). */
  remindersFrom: string;
  /** No reminders to the owner before this local date. */
  snoozedUntil?: string;
  createdAt: string;
}

/** A reminder that has gone out (or an upgrade pass that has run), so that none goes out twice. */
export interface SentReminder {
  key: string;
  sentAt: string;
  late: boolean;
}

// ---- Critical friend ---------------------------------------------------------

export const CONCERN_CATEGORIES = ['roles', 'philosophies', 'priorities', 'power', 'communication', 'commitment', 'other'] as const;
export type ConcernCategory = (typeof CONCERN_CATEGORIES)[number];
export const CONCERN_STATUSES = ['pending', 'open', 'acknowledged', 'resolved', 'closed'] as const;
export type ConcernStatus = (typeof CONCERN_STATUSES)[number];

export interface ConcernMessage {
  from: 'reporter' | 'friend';
  text: string;
  /** The day only: exact times could point to the person who just went quiet in a meeting. */
  day: string;
}

/** What of a concern is sealed at rest: its words, and who may read them. */
export interface ConcernBody {
  /** Only when the person chose to say it. */
  organisation?: string;
  messages: ConcernMessage[];
  escalation?: { status: 'requested' | 'approved' | 'declined'; proposed: string; approved?: string };
  /**
   * Member ids of the critical friends it is addressed to: those in the role
   * when it was raised, or those it was handed to with its reporter's consent.
   * A friend who leaves the role is taken off; nobody is ever added otherwise.
   */
  friendIds: string[];
  /** Its critical friend left: the reporter is asked to hand it to the one(s) now in place, or close it. */
  handover?: 'asked';
  /**
   * The day (UTC) it was last resolved or closed, set by saveConcern (concern-seal.ts): its text
   * is erased a set time after (concerns/retention.ts). Sealed, so no clear timing is added.
   */
  closedOn?: string;
}

/** What of a concern is stored in the clear: enough to deliver it and count themes, nothing it says. */
export interface ConcernHead {
  id: string;
  partnershipId: string;
  /** Made for this concern alone, e.g. C-7F3K. */
  pseudonym: string;
  category: ConcernCategory;
  /** The person agreed that the critical friend may later ask to raise it with coordinators. */
  mayAskToEscalate: boolean;
  status: ConcernStatus;
  /** Until delivered: when it goes to the critical friend (a random delay hides timing). */
  deliverAt?: string;
  /** Year and month, for themes. */
  month: string;
  /** The partnership's threshold when it was raised: themes counting it never show a smaller group. */
  threshold: number;
  /** The only way back to the reporter, sealed (relay.ts). */
  relay: string;
}

/**
 * A concern raised with the critical friend, as the core reads it. Nothing
 * here names the person who raised it: the way back to them (`relay`) is
 * encrypted under a key derived from TRELLIS_SECRET, and so is the body.
 */
export type Concern = ConcernHead & ConcernBody;

/**
 * A concern as the stores hold it: the body sealed in `sealed` (concern-seal.ts).
 * Records written before sealing carry `organisation`, `messages` and
 * `escalation` in the clear until the upgrade pass seals them.
 */
export type StoredConcern = ConcernHead & { sealed?: string } & Partial<Pick<ConcernBody, 'organisation' | 'messages' | 'escalation'>>;

/**
 * One concern slot of one person's day taken, under a keyed hash of person,
 * day and slot: each record stands for one concern, so none groups a person's.
 * Records from before slots hold `count` under a keyed hash of person and day.
 */
export interface ConcernQuota {
  key: string;
  count?: number;
}
