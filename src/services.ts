// The dependencies operations reach through their context, built by server.ts (or a test)
// and passed to buildApp: nothing here reads the environment.
export interface Services {
  /** Milliseconds since the epoch; injected so that tests can move time. */
  now: () => number;
}

export function defaultServices(): Services {
  return { now: () => Date.now() };
}
