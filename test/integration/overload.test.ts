// Overload protection (under-pressure) and the handler timeout: 503 problems with Retry-After,
// while health and metrics keep answering.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createComputePool } from '../../src/compute/pool.js';
import { makeApp, listen } from '../helpers/app.js';
import { within } from '../helpers/wait-for.js';
import { chain } from '../helpers/lesson.js';
import { PROBLEM_BASE } from '../../src/errors.js';
import { contextOf } from '../../src/http/operation-route.js';

describe('under pressure', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    // A heap threshold of 1 byte: every sample is over it.
    app = await makeApp({ env: { OVERLOAD_MAX_HEAP_USED_BYTES: '1', OVERLOAD_SAMPLE_INTERVAL_MS: '10', OVERLOAD_RETRY_AFTER_SECONDS: '7' } });
    await app.ready();
    await new Promise((r) => setTimeout(r, 60));
  });
  afterAll(async () => { await app.close(); });

  it('/v1/* → 503 problem with Retry-After', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/gradient', payload: chain });
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json().type).toBe(`${PROBLEM_BASE}service-unavailable`);
    expect(res.json().status).toBe(503);
    expect(res.headers['retry-after']).toBe('7');
  });

  it('/rpc → JSON-RPC error −32003 with HTTP 200', async () => {
    const res = await app.inject({ method: 'POST', url: '/rpc', payload: { jsonrpc: '2.0', method: 'gradient', params: chain, id: 1 } });
    expect(res.statusCode).toBe(200);
    expect(res.json().error.code).toBe(-32003);
    expect(res.headers['retry-after']).toBe('7');
  });

  it('health, readiness and metrics keep answering', async () => {
    for (const url of ['/healthz', '/readyz', '/metrics']) expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(200);
  });

  it('the default thresholds let ordinary traffic through', async () => {
    const normal = await makeApp();
    await new Promise((r) => setTimeout(r, 50));
    expect((await normal.inject({ method: 'POST', url: '/v1/gradient', payload: chain })).statusCode).toBe(200);
    await normal.close();
  });
});

/** A gradient request heavy enough to take a while: 200-200-200-10, many examples. */
function heavyRequest(examples: number) {
  const sizes = [200, 200, 200, 10];
  let seed = 1;
  const rnd = () => { seed = (seed * 16807) % 2147483647; return seed / 2147483647 - 0.5; };
  return {
    network: { layers: sizes.slice(1).map((n, i) => ({
      weights: Array.from({ length: n }, () => Array.from({ length: sizes[i] }, () => rnd() * 0.1)),
      biases: Array.from({ length: n }, () => rnd() * 0.1),
    })) },
    examples: Array.from({ length: examples }, () => ({ input: Array.from({ length: 200 }, rnd), target: Array.from({ length: 10 }, () => 0.5) })),
    include: { activations: false, sensitivities: false, vector: false },
  };
}

/** Seconds spent in the gradient operation so far (what runOperation holds against HANDLER_TIMEOUT_MS). */
async function gradientSeconds(app: FastifyInstance): Promise<number> {
  const body = (await app.inject({ method: 'GET', url: '/metrics' })).body;
  return Number(/gradient_compute_duration_seconds_sum\{operation="gradient"\} (\S+)/.exec(body)?.[1] ?? 0);
}

/**
 * A handler timeout that this request's computation surely exceeds on this machine: a third of
 * its warm compute time (the second run; the first also compiles code). Not the whole request's
 * time: parsing and validating its 3 MB may take longer than the (WebAssembly) compute itself.
 */
async function calibrate(send: (app: FastifyInstance) => Promise<unknown>): Promise<number> {
  const free = await makeApp();
  await send(free);
  const before = await gradientSeconds(free);
  await send(free);
  const compute = (await gradientSeconds(free)) - before;
  await free.close();
  return Math.max(2, Math.floor((compute * 1000) / 3)); // a floor of 2 ms: a fast machine still exceeds it
}

