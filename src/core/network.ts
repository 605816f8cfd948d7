// The network as the contract writes it (nested arrays), its dense Float64Array form,
// and the shape checks that must pass before any arithmetic (API.md §2).
import { type ActivationName, DEFAULT_ACTIVATION, DEFAULT_LEAKY_ALPHA } from './activations.js';

export interface LayerJson { weights: number[][]; biases: number[]; activation?: ActivationName; alpha?: number }
export interface NetworkJson { layers: LayerJson[] }
export interface ExampleJson { input: number[]; target?: number[] }

/** One layer: W is row-major n_out × n_in, so W[j][k] sits at j·n_in + k. */
export interface DenseLayer {
  nIn: number;
  nOut: number;
  weights: Float64Array;
  biases: Float64Array;
  activation: ActivationName;
  alpha: number;
}
export interface DenseNetwork { layers: DenseLayer[] }

/** A batch of examples, row-major: inputs is count × n_0, targets count × n_L. */
export interface Batch { count: number; inputs: Float64Array; targets?: Float64Array }

export interface Issue { path: string; message: string }

export function layerSizes(net: DenseNetwork): number[] {
  return [net.layers[0].nIn, ...net.layers.map((l) => l.nOut)];
}

/** Every shape disagreement of a network, each with the JSON Pointer of the offending field. */
export function checkNetworkShapes(network: NetworkJson, base = '/network'): Issue[] {
  const issues: Issue[] = [];
  let previousRows: number | undefined;
  network.layers.forEach((layer, l) => {
    const at = `${base}/layers/${l}`;
    const rows = layer.weights.length;
    const columns = layer.weights[0]?.length ?? 0;
    layer.weights.forEach((row, j) => {
      if (row.length !== columns) {
        issues.push({ path: `${at}/weights/${j}`, message: `row ${j} has ${row.length} columns; row 0 has ${columns}` });
      }
    });
    if (previousRows !== undefined && columns !== previousRows) {
      issues.push({ path: `${at}/weights`, message: `layer ${l} has ${columns} columns; layer ${l - 1} has ${previousRows} neurons` });
    }
    if (layer.biases.length !== rows) {
      issues.push({ path: `${at}/biases`, message: `${layer.biases.length} biases for ${rows} neurons (rows of weights)` });
    }
    if (layer.alpha !== undefined && layer.activation !== 'leaky_relu') {
      issues.push({ path: `${at}/alpha`, message: `alpha applies only to leaky_relu, not ${layer.activation ?? DEFAULT_ACTIVATION}` });
    }
    previousRows = rows;
  });
  return issues;
}

/** Example lengths against the network's input and output sizes. */
export function checkExampleShapes(
  examples: ExampleJson[], nInput: number, nOutput: number, base = '/examples', requireTarget = false,
): Issue[] {
  const issues: Issue[] = [];
  examples.forEach((example, i) => {
    if (example.input.length !== nInput) {
      issues.push({ path: `${base}/${i}/input`, message: `input has ${example.input.length} values; the network takes ${nInput}` });
    }
    if (example.target === undefined) {
      if (requireTarget) issues.push({ path: `${base}/${i}/target`, message: 'target is required here' });
    } else if (example.target.length !== nOutput) {
      issues.push({ path: `${base}/${i}/target`, message: `target has ${example.target.length} values; the network outputs ${nOutput}` });
    }
  });
  return issues;
}

/** Targets are all present or all absent: a batch cost needs every one. */
export function checkTargetsConsistent(examples: ExampleJson[], base = '/examples'): Issue[] {
  const first = examples[0]?.target !== undefined;
  const issues: Issue[] = [];
  examples.forEach((e, i) => {
    if ((e.target !== undefined) !== first) {
      issues.push({ path: `${base}/${i}/target`, message: first ? 'target is missing; example 0 has one' : 'target given; example 0 has none' });
    }
  });
  return issues;
}

export function toDenseNetwork(network: NetworkJson): DenseNetwork {
  return {
    layers: network.layers.map((layer) => {
      const nOut = layer.weights.length;
      const nIn = layer.weights[0].length;
      const weights = new Float64Array(nOut * nIn);
      layer.weights.forEach((row, j) => weights.set(row, j * nIn));
      const activation = layer.activation ?? DEFAULT_ACTIVATION;
      const alpha = activation === 'leaky_relu' ? (layer.alpha ?? DEFAULT_LEAKY_ALPHA) : 0;
      const biases = new Float64Array(nOut);
      biases.set(layer.biases);
      return { nIn, nOut, weights, biases, activation, alpha };
    }),
  };
}

/** Back to the contract's nested arrays; activation always explicit, alpha only for leaky_relu. */
export function fromDenseNetwork(net: DenseNetwork): NetworkJson {
  return {
    layers: net.layers.map((l) => ({
      weights: toRows(l.weights, l.nOut, l.nIn),
      biases: Array.from(l.biases),
      activation: l.activation,
      ...(l.activation === 'leaky_relu' ? { alpha: l.alpha } : {}),
    })),
  };
}

export function toRows(data: Float64Array, rows: number, cols: number, offset = 0): number[][] {
  const out = new Array<number[]>(rows);
  for (let r = 0; r < rows; r++) out[r] = Array.from(data.subarray(offset + r * cols, offset + (r + 1) * cols));
  return out;
}

export function toBatch(examples: ExampleJson[], nInput: number, nOutput: number): Batch {
  const count = examples.length;
  const inputs = new Float64Array(count * nInput);
  examples.forEach((e, i) => inputs.set(e.input, i * nInput));
  if (count === 0 || examples[0].target === undefined) return { count, inputs };
  const targets = new Float64Array(count * nOutput);
  examples.forEach((e, i) => targets.set(e.target!, i * nOutput));
  return { count, inputs, targets };
}

export function cloneNetwork(net: DenseNetwork): DenseNetwork {
  return { layers: net.layers.map((l) => ({ ...l, weights: l.weights.slice(), biases: l.biases.slice() })) };
}
