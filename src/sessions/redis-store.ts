// The Redis store: sessions shared by any number of replicas. Every write is one Lua script
// (compare-and-set on the version, idempotency record in the same script), registered with
// defineCommand: ioredis sends EVALSHA and falls back to EVAL on NOSCRIPT, so a restarted Redis
// with an empty script cache recovers by itself. Errors surface as 503 service-unavailable.
// MAX_SESSIONS counts the sessions of every replica: an index of live sessions in Redis.
import { Redis, type RedisOptions } from 'ioredis';
import type { FastifyBaseLogger } from 'fastify';
import { ServiceError } from '../errors.js';
import { CLAIM, COUNT, CREATE, REFUSE_FULL, RELEASE, RESERVE, TOUCH, UPDATE } from './redis-scripts.js';
import type { CommitOutcome, IdempotencyCommit, IdempotencyEntry, SessionStore } from './store.js';

type Reply = [string, string?] | null;

interface ScriptedRedis extends Redis {
  gsCreate(session: string, key: string, ...args: (string | number)[]): Promise<Reply>;
  gsRefuseFull(session: string, key: string, hasKey: string): Promise<Reply>;
  gsReserve(index: string, id: string, ttlMs: number, maxSessions: number): Promise<number>;
  gsTouch(index: string, id: string, ttlMs: number): Promise<number>;
  gsCount(index: string): Promise<number>;
  gsUpdate(session: string, key: string, ...args: (string | number)[]): Promise<Reply>;
  gsClaim(key: string, ...args: (string | number)[]): Promise<(string | null)[] | null>;
  gsRelease(key: string, token: string): Promise<number>;
}

export interface RedisStoreOptions {
  url: string;
  log?: Pick<FastifyBaseLogger, 'warn' | 'info'>;
  /** Milliseconds a command may take before it fails (default 2000). */
  commandTimeoutMs?: number;
  /** Seconds a client should wait before retrying after a 503 (default 1). */
  retryAfterSeconds?: number;
  /** Prefix of every key (default 'gs:'). */
  prefix?: string;
  /** Sessions held at most, by all replicas together; a create beyond it is refused ('full'). Unbounded when left out. */
  maxSessions?: number;
}

/** Fail fast: nothing waits in a queue for a Redis that is away, nothing replays late. */
export function failFastOptions(commandTimeoutMs: number): RedisOptions {
  return {
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 1,
    commandTimeout: commandTimeoutMs,
    connectTimeout: commandTimeoutMs,
    // Keep reconnecting in the background, at most a second apart.
    retryStrategy: (attempt: number) => Math.min(50 * attempt, 1000),
  };
}

