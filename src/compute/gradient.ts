// The computation service's use cases: forward and gradient, from dense inputs to the
// contract's response objects (API.md §3).
import { backprop, batchCost, type BackpropResult, type Gradient } from '../core/backprop.js';
import { type CostName, DEFAULT_COST, DEFAULT_REDUCTION, type Reduction } from '../core/costs.js';
import { forwardPass } from '../core/forward.js';
import { type Alloc, Arena, freshArrays } from '../core/arena.js';
import { type Batch, type DenseNetwork } from '../core/network.js';
import { flatten, parameterCount } from '../core/parameters.js';
import type { ForwardResponse, GradientResponse, Include } from '../../schemas/compute.js';
import type { Encoding } from '../../schemas/common.js';
import { encodeMatrix, encodeVector } from '../encoding/f64.js';
import { JoinedNumbers } from '../encoding/joined-numbers.js';
import { assertFinite, type Quantity } from './finite.js';
import { forwardResultText, gradientResultText } from './gradient-text.js';

export interface Conventions { cost: CostName; reduction: Reduction }

export function conventionsOf(request: { cost?: CostName; reduction?: Reduction }): Conventions {
  return { cost: request.cost ?? DEFAULT_COST, reduction: request.reduction ?? DEFAULT_REDUCTION };
}

/** Row e of a rows × width array as a plain array (a loop: cheaper than subarray + Array.from). */
function row(data: Float64Array, e: number, width: number): number[] {
  const out = new Array<number>(width);
  const o = e * width;
  for (let i = 0; i < width; i++) out[i] = data[o + i];
  return out;
}

function rowsOf(data: Float64Array, rows: number, width: number): number[][] {
  const out = new Array<number[]>(rows);
  for (let r = 0; r < rows; r++) out[r] = row(data, r, width);
  return out;
}

/** How number arrays are written in a response: JSON numbers, or f64 objects (the types are the arrays'). */
interface ArrayWriter {
  row(data: Float64Array, e: number, width: number): number[];
  rows(data: Float64Array, rows: number, width: number): number[][];
}

const jsonWriter: ArrayWriter = { row, rows: rowsOf };
/** Views into the result's arrays, no copy: only for jsonBytes (JSON.stringify writes a Float64Array as an object). */
const viewWriter: ArrayWriter = {
  row: (data, e, width) => data.subarray(e * width, (e + 1) * width) as unknown as number[],
  rows: (data, rows, width) => Array.from({ length: rows }, (_, r) => data.subarray(r * width, (r + 1) * width)) as unknown as number[][],
};
const f64Writer: ArrayWriter = {
  row: (data, e, width) => encodeVector(data, e * width, width) as unknown as number[],
  rows: (data, rows, width) => encodeMatrix(data, rows, width) as unknown as number[][],
};

/**
 * How a response's number arrays are built: the request's encoding, or 'views' when the
 * response goes to jsonBytes (src/encoding/json-bytes.ts), which writes Float64Arrays as arrays.
 */
export type ArrayForm = Encoding | 'views';

/** The request's encoding, or views where jsonBytes will write the response: never for f64 objects. */
export function arrayFormOf(encoding: Encoding | undefined, viewsAllowed: boolean): ArrayForm | undefined {
  return viewsAllowed && encoding !== 'f64' ? 'views' : encoding;
}

function writerOf(form: ArrayForm): ArrayWriter {
  return form === 'f64' ? f64Writer : form === 'views' ? viewWriter : jsonWriter;
}

/** True when every value is finite: the common case skips building the quantity list. */
function allFinite(arrays: Float64Array[]): boolean {
  for (const data of arrays) {
    for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return false;
  }
  return true;
}

export function presentGradient(net: DenseNetwork, gradient: Gradient, encoding: ArrayForm = 'json'): GradientResponse['gradient'] {
  const { row, rows: rowsOf } = writerOf(encoding);
  return {
    layers: net.layers.map((l, i) => ({
      weights: rowsOf(gradient.layers[i].weights, l.nOut, l.nIn),
      biases: row(gradient.layers[i].biases, 0, l.nOut),
    })),
  };
}

function gradientQuantities(net: DenseNetwork, gradient: Gradient, path: string, width: number): Quantity[] {
  return net.layers.flatMap((_, i) => [
    { name: `∂C/∂W⁽${i + 1}⁾`, path: `${path}/layers/${i}/weights`, data: gradient.layers[i].weights, width },
    { name: `∂C/∂b⁽${i + 1}⁾`, path: `${path}/layers/${i}/biases`, data: gradient.layers[i].biases, width },
  ]);
}

