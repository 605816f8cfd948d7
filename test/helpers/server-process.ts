// Runs the built server (dist/src/server.js) as a separate process on a free port.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from './redis.js';

export interface ServerProcess {
  base: string;
  child: ChildProcess;
  /** Everything the process wrote (its pino logs). */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const serverJs = fileURLToPath(new URL('../../dist/src/server.js', import.meta.url));

export async function startServerProcess(env: Record<string, string> = {}): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [serverJs], {
    // Event-loop-delay shedding off unless asked for: on a shared, loaded machine it would turn
    // a burst of test requests into 503s (test/integration/overload.test.ts covers it).
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${out}`);
    try {
      const res = await fetch(base + '/healthz');
      if (res.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`server did not start: ${out}`); }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    base,
    child,
    output: () => out,
    stop: (signal = 'SIGTERM') => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve(child.exitCode);
      child.once('exit', (code) => resolve(code));
      child.kill(signal);
    }),
  };
}
