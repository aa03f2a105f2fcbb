// A Bot Framework activity that is not of the shape Teams sends gets 400 and
// reaches neither botbuilder nor the core: the routes, and botbuilder itself,
// read these fields without checking them (a null `from` would be a crash, a
// numeric conversation id a conversation stored under a number). Only what is
// read is checked; everything else passes through as Teams sent it.
import type { Activity } from 'botbuilder';
import { z } from 'zod';
import { tenantOf } from './to-request.js';

const id = z.string().min(1);
const account = z.object({ id, name: z.string().optional() }).passthrough();
const object = z.record(z.unknown());

export const activityShape = z
  .object({
    type: id,
    // Every activity a channel sends has one: without it a retry could not be told from a new request.
    id,
    channelId: id,
    serviceUrl: id,
    from: account,
    recipient: account,
    // Teams always says which kind of conversation it is: Trellis answers, and keeps references, by it.
    conversation: z
      .object({ id, conversationType: z.enum(['personal', 'channel', 'groupChat']), name: z.string().optional(), tenantId: z.string().optional() })
      .passthrough(),
    name: z.string().optional(),
    text: z.string().optional(),
    action: z.string().optional(),
    locale: z.string().optional(),
    entities: z.array(object).optional(),
    attachments: z.array(object).optional(),
    membersAdded: z.array(account).optional(),
    membersRemoved: z.array(account).optional(),
    channelData: object.optional(),
  })
  .passthrough()
  // Teams ids are unique within a tenant only, so a person is known by both: Teams names the tenant on every activity.
  .refine((a) => a.channelId !== 'msteams' || tenantOf(a as unknown as Activity) !== '', {
    message: 'a Teams activity names its tenant (conversation.tenantId)',
    path: ['conversation', 'tenantId'],
  });
