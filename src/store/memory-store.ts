// The memory store: the state store with nothing behind it, for tests.
// Everything is lost when the process stops.
import { StateStore } from './state-store.js';

export const createMemoryStore = () => new StateStore();
