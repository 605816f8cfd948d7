// The in-process store: one replica only. Every method runs synchronously to completion, so
// each write is atomic; expiry is checked against the injected clock on every read.
import type { CommitOutcome, IdempotencyCommit, IdempotencyEntry, SessionStore, StoredSession } from './store.js';

interface Expiring<T> { value: T; expiresAt: number }
interface Claim extends IdempotencyEntry { token?: string }

export interface MemoryStoreOptions {
  now: () => number;
  /** Sessions held at most; a create beyond it is refused ('full'). */
  maxSessions: number;
}

export function createMemoryStore({ now, maxSessions }: MemoryStoreOptions): SessionStore {
  const sessions = new Map<string, Expiring<StoredSession>>();
  const keys = new Map<string, Expiring<Claim>>();
  const keyOf = (id: string, key: string) => `${id}\u0000${key}`;

  function live<T>(map: Map<string, Expiring<T>>, k: string): T | undefined {
    const entry = map.get(k);
    if (!entry) return undefined;
    if (entry.expiresAt <= now()) {
      map.delete(k);
      return undefined;
    }
    return entry.value;
  }

  function sweep(): void {
    const t = now();
    for (const [k, e] of sessions) if (e.expiresAt <= t) sessions.delete(k);
    for (const [k, e] of keys) if (e.expiresAt <= t) keys.delete(k);
  }

  /** A completed key wins over the write: the same request must not apply twice. */
  function completed(id: string, idem?: IdempotencyCommit): CommitOutcome | undefined {
    if (!idem) return undefined;
    const entry = live(keys, keyOf(id, idem.key));
    return entry?.state === 'done' ? { status: 'replay', response: entry.response! } : undefined;
  }

  function write(id: string, version: number, data: string, ttlMs: number, idem?: IdempotencyCommit): CommitOutcome {
    sessions.set(id, { value: { version, data }, expiresAt: now() + ttlMs });
    if (idem) {
      keys.set(keyOf(id, idem.key), {
        value: { state: 'done', fingerprint: idem.fingerprint, response: idem.response },
        expiresAt: now() + idem.ttlMs,
      });
    }
    return { status: 'committed', version };
  }

  return {
    kind: 'memory',
    async get(id) {
      const s = live(sessions, id);
      return s && { ...s };
    },
    async create(id, data, ttlMs, idem) {
      const replay = completed(id, idem);
      if (replay) return replay;
      if (live(sessions, id)) return { status: 'exists' };
      if (sessions.size >= maxSessions) sweep();
      if (sessions.size >= maxSessions) return { status: 'full' };
      return write(id, 1, data, ttlMs, idem);
    },
    async update(id, expected, data, ttlMs, idem) {
      const replay = completed(id, idem);
      if (replay) return replay;
      const current = live(sessions, id);
      if (!current) return { status: 'missing' };
      if (current.version !== expected) return { status: 'conflict' };
      return write(id, expected + 1, data, ttlMs, idem);
    },
    async delete(id) {
      const existed = live(sessions, id) !== undefined;
      sessions.delete(id);
      return existed;
    },
    async count() {
      sweep();
      return sessions.size;
    },
    async claim(id, key, fingerprint, token, leaseMs) {
      const k = keyOf(id, key);
      const entry = live(keys, k);
      if (entry) return { state: entry.state, fingerprint: entry.fingerprint, ...(entry.response ? { response: entry.response } : {}) };
      if (keys.size > 10 * maxSessions) sweep();
      keys.set(k, { value: { state: 'running', fingerprint, token }, expiresAt: now() + leaseMs });
      return undefined;
    },
    async release(id, key, token) {
      const k = keyOf(id, key);
      const entry = live(keys, k);
      if (entry?.state === 'running' && entry.token === token) keys.delete(k);
    },
    async ping() {},
    async close() {
      sessions.clear();
      keys.clear();
    },
  };
}
