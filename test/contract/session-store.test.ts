// THE store contract, run against both implementations: compare-and-set, no resurrection,
// idempotency records committed with the session, claims, expiry.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/sessions/memory-store.js';
import { createRedisStore } from '../../src/sessions/redis-store.js';
import type { SessionStore } from '../../src/sessions/store.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';
import { waitUntilReady } from '../helpers/sessions.js';

function runStoreContract(name: string, make: () => Promise<{ store: SessionStore; close: () => Promise<void> }>) {
  describe(`session store contract: ${name}`, () => {
    let store: SessionStore;
    let close: () => Promise<void>;
    const id = () => randomBytes(8).toString('hex');
    const idem = (key: string, response = 'R') => ({ key, fingerprint: 'F', response, ttlMs: 60_000 });

    beforeAll(async () => { ({ store, close } = await make()); });
    afterAll(async () => { await close?.(); });

    it('creates at version 1, refuses a taken id, reads back the exact bytes', async () => {
      const s = id();
      const data = JSON.stringify({ x: 'é', y: [0.1, -0, 5e-324] });
      expect(await store.create(s, data, 60_000)).toEqual({ status: 'committed', version: 1 });
      expect(await store.create(s, 'other', 60_000)).toEqual({ status: 'exists' });
      expect(await store.get(s)).toEqual({ version: 1, data });
      expect(await store.get(id())).toBeUndefined();
    });

    it('compare-and-set: only the version read commits; a missing session is never resurrected', async () => {
      const s = id();
      await store.create(s, 'a', 60_000);
      expect(await store.update(s, 1, 'b', 60_000)).toEqual({ status: 'committed', version: 2 });
      expect(await store.update(s, 1, 'c', 60_000)).toEqual({ status: 'conflict' });
      expect(await store.get(s)).toEqual({ version: 2, data: 'b' });
      expect(await store.delete(s)).toBe(true);
      expect(await store.delete(s)).toBe(false);
      expect(await store.update(s, 2, 'd', 60_000)).toEqual({ status: 'missing' });
      expect(await store.get(s)).toBeUndefined();
    });

    it('an idempotency key commits with the write; a second write with the done key replays instead', async () => {
      const s = id();
      await store.create(s, 'a', 60_000);
      expect(await store.claim(s, 'k', 'F', 't1', 60_000)).toBeUndefined();
      expect(await store.claim(s, 'k', 'F', 't2', 60_000)).toEqual({ state: 'running', fingerprint: 'F' });
      expect(await store.update(s, 1, 'b', 60_000, idem('k', 'first'))).toEqual({ status: 'committed', version: 2 });
      expect(await store.update(s, 2, 'c', 60_000, idem('k', 'second'))).toEqual({ status: 'replay', response: 'first' });
      expect(await store.get(s)).toEqual({ version: 2, data: 'b' });
      expect(await store.claim(s, 'k', 'G', 't3', 60_000)).toEqual({ state: 'done', fingerprint: 'F', response: 'first' });
    });

    it('create with a done key replays', async () => {
      const s = id();
      expect(await store.create(s, 'a', 60_000, idem('c', 'made'))).toEqual({ status: 'committed', version: 1 });
      await store.delete(s);
      expect(await store.create(s, 'a', 60_000, idem('c', 'again'))).toEqual({ status: 'replay', response: 'made' });
      expect(await store.get(s)).toBeUndefined();
    });

    it('release frees only the holder\'s running claim', async () => {
      const s = id();
      await store.claim(s, 'r', 'F', 'mine', 60_000);
      await store.release(s, 'r', 'not-mine');
      expect((await store.claim(s, 'r', 'F', 'x', 60_000))?.state).toBe('running');
      await store.release(s, 'r', 'mine');
      expect(await store.claim(s, 'r', 'F', 'y', 60_000)).toBeUndefined();
    });

    it('sessions and claims expire', async () => {
      const s = id();
      await store.create(s, 'a', 150);
      await store.claim(s, 'e', 'F', 't', 150);
      await new Promise((r) => setTimeout(r, 300));
      expect(await store.get(s)).toBeUndefined();
      expect(await store.update(s, 1, 'b', 60_000)).toEqual({ status: 'missing' });
      expect(await store.claim(s, 'e', 'F', 't2', 150)).toBeUndefined();
    });

    it('answers ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}

runStoreContract('memory', async () => {
  const store = createMemoryStore({ now: () => Date.now(), maxSessions: 100 });
  return { store, close: () => store.close() };
});

let redis: TestRedis;
runStoreContract('redis', async () => {
  redis = await startTestRedis();
  const store = createRedisStore({ url: redis.url, prefix: `gs-test-${randomBytes(4).toString('hex')}:` });
  await waitUntilReady(store);
  return { store, close: async () => { await store.close(); await redis.stop(); } };
});

/** The bound (MAX_SESSIONS), on both stores, in real time: the Redis one is shared by replicas. */
interface BoundedStores { make(maxSessions: number): Promise<SessionStore>; close(): Promise<void> }

function runBoundContract(name: string, setup: () => Promise<BoundedStores>) {
  describe(`session store bound: ${name}`, () => {
    let stores: BoundedStores;
    const made: SessionStore[] = [];
    const bounded = async (maxSessions: number) => {
      const store = await stores.make(maxSessions);
      made.push(store);
      return store;
    };
    const idem = (key: string, response: string) => ({ key, fingerprint: 'F', response, ttlMs: 60_000 });
    beforeAll(async () => { stores = await setup(); });
    afterAll(async () => {
      await Promise.all(made.map((store) => store.close()));
      await stores?.close();
    });

    it('is full at maxSessions, counting only live sessions; a taken id and a done key answer as ever', async () => {
      const store = await bounded(2);
      expect(await store.create('a', 'x', 200)).toEqual({ status: 'committed', version: 1 });
      expect(await store.create('b', 'x', 60_000, idem('k', 'made b'))).toEqual({ status: 'committed', version: 1 });
      expect(await store.create('c', 'x', 60_000)).toEqual({ status: 'full' });
      expect(await store.create('b', 'y', 60_000)).toEqual({ status: 'exists' });
      expect(await store.create('b', 'y', 60_000, idem('k', 'again'))).toEqual({ status: 'replay', response: 'made b' });
      expect(await store.get('c')).toBeUndefined();
      await new Promise((r) => setTimeout(r, 400)); // 'a' has expired
      expect(await store.create('c', 'x', 60_000)).toEqual({ status: 'committed', version: 1 });
      expect(await store.create('d', 'x', 60_000)).toEqual({ status: 'full' });
    });

    it('a delete frees a place; a replayed create takes none', async () => {
      const store = await bounded(2);
      expect(await store.create('a', 'x', 60_000, idem('k', 'made'))).toEqual({ status: 'committed', version: 1 });
      expect(await store.delete('a')).toBe(true);
      expect(await store.create('a', 'x', 60_000, idem('k', 'again'))).toEqual({ status: 'replay', response: 'made' });
      expect(await store.create('b', 'x', 60_000)).toEqual({ status: 'committed', version: 1 });
      expect(await store.create('c', 'x', 60_000)).toEqual({ status: 'committed', version: 1 });
      expect(await store.create('d', 'x', 60_000)).toEqual({ status: 'full' });
      expect(await store.delete('b')).toBe(true);
      expect(await store.create('d', 'x', 60_000)).toEqual({ status: 'committed', version: 1 });
    });

    it('counts the live sessions: creates, deletes and expiries', async () => {
      const store = await bounded(10);
      expect(await store.count()).toBe(0);
      await store.create('a', 'x', 200);
      await store.create('b', 'x', 60_000);
      await store.create('b', 'x', 60_000); // taken: still two
      await store.create('c', 'x', 60_000);
      expect(await store.count()).toBe(3);
      await store.delete('c');
      expect(await store.count()).toBe(2);
      await new Promise((r) => setTimeout(r, 400));
      expect(await store.count()).toBe(1);
    });

    it('a write renews a session\'s place with its lifetime', async () => {
      const store = await bounded(2);
      await store.create('a', 'x', 200);
      await store.create('b', 'x', 60_000);
      expect(await store.update('a', 1, 'y', 60_000)).toEqual({ status: 'committed', version: 2 });
      await new Promise((r) => setTimeout(r, 400));
      expect(await store.get('a')).toEqual({ version: 2, data: 'y' });
      expect(await store.create('c', 'x', 60_000)).toEqual({ status: 'full' });
    });
  });
}

runBoundContract('memory', async () => ({
  make: async (maxSessions) => createMemoryStore({ now: () => Date.now(), maxSessions }),
  close: async () => {},
}));

runBoundContract('redis', async () => {
  const server = await startTestRedis();
  return {
    // Each store its own prefix: its own index, as a separate deployment would have.
    async make(maxSessions) {
      const store = createRedisStore({ url: server.url, prefix: `gs-test-${randomBytes(4).toString('hex')}:`, maxSessions });
      await waitUntilReady(store);
      return store;
    },
    close: () => server.stop(),
  };
});
