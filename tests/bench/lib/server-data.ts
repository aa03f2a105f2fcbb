// The partnership the server benchmarks run against, written through the
// store API (as `setup`, `org add` and `join` would have), before the server starts.
import { EMAIL_WORKSPACE, emailUserId, normaliseAddress, sealContact } from '../../../src/core/email-identity.js';
import { DEFAULT_SURVEY_SETTINGS, SECTORS } from '../../../src/core/model.js';
import type { Store } from '../../../src/store/store.js';

export const BENCH_PARTNERSHIP = 'p-bench';
export const BENCH_CHANNEL = { channel_id: 'C0BENCH', channel_name: 'bench' };
const ORGS = 12;

/** Member i's Slack user id; member 0 is the coordinator. */
export const userIdOf = (i: number) => `U${String(i).padStart(7, '0')}`;

/**
 * `workspaces`: the Slack workspaces the members are spread over, in equal consecutive runs (member 0, the
 * coordinator, in the first); the home channel is in the first too, and shared with the others (Slack Connect).
 */
export async function seedPartnership(store: Store, members: number, workspaces: string[] = ['T0001']): Promise<void> {
  const perWorkspace = Math.ceil(members / workspaces.length);
  const now = new Date().toISOString();
  await store.savePartnership({
    id: BENCH_PARTNERSHIP,
    name: 'Bench Partnership',
    purpose: 'Benchmarks',
    type: 'coordinating',
    homes: [{ platform: 'slack', workspace: workspaces[0]!, conversationId: BENCH_CHANNEL.channel_id, label: `#${BENCH_CHANNEL.channel_name}` }],
    timezone: 'Europe/London',
    threshold: 5,
    inviteCode: 'BNCH-2345',
    createdAt: now,
    survey: DEFAULT_SURVEY_SETTINGS,
  });
  await Promise.all(
    Array.from({ length: ORGS }, (_, j) =>
      store.saveOrganisation({ id: `o${j}`, partnershipId: BENCH_PARTNERSHIP, name: `Organisation ${j}`, sector: SECTORS[j % SECTORS.length]! }),
    ),
  );
  await Promise.all(
    Array.from({ length: members }, (_, i) =>
      store.saveMember({
        id: `m${i}`,
        partnershipId: BENCH_PARTNERSHIP,
        platform: 'slack',
        workspace: workspaces[Math.floor(i / perWorkspace)]!,
        userId: userIdOf(i),
        displayName: `Member ${i}`,
        organisationId: `o${i % ORGS}`,
        role: i === 0 ? 'coordinator' : 'member',
        joinedAt: now,
      }),
    ),
  );
}

/** Email member i's address (the benchmark's SMTP server accepts any). */
export const emailAddressOf = (i: number) => `member.${i}@bench.example.org`;

/**
 * Email members as `member add` stores them: named by the keyed hash of their
 * address, the address kept only sealed under the secret.
 */
export async function seedEmailMembers(store: Store, secret: string, count: number): Promise<void> {
  const now = new Date().toISOString();
  await Promise.all(
    Array.from({ length: count }, (_, i) => {
      const address = normaliseAddress(emailAddressOf(i))!;
      return store.saveMember({
        id: `e${i}`,
        partnershipId: BENCH_PARTNERSHIP,
        platform: 'email',
        workspace: EMAIL_WORKSPACE,
        userId: emailUserId(secret, address),
        displayName: `Email member ${i}`,
        contact: sealContact(secret, address),
        organisationId: `o${i % ORGS}`,
        role: 'member',
        joinedAt: now,
      });
    }),
  );
}
