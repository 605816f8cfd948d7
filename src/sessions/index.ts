// The factory: the configured session store (STORE=memory | redis).
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.js';
import { createMemoryStore } from './memory-store.js';
import { createRedisStore } from './redis-store.js';
import type { SessionStore } from './store.js';

export interface SessionStoreDeps {
  now: () => number;
  log?: Pick<FastifyBaseLogger, 'warn' | 'info'>;
}

export function createSessionStore(config: Config, deps: SessionStoreDeps): SessionStore {
  if (config.store === 'redis') return createRedisStore({ url: config.redisUrl, log: deps.log, maxSessions: config.limits.maxSessions });
  return createMemoryStore({ now: deps.now, maxSessions: config.limits.maxSessions });
}

export type { SessionStore } from './store.js';
