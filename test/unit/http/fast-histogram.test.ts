// Our per-request histograms are read from prom-client's registry exactly as prom-client's own
// Histogram and Counter would be, for the same observations: the same text, the same JSON.
import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FastHistogram, HistogramCount } from '../../../src/http/fast-histogram.js';

const buckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const labelNames = ['method', 'route', 'status'] as const;

function pair() {
  const ours = new Registry();
  const theirs = new Registry();
  const fast = new FastHistogram({ name: 'h_seconds', help: 'A histogram.', labelNames, buckets, registers: [ours] });
  new HistogramCount({ name: 'h_total', help: 'Its count.', of: fast, registers: [ours] });
  const histogram = new Histogram({ name: 'h_seconds', help: 'A histogram.', labelNames, buckets, registers: [theirs] });
  const counter = new Counter({ name: 'h_total', help: 'Its count.', labelNames, registers: [theirs] });
  const observe = (method: string, route: string, status: string, seconds: number) => {
    fast.series(method, route, status).observe(seconds);
    histogram.observe({ method, route, status }, seconds);
    counter.inc({ method, route, status });
  };
  return { ours, theirs, fast, observe };
}

describe('FastHistogram and HistogramCount', () => {
  it('expose what prom-client would for the same observations', async () => {
    const { ours, theirs, observe } = pair();
    expect(await ours.metrics()).toBe(await theirs.metrics()); // nothing observed yet
    // Every bucket edge, between edges, above the last, zero; several series in first-seen order.
    const values = [0, ...buckets, ...buckets.map((b) => b * 1.0000001), ...buckets.map((b) => b * 0.9999999), 31, 1e9, 0.000123];
    values.forEach((v, i) => observe('POST', '/v1/gradient', i % 3 ? '200' : '400', v));
    observe('GET', 'unmatched', '404', 0.002);
    observe('GET', '/v1/sessions/:id', '200', 0.3);
    observe('POST', 'a "quoted" \\ back\nslash', '500', 7);
    expect(await ours.metrics()).toBe(await theirs.metrics());
    expect(await ours.getMetricsAsJSON()).toEqual(await theirs.getMetricsAsJSON());
  });

  it('finds a series again rather than making another, and resets with the registry', async () => {
    const { ours, theirs, fast, observe } = pair();
    expect(fast.series('GET', '/', '200')).toBe(fast.series('GET', '/', '200'));
    expect(fast.series('GET', '/', '200')).not.toBe(fast.series('GET', '/', '201'));
    fast.reset();
    observe('GET', '/', '200', 0.5);
    ours.resetMetrics();
    theirs.resetMetrics();
    expect(await ours.metrics()).toBe(await theirs.metrics());
    observe('GET', '/', '200', 0.5);
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });

  it('one label works as well (the compute histogram)', async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const fast = new FastHistogram({ name: 'c_seconds', help: 'Compute.', labelNames: ['operation'], buckets: [0.0001, 0.001, 1], registers: [ours] });
    const histogram = new Histogram({ name: 'c_seconds', help: 'Compute.', labelNames: ['operation'], buckets: [0.0001, 0.001, 1], registers: [theirs] });
    for (const [op, v] of [['gradient', 0.00005], ['forward', 0.002], ['gradient', 5]] as const) {
      fast.series(op).observe(v);
      histogram.observe({ operation: op }, v);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });
});
