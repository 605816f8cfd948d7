// The analytic gradient against fourth-order central differences of an independent oracle,
// for every activation × cost × reduction, depths 1–4 and batch sizes 1–8.
import { describe, expect, it } from 'vitest';
import { ACTIVATIONS } from '../../../src/core/activations.js';
import { COSTS, REDUCTIONS } from '../../../src/core/costs.js';
import { toBatch, toDenseNetwork } from '../../../src/core/network.js';
import { computeGradient } from '../../../src/compute/gradient.js';
import { type OLayer, numericGradient, oracleCost, oracleForward, seeded } from '../../helpers/oracle.js';

/** Output activations for which a cost is defined everywhere (a ∈ (0,1) for BCE, a > 0 for CE). */
const outputsFor: Record<string, string[]> = {
  quadratic: [...ACTIVATIONS], half_quadratic: [...ACTIVATIONS], mse: [...ACTIVATIONS],
  binary_cross_entropy: ['sigmoid', 'softmax'],
  cross_entropy: ['softmax', 'sigmoid', 'softplus'],
};

function randomCase(seed: number, hidden: string, output: string, cost: string, depth: number, batch: number) {
  const rnd = seeded(seed);
  const u = (s = 1) => (rnd() * 2 - 1) * s;
  const sizes = [1 + Math.floor(rnd() * 3)];
  for (let l = 0; l < depth; l++) sizes.push(1 + Math.floor(rnd() * 4));
  if (output === 'softmax' && sizes[depth] === 1) sizes[depth] = 3;
  const layers: OLayer[] = [];
  for (let l = 1; l <= depth; l++) {
    const activation = l === depth ? output : hidden;
    layers.push({
      weights: Array.from({ length: sizes[l] }, () => Array.from({ length: sizes[l - 1] }, () => u(1.2))),
      biases: Array.from({ length: sizes[l] }, () => u(0.5)),
      activation,
      ...(activation === 'leaky_relu' ? { alpha: 0.05 } : {}),
    });
  }
  const nOut = sizes[depth];
  const examples = Array.from({ length: batch }, () => {
    let target = Array.from({ length: nOut }, () => rnd());
    if (cost === 'cross_entropy' && output === 'softmax') {
      const s = target.reduce((p, q) => p + q, 0);
      target = target.map((t) => t / s);
    }
    return { input: Array.from({ length: sizes[0] }, () => u(2)), target };
  });
  return { layers, examples };
}

/**
 * relu and leaky_relu have a kink at z = 0 where no difference quotient converges: draw again
 * until every z of those layers is at least 0.01 from it (the stencil moves z by < 0.001).
 */
function awayFromKinks(seed: number, hidden: string, output: string, cost: string, depth: number, batch: number) {
  for (let attempt = 0; ; attempt++) {
    const drawn = randomCase(seed + attempt * 104729, hidden, output, cost, depth, batch);
    const nearKink = drawn.examples.some((ex) => oracleForward(drawn.layers, ex.input).z.some((zl, l) =>
      ['relu', 'leaky_relu'].includes(drawn.layers[l].activation!) && zl.some((v) => Math.abs(v) < 0.01)));
    if (!nearKink) return drawn;
  }
}

describe('finite differences', () => {
  let seed = 1;
  for (const cost of COSTS) {
    for (const reduction of REDUCTIONS) {
      for (const hidden of ACTIVATIONS.filter((a) => a !== 'softmax').concat(['softmax'])) {
        for (const output of outputsFor[cost]) {
          const depth = 1 + (seed % 4);
          const batch = 1 + ((seed * 7) % 8);
          const caseSeed = seed++;
          it(`${cost}/${reduction}: hidden ${hidden}, output ${output}, depth ${depth}, batch ${batch}`, () => {
            const { layers, examples } = awayFromKinks(caseSeed * 7919, hidden, output, cost, depth, batch);
            const net = toDenseNetwork({ layers: layers as never });
            const nOut = layers[layers.length - 1].biases.length;
            const result = computeGradient(net, toBatch(examples, layers[0].weights[0].length, nOut), { cost: cost as never, reduction },
              { activations: true, sensitivities: true, vector: true, exampleGradients: false });
            expect(result.cost).toBeCloseTo(oracleCost(layers, examples, cost, reduction), 12);
            const numeric = numericGradient(layers, examples, cost, reduction);
            const analytic = result.vector!;
            expect(analytic).toHaveLength(numeric.length);
            analytic.forEach((a, i) => {
              const n = numeric[i];
              const rel = Math.abs(a - n) / Math.max(Math.abs(a) + Math.abs(n), 1e-300);
              // Relative error ≤ 1e-7, or an absolute error at the difference quotient's own noise floor.
              if (!(rel <= 1e-7 || Math.abs(a - n) <= 1e-10)) {
                throw new Error(`component ${i}: analytic ${a}, numeric ${n}, relative error ${rel}`);
              }
            });
            // The intermediate values of example 0 against the oracle's forward pass.
            const { z, a } = oracleForward(layers, examples[0].input);
            result.examples[0].layers!.forEach((layer, l) => {
              layer.z!.forEach((v, j) => expect(v).toBeCloseTo(z[l][j], 12));
              layer.a!.forEach((v, j) => expect(v).toBeCloseTo(a[l + 1][j], 12));
            });
          });
        }
      }
    }
  }
});
