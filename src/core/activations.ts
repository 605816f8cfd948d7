// Activation functions f and their derivatives, applied row by row to a batch
// stored as a row-major Float64Array (rows = examples, cols = neurons).

export const ACTIVATIONS = ['sigmoid', 'tanh', 'relu', 'leaky_relu', 'linear', 'softplus', 'softmax'] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];
export const DEFAULT_ACTIVATION: ActivationName = 'sigmoid';
export const DEFAULT_LEAKY_ALPHA = 0.01;

/** σ(z) = 1 / (1 + e^(−z)), written so that e^x never overflows (|z| up to 1e308). */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** softplus(z) = ln(1 + e^z) = max(z, 0) + ln(1 + e^(−|z|)): no overflow for any finite z. */
export function softplus(z: number): number {
  return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
}

/** a = f(z), elementwise or (softmax) row-wise. */
export function activate(
  name: ActivationName, alpha: number, z: Float64Array, a: Float64Array, rows: number, cols: number,
): void {
  const n = rows * cols;
  switch (name) {
    case 'sigmoid': for (let i = 0; i < n; i++) a[i] = sigmoid(z[i]); return;
    case 'tanh': for (let i = 0; i < n; i++) a[i] = Math.tanh(z[i]); return;
    case 'relu': for (let i = 0; i < n; i++) a[i] = z[i] > 0 ? z[i] : 0; return;
    case 'leaky_relu': for (let i = 0; i < n; i++) a[i] = z[i] > 0 ? z[i] : alpha * z[i]; return;
    case 'linear': for (let i = 0; i < n; i++) a[i] = z[i]; return;
    case 'softplus': for (let i = 0; i < n; i++) a[i] = softplus(z[i]); return;
    case 'softmax': for (let r = 0; r < rows; r++) softmaxRow(z, a, r * cols, cols); return;
  }
}

/** softmax(z)_j = e^(z_j − max z) / Σ_k e^(z_k − max z): subtracting the max keeps e^x ≤ 1. */
function softmaxRow(z: Float64Array, a: Float64Array, offset: number, cols: number): void {
  let max = -Infinity;
  for (let j = 0; j < cols; j++) if (z[offset + j] > max) max = z[offset + j];
  let sum = 0;
  for (let j = 0; j < cols; j++) {
    const e = Math.exp(z[offset + j] - max);
    a[offset + j] = e;
    sum += e;
  }
  for (let j = 0; j < cols; j++) a[offset + j] /= sum;
}

/** ln softmax(z)_j = z_j − max z − ln Σ_k e^(z_k − max z): finite even where softmax underflows to 0. */
export function logSoftmax(z: Float64Array, offset: number, cols: number, out: Float64Array): void {
  let max = -Infinity;
  for (let j = 0; j < cols; j++) if (z[offset + j] > max) max = z[offset + j];
  let sum = 0;
  for (let j = 0; j < cols; j++) sum += Math.exp(z[offset + j] - max);
  const logSum = Math.log(sum);
  for (let j = 0; j < cols; j++) out[j] = z[offset + j] - max - logSum;
}

/**
 * δ = ∂C₀/∂z = f'(z) ⊙ ∂C₀/∂a, or for softmax Jᵀ·∂C₀/∂a with the full Jacobian
 * J_jk = a_j (1[j=k] − a_k), which gives δ_k = a_k (g_k − Σ_j a_j g_j).
 */
export function backpropActivation(
  name: ActivationName, alpha: number,
  z: Float64Array, a: Float64Array, dCda: Float64Array, dCdz: Float64Array, rows: number, cols: number,
): void {
  const n = rows * cols;
  switch (name) {
    // σ'(z) = σ(z)·σ(−z): the same as a(1 − a) but without the cancellation in 1 − a when a ≈ 1.
    case 'sigmoid': for (let i = 0; i < n; i++) dCdz[i] = sigmoid(z[i]) * sigmoid(-z[i]) * dCda[i]; return;
    // tanh'(z) = 1 / cosh²(z): equal to 1 − a², accurate where a² ≈ 1.
    case 'tanh': for (let i = 0; i < n; i++) { const c = Math.cosh(z[i]); dCdz[i] = dCda[i] / (c * c); } return;
    case 'relu': for (let i = 0; i < n; i++) dCdz[i] = z[i] > 0 ? dCda[i] : 0; return; // f'(0) = 0
    case 'leaky_relu': for (let i = 0; i < n; i++) dCdz[i] = z[i] > 0 ? dCda[i] : alpha * dCda[i]; return; // f'(0) = α
    case 'linear': for (let i = 0; i < n; i++) dCdz[i] = dCda[i]; return;
    case 'softplus': for (let i = 0; i < n; i++) dCdz[i] = sigmoid(z[i]) * dCda[i]; return; // softplus' = σ
    case 'softmax':
      for (let r = 0; r < rows; r++) {
        const o = r * cols;
        let dot = 0;
        for (let j = 0; j < cols; j++) dot += a[o + j] * dCda[o + j];
        for (let k = 0; k < cols; k++) dCdz[o + k] = a[o + k] * (dCda[o + k] - dot);
      }
      return;
  }
}
