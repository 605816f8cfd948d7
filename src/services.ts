// The dependencies operations reach through their context, built by server.ts (or a test)
// and passed to buildApp: nothing here reads the environment.
import type { SessionStore } from './sessions/store.js';

export interface Services {
  /** Milliseconds since the epoch; injected so that tests can move time. */
  now: () => number;
  /** Where sessions live; buildApp makes a memory store when none is given. */
  sessions?: SessionStore;
}

export function defaultServices(): Services {
  return { now: () => Date.now() };
}
