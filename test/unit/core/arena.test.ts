// Arrays cut from an arena behave as new Float64Array(n) for as long as they are used: zeroed,
// apart from each other, and backprop with them gives the same bits, run after run.
import { describe, expect, it } from 'vitest';
import { Arena } from '../../../src/core/arena.js';
import { backprop } from '../../../src/core/backprop.js';
import { toBatch, toDenseNetwork } from '../../../src/core/network.js';
import { seeded } from '../../helpers/reference.js';

describe('Arena', () => {
  it('gives zeroed arrays that do not overlap, and zeroed again after a reset', () => {
    const arena = new Arena(16, 64);
    const lengths = [3, 0, 16, 9, 40, 1, 12];
    for (let round = 0; round < 3; round++) {
      const taken = lengths.map((n) => arena.take(n));
      taken.forEach((a, i) => {
        expect(a.length).toBe(lengths[i]);
        expect(Array.from(a).every((v) => Object.is(v, 0))).toBe(true);
      });
      taken.forEach((a, i) => a.fill(i + 1)); // writing one array leaves every other as it was written
      taken.forEach((a, i) => expect(Array.from(a).every((v) => v === i + 1)).toBe(true));
      arena.reset();
    }
  });

  it('keeps at most keepLength values over a reset (at least one buffer)', () => {
    const arena = new Arena(16, 32);
    for (let i = 0; i < 10; i++) arena.take(16);
    arena.take(1000);
    arena.reset();
    const chunks = (arena as unknown as { chunks: Float64Array[] }).chunks;
    expect(chunks.reduce((n, c) => n + c.length, 0)).toBeLessThanOrEqual(32);
    expect(chunks.length).toBeGreaterThanOrEqual(1);
  });

  it('backprop from one arena, reset between runs, gives the bits of fresh arrays', () => {
    const rng = seeded(11);
    const arena = new Arena(64);
    for (let i = 0; i < 200; i++) {
      const sizes = [1 + Math.floor(rng() * 5), 1 + Math.floor(rng() * 6), 1 + Math.floor(rng() * 3)];
      const network = { layers: sizes.slice(1).map((nOut, l) => ({
        weights: Array.from({ length: nOut }, () => Array.from({ length: sizes[l]! }, () => rng() - 0.5)),
        biases: Array.from({ length: nOut }, () => rng() - 0.5),
        activation: (['tanh', 'relu', 'sigmoid'] as const)[l % 3],
      })) };
      const examples = Array.from({ length: 1 + Math.floor(rng() * 40) }, () => ({
        input: Array.from({ length: sizes[0]! }, () => rng() * 2 - 1), target: Array.from({ length: sizes[2]! }, () => rng()) }));
      const net = toDenseNetwork(network);
      const batch = toBatch(examples, sizes[0]!, sizes[2]!);
      const options = { cost: 'quadratic' as const, reduction: 'mean' as const, exampleGradients: i % 2 === 0 };
      const fresh = backprop(net, batch, options);
      arena.reset();
      const cut = backprop(net, batch, { ...options, alloc: arena.take });
      const bits = (r: typeof fresh) => [r.cost, ...r.exampleCosts, ...r.gradient.layers.flatMap((g) => [...g.weights, ...g.biases]),
        ...r.dCda.flatMap((a) => [...a]), ...r.dCdz.flatMap((a) => [...(a ?? [])]), ...r.trace.a.flatMap((a) => [...a]),
        ...(r.exampleGradients ?? []).flatMap((e) => e.layers.flatMap((g) => [...g.weights, ...g.biases]))];
      const a = bits(fresh);
      const b = bits(cut);
      expect(b.length).toBe(a.length);
      for (let k = 0; k < a.length; k++) if (!Object.is(a[k], b[k])) expect.fail(`run ${i}: value ${k} is ${b[k]}, not ${a[k]}`);
    }
  });
});
