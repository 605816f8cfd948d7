// A real Redis for tests: REDIS_URL when given, otherwise a private redis-server on a free port
// (Debian: apt-get install redis-server; macOS: brew install redis). No mocks.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestRedis {
  url: string;
  port: number;
  /** Stops the server (SIGKILL when hard); a private server only. */
  stop(hard?: boolean): Promise<void>;
  /** Starts it again on the same port (empty, with an empty script cache). */
  restart(): Promise<void>;
  /** True when this helper started the server (so stop/restart are allowed). */
  owned: boolean;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const { connect } = await import('node:net');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not open port ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startTestRedis(): Promise<TestRedis> {
  if (process.env.REDIS_URL) {
    const url = process.env.REDIS_URL;
    return { url, port: Number(new URL(url).port || 6379), owned: false, stop: async () => {}, restart: async () => {} };
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'gs-redis-'));
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
    await waitForPort(port);
  };
  const stop = async (hard = false) => {
    const c = child;
    // A process killed by a signal has signalCode set and exitCode null: it has exited too.
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    await new Promise<void>((resolve) => { c.once('exit', () => resolve()); c.kill(hard ? 'SIGKILL' : 'SIGTERM'); });
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    owned: true,
    stop: async (hard) => { await stop(hard); },
    restart: async () => { await stop(); await start(); },
  };
}

export async function stopTestRedis(redis: TestRedis): Promise<void> {
  await redis.stop();
}

export function cleanupDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
