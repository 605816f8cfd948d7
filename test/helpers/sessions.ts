// Session test harness: the same suite runs against the memory store and a real Redis.
import type { FastifyInstance } from 'fastify';
import { randomBytes } from 'node:crypto';
import { createMetrics, instrumentStore } from '../../src/http/metrics.js';
import { createRedisStore } from '../../src/sessions/redis-store.js';
import type { SessionStore } from '../../src/sessions/store.js';
import { makeApp, testConfig } from './app.js';
import { startTestRedis, type TestRedis } from './redis.js';

export interface StoreHarness {
  name: 'memory' | 'redis';
  /** Two apps ("replicas") sharing one store; with memory both are the same app. */
  replicas(env?: Record<string, string>): Promise<[FastifyInstance, FastifyInstance]>;
  close(): Promise<void>;
}

export function memoryHarness(): StoreHarness {
  const apps: FastifyInstance[] = [];
  return {
    name: 'memory',
    async replicas(env = {}) {
      const app = await makeApp({ env });
      apps.push(app);
      return [app, app];
    },
    async close() { await Promise.all(apps.map((a) => a.close())); },
  };
}

export async function redisHarness(): Promise<StoreHarness & { redis: TestRedis }> {
  const redis = await startTestRedis();
  const stores: SessionStore[] = [];
  const apps: FastifyInstance[] = [];
  // Each suite gets its own key prefix, so a shared REDIS_URL is never polluted across runs.
  const prefix = `gs-test-${randomBytes(4).toString('hex')}:`;
  const appOn = async (env: Record<string, string>) => {
    const config = testConfig({ STORE: 'redis', REDIS_URL: redis.url, ...env });
    // Wired as server.ts wires it: the store counted in the app's metrics.
    const metrics = createMetrics();
    const sessions = instrumentStore(createRedisStore({ url: redis.url, prefix, maxSessions: config.limits.maxSessions }), metrics);
    stores.push(sessions);
    await waitUntilReady(sessions);
    const app = await makeApp({ config, services: { sessions, metrics } });
    apps.push(app);
    return app;
  };
  return {
    name: 'redis',
    redis,
    async replicas(env = {}) { return [await appOn(env), await appOn(env)]; },
    async close() {
      await Promise.all(apps.map((a) => a.close()));
      await Promise.all(stores.map((s) => s.close()));
      await redis.stop();
    },
  };
}

/** Both stores, for the suites that run the same session behaviour on each (describe.each). */
export const storeHarnesses: [string, () => Promise<StoreHarness>][] = [
  ['memory', async () => memoryHarness()],
  ['redis', redisHarness],
];

export async function waitUntilReady(store: SessionStore, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await store.ping();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** XOR on a 2-3-1 sigmoid network (fixed starting parameters). */
export const xor = {
  network: {
    layers: [
      { weights: [[0.5, -0.4], [0.3, 0.8], [-0.7, 0.2]], biases: [0.1, -0.1, 0.05] },
      { weights: [[0.6, -0.5, 0.4]], biases: [0.0] },
    ],
  },
  examples: [
    { input: [0, 0], target: [0] }, { input: [0, 1], target: [1] },
    { input: [1, 0], target: [1] }, { input: [1, 1], target: [0] },
  ],
};

type Layer = { weights: number[][]; biases: number[]; activation?: string };
export type NetworkJson = { layers: Layer[] };
type GradientLayers = { layers: { weights: number[][]; biases: number[] }[] };

/** θ ← θ − η∇ written out in the test, as a user would do it by hand. */
export function applyGradient(net: NetworkJson, g: GradientLayers, eta: number): NetworkJson {
  return {
    layers: net.layers.map((l, i) => ({
      ...l,
      weights: l.weights.map((row, j) => row.map((w, k) => w - eta * g.layers[i].weights[j][k])),
      biases: l.biases.map((b, j) => b - eta * g.layers[i].biases[j]),
    })),
  };
}

/** Only the parameters (activation names aside), for bit-for-bit comparison. */
export const parametersOf = (net: NetworkJson) => net.layers.map((l) => ({ weights: l.weights, biases: l.biases }));

/** Number bits as hex, so a comparison also tells −0 from 0. */
export const bitsOf = (net: NetworkJson) => parametersOf(net).map((l) => ({
  weights: l.weights.map((row) => row.map(hexBits)),
  biases: l.biases.map(hexBits),
}));

function hexBits(x: number): string {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(x);
  return b.toString('hex');
}