export function createRedisStore(options: RedisStoreOptions): SessionStore {
  const timeout = options.commandTimeoutMs ?? 2000;
  const retryAfter = options.retryAfterSeconds ?? 1;
  const prefix = options.prefix ?? 'gs:';
  const redis = new Redis(options.url, failFastOptions(timeout)) as ScriptedRedis;
  redis.defineCommand('gsCreate', { numberOfKeys: 2, lua: CREATE });
  redis.defineCommand('gsUpdate', { numberOfKeys: 2, lua: UPDATE });
  redis.defineCommand('gsRefuseFull', { numberOfKeys: 2, lua: REFUSE_FULL });
  redis.defineCommand('gsReserve', { numberOfKeys: 1, lua: RESERVE });
  redis.defineCommand('gsTouch', { numberOfKeys: 1, lua: TOUCH });
  redis.defineCommand('gsCount', { numberOfKeys: 1, lua: COUNT });
  redis.defineCommand('gsClaim', { numberOfKeys: 1, lua: CLAIM });
  redis.defineCommand('gsRelease', { numberOfKeys: 1, lua: RELEASE });

  // One line per outage, not one per reconnection attempt.
  let healthy = true;
  redis.on('error', (err: Error) => {
    if (healthy) options.log?.warn({ err: { message: err.message } }, 'session store unreachable');
    healthy = false;
  });
  redis.on('ready', () => {
    if (!healthy) options.log?.info({}, 'session store reachable again');
    healthy = true;
  });

  const sessionKey = (id: string) => `${prefix}{${id}}:session`;
  const idemKey = (id: string, key: string) => `${prefix}{${id}}:key:${key}`;
  const indexKey = `${prefix}{index}:sessions`;
  // The index is kept even when unbounded: it is also what count() reads.
  const maxSessions = options.maxSessions ?? Number.MAX_SAFE_INTEGER;
  const ttlArg = (ttlMs: number) => Math.max(1, Math.ceil(ttlMs));

  async function call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof ServiceError) throw err;
      throw new ServiceError('service-unavailable', `The session store is unreachable (${(err as Error).message}).`, { retryAfter });
    }
  }

  const idemArgs = (idem?: IdempotencyCommit) =>
    (idem ? [idem.fingerprint, idem.response, idem.ttlMs] : ['', '', 0]);

  function outcome(reply: Reply): CommitOutcome {
    const [status, value] = reply ?? [];
    switch (status) {
      case 'committed': return { status, version: Number(value) };
      case 'replay': return { status, response: value ?? '' };
      case 'conflict': case 'missing': case 'exists': case 'full': return { status };
      default: throw new ServiceError('internal', `Unexpected reply from the session store: ${String(status)}.`);
    }
  }

  return {
    kind: 'redis',
    get: (id) => call(async () => {
      const [v, d] = await redis.hmget(sessionKey(id), 'v', 'd');
      return v === null || d === null ? undefined : { version: Number(v), data: d };
    }),
    create: (id, data, ttlMs, idem) => call(async () => {
      const session = sessionKey(id);
      const key = idemKey(id, idem?.key ?? '');
      const hasKey = idem ? '1' : '0';
      // Counted in first, so that two replicas never both take the last place.
      const reserved = await redis.gsReserve(indexKey, id, ttlArg(ttlMs), maxSessions);
      if (reserved < 0) return outcome(await redis.gsRefuseFull(session, key, hasKey));
      const result = outcome(await redis.gsCreate(session, key, hasKey, data, ttlArg(ttlMs), ...idemArgs(idem)));
      // A replay wrote nothing: its place goes back. A taken id keeps its place.
      if (reserved === 1 && result.status === 'replay') await redis.zrem(indexKey, id);
      return result;
    }),
    update: (id, expected, data, ttlMs, idem) => call(async () => {
      const result = outcome(await redis.gsUpdate(
        sessionKey(id), idemKey(id, idem?.key ?? ''), idem ? '1' : '0', String(expected), data, ttlArg(ttlMs), ...idemArgs(idem)));
      // The write is committed whatever happens here: a failure must not turn it into a 503
      // (a retry would step again). A missed renewal only lets the index forget the session early.
      if (result.status === 'committed') await redis.gsTouch(indexKey, id, ttlArg(ttlMs)).catch(() => 0);
      return result;
    }),
    delete: (id) => call(async () => {
      const [deleted] = await Promise.all([redis.del(sessionKey(id)), redis.zrem(indexKey, id)]);
      return deleted > 0;
    }),
    count: () => call(() => redis.gsCount(indexKey)),
    claim: (id, key, fingerprint, token, leaseMs) => call(async (): Promise<IdempotencyEntry | undefined> => {
      const entry = await redis.gsClaim(idemKey(id, key), fingerprint, token, ttlArg(leaseMs));
      if (!entry) return undefined;
      const [state, fp, response] = entry;
      return { state: state === 'done' ? 'done' : 'running', fingerprint: fp ?? '', ...(response ? { response } : {}) };
    }),
    release: (id, key, token) => call(async () => { await redis.gsRelease(idemKey(id, key), token); }),
    ping: () => call(async () => { await redis.ping(); }),
    async close() {
      try {
        await redis.quit();
      } catch {
        redis.disconnect();
      }
    },
  };
}