/** The forward pass and, with targets, the costs: every value checked finite (a 422 names the first that is not). */
function checkedForward(net: DenseNetwork, batch: Batch, conventions: Conventions, alloc: Alloc = freshArrays) {
  const trace = forwardPass(net, batch, alloc);
  const L = net.layers.length;
  const quantities: Quantity[] = [];
  for (let l = 1; l <= L; l++) {
    const w = net.layers[l - 1].nOut;
    quantities.push({ name: `z⁽${l}⁾`, path: `/examples/{e}/layers/${l - 1}/z`, data: trace.z[l], width: w });
    quantities.push({ name: `a⁽${l}⁾`, path: `/examples/{e}/layers/${l - 1}/a`, data: trace.a[l], width: w });
  }
  const costs = batch.targets ? batchCost(net, trace, batch.targets, conventions.cost, conventions.reduction, alloc) : undefined;
  if (costs) {
    quantities.push({ name: 'cost C₀', path: '/examples/{e}/cost', data: costs.exampleCosts, width: 1 });
    quantities.push({ name: 'cost C', path: '/cost', data: Float64Array.of(costs.cost), width: 0 });
  }
  assertFinite(quantities);
  return { trace, costs };
}

export function computeForward(net: DenseNetwork, batch: Batch, conventions: Conventions, encoding: ArrayForm = 'json'): ForwardResponse {
  const { row } = writerOf(encoding);
  const { trace, costs } = checkedForward(net, batch, conventions);
  const L = net.layers.length;
  const nOut = net.layers[L - 1].nOut;
  const examples = [];
  for (let e = 0; e < batch.count; e++) {
    const layers = [];
    for (let l = 1; l <= L; l++) {
      const w = net.layers[l - 1].nOut;
      layers.push({ z: row(trace.z[l], e, w), a: row(trace.a[l], e, w) });
    }
    examples.push(costs ? { cost: costs.exampleCosts[e], layers } : { layers });
  }
  const outputs = Array.from({ length: batch.count }, (_, e) => row(trace.a[L], e, nOut));
  return costs ? { cost: costs.cost, outputs, examples } : { outputs, examples };
}

/** JSON.stringify(computeForward(…)) of the json encoding, written from the arrays (gradient-text.ts). */
export function computeForwardText(net: DenseNetwork, batch: Batch, conventions: Conventions): string {
  return inTextArena((alloc) => {
    const { trace, costs } = checkedForward(net, batch, conventions, alloc);
    return forwardResultText(net, batch, trace, costs);
  });
}

/** The arrays of a response written as text at once: dead when it is written, so reused by the next. */
const textArena = new Arena();

function inTextArena(write: (alloc: Alloc) => string): string {
  try {
    return write(textArena.take);
  } finally {
    textArena.reset();
  }
}

export interface ResolvedInclude { activations: boolean; sensitivities: boolean; vector: boolean; exampleGradients: boolean }

export function resolveInclude(include: Include | undefined): ResolvedInclude {
  return {
    activations: include?.activations ?? true,
    sensitivities: include?.sensitivities ?? true,
    vector: include?.vector ?? true,
    exampleGradients: include?.exampleGradients ?? false,
  };
}

/** Backpropagation with every value checked finite (a 422 names the first that is not). */
function checkedBackprop(net: DenseNetwork, batch: Batch, conventions: Conventions, include: ResolvedInclude, alloc: Alloc = freshArrays): BackpropResult {
  // Fields named, not spread: a spread with one more key took V8's slow path and made a map per request.
  const result = backprop(net, batch, { cost: conventions.cost, reduction: conventions.reduction, exampleGradients: include.exampleGradients, alloc });
  // The common case (all finite) scans the arrays without building the named list.
  if (!allFinite(checkedArrays(net, result, include))) assertFinite(gradientResultQuantities(net, result, include));
  return result;
}

export function computeGradient(
  net: DenseNetwork, batch: Batch, conventions: Conventions, include: ResolvedInclude, encoding: ArrayForm = 'json',
): GradientResponse {
  return presentGradientResult(net, batch, conventions, include, checkedBackprop(net, batch, conventions, include), encoding);
}

/** JSON.stringify(computeGradient(…)) of the json encoding, written from the arrays (gradient-text.ts). */
export function computeGradientText(net: DenseNetwork, batch: Batch, conventions: Conventions, include: ResolvedInclude): string {
  return inTextArena((alloc) => gradientResultText(net, batch, conventions, include, checkedBackprop(net, batch, conventions, include, alloc)));
}

