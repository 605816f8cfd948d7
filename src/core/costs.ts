// Per-example costs C₀ and their derivatives ∂C₀/∂a⁽ᴸ⁾ (API.md §1, the cost table).
import { type ActivationName, logSoftmax, sigmoid, softplus } from './activations.js';

export const COSTS = ['quadratic', 'half_quadratic', 'mse', 'binary_cross_entropy', 'cross_entropy'] as const;
export type CostName = (typeof COSTS)[number];
export const DEFAULT_COST: CostName = 'quadratic';

export const REDUCTIONS = ['mean', 'sum'] as const;
export type Reduction = (typeof REDUCTIONS)[number];
export const DEFAULT_REDUCTION: Reduction = 'mean';

/** y·ln(x) with the convention 0·ln(0) = 0 (scipy's xlogy): a target of 0 adds nothing. */
function xlogy(y: number, logX: number): number {
  return y === 0 ? 0 : y * logX;
}

/**
 * C₀ for one example: output row a (and its pre-activation z) against target y.
 * When the output activation allows it, the logarithms are taken from z
 * (ln σ(z) = −softplus(−z), ln softmax = log-softmax) so that a saturated output costs a finite amount.
 */
export function exampleCost(
  cost: CostName, outputActivation: ActivationName,
  z: Float64Array, a: Float64Array, y: Float64Array, offset: number, n: number, scratch: Float64Array,
): number {
  let c = 0;
  switch (cost) {
    case 'quadratic':
    case 'half_quadratic':
    case 'mse':
      for (let j = 0; j < n; j++) { const d = a[offset + j] - y[offset + j]; c += d * d; }
      return cost === 'quadratic' ? c : cost === 'half_quadratic' ? 0.5 * c : c / n;
    case 'binary_cross_entropy':
      for (let j = 0; j < n; j++) {
        const yj = y[offset + j];
        const lnA = outputActivation === 'sigmoid' ? -softplus(-z[offset + j]) : Math.log(a[offset + j]);
        const ln1mA = outputActivation === 'sigmoid' ? -softplus(z[offset + j]) : Math.log1p(-a[offset + j]);
        c -= xlogy(yj, lnA) + xlogy(1 - yj, ln1mA);
      }
      return c;
    case 'cross_entropy':
      if (outputActivation === 'softmax') logSoftmax(z, offset, n, scratch);
      for (let j = 0; j < n; j++) {
        const lnA = outputActivation === 'softmax' ? scratch[j] : Math.log(a[offset + j]);
        c -= xlogy(y[offset + j], lnA);
      }
      return c;
  }
}

/** ∂C₀/∂a_j for every output neuron of every example (rows × n). */
export function costGradient(
  cost: CostName, outputActivation: ActivationName,
  z: Float64Array, a: Float64Array, y: Float64Array, dCda: Float64Array, rows: number, n: number,
): void {
  const len = rows * n;
  switch (cost) {
    case 'quadratic': for (let i = 0; i < len; i++) dCda[i] = 2 * (a[i] - y[i]); return;
    case 'half_quadratic': for (let i = 0; i < len; i++) dCda[i] = a[i] - y[i]; return;
    case 'mse': for (let i = 0; i < len; i++) dCda[i] = (2 * (a[i] - y[i])) / n; return;
    case 'binary_cross_entropy':
      for (let i = 0; i < len; i++) {
        // a(1 − a) = σ(z)σ(−z) for a sigmoid output: no cancellation when a rounds to 1.
        const curvature = outputActivation === 'sigmoid' ? sigmoid(z[i]) * sigmoid(-z[i]) : a[i] * (1 - a[i]);
        dCda[i] = (a[i] - y[i]) / curvature;
      }
      return;
    case 'cross_entropy':
      for (let i = 0; i < len; i++) dCda[i] = y[i] === 0 ? 0 : -y[i] / a[i];
      return;
  }
}

/**
 * The fused output δ, exact where the activation's Jacobian cancels the cost's denominator:
 * sigmoid + binary_cross_entropy: δ = a − y;
 * softmax + cross_entropy: δ_k = a_k·Σ_j y_j − y_k (= a − y when the targets sum to 1).
 * Returns false when the pair has no fused form.
 */
export function fusedOutputDelta(
  cost: CostName, outputActivation: ActivationName,
  a: Float64Array, y: Float64Array, dCdz: Float64Array, rows: number, n: number,
): boolean {
  if (cost === 'binary_cross_entropy' && outputActivation === 'sigmoid') {
    for (let i = 0; i < rows * n; i++) dCdz[i] = a[i] - y[i];
    return true;
  }
  if (cost === 'cross_entropy' && outputActivation === 'softmax') {
    for (let r = 0; r < rows; r++) {
      const o = r * n;
      let targetSum = 0;
      for (let j = 0; j < n; j++) targetSum += y[o + j];
      for (let k = 0; k < n; k++) dCdz[o + k] = targetSum === 1 ? a[o + k] - y[o + k] : a[o + k] * targetSum - y[o + k];
    }
    return true;
  }
  return false;
}
