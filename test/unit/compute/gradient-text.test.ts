// The responses written as text from the arrays are JSON.stringify of the response objects, byte
// for byte: random networks of every activation and cost, every include, with and without targets.
import { describe, expect, it } from 'vitest';
import { ACTIVATIONS } from '../../../src/core/activations.js';
import { COSTS, REDUCTIONS } from '../../../src/core/costs.js';
import { toBatch, toDenseNetwork, type ExampleJson, type NetworkJson } from '../../../src/core/network.js';
import { computeForward, computeForwardText, computeGradient, computeGradientText, type ResolvedInclude } from '../../../src/compute/gradient.js';
import { seeded } from '../../helpers/reference.js';

/** Numbers whose text is unusual too: integers, -0, tiny and huge magnitudes, exponents either side of 21. */
function value(rng: () => number): number {
  const r = rng();
  if (r < 0.05) return 0;
  if (r < 0.08) return -0;
  if (r < 0.12) return Math.round((rng() - 0.5) * 10);
  if (r < 0.15) return (rng() - 0.5) * 1e-9;
  if (r < 0.17) return (rng() - 0.5) * 4e21;
  return (rng() - 0.5) * 4;
}

function randomCase(rng: () => number) {
  const sizes = Array.from({ length: 2 + Math.floor(rng() * 3) }, () => 1 + Math.floor(rng() * 4));
  const layers = sizes.slice(1).map((nOut, i) => {
    const activation = ACTIVATIONS[Math.floor(rng() * ACTIVATIONS.length)]!;
    return {
      weights: Array.from({ length: nOut }, () => Array.from({ length: sizes[i]! }, () => value(rng) / 1e3 + (rng() - 0.5))),
      biases: Array.from({ length: nOut }, () => rng() - 0.5),
      activation,
      ...(activation === 'leaky_relu' ? { alpha: rng() * 0.2 } : {}),
    };
  });
  const nIn = sizes[0]!;
  const nOut = sizes[sizes.length - 1]!;
  const examples: ExampleJson[] = Array.from({ length: 1 + Math.floor(rng() * 5) }, () => ({
    input: Array.from({ length: nIn }, () => value(rng)),
    target: Array.from({ length: nOut }, () => rng()),
  }));
  return { network: { layers } as NetworkJson, examples, sizes };
}

describe('responses as text', () => {
  it('gradient: the bytes of JSON.stringify(computeGradient) for 3 000 random requests', () => {
    const rng = seeded(20261208);
    let checked = 0;
    for (let i = 0; i < 3000; i++) {
      const { network, examples, sizes } = randomCase(rng);
      const net = toDenseNetwork(network);
      const batch = toBatch(examples, sizes[0]!, sizes[sizes.length - 1]!);
      const conventions = { cost: COSTS[i % COSTS.length]!, reduction: REDUCTIONS[(i >> 3) % 2]! };
      const include: ResolvedInclude = { activations: (i & 1) === 0, sensitivities: (i & 2) === 0, vector: (i & 4) === 0, exampleGradients: i % 7 === 0 };
      let object: unknown;
      try {
        object = computeGradient(net, batch, conventions, include);
      } catch {
        // A cost undefined for these outputs (a 422 of non-finite values): text refuses it the same way.
        expect(() => computeGradientText(net, batch, conventions, include)).toThrow();
        continue;
      }
      expect(computeGradientText(net, batch, conventions, include)).toBe(JSON.stringify(object));
      checked++;
    }
    expect(checked).toBeGreaterThan(2000);
  });

  it('forward: the bytes of JSON.stringify(computeForward), with targets and without', () => {
    const rng = seeded(7);
    for (let i = 0; i < 2000; i++) {
      const { network, examples, sizes } = randomCase(rng);
      const withTargets = i % 2 === 0;
      const used = withTargets ? examples : examples.map((e) => ({ input: e.input }));
      const net = toDenseNetwork(network);
      const batch = toBatch(used, sizes[0]!, sizes[sizes.length - 1]!);
      const conventions = { cost: COSTS[i % COSTS.length]!, reduction: REDUCTIONS[i % 2]! };
      let object: unknown;
      try {
        object = computeForward(net, batch, conventions);
      } catch {
        expect(() => computeForwardText(net, batch, conventions)).toThrow();
        continue;
      }
      expect(computeForwardText(net, batch, conventions)).toBe(JSON.stringify(object));
    }
  });
});
