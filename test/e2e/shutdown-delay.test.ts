// SHUTDOWN_DELAY_MS: after SIGTERM the server keeps listening for that long, answering new
// connections with a 503 problem (so a load balancer marks it down instead of getting resets),
// then closes and exits 0.
import { Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';

const DELAY_MS = 3000;
let server: ServerProcess | undefined;
afterEach(() => { if (server && server.child.exitCode === null) server.child.kill('SIGKILL'); });

async function until(test: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('SHUTDOWN_DELAY_MS (node dist/src/server.js)', () => {
  it('SIGTERM: still accepts new connections during the delay, each gets a 503 problem with Retry-After; exit 0 after the delay', async () => {
    server = await startServerProcess({ SHUTDOWN_DELAY_MS: String(DELAY_MS), SHUTDOWN_GRACE_MS: '10000' });
    const exited = new Promise<{ code: number | null; at: number }>((resolve) => server!.child.once('exit', (code) => resolve({ code, at: performance.now() })));
    const sentAt = performance.now();
    server.child.kill('SIGTERM');
    await until(() => server!.output().includes('"msg":"shutting down"'), 'the shutdown log line');

    // A fresh connection, as a load balancer opens one per request: accepted, answered 503.
    const agent = new Agent({ pipelining: 0 });
    const gradient = await request(`${server.base}/v1/gradient`, {
      method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ network: { layers: [{ weights: [[0.5]], biases: [0.1] }] }, examples: [{ input: [1], target: [0] }] }),
    });
    const problem = await gradient.body.json() as { type: string; status: number };
    expect(gradient.statusCode).toBe(503);
    expect(gradient.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(problem.type).toMatch(/\/service-unavailable$/);
    expect(problem.status).toBe(503);
    expect(Number(gradient.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const ready = await request(`${server.base}/readyz`, { dispatcher: agent });
    await ready.body.dump();
    expect(ready.statusCode).toBe(503);
    expect(performance.now() - sentAt).toBeLessThan(DELAY_MS); // the delay was still running
    await agent.close();

    const { code, at } = await exited;
    expect(code).toBe(0);
    expect(at - sentAt).toBeGreaterThanOrEqual(DELAY_MS - 50);
  });
});
