// npm run bench: HTTP load (autocannon) on the four standard workloads against a server started
// here, compute-only kernels (GFLOP/s, one and several threads, numpy in the same run when
// python3 has it), session training throughput when sessions exist, and /healthz latency while
// `wide` runs. Writes docs/benchmarks.md (the compare.sh section there is kept). Not in npm test.
//
//   npm run bench                       # BENCH_SECONDS=10 BENCH_CONNECTIONS=4 BENCH_WORKLOADS='tiny mnist'
//   BENCH_ONLY=compute taskset -c 0 node dist/bench/run.js   # the compute-only table, no file written
import autocannon from 'autocannon';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backprop } from '../src/core/backprop.js';
import { type KernelName, useKernel } from '../src/core/dense-kernel.js';
import { createComputePool } from '../src/compute/pool.js';
import { prepareComputation } from '../src/compute/prepare.js';
import { DEFAULT_LIMITS } from '../src/config.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 4);
const workloadNames = (process.env.BENCH_WORKLOADS ?? 'tiny tiny-lean small small-lean mnist mnist-lean wide wide-lean').split(/\s+/).filter(Boolean);
const workDir = process.env.BENCH_DIR ?? '/tmp/gradient-bench';
// KERNEL=js times the JS kernel only; by default the inline rows time both, the pool the WebAssembly one.
const kernels: KernelName[] = process.env.KERNEL === 'js' ? ['js'] : ['js', 'wasm'];
const workloadDir = join(workDir, 'workloads');
const lines: string[] = [];
const say = (line = '') => { console.log(line); lines.push(line); };

function python(): string | undefined {
  for (const p of ['python3', '/usr/bin/python3']) {
    try {
      execFileSync(p, ['-c', 'import sys'], { stdio: 'ignore' });
      return p;
    } catch { /* next */ }
  }
  return undefined;
}

function ensureWorkloads(py: string | undefined): void {
  if (existsSync(join(workloadDir, 'wide-lean.json'))) return;
  if (!py) throw new Error('python3 is needed once to write the workloads (bench/workloads.py, stdlib only)');
  execFileSync(py, [join(root, 'bench/workloads.py')], { env: { ...process.env, BENCH_DIR: workDir }, stdio: 'inherit' });
}

async function freePort(): Promise<number> {
  return new Promise((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
}

/** What `npm start` runs: its environment (the malloc tunables) and node's arguments (the heap flag), the script's path made absolute. */
function startCommand(): { env: Record<string, string>; args: string[] } {
  const start = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  const words = start.split(/\s+/);
  const node = words.indexOf('node');
  const env = Object.fromEntries(words.slice(0, node).map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)]));
  return { env, args: words.slice(node + 1).map((arg) => (arg.startsWith('dist/') ? join(root, arg) : arg)) };
}

async function startServer(): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const start = startCommand();
  const child = spawn(process.execPath, start.args, {
    env: { ...process.env, ...start.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, stop: () => new Promise((ok) => { child.once('exit', () => ok()); child.kill('SIGTERM'); }) };
}

interface Load { rps: number; p50: number; p99: number; non2xx: number; errors: number }

async function load(url: string, path: string, body: string | undefined, secs: number, conns: number): Promise<Load> {
  const r = await autocannon({
    url: url + path, method: body ? 'POST' : 'GET', body, connections: conns, duration: secs,
    headers: body ? { 'content-type': 'application/json' } : {}, timeout: 60,
  });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors + r.timeouts };
}