/** The arrays gradientResultQuantities names, without the names. */
function checkedArrays(net: DenseNetwork, result: BackpropResult, include: ResolvedInclude): Float64Array[] {
  const L = net.layers.length;
  const arrays: Float64Array[] = [];
  for (let l = 1; l <= L; l++) arrays.push(result.trace.z[l], result.trace.a[l]);
  arrays.push(result.exampleCosts, Float64Array.of(result.cost));
  if (include.sensitivities) {
    for (let l = L; l >= 1; l--) arrays.push(result.dCda[l], result.dCdz[l]);
    arrays.push(result.dCdInput);
  }
  for (const g of result.gradient.layers) arrays.push(g.weights, g.biases);
  result.exampleGradients?.forEach((x) => x.layers.forEach((g) => arrays.push(g.weights, g.biases)));
  return arrays;
}

/** Every checked quantity with its name and pointer, for the 422 that names them. */
function gradientResultQuantities(net: DenseNetwork, result: BackpropResult, include: ResolvedInclude): Quantity[] {
  const L = net.layers.length;
  // Listed in the order of the computation, so that the first error names the root cause.
  const quantities: Quantity[] = [];
  for (let l = 1; l <= L; l++) {
    const w = net.layers[l - 1].nOut;
    const at = `/examples/{e}/layers/${l - 1}`;
    quantities.push({ name: `z⁽${l}⁾`, path: `${at}/z`, data: result.trace.z[l], width: w });
    quantities.push({ name: `a⁽${l}⁾`, path: `${at}/a`, data: result.trace.a[l], width: w });
  }
  quantities.push(
    { name: 'cost C₀', path: '/examples/{e}/cost', data: result.exampleCosts, width: 1 },
    { name: 'cost C', path: '/cost', data: Float64Array.of(result.cost), width: 0 },
  );
  if (include.sensitivities) {
    for (let l = L; l >= 1; l--) {
      const w = net.layers[l - 1].nOut;
      const at = `/examples/{e}/layers/${l - 1}`;
      quantities.push({ name: `∂C₀/∂a⁽${l}⁾`, path: `${at}/dCda`, data: result.dCda[l], width: w });
      quantities.push({ name: `∂C₀/∂z⁽${l}⁾`, path: `${at}/dCdz`, data: result.dCdz[l], width: w });
    }
    quantities.push({ name: '∂C₀/∂a⁽⁰⁾', path: '/examples/{e}/dCdInput', data: result.dCdInput, width: net.layers[0].nIn });
  }
  quantities.push(...gradientQuantities(net, result.gradient, '/gradient', 0));
  result.exampleGradients?.forEach((g, e) => quantities.push(...gradientQuantities(net, g, `/examples/${e}/gradient`, 0)));
  return quantities;
}

/**
 * The gradient as one vector (parameters.ts order). As views, the very arrays of the layers
 * already in the response, in that order: jsonBytes copies their bytes rather than formatting
 * every number twice.
 */
function gradientVector(presented: GradientResponse['gradient'], gradient: Gradient, encoding: ArrayForm): number[] {
  if (encoding !== 'views') {
    const flat = flatten(gradient.layers);
    return writerOf(encoding).row(flat, 0, flat.length);
  }
  const parts = presented.layers.flatMap((l) => [...(l.weights as unknown as Float64Array[]), l.biases as unknown as Float64Array]);
  return new JoinedNumbers(parts) as unknown as number[];
}

function presentGradientResult(
  net: DenseNetwork, batch: Batch, conventions: Conventions, include: ResolvedInclude, result: BackpropResult, encoding: ArrayForm,
): GradientResponse {
  const { row } = writerOf(encoding);
  const L = net.layers.length;
  const examples: GradientResponse['examples'] = [];
  for (let e = 0; e < batch.count; e++) {
    const item: GradientResponse['examples'][number] = { cost: result.exampleCosts[e] };
    if (include.activations || include.sensitivities) {
      item.layers = [];
      for (let l = 1; l <= L; l++) {
        const w = net.layers[l - 1].nOut;
        // Key order z, a, dCda, dCdz: the bytes of the response depend on it.
        const layer: NonNullable<typeof item.layers>[number] = {};
        if (include.activations) {
          layer.z = row(result.trace.z[l], e, w);
          layer.a = row(result.trace.a[l], e, w);
        }
        if (include.sensitivities) {
          layer.dCda = row(result.dCda[l], e, w);
          layer.dCdz = row(result.dCdz[l], e, w);
        }
        item.layers.push(layer);
      }
    }
    if (include.sensitivities) item.dCdInput = row(result.dCdInput, e, net.layers[0].nIn);
    if (result.exampleGradients) item.gradient = presentGradient(net, result.exampleGradients[e], encoding);
    examples.push(item);
  }
  const gradient = presentGradient(net, result.gradient, encoding);
  return {
    cost: result.cost,
    conventions,
    parameterCount: parameterCount(net),
    gradient,
    ...(include.vector ? { vector: gradientVector(gradient, result.gradient, encoding) } : {}),
    examples,
  };
}
