// Activations and costs at their edges: the kinks' conventions and the stable forms for |z| up to 1e308.
import { describe, expect, it } from 'vitest';
import { activate, backpropActivation, sigmoid, softplus } from '../../../src/core/activations.js';
import { costGradient, exampleCost, fusedOutputDelta } from '../../../src/core/costs.js';

const f64 = (...v: number[]) => Float64Array.from(v);

function derivative(name: Parameters<typeof activate>[0], z: number, alpha = 0.01): number {
  const zs = f64(z), a = new Float64Array(1), d = new Float64Array(1);
  activate(name, alpha, zs, a, 1, 1);
  backpropActivation(name, alpha, zs, a, f64(1), d, 1, 1);
  return d[0];
}

describe('activations', () => {
  it("relu'(0) = 0 and leaky_relu'(0) = alpha, as the contract fixes them", () => {
    expect(derivative('relu', 0)).toBe(0);
    expect(derivative('relu', 1e-300)).toBe(1);
    expect(derivative('leaky_relu', 0, 0.2)).toBe(0.2);
    expect(derivative('leaky_relu', -3, 0.2)).toBe(0.2);
  });

  it('sigmoid and softplus do not overflow for |z| up to 1e308', () => {
    expect(sigmoid(1e308)).toBe(1);
    expect(sigmoid(-1e308)).toBe(0);
    expect(sigmoid(-800)).toBeGreaterThanOrEqual(0);
    expect(softplus(1e308)).toBe(1e308);
    expect(softplus(-1e308)).toBe(0);
    expect(softplus(-30) / Math.exp(-30)).toBeCloseTo(1, 12); // ln(1 + e⁻³⁰) ≈ e⁻³⁰, not rounded to 0
    for (const z of [-1e308, -800, 800, 1e308]) {
      expect(Number.isFinite(derivative('sigmoid', z))).toBe(true);
      expect(Number.isFinite(derivative('softplus', z))).toBe(true);
      expect(Number.isFinite(derivative('tanh', z))).toBe(true);
    }
  });

  it("σ'(z) keeps its precision where σ(z) rounds to 1 (z = 40: σ' ≈ e⁻⁴⁰)", () => {
    expect(derivative('sigmoid', 40) / Math.exp(-40)).toBeCloseTo(1, 12);
    expect(derivative('tanh', 20) / (4 * Math.exp(-40))).toBeCloseTo(1, 12);
  });

  it('softmax subtracts the max: huge logits give a distribution', () => {
    const a = new Float64Array(3);
    activate('softmax', 0, f64(1e308, 1e308 - 1e292, -1e308), a, 1, 3);
    expect(a[0] + a[1] + a[2]).toBeCloseTo(1, 15);
    expect(a[2]).toBe(0);
  });

  it('softmax uses the full Jacobian: δ_k = Σ_j a_j(1[j=k] − a_k) g_j', () => {
    const z = f64(0.3, -1.2, 2.0), a = new Float64Array(3), g = f64(0.5, -2, 1.5), d = new Float64Array(3);
    activate('softmax', 0, z, a, 1, 3);
    backpropActivation('softmax', 0, z, a, g, d, 1, 3);
    for (let k = 0; k < 3; k++) {
      let expected = 0;
      for (let j = 0; j < 3; j++) expected += a[j] * ((j === k ? 1 : 0) - a[k]) * g[j];
      expect(d[k]).toBeCloseTo(expected, 15);
    }
  });
});

describe('costs', () => {
  const scratch = new Float64Array(4);
  it('follows the table for one output', () => {
    const a = f64(0.75), y = f64(0.25), z = f64(Math.log(3)); // σ(ln 3) = 0.75
    expect(exampleCost('quadratic', 'linear', z, a, y, 0, 1, scratch)).toBe(0.25);
    expect(exampleCost('half_quadratic', 'linear', z, a, y, 0, 1, scratch)).toBe(0.125);
    expect(exampleCost('mse', 'linear', z, a, y, 0, 1, scratch)).toBe(0.25);
    expect(exampleCost('binary_cross_entropy', 'linear', z, a, y, 0, 1, scratch)).toBeCloseTo(-(0.25 * Math.log(0.75) + 0.75 * Math.log(0.25)), 15);
    expect(exampleCost('binary_cross_entropy', 'sigmoid', z, a, y, 0, 1, scratch)).toBeCloseTo(-(0.25 * Math.log(0.75) + 0.75 * Math.log(0.25)), 15);
    const d = new Float64Array(1);
    costGradient('quadratic', 'linear', z, a, y, d, 1, 1); expect(d[0]).toBe(1);
    costGradient('half_quadratic', 'linear', z, a, y, d, 1, 1); expect(d[0]).toBe(0.5);
    costGradient('binary_cross_entropy', 'linear', z, a, y, d, 1, 1); expect(d[0]).toBeCloseTo(0.5 / (0.75 * 0.25), 14);
    costGradient('cross_entropy', 'linear', z, a, y, d, 1, 1); expect(d[0]).toBeCloseTo(-0.25 / 0.75, 15);
  });

  it('mse divides by the number of outputs', () => {
    const a = f64(1, 2), y = f64(0, 0), d = new Float64Array(2);
    expect(exampleCost('mse', 'linear', a, a, y, 0, 2, scratch)).toBe(2.5);
    costGradient('mse', 'linear', a, a, y, d, 1, 2);
    expect(Array.from(d)).toEqual([1, 2]);
  });

  it('a target of 0 contributes nothing to cross-entropy, even where a = 0', () => {
    const a = f64(0, 1), z = f64(-1e308, 1e308), y = f64(0, 1);
    expect(exampleCost('cross_entropy', 'linear', z, a, y, 0, 2, scratch)).toBe(0);
    expect(exampleCost('binary_cross_entropy', 'linear', z, a, y, 0, 2, scratch)).toBe(0);
  });

  it('the fused deltas: sigmoid + BCE is a − y; softmax + CE is a·Σy − y', () => {
    const a = f64(0.2, 0.3, 0.5), y = f64(0, 1, 0), d = new Float64Array(3);
    expect(fusedOutputDelta('binary_cross_entropy', 'sigmoid', a, y, d, 1, 3)).toBe(true);
    expect(Array.from(d)).toEqual([0.2, 0.3 - 1, 0.5]);
    expect(fusedOutputDelta('cross_entropy', 'softmax', a, f64(0, 2, 0), d, 1, 3)).toBe(true);
    expect(Array.from(d)).toEqual([0.4, 0.6 - 2, 1]);
    expect(fusedOutputDelta('quadratic', 'sigmoid', a, y, d, 1, 3)).toBe(false);
  });
});
