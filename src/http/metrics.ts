// Prometheus metrics (prom-client), one registry per app instance so that tests can build many
// apps in one process. Request counts and durations are recorded here by hooks, operation
// durations by runOperation (the two histograms observed on every request are our own, in
// prom-client's registry and format: fast-histogram.ts); the session code reports steps applied
// and store errors through the functions below, and the store itself is asked how many sessions
// it holds when /metrics is scraped.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { SessionStore } from '../sessions/store.js';
import { FastHistogram, HistogramCount } from './fast-histogram.js';

export interface Metrics {
  registry: Registry;
  /** http_requests_total: the count of requestDuration's observations, by the same labels. */
  requests: HistogramCount;
  /** Labels method, route, status. */
  requestDuration: FastHistogram;
  /** Seconds spent in an operation's run (validation done): gradient, forward, … Label operation. */
  computeDuration: FastHistogram;
  sessionsHeld: Gauge;
  /** Where sessions_held is read from when scraped: the app's store (instrumentStore). */
  countSessions?: () => Promise<number>;
  stepsApplied: Counter;
  storeErrors: Counter<'operation'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  // Process metrics, among them nodejs_eventloop_lag_seconds and its percentiles.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });
  const registers = [registry];
  const requestDuration = new FastHistogram({
    name: 'http_request_duration_seconds', help: 'Time from request to response, by route and status.',
    labelNames: ['method', 'route', 'status'], buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers,
  });
  const metrics: Metrics = {
    registry,
    requests: new HistogramCount({ name: 'http_requests_total', help: 'HTTP requests answered, by route and status.', of: requestDuration, registers }),
    requestDuration,
    computeDuration: new FastHistogram({
      name: 'gradient_compute_duration_seconds', help: 'Time spent computing an operation (forward, gradient, …).',
      labelNames: ['operation'], buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30], registers,
    }),
    sessionsHeld: new Gauge({
      name: 'sessions_held', help: 'Sessions held by the store (with Redis: by all replicas), counted when scraped.', registers,
      async collect() {
        try {
          if (metrics.countSessions) this.set(await metrics.countSessions());
        } catch { /* the store does not answer: the last count stays (the failure is in session_store_errors_total) */ }
      },
    }),
    stepsApplied: new Counter({ name: 'session_steps_applied_total', help: 'Gradient-descent steps applied to sessions.', registers }),
    storeErrors: new Counter({ name: 'session_store_errors_total', help: 'Session store operations that failed.', labelNames: ['operation'], registers }),
  };
  return metrics;
}

/** The route pattern (never the raw URL: ids would make unbounded label values). */
function routeOf(request: FastifyRequest): string {
  return request.routeOptions.url ?? 'unmatched';
}

export function registerMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', (request, reply, done) => {
    metrics.requestDuration.series(request.method, routeOf(request), String(reply.statusCode)).observe(reply.elapsedTime / 1000);
    done();
  });
}

/**
 * The session store, counted: every rejected call is a store error (by method), and
 * sessions_held is its count() at each scrape (expiries and other replicas' sessions included).
 */
export function instrumentStore(store: SessionStore, metrics: Metrics): SessionStore {
  const counted = <A extends unknown[], R>(operation: string, fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await fn(...args);
      } catch (err) {
        metrics.storeErrors.inc({ operation });
        throw err;
      }
    };
  const instrumented: SessionStore = {
    kind: store.kind,
    get: counted('get', (id) => store.get(id)),
    create: counted('create', (...args: Parameters<SessionStore['create']>) => store.create(...args)),
    update: counted('update', (...args: Parameters<SessionStore['update']>) => store.update(...args)),
    delete: counted('delete', (id: string) => store.delete(id)),
    count: counted('count', () => store.count()),
    claim: counted('claim', (...args: Parameters<SessionStore['claim']>) => store.claim(...args)),
    release: counted('release', (...args: Parameters<SessionStore['release']>) => store.release(...args)),
    ping: counted('ping', () => store.ping()),
    close: () => store.close(),
  };
  metrics.countSessions = () => instrumented.count();
  return instrumented;
}
