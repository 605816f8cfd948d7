// The dependencies operations reach through their context, built by server.ts (or a test)
// and passed to buildApp: nothing here reads the environment.
import type { ComputePool } from './compute/pool.js';
import type { SessionStore } from './sessions/store.js';
import type { Redis } from 'ioredis';
import type { Metrics } from './http/metrics.js';

export interface Services {
  /** Milliseconds since the epoch; injected so that tests can move time. */
  now: () => number;
  /** Where sessions live; buildApp makes a memory store when none is given. */
  sessions?: SessionStore;
  /** The shared Redis client when STORE=redis: rate limits are counted there too. */
  redis?: Redis;
  /** Prometheus metrics of this app instance (buildApp creates them when not given). */
  metrics?: Metrics;
  /** Worker threads for costly computations; absent = everything runs on the event loop. */
  compute?: ComputePool;
}

export function defaultServices(): Services {
  return { now: () => Date.now() };
}
