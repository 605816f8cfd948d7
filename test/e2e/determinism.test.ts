// The same request gives the same bytes: every time, and in every process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post } from '../helpers/http.js';
import { net232 } from '../helpers/lesson.js';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';
import { seeded } from '../helpers/oracle.js';

function randomRequest() {
  const rnd = seeded(2024);
  const u = () => rnd() * 4 - 2;
  const sizes = [5, 7, 6, 3];
  const layers = sizes.slice(1).map((n, l) => ({
    weights: Array.from({ length: n }, () => Array.from({ length: sizes[l] }, u)),
    biases: Array.from({ length: n }, u),
    activation: ['tanh', 'softplus', 'softmax'][l],
  }));
  const examples = Array.from({ length: 8 }, () => ({ input: Array.from({ length: 5 }, u), target: [0.2, 0.3, 0.5] }));
  return { network: { layers }, examples, cost: 'cross_entropy', include: { exampleGradients: true } };
}

describe('determinism', () => {
  let first: ServerProcess;
  let second: ServerProcess;
  beforeAll(async () => {
    [first, second] = await Promise.all([startServerProcess({ LOG_LEVEL: 'warn' }), startServerProcess({ LOG_LEVEL: 'warn' })]);
  });
  afterAll(async () => {
    await Promise.all([first?.stop(), second?.stop()]);
  });

  it('100 identical requests give 100 identical bodies', async () => {
    const request = randomRequest();
    const bodies = new Set<string>();
    for (let i = 0; i < 100; i++) bodies.add((await post(first.base, '/v1/gradient', request)).text);
    expect(bodies.size).toBe(1);
  });

  it('two server processes give identical bytes, for gradient and forward', async () => {
    for (const [path, body] of [['/v1/gradient', randomRequest()], ['/v1/gradient', net232], ['/v1/forward', net232]] as const) {
      const [a, b] = await Promise.all([post(first.base, path, body), post(second.base, path, body)]);
      expect(a.status).toBe(200);
      expect(a.text).toBe(b.text);
    }
  });
});