/** GET /healthz every 10 ms for `secs` from a child process; latency percentiles in ms. */
async function healthProbe(url: string, secs: number): Promise<{ count: number; p50: number; p99: number; max: number }> {
  const script = `const t = []; const end = Date.now() + ${secs * 1000};
    while (Date.now() < end) { const s = performance.now(); await (await fetch('${url}/healthz')).text(); t.push(performance.now() - s); await new Promise((r) => setTimeout(r, 10)); }
    t.sort((a, b) => a - b); console.log(JSON.stringify({ count: t.length, p50: t[Math.floor(t.length * 0.5)], p99: t[Math.min(t.length - 1, Math.floor(t.length * 0.99))], max: t[t.length - 1] }));`;
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.on('exit', () => { try { ok(JSON.parse(out)); } catch (error) { fail(error); } });
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function computeOnly(py: string | undefined): Promise<void> {
  say('## Compute only (no HTTP): the gradient of one batch');
  say();
  say('| workload | GFLOP | kernel | threads | median ms | GFLOP/s |');
  say('|---|---:|---|---:|---:|---:|');
  const numpyRows: string[] = [];
  for (const name of ['mnist', 'wide']) {
    const file = join(workloadDir, `${name}.json`);
    const request = JSON.parse(readFileSync(file, 'utf8'));
    const { net, batch } = prepareComputation(request.network, request.examples, DEFAULT_LIMITS, { requireTargets: true });
    const options = { cost: request.cost ?? 'quadratic', reduction: 'mean' as const };
    // forward, ∂C/∂a⁽ˡ⁻¹⁾ and ∂C/∂W: three products of 2·n_in·n_out·rows FLOP per layer.
    const flop = 6 * batch.count * net.layers.reduce((s, l) => s + l.nIn * l.nOut, 0);
    for (const asked of kernels) {
      const kernel = useKernel(asked);
      const times: number[] = [];
      for (let i = 0; i < 40; i++) {
        const t = performance.now();
        backprop(net, batch, options);
        times.push(performance.now() - t);
      }
      const ms = median(times.slice(5));
      say(`| ${name} | ${(flop / 1e9).toFixed(3)} | ${kernel} | 1 (inline) | ${ms.toFixed(2)} | ${(flop / ms / 1e6).toFixed(2)} |`);
    }
    const kernel = useKernel(kernels[kernels.length - 1]);
    for (const threads of [1, 2]) {
      const pool = createComputePool({ threads });
      const ts: number[] = [];
      for (let i = 0; i < 30; i++) {
        const t = performance.now();
        await pool.backprop(net, batch, options);
        ts.push(performance.now() - t);
      }
      await pool.close();
      const pms = median(ts.slice(5));
      say(`| ${name} | ${(flop / 1e9).toFixed(3)} | ${kernel} | ${threads} (pool) | ${pms.toFixed(2)} | ${(flop / pms / 1e6).toFixed(2)} |`);
    }
    // Throughput: two whole batches at once on two workers (two requests, as the service runs them).
    const pair = createComputePool({ threads: 2 });
    const whole = { kind: 'backpropPart' as const, args: { net, batch, first: 0, last: batch.count, options } };
    const pairTimes: number[] = [];
    for (let i = 0; i < 30; i++) {
      const t = performance.now();
      await Promise.all([pair.runCompute(whole), pair.runCompute(whole)]);
      pairTimes.push(performance.now() - t);
    }
    await pair.close();
    const pairMs = median(pairTimes.slice(5));
    say(`| ${name} | 2 × ${(flop / 1e9).toFixed(3)} | ${kernel} | 2 (pool, two batches at once) | ${pairMs.toFixed(2)} | ${((2 * flop) / pairMs / 1e6).toFixed(2)} |`);
    if (py) {
      try {
        const out = JSON.parse(execFileSync('taskset', ['-c', '0', py, join(root, 'bench/numpy_reference.py'), file], { env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' } }).toString());
        numpyRows.push(`| ${name} | numpy ${out.numpy} (${out.blas}), 1 thread | ${out.median_ms.toFixed(2)} | ${(flop / out.median_ms / 1e6).toFixed(2)} |`);
      } catch (error) {
        numpyRows.push(`| ${name} | numpy not available (${String(error).split('\n')[0]}) | | |`);
      }
    }
  }
  if (numpyRows.length > 0) {
    say();
    say('numpy reference, same run (bench/numpy_reference.py):');
    say();
    say('| workload | numpy | median ms | GFLOP/s |');
    say('|---|---|---:|---:|');
    numpyRows.forEach((r) => say(r));
  }
  say();
}

async function sessionThroughput(url: string): Promise<void> {
  say('## Session training throughput (784-30-10, 1,000 examples)');
  say();
  if (!existsSync(join(root, 'dist/src/sessions'))) {
    say('Skipped: sessions are not in this build yet.');
    say();
    return;
  }
  // Deterministic data: pixels like workloads.py's (80 % zero), one-hot targets.
  let s = 12345;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const examples = Array.from({ length: 1000 }, () => {
    const k = Math.floor(rnd() * 10);
    return { input: Array.from({ length: 784 }, () => (rnd() < 0.2 ? Math.ceil(rnd() * 255) / 255 : 0)), target: Array.from({ length: 10 }, (_, j) => (j === k ? 1 : 0)) };
  });
  try {
    const created = await fetch(`${url}/v1/sessions`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ architecture: { sizes: [784, 30, 10], activation: 'sigmoid', init: 'xavier', seed: 1 }, optimizer: { type: 'sgd', learningRate: 3 }, examples }),
    });
    if (!created.ok) throw new Error(`create: ${created.status} ${(await created.text()).slice(0, 200)}`);
    const session = await created.json() as { id: string };
    const steps = 20;
    const t = performance.now();
    const r = await fetch(`${url}/v1/sessions/${session.id}/steps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ steps, includeNetwork: false }) });
    if (!r.ok) throw new Error(`train: ${r.status} ${(await r.text()).slice(0, 200)}`);
    const ms = performance.now() - t;
    say(`${steps} full-batch steps (one request) in ${ms.toFixed(0)} ms: **${(steps / (ms / 1000)).toFixed(1)} steps/s** (${((steps * 1000) / (ms / 1000)).toFixed(0)} examples/s).`);
  } catch (error) {
    say(`Not measured: ${String(error)} (the session API may differ from what this script assumes).`);
  }
  say();
}

async function main(): Promise<void> {
  const py = python();
  ensureWorkloads(py);
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  say('# Benchmarks');
  say();
  say(`Written by \`npm run bench\` (bench/run.ts) on ${new Date().toISOString()}: ${cpus().length} × ${cpu}, `
    + `${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load average before the run ${loadavg().map((x) => x.toFixed(2)).join(' ')}. `
    + 'The machine is shared: figures move by tens of percent between runs.');
  say();
  await computeOnly(py);
  if (process.env.BENCH_ONLY === 'compute') return;

  const server = await startServer();
  try {
    say(`## HTTP load: autocannon, ${connections} connections, ${seconds} s per workload (after a 2 s warm-up), server and client on the same machine`);
    say();
    say('| workload | req/s | p50 ms | p99 ms | non-2xx | errors |');
    say('|---|---:|---:|---:|---:|---:|');
    for (const name of workloadNames) {
      const body = readFileSync(join(workloadDir, `${name}.json`), 'utf8');
      await load(server.url, '/v1/gradient', body, 2, connections);
      const r = await load(server.url, '/v1/gradient', body, seconds, connections);
      say(`| ${name} | ${r.rps.toFixed(1)} | ${r.p50} | ${r.p99} | ${r.non2xx} | ${r.errors} |`);
    }
    say();

    say('## Event loop under load: /healthz while `wide` runs');
    say();
    const wide = readFileSync(join(workloadDir, 'wide.json'), 'utf8');
    // The probe runs in its own process: this one is busy sending 2.8 MB bodies.
    const [, probe] = await Promise.all([
      load(server.url, '/v1/gradient', wide, seconds, connections),
      healthProbe(server.url, seconds),
    ]);
    say(`/healthz probed every 10 ms from another process while \`wide\` runs at ${connections} connections: `
      + `${probe.count} probes, p50 ${probe.p50.toFixed(1)} ms, **p99 ${probe.p99.toFixed(1)} ms**, max ${probe.max.toFixed(1)} ms (target: p99 ≤ 20 ms).`);
    say();
    await sessionThroughput(server.url);
  } finally {
    await server.stop();
  }

  mkdirSync(join(root, 'docs'), { recursive: true });
  const target = join(root, 'docs/benchmarks.md');
  const kept = existsSync(target) ? /<!-- compare\.sh -->[\s\S]*<!-- \/compare\.sh -->/.exec(readFileSync(target, 'utf8'))?.[0] : undefined;
  writeFileSync(target, `${lines.join('\n')}\n${kept ? `\n${kept}\n` : ''}`);
  console.log(`written: ${target}`);
}

await main();
