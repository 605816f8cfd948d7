// examples/curl.sh against a listening server: its output holds the lesson's numbers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, makeApp } from '../helpers/app.js';
import { chainByHand } from '../helpers/chain-by-hand.js';
import { runClient, sections } from './run-client.js';

let app: Awaited<ReturnType<typeof makeApp>>;
let base: string;
beforeAll(async () => { app = await makeApp(); base = await listen(app); });
afterAll(async () => { await app.close(); });

describe('examples/curl.sh', () => {
  it('prints the forward pass, the cost and gradient of the chain, and a 400 problem', async () => {
    const run = await runClient('bash', ['examples/curl.sh'], { BASE_URL: base });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const parts = [...sections(run.stdout).values()];
    expect(parts).toHaveLength(3);
    const hand = chainByHand();

    const forward = JSON.parse(parts[0]!);
    expect(forward.outputs[0][0]).toBeCloseTo(hand.outputs[0]![0]!, 14);
    expect(forward.cost).toBeCloseTo(hand.cost, 14);

    const gradient = JSON.parse(parts[1]!);
    expect(gradient.cost).toBeCloseTo(hand.cost, 14);
    expect(gradient.vector).toHaveLength(6);
    gradient.vector.forEach((g: number, i: number) => expect(g).toBeCloseTo(hand.vector[i]!, 14));

    const [problemText, statusLine] = parts[2]!.trim().split('\n');
    expect(statusLine).toMatch(/^HTTP 400 application\/problem\+json/);
    const problem = JSON.parse(problemText!);
    expect(problem.type).toMatch(/invalid-request$/);
    expect(problem.errors.map((e: { path: string }) => e.path)).toContain('/network/layers/0/weights/0/0');
  });
});
