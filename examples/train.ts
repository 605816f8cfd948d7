// Train a network held by gradient-service, from TypeScript with undici: create a session with a
// training set (XOR), run 1000 steps of gradient descent as one streamed request (NDJSON: one
// event per committed chunk, drawn as a progress bar when stderr is a terminal), print the cost
// every 100 steps, then delete the session.
//
//   npm run build && BASE_URL=http://127.0.0.1:3000 node dist/examples/train.js
//
// API_KEY is sent as a bearer token when set (needed only when the service runs with API_KEYS).
// Creating and deleting carry an Idempotency-Key, so retrying after a 503 (Retry-After) or a lost
// connection is safe. The streamed steps cannot (each chunk commits on its own): after a lost
// stream the client reads the session's step and streams the steps still missing.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';

const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:3000';
const STEPS = 1000;
const REPORT_EVERY = 100;

// A 2-3-1 sigmoid network, and XOR: the classic set a single layer cannot learn.
const network = {
  layers: [
    { weights: [[0.8, -0.6], [-0.7, 0.9], [0.5, 0.4]], biases: [0.1, -0.1, 0.0] },
    { weights: [[0.6, 0.7, -0.5]], biases: [0.05] },
  ],
};
const examples = [
  { input: [0, 0], target: [0] },
  { input: [0, 1], target: [1] },
  { input: [1, 0], target: [1] },
  { input: [1, 1], target: [0] },
];

interface Reply { status: number; headers: Record<string, string | string[] | undefined>; body: any }

async function call(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (process.env.API_KEY) headers.authorization = `Bearer ${process.env.API_KEY}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method === 'POST') headers['idempotency-key'] = randomUUID();
  for (let attempt = 1; ; attempt++) {
    const res = await request(new URL(path, BASE_URL), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.body.text();
    const reply = { status: res.statusCode, headers: res.headers, body: text ? JSON.parse(text) : undefined };
    if (res.statusCode === 503 && attempt < 5) {
      await sleep(1000 * Number(res.headers['retry-after'] ?? 1)); // the same Idempotency-Key: safe to repeat
      continue;
    }
    if (res.statusCode >= 400) {
      const problem = reply.body ?? {};
      const fields = (problem.errors ?? []).map((e: { path: string; message: string }) => `\n  ${e.path}: ${e.message}`).join('');
      throw new Error(`${method} ${path} → ${res.statusCode} ${problem.title}: ${problem.detail}${fields}`);
    }
    return reply;
  }
}

const created = await call('POST', '/v1/sessions', {
  network,
  examples,
  cost: 'quadratic',
  reduction: 'mean',
  optimizer: { type: 'sgd', learningRate: 2 },
});
const session = String(created.headers.location ?? `/v1/sessions/${created.body.id}`);
console.log(`session ${created.body.id}: ${created.body.exampleCount} examples, step ${created.body.step}`);

/** One line on stderr, redrawn in place: only on a terminal (a log file gets the printed costs only). */
function drawProgress(event: { stepsApplied: number; stepsRequested: number; cost: number; stepsPerSecond: number }): void {
  if (!process.stderr.isTTY) return;
  const width = 30;
  const filled = Math.round((width * event.stepsApplied) / event.stepsRequested);
  process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${event.stepsApplied}/${event.stepsRequested} steps`
    + ` · cost ${event.cost.toPrecision(4)} · ${event.stepsPerSecond} steps/s `);
}

/**
 * POST …/steps with Accept: application/x-ndjson: a progress event per committed chunk, then a
 * `result` event with the plain response's body (or an `error` event: what was committed stays).
 */
async function streamSteps(path: string, steps: number): Promise<{ step: number; costs: number[] }> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/x-ndjson' };
  if (process.env.API_KEY) headers.authorization = `Bearer ${process.env.API_KEY}`;
  const res = await request(new URL(`${path}/steps`, BASE_URL), { method: 'POST', headers, body: JSON.stringify({ steps, includeNetwork: false }) });
  if (res.statusCode >= 400) {
    const problem = (await res.body.json()) as { title: string; detail: string };
    throw new Error(`POST ${path}/steps → ${res.statusCode} ${problem.title}: ${problem.detail}`);
  }
  let buffered = '';
  for await (const piece of res.body) {
    buffered += piece.toString();
    for (let newline = buffered.indexOf('\n'); newline >= 0; newline = buffered.indexOf('\n')) {
      const event = JSON.parse(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
      if (event.event === 'progress') drawProgress(event);
      else if (event.event === 'result') {
        drawProgress({ ...event, stepsRequested: steps, cost: event.result.costs.at(-1) });
        if (process.stderr.isTTY) process.stderr.write('\n');
        return event.result;
      } else throw new Error(`the stream ended after ${event.stepsApplied} steps: ${event.problem.title}: ${event.problem.detail}`);
    }
  }
  throw new Error('the stream ended without a result');
}

try {
  for (let attempt = 1; ; attempt++) {
    const { body: view } = await call('GET', session);
    if (view.step >= STEPS) break;
    try {
      await streamSteps(session, STEPS - view.step);
    } catch (error) {
      if (attempt >= 3) throw error; // else: the committed chunks stay; stream what is left
    }
  }
  // costHistory[i] is the batch cost before step i (the session keeps the last 1000).
  const { body: trained } = await call('GET', session);
  for (let done = 0; done < STEPS; done += REPORT_EVERY) console.log(`step ${done} cost ${trained.costHistory[done]}`);
  const { body: final } = await call('POST', `${session}/evaluate`, { include: { activations: true, sensitivities: false, vector: false } });
  console.log(`step ${STEPS} cost ${final.cost}`);
  const outputs = final.examples.map((e: { layers: Array<{ a: number[] }> }) => e.layers.at(-1)!.a[0]!.toFixed(3));
  console.log(`XOR outputs for ${examples.map((e) => e.input.join('')).join(' ')}: ${outputs.join(' ')}`);
} finally {
  await call('DELETE', session);
}
