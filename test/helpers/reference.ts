// An independent oracle for the grading tests: the lesson's formulas on nested arrays, written
// from the textbook (σ' = a(1 − a), tanh' = 1 − a², the full softmax Jacobian, no fused forms),
// sharing no code with src/.

export interface RefLayer { weights: number[][]; biases: number[]; activation?: string; alpha?: number }
export interface RefNet { layers: RefLayer[] }
export interface RefExample { input: number[]; target: number[] }

const act = (l: RefLayer) => l.activation ?? 'sigmoid';
const alphaOf = (l: RefLayer) => l.alpha ?? 0.01;

export function f(name: string, alpha: number, z: number[]): number[] {
  switch (name) {
    case 'sigmoid': return z.map((v) => 1 / (1 + Math.exp(-v)));
    case 'tanh': return z.map(Math.tanh);
    case 'relu': return z.map((v) => (v > 0 ? v : 0));
    case 'leaky_relu': return z.map((v) => (v > 0 ? v : alpha * v));
    case 'linear': return z.slice();
    case 'softplus': return z.map((v) => Math.log(1 + Math.exp(v)));
    case 'softmax': {
      const m = Math.max(...z);
      const e = z.map((v) => Math.exp(v - m));
      const s = e.reduce((x, y) => x + y, 0);
      return e.map((v) => v / s);
    }
    default: throw new Error(name);
  }
}

/** J[j][k] = ∂a_j/∂z_k. */
export function jacobian(name: string, alpha: number, z: number[], a: number[]): number[][] {
  const n = z.length;
  const J = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < n; k++) {
      if (name === 'softmax') J[j][k] = a[j] * ((j === k ? 1 : 0) - a[k]);
      else if (j === k) {
        J[j][k] = name === 'sigmoid' ? a[j] * (1 - a[j])
          : name === 'tanh' ? 1 - a[j] * a[j]
            : name === 'relu' ? (z[j] > 0 ? 1 : 0)
              : name === 'leaky_relu' ? (z[j] > 0 ? 1 : alpha)
                : name === 'linear' ? 1
                  : 1 / (1 + Math.exp(-z[j])); // softplus' = σ
      }
    }
  }
  return J;
}

export function cost0(cost: string, a: number[], y: number[]): number {
  let c = 0;
  for (let j = 0; j < a.length; j++) {
    switch (cost) {
      case 'quadratic': c += (a[j] - y[j]) ** 2; break;
      case 'half_quadratic': c += 0.5 * (a[j] - y[j]) ** 2; break;
      case 'mse': c += (a[j] - y[j]) ** 2 / a.length; break;
      case 'binary_cross_entropy': c -= (y[j] === 0 ? 0 : y[j] * Math.log(a[j])) + (y[j] === 1 ? 0 : (1 - y[j]) * Math.log(1 - a[j])); break;
      case 'cross_entropy': c -= y[j] === 0 ? 0 : y[j] * Math.log(a[j]); break;
      default: throw new Error(cost);
    }
  }
  return c;
}

export function dCda(cost: string, a: number[], y: number[]): number[] {
  return a.map((aj, j) => {
    switch (cost) {
      case 'quadratic': return 2 * (aj - y[j]);
      case 'half_quadratic': return aj - y[j];
      case 'mse': return (2 * (aj - y[j])) / a.length;
      case 'binary_cross_entropy': return (aj - y[j]) / (aj * (1 - aj));
      case 'cross_entropy': return y[j] === 0 ? 0 : -y[j] / aj;
      default: throw new Error(cost);
    }
  });
}

export interface RefExampleResult {
  cost: number;
  layers: { z: number[]; a: number[]; dCda: number[]; dCdz: number[] }[];
  gradient: { weights: number[][]; biases: number[] }[];
}

export function refExample(net: RefNet, ex: RefExample, cost: string): RefExampleResult {
  const zs: number[][] = [];
  const as: number[][] = [ex.input];
  for (const l of net.layers) {
    const prev = as[as.length - 1];
    const z = l.weights.map((row, j) => row.reduce((s, w, k) => s + w * prev[k], 0) + l.biases[j]);
    zs.push(z);
    as.push(f(act(l), alphaOf(l), z));
  }
  const L = net.layers.length;
  const out = as[L];
  const layers = net.layers.map((_, i) => ({ z: zs[i], a: as[i + 1], dCda: [] as number[], dCdz: [] as number[] }));
  let g = dCda(cost, out, ex.target);
  const gradient: RefExampleResult['gradient'] = new Array(L);
  for (let i = L - 1; i >= 0; i--) {
    const l = net.layers[i];
    const J = jacobian(act(l), alphaOf(l), zs[i], as[i + 1]);
    // δ_k = Σ_j J[j][k]·g_j
    const delta = zs[i].map((_, k) => J.reduce((s, row, j) => s + row[k] * g[j], 0));
    layers[i].dCda = g;
    layers[i].dCdz = delta;
    gradient[i] = { weights: delta.map((d) => as[i].map((ak) => ak * d)), biases: delta.slice() };
    g = as[i].map((_, k) => l.weights.reduce((s, row, j) => s + row[k] * delta[j], 0));
  }
  return { cost: cost0(cost, out, ex.target), layers, gradient };
}

export interface RefResult {
  cost: number;
  gradient: { layers: { weights: number[][]; biases: number[] }[] };
  vector: number[];
  examples: RefExampleResult[];
}

export function refGradient(net: RefNet, examples: RefExample[], cost = 'quadratic', reduction = 'mean'): RefResult {
  const per = examples.map((ex) => refExample(net, ex, cost));
  const scale = reduction === 'mean' ? 1 / examples.length : 1;
  const layers = net.layers.map((l, i) => ({
    weights: l.weights.map((row, j) => row.map((_, k) => per.reduce((s, r) => s + r.gradient[i].weights[j][k], 0) * scale)),
    biases: l.biases.map((_, j) => per.reduce((s, r) => s + r.gradient[i].biases[j], 0) * scale),
  }));
  const total = per.reduce((s, r) => s + r.cost, 0);
  return {
    cost: total * scale,
    gradient: { layers },
    vector: layers.flatMap((l) => [...l.weights.flat(), ...l.biases]),
    examples: per,
  };
}

export function refCost(net: RefNet, examples: RefExample[], cost = 'quadratic', reduction = 'mean'): number {
  const total = examples.reduce((s, ex) => s + refExample(net, ex, cost).cost, 0);
  return reduction === 'mean' ? total / examples.length : total;
}

/** Central differences of refCost, parameter by parameter in the documented order. */
export function refNumeric(net: RefNet, examples: RefExample[], cost: string, reduction: string, epsilon: number): number[] {
  const out: number[] = [];
  const copy: RefNet = JSON.parse(JSON.stringify(net));
  const bump = (arr: number[], i: number) => {
    const v = arr[i];
    arr[i] = v + epsilon;
    const plus = refCost(copy, examples, cost, reduction);
    arr[i] = v - epsilon;
    const minus = refCost(copy, examples, cost, reduction);
    arr[i] = v;
    out.push((plus - minus) / (2 * epsilon));
  };
  for (const l of copy.layers) {
    for (const row of l.weights) for (let k = 0; k < row.length; k++) bump(row, k);
    for (let j = 0; j < l.biases.length; j++) bump(l.biases, j);
  }
  return out;
}

/** The same seeded generator on every machine (mulberry32), written out here so tests own it. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
