// The shape of the data file, validated on every load. Bump STATE_VERSION and
// add a migration when it changes; never rewrite a file we do not understand.
import { z } from 'zod';
import { PARTNERSHIP_TYPES, PLATFORMS, ROLES, SECTORS } from '../core/model.js';

export const STATE_VERSION = 1;

const platform = z.enum(PLATFORMS);

const partnership = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  purpose: z.string(),
  type: z.enum(PARTNERSHIP_TYPES),
  homes: z.array(z.object({ platform, conversationId: z.string().min(1), label: z.string() })),
  timezone: z.string().min(1),
  threshold: z.number().int().min(3),
  inviteCode: z.string().min(1),
  createdAt: z.string(),
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
  userId: z.string().min(1),
  displayName: z.string(),
  organisationId: z.string().optional(),
  role: z.enum(ROLES),
  joinedAt: z.string(),
});

const conversation = z.object({
  platform,
  key: z.string().min(1),
  reference: z.record(z.unknown()),
  updatedAt: z.string(),
});

export const stateSchema = z.object({
  version: z.literal(STATE_VERSION),
  partnerships: z.array(partnership),
  organisations: z.array(organisation),
  members: z.array(member),
  conversations: z.array(conversation),
});

export type State = z.infer<typeof stateSchema>;

export const emptyState = (): State => ({ version: STATE_VERSION, partnerships: [], organisations: [], members: [], conversations: [] });
