// Train a network held by gradient-service, from TypeScript with undici: create a session with a
// training set (XOR), run 1000 steps of gradient descent 100 at a time, print the cost every 100
// steps, then delete the session.
//
//   npm run build && BASE_URL=http://127.0.0.1:3000 node dist/examples/train.js
//
// API_KEY is sent as a bearer token when set (needed only when the service runs with API_KEYS).
// Every POST carries an Idempotency-Key, so retrying after a 503 (Retry-After) or a lost
// connection never applies a step twice.
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

try {
  for (let done = 0; done < STEPS; done += REPORT_EVERY) {
    // costs[i] is the batch cost before step done + i.
    const { body } = await call('POST', `${session}/steps`, { steps: REPORT_EVERY });
    console.log(`step ${done} cost ${body.costs[0]}`);
  }
  const { body: final } = await call('POST', `${session}/evaluate`, { include: { activations: true, sensitivities: false, vector: false } });
  console.log(`step ${STEPS} cost ${final.cost}`);
  const outputs = final.examples.map((e: { layers: Array<{ a: number[] }> }) => e.layers.at(-1)!.a[0]!.toFixed(3));
  console.log(`XOR outputs for ${examples.map((e) => e.input.join('')).join(' ')}: ${outputs.join(' ')}`);
} finally {
  await call('DELETE', session);
}
