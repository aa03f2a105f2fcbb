// A Teams uninstall's grace period end to end, with real Bot Framework
// authentication, on lowdb: Teams has no tenant-wide uninstall, so a person
// removing the app from their personal chat is what is recorded. Past the grace
// period that person's memberships in that tenant are erased — the same user
// id in another tenant is another person, and kept — unless they added the
// app back or wrote to Trellis again first. The coordinator is told how many,
// never who.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeClock } from './helpers/fake-clock.js';
import type { FakeMicrosoftIdentity } from './helpers/fake-microsoft-identity.js';
import type { FakeTeamsConnector, SentActivity } from './helpers/fake-teams-connector.js';
import { startSignedTeams, type SignedTeams } from './helpers/signed-teams.js';
import type { TestTrellis } from './helpers/start-trellis.js';
import { type Activity, ALEX as ALEX_IN_FIXTURES, chatOf, fixture, inTenant, type Person, teamsRequests } from './helpers/teams-requests.js';

const APP_ID = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const APP_PASSWORD = 'local-test-app-password-uninstall-0123456789';
const HOST = '72f988bf-0000-41af-91ab-2d7cd011db47';
const PARTNER = 'c0ffee00-0000-4b1d-9a2e-3f4a5b6c7d8e';
const DAY = 86_400_000;
const ALEX = { ...ALEX_IN_FIXTURES, tenant: HOST }; // coordinator
/** One Teams user id, two people: Sam in the host tenant (removes the app), Jo in the partner's (does not). */
const TWIN_ID = '29:1sameUserIdInTwoTenantsUninstall0000000000000000000000000000000000000000';
const SAM = { id: TWIN_ID, name: 'Sam Whitlock', aad: 'aad-sam-host-1a2b3c4d', tenant: HOST };
const JO = { id: TWIN_ID, name: 'Jo Reece', aad: 'aad-jo-partner-5e6f7a8b', tenant: PARTNER };
/** Removes the app, then adds it back within the grace period. */
const LEE = { id: '29:1LeeNovakHostTenant00000000000000000000000000000000000000000000000000', name: 'Lee Novak', aad: 'aad-lee-9c0d1e2f', tenant: HOST };
/** Removes the app, then writes to Trellis again within the grace period. */
const KIT = { id: '29:1KitLanePartnerTenant000000000000000000000000000000000000000000000000', name: 'Kit Lane', aad: 'aad-kit-3a4b5c6d', tenant: PARTNER };
type Who = Required<Person>;

const clock = fakeClock('2026-11-23T09:00:00Z');
let world: SignedTeams;
let identity: FakeMicrosoftIdentity;
let connector: FakeTeamsConnector;
let trellis: TestTrellis;
let seq = 0;

beforeAll(async () => {
  world = await startSignedTeams({ appId: APP_ID, appPassword: APP_PASSWORD }, { clock });
  ({ identity, connector, trellis } = world);
});
afterAll(() => world?.close());

const teams = teamsRequests(() => ({ trellis, connector, identity }));
const { inChannel, inPersonal } = teams;
const deliver = async (activity: Activity): Promise<SentActivity[]> => (await teams.deliver(activity)).sent;
const textOf = (s: SentActivity) => JSON.stringify(s.activity.attachments);

/** The app added to (`add`) or removed from (`remove`) a person's personal scope, as Teams tells the bot. */
function personalInstall(who: Who, action: 'add' | 'remove'): Activity {
  const m = fixture('install-personal');
  return inTenant(
    {
      ...m,
      id: `f:${action}-${++seq}`,
      action,
      serviceUrl: connector.serviceUrl,
      from: { ...m.from, id: who.id },
      conversation: { ...m.conversation, id: chatOf(who) },
    },
    who.tenant,
  );
}

type Data = { members: { workspace: string; userId: string }[]; removals: { workspace: string; userId?: string }[] };
const data = async () => JSON.parse(await trellis.data()) as Data;
const members = async () => (await data()).members.map((m) => `${m.workspace === HOST ? 'host' : 'partner'}:${m.userId}`).sort();

describe('Teams: a person removes the app from their personal chat', () => {
  it('is recorded, tells nobody, and is undone by adding the app back or writing to Trellis again', async () => {
    const setup = inChannel(ALEX, 'setup Cross Tenant Partnership');
    const code = /\b([A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec(textOf((await deliver(setup)).find((s) => s.replyToId === setup.id)!))![1]!;
    await deliver(inChannel(ALEX, 'org add City Council public'));
    await deliver(inPersonal(ALEX, 'help'));
    for (const who of [SAM, JO, LEE, KIT]) await deliver(inPersonal(who, `join ${code} City Council`));

    for (const who of [SAM, LEE, KIT]) expect(await deliver(personalInstall(who, 'remove'))).toEqual([]);
    expect((await data()).removals.map((r) => `${r.workspace === HOST ? 'host' : 'partner'}:${r.userId}`).sort()).toEqual(
      [`host:${SAM.id}`, `host:${LEE.id}`, `partner:${KIT.id}`].sort(),
    );
    clock.advance(10 * DAY);
    await deliver(personalInstall(LEE, 'add'));
    await deliver(inPersonal(KIT, 'help'));
    expect((await data()).removals.map((r) => r.userId)).toEqual([SAM.id]);
  });

  it('past the grace period erases only that person in that tenant, on the tick, and tells the coordinator how many', async () => {
    const everyone = await members();
    clock.advance(20 * DAY - 60_000);
    await trellis.tick();
    expect(await members()).toEqual(everyone);
    const from = connector.sent.length;
    clock.advance(60_000);
    await trellis.tick();
    await trellis.drain();
    expect(await members()).toEqual(everyone.filter((m) => m !== `host:${TWIN_ID}`));
    expect(await members()).toContain(`partner:${TWIN_ID}`); // Jo, the same id in another tenant
    expect((await data()).removals).toEqual([]);
    const told = connector.sent.slice(from).filter((s) => !s.replyToId);
    expect(told.map((s) => s.conversationId)).toEqual([chatOf(ALEX)]);
    expect(textOf(told[0]!)).toContain('1 member was removed from Cross Tenant Partnership and their personal data erased');
    expect(textOf(told[0]!)).not.toMatch(/Sam|Whitlock/);
    const stored = await trellis.data();
    for (const trace of ['Sam Whitlock', SAM.aad, `${HOST}/${TWIN_ID}`]) {
      expect(stored).not.toContain(trace);
      expect(trellis.logs.join('\n')).not.toContain(trace);
    }
  });
});
