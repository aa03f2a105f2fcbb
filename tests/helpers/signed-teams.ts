// A Trellis with real Bot Framework authentication, offline: the local identity
// fakes (fake-microsoft-identity.ts), a fake connector, and the server started
// on the fakes' settings. The sign-in authority's certificate is self-made:
// trusted in this process, as NODE_EXTRA_CA_CERTS would be for an operator,
// until close.
import { globalAgent } from 'node:https';
import { startFakeMicrosoftIdentity, type FakeMicrosoftIdentity } from './fake-microsoft-identity.js';
import { startFakeTeamsConnector, type FakeTeamsConnector } from './fake-teams-connector.js';
import { startTrellis, type TestTrellis } from './start-trellis.js';
import type { Clock } from '../../src/core/ports/clock.js';

export interface SignedTeams {
  identity: FakeMicrosoftIdentity;
  connector: FakeTeamsConnector;
  trellis: TestTrellis;
  /** Stops all three and trusts again only what was trusted before. */
  close(): Promise<void>;
}

/** `clock`: the server's (a fake one, to let a grace period pass). */
export async function startSignedTeams(credentials: { appId: string; appPassword: string }, options: { clock?: Clock } = {}): Promise<SignedTeams> {
  const previousCa = globalAgent.options.ca;
  const identity = await startFakeMicrosoftIdentity(credentials);
  globalAgent.options.ca = identity.ca;
  let connector: FakeTeamsConnector | undefined;
  let trellis: TestTrellis | undefined;
  const close = async () => {
    await trellis?.close();
    await connector?.close();
    await identity.close();
    globalAgent.options.ca = previousCa;
  };
  try {
    connector = await startFakeTeamsConnector();
    trellis = await startTrellis(identity.env, options);
  } catch (e) {
    // What did start is stopped, so a failed beforeAll leaves no server listening.
    await close();
    throw e;
  }
  return { identity, connector, trellis, close };
}
