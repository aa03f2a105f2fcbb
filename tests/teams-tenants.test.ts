// Teams tenants end to end, with real Bot Framework authentication (the local
// issuer and token endpoint of teams-auth.test.ts): a partnership whose home is
// a channel in the host organisation's tenant, and one Teams user id that is a
// person in the host tenant and another person in a partner's tenant (ids are
// unique only within a tenant). Each joins, each is kept and reached in their
// own tenant, every proactive message names the tenant it goes to, and the app
// removed in one tenant stops what is sent there and nowhere else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeMicrosoftIdentity } from './helpers/fake-microsoft-identity.js';
import type { FakeTeamsConnector, SentActivity } from './helpers/fake-teams-connector.js';
import { startSignedTeams, type SignedTeams } from './helpers/signed-teams.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';
import { type Activity, ALEX as ALEX_IN_FIXTURES, CHANNEL, chatOf, fixture, inTenant, type Person, teamsRequests } from './helpers/teams-requests.js';

const APP_ID = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const APP_PASSWORD = 'local-test-app-password-tenants-0123456789';
/** The host organisation's tenant (the council's), and a partner's (the health trust's). */
const HOST = '72f988bf-0000-41af-91ab-2d7cd011db47';
const PARTNER = 'c0ffee00-0000-4b1d-9a2e-3f4a5b6c7d8e';
const ALEX = { ...ALEX_IN_FIXTURES, tenant: HOST };
/** One Teams user id, two people: Sam at the council (host tenant), Jo at the health trust (partner tenant). */
const TWIN_ID = '29:1sameUserIdInTwoTenants000000000000000000000000000000000000000000000000';
const SAM = { id: TWIN_ID, name: 'Sam Patel', aad: 'aad-sam-host-4e5f6a7b', tenant: HOST };
const JO = { id: TWIN_ID, name: 'Jo Reece', aad: 'aad-jo-partner-8c9d0e1f', tenant: PARTNER };
type Who = Required<Person>;

let world: SignedTeams;
let identity: FakeMicrosoftIdentity;
let connector: FakeTeamsConnector;
let trellis: TestTrellis;
let seq = 0;

beforeAll(async () => {
  world = await startSignedTeams({ appId: APP_ID, appPassword: APP_PASSWORD });
  ({ identity, connector, trellis } = world);
});
afterAll(() => world?.close());

// Every activity names its sender's tenant and is signed by the local issuer.
const teams = teamsRequests(() => ({ trellis, connector, identity }));
const { inChannel, inPersonal } = teams;
/** Posts a signed activity to the real endpoint; what the bot sent meanwhile, its queue drained. */
const deliver = async (activity: Activity, to = teams): Promise<SentActivity[]> => (await to.deliver(activity)).sent;

/** The app removed from the team whose General channel is the home (Teams → Manage team → Apps → Delete). */
function removedFromTeam(who: Who): Activity {
  const m = fixture('install-team');
  return inTenant(
    {
      ...m,
      type: 'installationUpdate',
      action: 'remove',
      membersAdded: undefined,
      id: `f:rmteam-${++seq}`,
      serviceUrl: connector.serviceUrl,
      from: { ...m.from, id: who.id },
      conversation: { ...m.conversation, id: CHANNEL },
      channelData: { ...(m.channelData as Activity), eventType: undefined, team: { ...(m.channelData as Activity).team, id: CHANNEL } },
    },
    who.tenant,
  );
}

/** The app removed from a person's personal scope (Teams → Apps → Uninstall), as Teams tells the bot. */
function removedByPerson(who: Who): Activity {
  const m = fixture('install-personal');
  return inTenant(
    {
      ...m,
      id: `f:rm-${++seq}`,
      action: 'remove',
      serviceUrl: connector.serviceUrl,
      from: { ...m.from, id: who.id },
      conversation: { ...m.conversation, id: chatOf(who) },
    },
    who.tenant,
  );
}

