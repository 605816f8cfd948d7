// Traffic through the load balancer for the container check (node traffic.mjs BASE_URL VICTIM_ID).
// 1. a session, 30 one-step requests at once: step must be 30, served by ≥ 2 replicas;
// 2. traffic while one replica gets SIGTERM (docker stop): every request must succeed, except a
//    503 (the retryable answer of a draining replica), which is retried; no step lost or doubled.
// Only the published 127.0.0.1 port is used; the replica is stopped through the docker CLI.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';

const [base, victim] = process.argv.slice(2);
const docker = process.env.DOCKER ?? 'docker';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const failures = [];
const fail = (message) => { failures.push(message); console.error(`FAIL ${message}`); };

async function call(method, path, body, headers = {}) {
  const response = await fetch(base + path, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: response.status, servedBy: response.headers.get('x-served-by'), retryAfter: response.headers.get('retry-after'), json, text };
}

const examples = [
  { input: [0, 0], target: [0] }, { input: [0, 1], target: [1] },
  { input: [1, 0], target: [1] }, { input: [1, 1], target: [0] },
];

// ---- 0. the image serves what the repository holds -------------------------------------------
const fixtures = await call('GET', '/v1/fixtures');
const fixtureCount = fixtures.json?.fixtures?.length;
if (fixtures.status !== 200 || fixtureCount !== Number(process.env.EXPECT_FIXTURES)) {
  fail(`GET /v1/fixtures → ${fixtures.status}, ${fixtureCount} fixtures, expected ${process.env.EXPECT_FIXTURES}`);
} else console.log(`GET /v1/fixtures through the load balancer: ${fixtureCount} fixtures`);

// ---- 1. concurrency and spread -------------------------------------------------------------
const created = await call('POST', '/v1/sessions', {
  architecture: { sizes: [2, 3, 1], activation: 'sigmoid', seed: 42 },
  optimizer: { type: 'sgd', learningRate: 0.5 },
  examples,
});
if (created.status !== 201 || typeof created.json?.id !== 'string') {
  fail(`POST /v1/sessions → ${created.status} ${created.text.slice(0, 300)}`);
  process.exit(1);
}
const sessionPath = `/v1/sessions/${created.json.id}`;
if (created.json.step !== 0) fail(`a new session has step ${created.json.step}, expected 0`);

// A client that retries 503 (draining or overloaded replica) with the same Idempotency-Key, as
// API.md advises: a step is applied once however often it is sent.
const counts = new Map();
const servedBeforeStop = new Map();
const servedAfterStop = new Map();
let applied = 0;
let retried503 = 0;
let stopped = false;
let stopDone = false;

async function withRetry(method, path, body) {
  const headers = method === 'POST' ? { 'idempotency-key': randomUUID() } : {};
  for (let attempt = 1; ; attempt++) {
    let r;
    try {
      r = await call(method, path, body, headers);
    } catch (err) {
      fail(`${method} ${path}: ${err.cause?.code ?? err.message}`);
      return undefined;
    }
    counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
    if (!stopped && r.servedBy) servedBeforeStop.set(r.servedBy, (servedBeforeStop.get(r.servedBy) ?? 0) + 1);
    if (stopDone && r.servedBy) servedAfterStop.set(r.servedBy, (servedAfterStop.get(r.servedBy) ?? 0) + 1);
    if (r.status === 503 && attempt < 5) {
      retried503++;
      await sleep(Math.min(1000, 1000 * Number(r.retryAfter ?? 0.1)));
      continue;
    }
    if (r.status !== 200) fail(`${method} ${path} → ${r.status} (attempt ${attempt}) ${r.text.slice(0, 200)}`);
    return r;
  }
}

const burst = await Promise.all(Array.from({ length: 30 }, () => withRetry('POST', `${sessionPath}/steps`, { steps: 1 })));
const burstReplicas = new Set(burst.map((r) => r?.servedBy));
console.log(`30 concurrent one-step requests: statuses ${JSON.stringify(Object.fromEntries(counts))}, 503 retried ${retried503}`);
if (burst.some((r) => r?.status !== 200)) fail('30 concurrent one-step requests: not all succeeded');
if (burstReplicas.size < 2) fail(`30 concurrent requests were served by ${burstReplicas.size} replica(s): ${[...burstReplicas]}`);
const afterBurst = await call('GET', sessionPath);
if (afterBurst.status !== 200 || afterBurst.json?.step !== 30) fail(`after 30 concurrent steps: GET → ${afterBurst.status}, step ${afterBurst.json?.step}, expected 30`);
else console.log(`30 concurrent one-step requests: step = ${afterBurst.json.step}`);
console.log(`30 concurrent requests served by ${burstReplicas.size} replicas: ${[...burstReplicas].join(' ')}`);

// ---- 2. SIGTERM one replica mid-traffic ----------------------------------------------------
counts.clear();
servedBeforeStop.clear();
retried503 = 0;

async function worker(index) {
  while (!stopDone || servedAfterStop.size === 0 || [...servedAfterStop.values()].reduce((a, b) => a + b) < 20) {
    if (index % 3 === 2) {
      await withRetry('GET', sessionPath);
    } else {
      const r = await withRetry('POST', `${sessionPath}/steps`, { steps: 1 });
      if (r?.status === 200) applied++;
    }
    if (failures.length > 20) return;
  }
}

const workers = Array.from({ length: 6 }, (_, i) => worker(i));
await sleep(1500);
const t0 = Date.now();
stopped = true;
console.log(`SIGTERM to replica ${victim.slice(0, 12)} (docker stop) while traffic runs`);
await promisify(execFile)(docker, ['stop', '--time', '20', victim]);
stopDone = true;
console.log(`replica stopped after ${Date.now() - t0} ms`);
await Promise.all(workers);

if (!servedBeforeStop.has(victim.slice(0, 12))) fail(`the replica to stop, ${victim.slice(0, 12)}, served nothing before: it was not in rotation`);
if (servedAfterStop.has(victim.slice(0, 12))) fail(`the stopped replica ${victim.slice(0, 12)} still served requests`);
const final = await call('GET', sessionPath);
if (final.json?.step !== 30 + applied) fail(`after the SIGTERM phase: step ${final.json?.step}, expected 30 + ${applied} applied = ${30 + applied}`);
else console.log(`step = ${final.json.step} = 30 + ${applied} steps applied during the SIGTERM phase (none lost, none doubled)`);
console.log(`SIGTERM phase: statuses ${JSON.stringify(Object.fromEntries(counts))}, 503 retried ${retried503}, ` +
  `served before stop by ${JSON.stringify(Object.fromEntries(servedBeforeStop))}, after by ${JSON.stringify(Object.fromEntries(servedAfterStop))}`);
if (!stopped) fail('the replica was never stopped');
if (failures.length > 0) {
  console.error(`${failures.length} failure(s)`);
  process.exit(1);
}
console.log('traffic checks passed');