describe('handler timeout', () => {
  it('a computation past HANDLER_TIMEOUT_MS → 503 problem with Retry-After', async () => {
    const body = JSON.stringify(heavyRequest(400));
    const timeout = await calibrate(async (free) => {
      const ok = await free.inject({ method: 'POST', url: '/v1/gradient', headers: { 'content-type': 'application/json' }, payload: body });
      expect(ok.statusCode).toBe(200);
    });
    const app = await makeApp({ env: { HANDLER_TIMEOUT_MS: String(timeout) } });
    const res = await app.inject({ method: 'POST', url: '/v1/gradient', headers: { 'content-type': 'application/json' }, payload: body });
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json().type).toBe(`${PROBLEM_BASE}service-unavailable`);
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // A quick request on the same app is untouched.
    expect((await app.inject({ method: 'POST', url: '/v1/gradient', payload: chain })).statusCode).toBe(200);
    await app.close();
  });

  it('a slow async handler gets its 503 when the timer fires, and its signal aborts', async () => {
    const app = await makeApp({ env: { HANDLER_TIMEOUT_MS: '100' } });
    let aborted: unknown;
    app.get('/v1/slow-test', async (request, reply) => {
      const ctx = contextOf(request, reply);
      await new Promise((r) => setTimeout(r, 400));
      aborted = ctx.signal.aborted;
      return { late: true };
    });
    // Booted and warm first: an app's first request also runs its plugins' start-up.
    await app.ready();
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const started = performance.now();
    const res = await app.inject({ method: 'GET', url: '/v1/slow-test' });
    expect(performance.now() - started).toBeLessThan(350);
    expect(res.statusCode).toBe(503);
    expect(res.json().type).toBe(`${PROBLEM_BASE}service-unavailable`);
    await new Promise((r) => setTimeout(r, 400));
    expect(aborted).toBe(true);
    await app.close();
  });

  // Deadlines are per request: a later request's must fire after an earlier one has finished
  // and left (a guard for any change that shares timers between requests).
  it('times each request from its own start, whatever the requests before it did', async () => {
    const app = await makeApp({ env: { HANDLER_TIMEOUT_MS: '200' } });
    const signals: Record<string, boolean> = {};
    app.get('/v1/slow-test', async (request, reply) => {
      const { ms, name } = request.query as { ms: string; name: string };
      const ctx = contextOf(request, reply);
      const early = ctx.signal; // made before the deadline: aborted when it passes
      await new Promise((r) => setTimeout(r, Number(ms)));
      signals[name] = early.aborted;
      return { late: true };
    });
    await app.ready();
    const base = await listen(app);
    const get = async (name: string, ms: number) => {
      const started = performance.now();
      const res = await fetch(`${base}/v1/slow-test?name=${name}&ms=${ms}`);
      return { status: res.status, elapsed: performance.now() - started };
    };
    const quick = get('quick', 10);
    await new Promise((r) => setTimeout(r, 100));
    const slow = get('slow', 600); // its deadline comes 100 ms after the quick one's would have
    expect((await quick).status).toBe(200);
    const late = await slow;
    expect(late.status).toBe(503);
    expect(late.elapsed).toBeGreaterThanOrEqual(190);
    expect(late.elapsed).toBeLessThan(500);
    // After a quiet spell, with no timer armed, a lone slow request still gets its 503.
    await new Promise((r) => setTimeout(r, 300));
    const lone = await get('lone', 600);
    expect(lone.status).toBe(503);
    expect(lone.elapsed).toBeLessThan(500);
    await new Promise((r) => setTimeout(r, 700));
    expect(signals).toEqual({ quick: false, slow: true, lone: true });
    await app.close();
  });

  // The deadline's controller is made only when asked for: one asked for late must know.
  it('a signal first asked for after the deadline passed starts aborted, with the timeout as its reason', async () => {
    const app = await makeApp({ env: { HANDLER_TIMEOUT_MS: '100' } });
    let seen: { aborted: boolean; reason: unknown } | undefined;
    app.get('/v1/late-signal-test', async (request, reply) => {
      await new Promise((r) => setTimeout(r, 250));
      const { signal } = contextOf(request, reply);
      seen = { aborted: signal.aborted, reason: signal.reason };
      return { late: true };
    });
    await app.ready();
    const res = await fetch(`${await listen(app)}/v1/late-signal-test`);
    expect(res.status).toBe(503);
    await new Promise((r) => setTimeout(r, 300));
    expect(seen?.aborted).toBe(true);
    expect((seen?.reason as { code?: string } | undefined)?.code).toBe('service-unavailable');
    await app.close();
  });

  it('a session step past the timeout → 503, nothing committed, and /healthz answers meanwhile (training yields)', async () => {
    const app = await makeApp({ env: { HANDLER_TIMEOUT_MS: '300' } });
    const base = await listen(app);
    try {
      const { network, examples } = heavyRequest(20);
      const created = await fetch(`${base}/v1/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ network, examples, optimizer: { type: 'sgd', learningRate: 0.01 } }) });
      expect(created.status).toBe(201);
      const { id } = await created.json() as { id: string };
      const started = performance.now();
      const step = fetch(`${base}/v1/sessions/${id}/steps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ steps: 10_000 }) });
      await new Promise((r) => setTimeout(r, 100));
      const healthStarted = performance.now();
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect(performance.now() - healthStarted).toBeLessThan(250);
      const res = await step;
      expect(res.status).toBe(503);
      expect((await res.json() as { type: string }).type).toBe(`${PROBLEM_BASE}service-unavailable`);
      expect(performance.now() - started).toBeLessThan(3_000);
      const view = await (await fetch(`${base}/v1/sessions/${id}`)).json() as { step: number };
      expect(view.step).toBe(0);
    } finally {
      await app.close();
    }
  });

  // The computation runs in the worker pool, so the event loop stays free for the timer and /healthz.
  it('answers /healthz promptly while a computation runs, then 503s the computation', async () => {
    const compute = createComputePool({ threads: 1 });
    const body = JSON.stringify(heavyRequest(2000));
    const post = (base: string) => fetch(`${base}/v1/gradient`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    // The timeout: a third of the computation's own time in this pool, measured warm.
    const free = await makeApp({ services: { compute } });
    const freeBase = await listen(free);
    // Each body read to its end: a response left unread holds its connection, and close() waits for it.
    const complete = async (base: string) => { const res = await post(base); await res.arrayBuffer(); return res.status; };
    expect(await within(20_000, complete(freeBase), () => 'first request to the app without a timeout')).toBe(200);
    const warm = performance.now();
    expect(await within(20_000, complete(freeBase), () => 'second request to the app without a timeout')).toBe(200);
    const timeout = Math.max(30, Math.floor((performance.now() - warm) / 3));
    await within(10_000, free.close(), () => 'closing the app without a timeout');
    const app = await makeApp({ env: { HANDLER_TIMEOUT_MS: String(timeout) }, services: { compute } });
    app.addHook('onClose', async () => { await compute.close(); });
    const base = await listen(app);
    const heavy = post(base);
    await new Promise((r) => setTimeout(r, timeout / 3));
    const started = performance.now();
    const health = await within(10_000, fetch(`${base}/healthz`), () => '/healthz during the computation');
    expect(health.status).toBe(200);
    // Well before the computation's end (seconds on the event loop); loose for a loaded machine.
    expect(performance.now() - started).toBeLessThan(250);
    const res = await within(20_000, heavy, () => `the 503 after ${timeout} ms`);
    expect(res.status).toBe(503);
    expect((await res.json()).type).toBe(`${PROBLEM_BASE}service-unavailable`);
    await within(10_000, app.close(), () => 'closing the app and its pool');
  });
});

describe('handler timeout on /rpc', () => {
  it('a computation past HANDLER_TIMEOUT_MS → JSON-RPC error −32003 (HTTP 200), timed in the metrics', async () => {
    const params = heavyRequest(400);
    let runs = 0;
    const timeout = await calibrate(async (free) => {
      const ok = await free.inject({ method: 'POST', url: '/rpc', payload: { jsonrpc: '2.0', method: 'gradient', params, id: 1 } });
      expect(ok.json().result.parameterCount).toBe(200 * 200 + 200 + 200 * 200 + 200 + 10 * 200 + 10);
      const metrics = await free.inject({ method: 'GET', url: '/metrics' });
      expect(metrics.body).toMatch(new RegExp(`gradient_compute_duration_seconds_count\\{operation="gradient"\\} ${++runs}\\b`));
    });

    const app = await makeApp({ env: { HANDLER_TIMEOUT_MS: String(timeout) } });
    const res = await app.inject({ method: 'POST', url: '/rpc', payload: { jsonrpc: '2.0', method: 'gradient', params, id: 9 } });
    expect(res.statusCode).toBe(200);
    expect(res.json().error.code).toBe(-32003);
    expect(res.json().id).toBe(9);
    await app.close();
  });
});
