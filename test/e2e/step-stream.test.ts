// Streamed steps over a real connection (undici against a listening server), on the memory
// store and a real Redis: NDJSON and SSE parsed event by event, the final event against the plain
// JSON response of a twin session with the same history, a client that hangs up mid-stream, and
// the refusals that must still be plain problems.
import type { FastifyInstance } from 'fastify';
import { connect } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen } from '../helpers/app.js';
import { within } from '../helpers/wait-for.js';
import { type StoreHarness, bitsOf, storeHarnesses, xor } from '../helpers/sessions.js';

const PROBLEM = 'https://gradient-service.dev/problems/';
const JSON_TYPE = { 'content-type': 'application/json' };

/** XOR with momentum and shuffled mini-batches: every step depends on all the state before it. */
const xorSession = { ...xor, optimizer: { type: 'sgd', learningRate: 0.8, momentum: 0.5 }, batchSize: 3, seed: 7 };

/** A network heavy enough that a step takes milliseconds: 30-64-64-10 on 256 examples. */
function heavySession() {
  const examples = Array.from({ length: 256 }, (_, e) => ({
    input: Array.from({ length: 30 }, (_, i) => Math.sin(e * 31 + i * 7)),
    target: Array.from({ length: 10 }, (_, j) => (e % 10 === j ? 1 : 0)),
  }));
  return { architecture: { sizes: [30, 64, 64, 10], seed: 3 }, optimizer: { type: 'sgd', learningRate: 0.1 }, examples };
}

type Event = Record<string, any> & { event: string };

function parseNdjson(text: string): Event[] {
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n').map((line) => JSON.parse(line));
}

function parseSse(text: string): Event[] {
  expect(text.endsWith('\n\n')).toBe(true);
  return text.slice(0, -2).split('\n\n').map((block) => {
    const lines = block.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^event: \w+$/);
    expect(lines[1]).toMatch(/^data: \{/);
    const data = JSON.parse(lines[1].slice('data: '.length));
    expect(data.event).toBe(lines[0].slice('event: '.length));
    return data;
  });
}

