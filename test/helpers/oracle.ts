// An independent oracle: the network's cost written out with plain numbers and loops straight
// from API.md §1, sharing no code with src/. Finite differences of it check the service's gradient.
import { f as act } from './reference.js';

export interface OLayer { weights: number[][]; biases: number[]; activation?: string; alpha?: number }
export interface OExample { input: number[]; target: number[] }

export function oracleForward(layers: OLayer[], input: number[]): { z: number[][]; a: number[][] } {
  const zs: number[][] = [];
  const as: number[][] = [input];
  let a = input;
  for (const layer of layers) {
    const z = layer.weights.map((row, j) => row.reduce((s, w, k) => s + w * a[k], 0) + layer.biases[j]);
    a = act(layer.activation ?? 'sigmoid', layer.alpha ?? 0.01, z);
    zs.push(z);
    as.push(a);
  }
  return { z: zs, a: as };
}

export function oracleExampleCost(cost: string, a: number[], y: number[]): number {
  const n = a.length;
  let c = 0;
  for (let j = 0; j < n; j++) {
    switch (cost) {
      case 'quadratic': c += (a[j] - y[j]) ** 2; break;
      case 'half_quadratic': c += 0.5 * (a[j] - y[j]) ** 2; break;
      case 'mse': c += (a[j] - y[j]) ** 2 / n; break;
      case 'binary_cross_entropy':
        c -= (y[j] === 0 ? 0 : y[j] * Math.log(a[j])) + (y[j] === 1 ? 0 : (1 - y[j]) * Math.log(1 - a[j]));
        break;
      case 'cross_entropy': c -= y[j] === 0 ? 0 : y[j] * Math.log(a[j]); break;
      default: throw new Error(cost);
    }
  }
  return c;
}

export function oracleCost(layers: OLayer[], examples: OExample[], cost = 'quadratic', reduction = 'mean'): number {
  let total = 0;
  for (const ex of examples) {
    const { a } = oracleForward(layers, ex.input);
    total += oracleExampleCost(cost, a[a.length - 1], ex.target);
  }
  return reduction === 'mean' ? total / examples.length : total;
}

/** Every parameter in the contract's gradient-vector order, as [layer, 'weights'|'biases', j, k?]. */
export function parameterIndex(layers: OLayer[]): Array<[number, 'weights' | 'biases', number, number]> {
  const out: Array<[number, 'weights' | 'biases', number, number]> = [];
  layers.forEach((l, i) => {
    l.weights.forEach((row, j) => row.forEach((_, k) => out.push([i, 'weights', j, k])));
    l.biases.forEach((_, j) => out.push([i, 'biases', j, -1]));
  });
  return out;
}

/**
 * ∂C/∂θ by the fourth-order central difference
 * (−C(θ+2h) + 8C(θ+h) − 8C(θ−h) + C(θ−2h)) / 12h, whose truncation error is O(h⁴).
 */
export function numericGradient(layers: OLayer[], examples: OExample[], cost: string, reduction: string, h = 1e-4): number[] {
  const copy: OLayer[] = JSON.parse(JSON.stringify(layers));
  return parameterIndex(copy).map(([l, kind, j, k]) => {
    const get = () => (kind === 'weights' ? copy[l].weights[j][k] : copy[l].biases[j]);
    const set = (v: number) => { if (kind === 'weights') copy[l].weights[j][k] = v; else copy[l].biases[j] = v; };
    const theta = get();
    const at = (d: number) => { set(theta + d); const c = oracleCost(copy, examples, cost, reduction); set(theta); return c; };
    return (-at(2 * h) + 8 * at(h) - 8 * at(-h) + at(-2 * h)) / (12 * h);
  });
}

/** A seeded generator for test data (independent of src/core/rng.ts). */
export function seeded(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
}
