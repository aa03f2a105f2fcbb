// The core on fakes, as the core tests drive it: an in-memory store over a
// state the test reads directly, a fake clock and a messenger that records
// what it sent. No server, no platform.
import { createTrellis, type Trellis } from '../../src/core/trellis.js';
import { StateStore } from '../../src/store/state-store.js';
import { emptyState, type State } from '../../src/store/state-schema.js';
import { corePorts } from './core-ports.js';
import { fakeClock, type FakeClock } from './fake-clock.js';
import { fakeMessenger, type FakeMessenger } from './fake-messenger.js';

/** What createTrellis takes besides the store, clock and messenger made here (the secret at least). */
type Options = Omit<Parameters<typeof createTrellis>[0], 'store' | 'coordination' | 'deliveryStatus' | 'clock' | 'messenger'>;

export interface CoreTrellis {
  state: State;
  clock: FakeClock;
  messenger: FakeMessenger;
  trellis: Trellis;
  /** A new Trellis on the same state, clock and messenger: the process restarted. */
  restart(): Trellis;
}

/** A fresh core Trellis with the clock at `start`. */
export function coreTrellis(start: string, options: Options): CoreTrellis {
  const state = emptyState();
  const clock = fakeClock(start);
  const messenger = fakeMessenger();
  const restart = () => createTrellis({ ...corePorts(new StateStore(state)), clock, messenger, ...options });
  return { state, clock, messenger, trellis: restart(), restart };
}
