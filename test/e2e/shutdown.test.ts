// SIGTERM with 20 requests in flight over keep-alive connections: all 20 complete, idle
// connections are closed, and the process exits 0 long before the keep-alive timeout.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';

const KEEP_ALIVE_MS = 60_000;

function startServer(env: Record<string, string>) {
  const child = spawn(process.execPath, ['dist/src/server.js'], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'debug', KEEP_ALIVE_TIMEOUT_MS: String(KEEP_ALIVE_MS), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  const waiters: { test: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (text) => {
    let line: Record<string, unknown>;
    try { line = JSON.parse(text); } catch { return; }
    lines.push(line);
    for (const w of [...waiters]) if (w.test(line)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(line); }
  });
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr += d; });
  const exited = new Promise<{ code: number | null; at: number }>((resolve) => child.once('exit', (code) => resolve({ code, at: performance.now() })));
  const waitFor = (test: (l: Record<string, unknown>) => boolean, what: string, ms = 15_000) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const seen = lines.find(test);
      if (seen) return resolve(seen);
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; stderr: ${stderr}`)), ms);
      waiters.push({ test, resolve: (l) => { clearTimeout(timer); resolve(l); } });
    });
  return { child, lines, exited, waitFor, stderr: () => stderr };
}

/** σ(z) and the chain 1-1-1-1 of the lesson, computed here independently of the service. */
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const chainCost = (x: number, y: number) => {
  const a1 = sigmoid(0.5 * x + 0.1);
  const a2 = sigmoid(-0.3 * a1 + 0.2);
  const a3 = sigmoid(0.8 * a2 - 0.1);
  return (a3 - y) ** 2;
};
const chainBody = (x: number) => JSON.stringify({
  network: { layers: [{ weights: [[0.5]], biases: [0.1] }, { weights: [[-0.3]], biases: [0.2] }, { weights: [[0.8]], biases: [-0.1] }] },
  examples: [{ input: [x], target: [0] }],
});

let server: ReturnType<typeof startServer> | undefined;
afterEach(() => { if (server && server.child.exitCode === null) server.child.kill('SIGKILL'); });

describe('graceful shutdown (node dist/src/server.js)', () => {
  it('SIGTERM: 20 in-flight requests complete, new ones are refused, exit 0 quickly', async () => {
    server = startServer({ SHUTDOWN_GRACE_MS: '10000' });
    const listening = await server.waitFor((l) => typeof l.msg === 'string' && l.msg.startsWith('Server listening at http://127.0.0.1:'), 'listening');
    const origin = String(listening.msg).replace('Server listening at ', '');
    const agent = new Agent({ connections: 21, keepAliveTimeout: KEEP_ALIVE_MS, keepAliveMaxTimeout: KEEP_ALIVE_MS, pipelining: 1 });

    // Open 21 keep-alive connections (20 for the work, one left idle).
    const warm = await Promise.all(Array.from({ length: 21 }, () => request(`${origin}/healthz`, { dispatcher: agent })));
    for (const r of warm) { expect(r.statusCode).toBe(200); await r.body.text(); }

    // 20 requests whose bodies arrive in two halves: in flight until we send the second half.
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const inFlight = Array.from({ length: 20 }, (_, i) => {
      const x = (i - 10) / 4;
      const text = chainBody(x);
      const half = Math.floor(text.length / 2);
      async function* body() { yield Buffer.from(text.slice(0, half)); await gate; yield Buffer.from(text.slice(half)); }
      return request(`${origin}/v1/gradient`, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json' }, body: body() })
        .then(async (res) => ({ x, status: res.statusCode, headers: res.headers, json: await res.body.json() as { cost: number } }));
    });
    // Every one of the 20 has reached the server (its onRequest ran) before the signal: the
    // arrival is logged at debug.
    const received = () => server!.lines.filter((l) => l.msg === 'incoming request' && (l.req as { url?: string })?.url === '/v1/gradient').length;
    const deadline = Date.now() + 10_000;
    while (received() < 20) {
      if (Date.now() > deadline) throw new Error(`only ${received()} requests reached the server`);
      await new Promise((r) => setTimeout(r, 20));
    }

    const signalled = performance.now();
    server.child.kill('SIGTERM');
    await server.waitFor((l) => l.msg === 'shutting down', 'shutting down');
    // New connections are refused once the server stopped listening.
    await new Promise((r) => setTimeout(r, 100));
    await expect(request(`${origin}/healthz`, { dispatcher: new Agent() })).rejects.toThrow();
    release();

    const results = await Promise.all(inFlight);
    for (const r of results) {
      expect(r.status).toBe(200);
      expect(r.headers.connection).toBe('close'); // running when the drain began: closed after it
      expect(r.json.cost).toBeCloseTo(chainCost(r.x, 0), 12);
    }
    const { code, at } = await server.exited;
    expect(code).toBe(0);
    // Idle keep-alive connections were closed, not waited out (60 s).
    expect(at - signalled).toBeLessThan(5_000);
    await agent.close();
  });
});