describe.each(storeHarnesses)('streamed steps on the %s store', (_name, makeHarness) => {
  let harness: StoreHarness;
  let app: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    harness = await makeHarness();
    [app] = await harness.replicas();
    base = await listen(app);
  });
  afterAll(async () => { await harness?.close(); });

  async function call(method: 'GET' | 'POST', path: string, body?: object, headers: Record<string, string> = {}) {
    const res = await request(`${base}${path}`, {
      method, headers: body ? { ...JSON_TYPE, ...headers } : headers, body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) };
  }

  async function create(body: object): Promise<string> {
    const res = await call('POST', '/v1/sessions', body);
    expect(res.status, res.text).toBe(201);
    return res.json().id;
  }

  it('NDJSON: one progress event per committed chunk, then the plain response\'s body', async () => {
    const streamed = await create(xorSession);
    const twin = await create(xorSession);
    await call('POST', `/v1/sessions/${streamed}/steps`, { steps: 4 });
    await call('POST', `/v1/sessions/${twin}/steps`, { steps: 4 });

    const res = await call('POST', `/v1/sessions/${streamed}/steps?chunk=7`, { steps: 50 }, { accept: 'application/x-ndjson' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-ndjson');
    const events = parseNdjson(res.text);
    const plain = await call('POST', `/v1/sessions/${twin}/steps`, { steps: 50 });
    expect(plain.status).toBe(200);
    const body = plain.json();

    const progress = events.slice(0, -1);
    expect(progress).toHaveLength(7); // chunks of 7 × 7 = 49 steps, then the 50th in the final chunk
    progress.forEach((e, i) => {
      expect(Object.keys(e).sort()).toEqual(['cost', 'elapsedMs', 'event', 'step', 'stepsApplied', 'stepsPerSecond', 'stepsRequested']);
      expect(e.event).toBe('progress');
      expect(e.stepsApplied).toBe(7 * (i + 1));
      expect(e.step).toBe(4 + 7 * (i + 1));
      expect(e.stepsRequested).toBe(50);
      expect(e.cost).toBe(body.costs[e.stepsApplied - 1]); // the cost before the chunk's last step
      expect(Number.isInteger(e.elapsedMs) && e.elapsedMs >= 0).toBe(true);
      expect(e.stepsPerSecond).toBeGreaterThan(0);
      if (i > 0) expect(e.elapsedMs).toBeGreaterThanOrEqual(progress[i - 1].elapsedMs);
    });
    const final = events[events.length - 1];
    expect(final.event).toBe('result');
    expect(final.stepsApplied).toBe(50);
    expect(final.result).toEqual(body);
    expect(bitsOf(final.result.network)).toEqual(bitsOf(body.network));

    const [a, b] = [await call('GET', `/v1/sessions/${streamed}`), await call('GET', `/v1/sessions/${twin}`)];
    expect(a.json().step).toBe(54);
    expect(a.json().costHistory).toEqual(b.json().costHistory);
    expect(bitsOf(a.json().network)).toEqual(bitsOf(b.json().network));
  });

  it('SSE with adaptive chunks: events parse, the final one is the plain body (includeNetwork: false too)', async () => {
    const streamed = await create(xorSession);
    const twin = await create(xorSession);
    const res = await call('POST', `/v1/sessions/${streamed}/steps`, { steps: 300, includeNetwork: false }, { accept: 'text/event-stream' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream');
    expect(res.headers['cache-control']).toBe('no-cache');
    const events = parseSse(res.text);
    const plain = (await call('POST', `/v1/sessions/${twin}/steps`, { steps: 300, includeNetwork: false })).json();
    expect(events.length).toBeGreaterThanOrEqual(2); // the first chunk is one step
    expect(events[0]).toMatchObject({ event: 'progress', stepsApplied: 1, step: 1 });
    for (let i = 1; i < events.length - 1; i++) expect(events[i].stepsApplied).toBeGreaterThan(events[i - 1].stepsApplied);
    const final = events[events.length - 1];
    expect(final).toMatchObject({ event: 'result', stepsApplied: 300 });
    expect(final.result).toEqual(plain);
    expect(final.result.network).toBeUndefined();
  });

  it('a client that hangs up stops the training; the session stays at a committed chunk and the server is healthy', async () => {
    const heavy = heavySession();
    const id = await create(heavy);
    const chunk = 4;
    const controller = new AbortController();
    const res = await request(`${base}/v1/sessions/${id}/steps?chunk=${chunk}`, {
      method: 'POST', headers: { ...JSON_TYPE, accept: 'application/x-ndjson' }, body: JSON.stringify({ steps: 5000 }),
      signal: controller.signal,
    });
    expect(res.statusCode).toBe(200);
    let received = '';
    try {
      for await (const piece of res.body) {
        received += piece.toString();
        if (received.split('\n').length > 3) { controller.abort(); break; } // two whole events seen
      }
    } catch { /* aborted */ }
    const seen = parseNdjson(received.slice(0, received.lastIndexOf('\n') + 1));
    expect(seen[0]).toMatchObject({ event: 'progress', stepsApplied: chunk });

    // Training stops: the step settles, at a whole chunk, well short of 5000.
    let step = -1;
    for (let i = 0; i < 50; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const now = (await call('GET', `/v1/sessions/${id}`)).json().step;
      if (now === step) break;
      step = now;
    }
    await new Promise((r) => setTimeout(r, 300));
    const view = (await call('GET', `/v1/sessions/${id}`)).json();
    expect(view.step).toBe(step);
    expect(step % chunk).toBe(0);
    expect(step).toBeGreaterThanOrEqual(2 * chunk);
    expect(step).toBeLessThan(5000);
    expect(view.costHistory).toHaveLength(step);

    // What was kept is exactly `step` fully applied steps: a twin trained plainly agrees bit for bit.
    const twin = await create(heavy);
    const plain = await call('POST', `/v1/sessions/${twin}/steps`, { steps: step });
    expect(plain.status).toBe(200);
    expect(bitsOf(view.network)).toEqual(bitsOf(plain.json().network));
    expect(view.costHistory).toEqual(plain.json().costs);

    expect((await call('GET', '/healthz')).status).toBe(200);
    const after = await call('POST', `/v1/sessions/${id}/steps`, { steps: 1, includeNetwork: false });
    expect(after.status).toBe(200);
    expect(after.json().step).toBe(step + 1);
  });

  it('a step that diverges mid-stream ends it with an error event; the chunks before it stay committed', async () => {
    // C = (w + b)², η = 10: w + b is multiplied by −39 each step and overflows after about a hundred.
    const id = await create({
      network: { layers: [{ weights: [[1]], biases: [0], activation: 'linear' }] },
      examples: [{ input: [1], target: [0] }],
      optimizer: { type: 'sgd', learningRate: 10 },
    });
    const res = await call('POST', `/v1/sessions/${id}/steps?chunk=10`, { steps: 1000 }, { accept: 'application/x-ndjson' });
    expect(res.status).toBe(200);
    const events = parseNdjson(res.text);
    const last = events[events.length - 1];
    expect(last.event).toBe('error');
    expect(last.problem.type).toBe(`${PROBLEM}non-finite-result`);
    expect(last.problem.status).toBe(422);
    expect(last.stepsApplied % 10).toBe(0);
    expect(last.stepsApplied).toBeGreaterThan(0);
    expect(last.step).toBe(last.stepsApplied);
    expect(events.slice(0, -1).every((e) => e.event === 'progress')).toBe(true);
    const view = (await call('GET', `/v1/sessions/${id}`)).json();
    expect(view.step).toBe(last.stepsApplied);
    expect(view.costHistory.every(Number.isFinite)).toBe(true);
  });

  it('refuses before streaming, with plain problems', async () => {
    const id = await create(xorSession);
    const ndjson = { accept: 'application/x-ndjson' };
    const cases: [string, object, Record<string, string>, number, string, string | undefined][] = [
      ['/v1/sessions/no-such-session/steps', { steps: 2 }, ndjson, 404, 'session-not-found', undefined],
      [`/v1/sessions/${id}/steps`, { steps: 2 }, { ...ndjson, 'if-match': '"v999"' }, 412, 'precondition-failed', undefined],
      [`/v1/sessions/${id}/steps`, { steps: 10_000_000 }, ndjson, 413, 'limit-exceeded', '/steps'],
      [`/v1/sessions/${id}/steps`, { steps: '3' }, ndjson, 400, 'invalid-request', '/steps'],
      [`/v1/sessions/${id}/steps?chunk=0`, { steps: 3 }, ndjson, 400, 'invalid-request', '/querystring/chunk'],
      [`/v1/sessions/${id}/steps`, { steps: 3 }, { ...ndjson, 'idempotency-key': 'k1' }, 400, 'invalid-request', '/headers/idempotency-key'],
      [`/v1/sessions/${id}/steps`, { steps: 2, examples: [{ input: [1], target: [0] }] }, { accept: 'text/event-stream' }, 422, 'shape-mismatch', '/examples/0/input'],
    ];
    for (const [path, body, headers, status, type, pointer] of cases) {
      const res = await call('POST', path, body, headers);
      expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json().type).toBe(PROBLEM + type);
      if (pointer) expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(pointer);
    }
    expect((await call('GET', `/v1/sessions/${id}`)).json().step).toBe(0);
    // If-Match with the current ETag is honoured by the first chunk.
    const etag = String((await call('GET', `/v1/sessions/${id}`)).headers.etag);
    const ok = await call('POST', `/v1/sessions/${id}/steps?chunk=2`, { steps: 5 }, { ...ndjson, 'if-match': etag });
    expect(ok.status).toBe(200);
    expect(parseNdjson(ok.text).at(-1)).toMatchObject({ event: 'result', stepsApplied: 5 });
  });

  it('Accept: application/json (or none) still gets the plain response', async () => {
    const id = await create(xorSession);
    for (const headers of [{}, { accept: 'application/json' }, { accept: 'application/json, application/x-ndjson;q=0.1' }]) {
      const res = await call('POST', `/v1/sessions/${id}/steps`, { steps: 2, includeNetwork: false }, headers);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.json().costs).toHaveLength(2);
    }
  });
});

