// GET /metrics in Prometheus text format whose counters move with traffic; X-Request-Id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { makeApp } from '../helpers/app.js';
import { chain } from '../helpers/lesson.js';
import { freePort } from '../helpers/redis.js';
import { createMetrics, instrumentStore } from '../../src/http/metrics.js';
import { createRedisStore } from '../../src/sessions/redis-store.js';

interface Sample { name: string; labels: Record<string, string>; value: number }

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = `[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"`;
const SAMPLE = new RegExp(`^(${NAME})(?:\\{((?:${LABEL})(?:,${LABEL})*,?)?\\})? (\\S+)(?: -?\\d+)?$`);
// Prometheus reads values with Go's strconv.ParseFloat: NaN and Inf in any letter case
// (prom-client writes "Nan" for the event-loop percentiles before the first sample).
const VALUE = /^(?:[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|nan|[+-]?inf)$/i;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

/** A strict reader of the Prometheus text exposition format 0.0.4: throws on any bad line. */
function parsePrometheus(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (!m) throw new Error(`line ${i + 1}: bad comment: ${line}`);
      if (m[1] === 'TYPE') {
        if (!TYPES.has(m[3])) throw new Error(`line ${i + 1}: bad type ${m[3]}`);
        if (types.has(m[2])) throw new Error(`line ${i + 1}: TYPE twice for ${m[2]}`);
        types.set(m[2], m[3]);
      }
      continue;
    }
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`line ${i + 1}: bad sample: ${line}`);
    if (!VALUE.test(m[3])) throw new Error(`line ${i + 1}: bad value ${m[3]}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    const family = m[1].replace(/_(bucket|sum|count)$/, '');
    if (!types.has(m[1]) && !types.has(family)) throw new Error(`line ${i + 1}: sample ${m[1]} without a TYPE`);
    samples.push({ name: m[1], labels, value: /nan/i.test(m[3]) ? Number.NaN : /inf/i.test(m[3]) ? (m[3].startsWith('-') ? -Infinity : Infinity) : Number(m[3]) });
  }
  return { types, samples };
}

function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return found.reduce((sum, s) => sum + s.value, 0);
}

describe('GET /metrics', () => {
  let app: FastifyInstance;
  beforeAll(async () => { app = await makeApp(); });
  afterAll(async () => { await app.close(); });
  const scrape = async () => {
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return parsePrometheus(res.body);
  };

  it('parses as Prometheus text and declares the service metrics', async () => {
    const { types } = await scrape();
    expect(types.get('http_requests_total')).toBe('counter');
    expect(types.get('http_request_duration_seconds')).toBe('histogram');
    expect(types.get('gradient_compute_duration_seconds')).toBe('histogram');
    expect(types.get('sessions_held')).toBe('gauge');
    expect(types.get('session_steps_applied_total')).toBe('counter');
    expect(types.get('session_store_errors_total')).toBe('counter');
    expect(types.get('nodejs_eventloop_lag_seconds')).toBe('gauge');
  });

  it('the parser rejects what is not Prometheus text', () => {
    expect(() => parsePrometheus('{"not":"prometheus"}')).toThrow();
    expect(() => parsePrometheus('# TYPE x counter\nx{a="1"} abc')).toThrow();
    expect(() => parsePrometheus('y 1')).toThrow();
  });

  it('request counts, durations and compute time move with traffic, by route and status', async () => {
    const before = (await scrape()).samples;
    for (let i = 0; i < 3; i++) expect((await app.inject({ method: 'POST', url: '/v1/gradient', payload: chain })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/v1/gradient', payload: { network: 5 } })).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/no/such/route' })).statusCode).toBe(404);
    const after = (await scrape()).samples;
    const ok = { method: 'POST', route: '/v1/gradient', status: '200' };
    expect(value(after, 'http_requests_total', ok) - value(before, 'http_requests_total', ok)).toBe(3);
    expect(value(after, 'http_request_duration_seconds_count', ok) - value(before, 'http_request_duration_seconds_count', ok)).toBe(3);
    expect(value(after, 'http_request_duration_seconds_sum', ok)).toBeGreaterThan(value(before, 'http_request_duration_seconds_sum', ok));
    const bad = { route: '/v1/gradient', status: '400' };
    expect(value(after, 'http_requests_total', bad) - value(before, 'http_requests_total', bad)).toBe(1);
    // An unknown URL is counted under one label, not under its own path.
    expect(value(after, 'http_requests_total', { route: 'unmatched', status: '404' }) - value(before, 'http_requests_total', { route: 'unmatched', status: '404' })).toBe(1);
    expect(after.some((s) => s.labels.route === '/no/such/route')).toBe(false);
    const g = { operation: 'gradient' };
    expect(value(after, 'gradient_compute_duration_seconds_count', g) - value(before, 'gradient_compute_duration_seconds_count', g)).toBe(3);
  });

  it('sessions held and steps applied move with session traffic', async () => {
    const before = (await scrape()).samples;
    const created = await app.inject({ method: 'POST', url: '/v1/sessions', payload: { network: chain.network, examples: chain.examples, optimizer: { type: 'sgd', learningRate: 0.1 } } });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    const mid = (await scrape()).samples;
    expect(value(mid, 'sessions_held') - value(before, 'sessions_held')).toBe(1);
    expect((await app.inject({ method: 'POST', url: `/v1/sessions/${id}/steps`, payload: { steps: 3 } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: `/v1/sessions/${id}/steps`, payload: {} })).statusCode).toBe(200);
    expect((await app.inject({ method: 'DELETE', url: `/v1/sessions/${id}` })).statusCode).toBe(204);
    const after = (await scrape()).samples;
    expect(value(after, 'session_steps_applied_total') - value(before, 'session_steps_applied_total')).toBe(4);
    expect(value(after, 'sessions_held') - value(before, 'sessions_held')).toBe(0);
  });

  it('store errors are counted by method', async () => {
    // A Redis store pointed at a port where nothing listens: every call fails.
    const port = await freePort();
    const metrics = createMetrics();
    const store = instrumentStore(createRedisStore({ url: `redis://127.0.0.1:${port}`, commandTimeoutMs: 200 }), metrics);
    await expect(store.ping()).rejects.toThrow();
    await expect(store.get('s_x')).rejects.toThrow();
    await store.close();
    const text = await metrics.registry.metrics();
    const { samples } = parsePrometheus(text);
    expect(value(samples, 'session_store_errors_total', { operation: 'ping' })).toBe(1);
    expect(value(samples, 'session_store_errors_total', { operation: 'get' })).toBe(1);
  });

  it('each app has its own registry', async () => {
    const other = await makeApp();
    await other.inject({ method: 'POST', url: '/v1/gradient', payload: chain });
    expect(other.services.metrics!.registry).not.toBe(app.services.metrics!.registry);
    const res = await other.inject({ method: 'GET', url: '/metrics' });
    expect(value(parsePrometheus(res.body).samples, 'http_requests_total', { route: '/v1/gradient', status: '200' })).toBe(1);
    await other.close();
  });
});

describe('X-Request-Id', () => {
  it('is honoured when sane and echoed; otherwise a UUID', async () => {
    const app = await makeApp();
    const given = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'trace-42.a:b' } });
    expect(given.headers['x-request-id']).toBe('trace-42.a:b');
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    const none = await app.inject({ method: 'GET', url: '/healthz' });
    expect(none.headers['x-request-id']).toMatch(uuid);
    for (const bad of ['has space', 'x'.repeat(129), 'new\u00e9line']) {
      const res = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': bad } });
      expect(res.headers['x-request-id']).toMatch(uuid);
    }
    // Echoed on refusals too.
    const refused = await app.inject({ method: 'POST', url: '/v1/gradient', headers: { 'x-request-id': 'bad-body-1' }, payload: { network: 1 } });
    expect(refused.statusCode).toBe(400);
    expect(refused.headers['x-request-id']).toBe('bad-body-1');
    await app.close();
  });
});