const textOf = (s: SentActivity) => JSON.stringify(s.activity.attachments);
const replyTo = (sent: SentActivity[], a: Activity) => sent.find((s) => s.replyToId === a.id);
const proactive = (sent: SentActivity[]) => sent.filter((s) => !s.replyToId);
const issuedBearers = () => identity.issued.map((t) => `Bearer ${t}`);
/** The tenant an outgoing activity names, in both places Teams reads it. */
const tenantsOf = (s: SentActivity) => ({
  conversation: (s.activity.conversation as { tenantId?: string }).tenantId,
  channelData: (s.activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id,
});

describe('Teams across tenants (one registration, MultiTenant)', () => {
  let code = '';
  let partnershipId = '';

  it('the same Teams user id in two tenants joins as two people, each kept in their own tenant', async () => {
    const setup = inChannel(ALEX, 'setup Cross Tenant Partnership');
    const sent = await deliver(setup);
    code = /\b([A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec(textOf(replyTo(sent, setup)!))![1]!;
    partnershipId = (await trellis.store.partnershipByHome('teams', CHANNEL))!.id;
    await deliver(inChannel(ALEX, 'org add City Council public'));
    await deliver(inChannel(ALEX, 'org add Health Trust public'));
    await deliver(inPersonal(ALEX, 'help')); // the coordinator's own personal chat

    const samJoins = inPersonal(SAM, `join ${code} City Council`);
    expect(textOf(replyTo(await deliver(samJoins), samJoins)!)).toContain('Welcome to **Cross Tenant Partnership**');
    // Not Sam changing organisation: Jo, a newcomer from another tenant.
    const joJoins = inPersonal(JO, `join ${code} Health Trust`);
    expect(textOf(replyTo(await deliver(joJoins), joJoins)!)).toContain('Welcome to **Cross Tenant Partnership**');

    const members = (await trellis.store.members(partnershipId)).filter((m) => m.userId === TWIN_ID);
    expect(members.map((m) => ({ workspace: m.workspace, displayName: m.displayName })).sort((a, b) => a.workspace.localeCompare(b.workspace))).toEqual(
      [
        { workspace: HOST, displayName: 'Sam Patel' },
        { workspace: PARTNER, displayName: 'Jo Reece' },
      ].sort((a, b) => a.workspace.localeCompare(b.workspace)),
    );
    expect(members[0]!.organisationId).not.toBe(members[1]!.organisationId);
    expect(await trellis.store.membershipsOf({ platform: 'teams', workspace: HOST, userId: TWIN_ID })).toHaveLength(1);
    expect(await trellis.store.membershipsOf({ platform: 'teams', workspace: PARTNER, userId: TWIN_ID })).toHaveLength(1);

    // Two references, one per tenant, each to its own personal chat.
    const host = await trellis.store.conversation('teams', `${HOST}/${TWIN_ID}`);
    const partner = await trellis.store.conversation('teams', `${PARTNER}/${TWIN_ID}`);
    expect(host?.reference).toMatchObject({ conversation: { id: chatOf(SAM), tenantId: HOST } });
    expect(partner?.reference).toMatchObject({ conversation: { id: chatOf(JO), tenantId: PARTNER } });
  });

  it('a check-in reaches each of them in their own tenant: the right chat, the tenant named in conversation and channelData, a bearer token', async () => {
    const open = inChannel(ALEX, 'survey now');
    const sent = await deliver(open);
    expect(textOf(replyTo(sent, open)!)).toContain('sent privately to 3 members');
    const cards = proactive(sent);
    expect(cards.map((s) => s.conversationId).sort()).toEqual([chatOf(ALEX), chatOf(SAM), chatOf(JO)].sort());
    for (const who of [ALEX, SAM, JO]) {
      const card = cards.find((s) => s.conversationId === chatOf(who))!;
      expect(tenantsOf(card)).toEqual({ conversation: who.tenant, channelData: who.tenant });
      expect(textOf(card)).toContain('Cross Tenant Partnership: check-in #1');
      expect(issuedBearers()).toContain(card.authorization);
    }
  });

  it('the app removed by Jo in the partner tenant: nothing more is sent to Jo, who counts as unreachable; Sam, the same id in the host tenant, is still reached', async () => {
    expect(await deliver(removedByPerson(JO))).toEqual([]);
    // The digest goes to the home channel, in the host tenant, naming it.
    const digest = proactive(await deliver(inChannel(ALEX, 'survey close 1')));
    expect(digest.map((s) => s.conversationId)).toEqual([CHANNEL]);
    expect(tenantsOf(digest[0]!)).toEqual({ conversation: HOST, channelData: HOST });
    const open = inChannel(ALEX, 'survey now');
    const sent = await deliver(open);
    expect(textOf(replyTo(sent, open)!)).toContain('1 of them cannot be messaged yet');
    expect(
      proactive(sent)
        .map((s) => s.conversationId)
        .filter((c) => c.startsWith('a:'))
        .sort(),
    ).toEqual([chatOf(ALEX), chatOf(SAM)].sort());
    expect(connector.sent.slice(-sent.length).some((s) => s.conversationId === chatOf(JO))).toBe(false);

    // Jo opens Trellis again (reinstalls, writes to it): reachable again.
    await deliver(inPersonal(JO, 'help'));
    expect((await trellis.store.conversation('teams', `${PARTNER}/${TWIN_ID}`))?.reference).toMatchObject({ serviceUrl: connector.serviceUrl });
  });

  it('the app removed from the host team: its home channel gets no more digests, personal chats still work', async () => {
    expect(await deliver(removedFromTeam(ALEX))).toEqual([]);
    const close = inPersonal(ALEX, 'survey close 2');
    const sent = await deliver(close);
    expect(textOf(replyTo(sent, close)!)).toContain('is closed');
    expect(sent.filter((s) => s.conversationId.startsWith(CHANNEL))).toEqual([]);
  });
});

describe('a SingleTenant registration', () => {
  it('serves a person from another tenant too: the type of app says where its own tokens come from, not whom it serves (botbuilder checks no tenant)', async () => {
    const single = await startTrellis({ ...identity.env, MicrosoftAppType: 'SingleTenant', MICROSOFT_APP_TENANT_ID: HOST });
    try {
      const other = {
        id: '29:1someoneInThePartnerTenant0000000000000000000000000000000000000000000000',
        name: 'Kit Lane',
        aad: 'aad-kit-2b3c4d5e',
        tenant: PARTNER,
      };
      const hello = inPersonal(other, 'help');
      const reply = replyTo(
        await deliver(
          hello,
          teamsRequests(() => ({ trellis: single, connector, identity })),
        ),
        hello,
      )!;
      expect(textOf(reply)).toContain('join');
      expect(tenantsOf(reply).conversation).toBe(PARTNER);
      expect(issuedBearers()).toContain(reply.authorization);
      expect((await single.store.conversation('teams', `${PARTNER}/${other.id}`))?.reference).toMatchObject({ conversation: { tenantId: PARTNER } });
    } finally {
      await single.close();
    }
  });
});