describe('streamed steps and the server\'s own limits', () => {
  const heavy = () => {
    const examples = Array.from({ length: 128 }, (_, e) => ({
      input: Array.from({ length: 30 }, (_, i) => Math.cos(e * 13 + i)),
      target: Array.from({ length: 10 }, (_, j) => (e % 10 === j ? 1 : 0)),
    }));
    return { architecture: { sizes: [30, 64, 64, 10], seed: 5 }, optimizer: { type: 'sgd', learningRate: 0.1 }, examples };
  };

  async function started(env: Record<string, string>) {
    const { makeApp } = await import('../helpers/app.js');
    const app = await makeApp({ env });
    const base = await listen(app);
    const created = await request(`${base}/v1/sessions`, { method: 'POST', headers: JSON_TYPE, body: JSON.stringify(heavy()) });
    expect(created.statusCode).toBe(201);
    const { id } = (await created.body.json()) as { id: string };
    return { app, base, id };
  }

  it('the handler timeout bounds the wait for the first event, not a stream making progress', async () => {
    const { app, base, id } = await started({ HANDLER_TIMEOUT_MS: '1000' });
    const controller = new AbortController();
    try {
      // Chunks of 5 steps: few enough events for a loaded machine's client to keep up with.
      const res = await request(`${base}/v1/sessions/${id}/steps?chunk=5`, {
        method: 'POST', headers: { ...JSON_TYPE, accept: 'application/x-ndjson' }, body: JSON.stringify({ steps: 20_000, includeNetwork: false }),
        signal: controller.signal,
      });
      expect(res.statusCode).toBe(200);
      let pending = '';
      let late: Event | undefined;
      try {
        for await (const piece of res.body) {
          // Parse only the lines completed by this piece: re-parsing the whole stream each time is quadratic.
          pending += piece.toString();
          const complete = pending.slice(0, pending.lastIndexOf('\n') + 1);
          pending = pending.slice(complete.length);
          const events = parseNdjson(complete);
          expect(events.every((e) => e.event === 'progress')).toBe(true);
          late = events.find((e) => e.elapsedMs > 1500);
          if (late) { controller.abort(); break; }
        }
      } catch { /* aborted */ }
      expect(late, 'a progress event half a second past the timeout').toBeDefined();
    } finally {
      await app.close();
    }
  });

  it('a stream of very short chunks leaves the event loop to others: /healthz answers while it runs', async () => {
    const { makeApp } = await import('../helpers/app.js');
    const app = await makeApp({});
    const base = await listen(app);
    const controller = new AbortController();
    try {
      const created = await request(`${base}/v1/sessions`, { method: 'POST', headers: JSON_TYPE, body: JSON.stringify(xorSession) });
      const { id } = (await created.body.json()) as { id: string };
      // One XOR step per chunk: microseconds each, far shorter than a training slice.
      const res = await within(10_000, request(`${base}/v1/sessions/${id}/steps?chunk=1`, {
        method: 'POST', headers: { ...JSON_TYPE, accept: 'application/x-ndjson' }, body: JSON.stringify({ steps: 100_000, includeNetwork: false }),
        signal: controller.signal,
      }), () => 'the first event did not arrive');
      expect(res.statusCode).toBe(200);
      const started = performance.now();
      const health = await within(10_000, request(`${base}/healthz`), () => '/healthz did not answer while the stream ran');
      expect(health.statusCode).toBe(200);
      await health.body.text();
      expect(performance.now() - started).toBeLessThan(1_000);
      controller.abort();
      await res.body.text().catch(() => undefined);
    } finally {
      controller.abort();
      await app.close();
    }
  });

  it('a shutdown ends a running stream after its chunk, with a 503 error event; the chunks stay committed', async () => {
    const { app, base, id } = await started({});
    const res = await request(`${base}/v1/sessions/${id}/steps?chunk=2`, {
      method: 'POST', headers: { ...JSON_TYPE, accept: 'application/x-ndjson' }, body: JSON.stringify({ steps: 20_000, includeNetwork: false }),
    });
    expect(res.statusCode).toBe(200);
    let text = '';
    let closing: Promise<void> | undefined;
    // Each phase gets a deadline that names it: a hang here says which half is stuck.
    const reading = (async () => {
      for await (const piece of res.body) {
        text += piece.toString();
        if (!closing && text.split('\n').length > 2) closing = app.close();
      }
    })();
    await within(20_000, reading, () => `the stream did not end after the shutdown began (${text.split('\n').length - 1} events)`);
    await within(5_000, closing!, () => `app.close() did not complete after the stream ended`);
    const events = parseNdjson(text);
    const last = events[events.length - 1];
    expect(last.event).toBe('error');
    expect(last.problem.type).toBe(`${PROBLEM}service-unavailable`);
    expect(last.stepsApplied % 2).toBe(0);
    expect(last.stepsApplied).toBeLessThan(20_000);
    expect(last.step).toBe(last.stepsApplied);
  });
  it('a client that never hangs up its side cannot hold the shutdown: the stream\'s connection closes after its last event', async () => {
    const { app, base, id } = await started({});
    const { hostname, port } = new URL(base);
    // A raw client that reads but never sends FIN (allowHalfOpen): only the server can close.
    const socket = connect({ host: hostname, port: Number(port), allowHalfOpen: true });
    const body = JSON.stringify({ steps: 20_000, includeNetwork: false });
    socket.write(`POST /v1/sessions/${id}/steps?chunk=2 HTTP/1.1\r\nhost: ${hostname}\r\ncontent-type: application/json\r\n`
      + `accept: application/x-ndjson\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    let text = '';
    let closing: Promise<void> | undefined;
    const ended = new Promise<void>((resolve) => socket.once('end', resolve));
    socket.on('data', (piece) => {
      text += piece.toString();
      if (!closing && text.includes('"event":"progress"')) closing = app.close();
    });
    await within(20_000, ended, () => 'the server did not end the connection after the shutdown began');
    await within(5_000, closing!, () => 'app.close() waited for a client that never hangs up');
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
    expect(text).toContain('"event":"error"');
    socket.destroy();
  });
});
