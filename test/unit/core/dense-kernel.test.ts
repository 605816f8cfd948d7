// Backpropagation through a wide network gives the same bits with either kernel: the choice
// of KERNEL changes speed only. Needs `npm run build` (the WebAssembly module).
import { afterEach, describe, expect, it } from 'vitest';
import { backprop } from '../../../src/core/backprop.js';
import { activeKernel, useKernel } from '../../../src/core/dense-kernel.js';
import { initNetwork } from '../../../src/core/init.js';
import type { Batch } from '../../../src/core/network.js';
import { mulberry32 } from '../../../src/core/rng.js';

const bits = (a: Float64Array): BigUint64Array => new BigUint64Array(a.slice().buffer);

describe('the dense kernel selection', () => {
  const before = activeKernel();
  afterEach(() => { useKernel(before); });

  it('loads the WebAssembly kernel in this thread', () => {
    expect(useKernel('wasm')).toBe('wasm');
    expect(useKernel('js')).toBe('js');
  });

  it('gives identical gradients, costs and traces for 784-128-64-10 (batch 128) with js and wasm', () => {
    const rng = mulberry32(11);
    const net = initNetwork([784, 128, 64, 10], ['relu', 'relu', 'softmax'], 'he', rng);
    for (const layer of net.layers) for (let j = 0; j < layer.nOut; j++) layer.biases[j] = rng() * 0.2 - 0.1;
    const rows = 128;
    const inputs = new Float64Array(rows * 784).map(() => (rng() < 0.2 ? Math.ceil(rng() * 255) / 255 : 0));
    const targets = new Float64Array(rows * 10);
    for (let e = 0; e < rows; e++) targets[e * 10 + Math.floor(rng() * 10)] = 1;
    const batch: Batch = { count: rows, inputs, targets };
    const run = (kernel: 'js' | 'wasm') => {
      expect(useKernel(kernel)).toBe(kernel);
      const r = backprop(net, batch, { cost: 'cross_entropy', reduction: 'mean' });
      return {
        cost: bits(new Float64Array([r.cost])),
        exampleCosts: bits(r.exampleCosts),
        gradient: r.gradient.layers.flatMap((l) => [bits(l.weights), bits(l.biases)]),
        z: r.trace.z.slice(1).map(bits),
        dCdz: r.dCdz.slice(1).map(bits),
        dCdInput: bits(r.dCdInput),
      };
    };
    const js = run('js');
    const wasm = run('wasm');
    expect(wasm).toEqual(js);
    expect(js.gradient[0].some((b) => b !== 0n)).toBe(true);
  });
});
