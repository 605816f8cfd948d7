// The forward and gradient responses as JSON text, written straight from the computation's
// arrays: the bytes JSON.stringify gives for computeForward's and presentGradientResult's objects
// (a test holds them equal), without building those objects. For a small request on the event
// loop the objects and their stringify cost ~4× the text (tiny: 8.6 against 2.2 µs), most of it
// in per-object work: the nested arrays built, each object's toJSON looked up, holey arrays read
// element by element. Numbers are written by JavaScript's ToString, which is JSON's for finite
// numbers (-0 included); every number here has been checked finite.
import type { BackpropResult, Gradient } from '../core/backprop.js';
import { COSTS, REDUCTIONS } from '../core/costs.js';
import type { ForwardTrace } from '../core/forward.js';
import type { Batch, DenseNetwork } from '../core/network.js';
import { parameterCount } from '../core/parameters.js';
import type { Conventions, ResolvedInclude } from './gradient.js';

/** data[offset…offset+length) as a JSON array. */
function numbers(data: Float64Array, offset: number, length: number): string {
  if (length === 0) return '[]';
  let text = '[' + data[offset];
  for (let i = 1; i < length; i++) text += ',' + data[offset + i];
  return text + ']';
}

/** A rows × width block as an array of rows. */
function rows(data: Float64Array, count: number, width: number): string {
  if (count === 0) return '[]';
  let text = '[' + numbers(data, 0, width);
  for (let r = 1; r < count; r++) text += ',' + numbers(data, r * width, width);
  return text + ']';
}

function gradientText(net: DenseNetwork, gradient: Gradient): string {
  let text = '{"layers":[';
  net.layers.forEach((l, i) => {
    const g = gradient.layers[i]!;
    text += (i === 0 ? '{"weights":' : ',{"weights":') + rows(g.weights, l.nOut, l.nIn) + ',"biases":' + numbers(g.biases, 0, l.nOut) + '}';
  });
  return text + ']}';
}

/** The gradient vector in parameters.ts order: each layer's weights, then its biases. */
function vectorText(gradient: Gradient): string {
  let text = '[';
  let first = true;
  for (const g of gradient.layers) {
    for (const part of [g.weights, g.biases]) {
      for (let i = 0; i < part.length; i++) {
        text += first ? String(part[i]) : ',' + part[i];
        first = false;
      }
    }
  }
  return text + ']';
}

/** JSON strings of the names a request may give (JSON.stringify of each, once, instead of per request). */
const QUOTED = new Map<string, string>([...COSTS, ...REDUCTIONS].map((name) => [name, JSON.stringify(name)]));
const quoted = (name: string) => QUOTED.get(name) ?? JSON.stringify(name);

function conventionsText(conventions: Conventions): string {
  return '{"cost":' + quoted(conventions.cost) + ',"reduction":' + quoted(conventions.reduction) + '}';
}

/** JSON.stringify(presentGradientResult(…)) for the json encoding, key order included. */
export function gradientResultText(net: DenseNetwork, batch: Batch, conventions: Conventions, include: ResolvedInclude, result: BackpropResult): string {
  const L = net.layers.length;
  const nIn = net.layers[0]!.nIn;
  let examples = '';
  for (let e = 0; e < batch.count; e++) {
    let item = (e === 0 ? '{"cost":' : ',{"cost":') + result.exampleCosts[e];
    if (include.activations || include.sensitivities) {
      item += ',"layers":[';
      for (let l = 1; l <= L; l++) {
        const w = net.layers[l - 1]!.nOut;
        const at = e * w;
        // Key order z, a, dCda, dCdz, as presentGradientResult builds the layer.
        let layer = '';
        if (include.activations) layer += '"z":' + numbers(result.trace.z[l]!, at, w) + ',"a":' + numbers(result.trace.a[l]!, at, w);
        if (include.sensitivities) layer += (layer === '' ? '' : ',') + '"dCda":' + numbers(result.dCda[l]!, at, w) + ',"dCdz":' + numbers(result.dCdz[l]!, at, w);
        item += (l === 1 ? '{' : ',{') + layer + '}';
      }
      item += ']';
    }
    if (include.sensitivities) item += ',"dCdInput":' + numbers(result.dCdInput, e * nIn, nIn);
    if (result.exampleGradients) item += ',"gradient":' + gradientText(net, result.exampleGradients[e]!);
    examples += item + '}';
  }
  return '{"cost":' + result.cost + ',"conventions":' + conventionsText(conventions) + ',"parameterCount":' + parameterCount(net)
    + ',"gradient":' + gradientText(net, result.gradient) + (include.vector ? ',"vector":' + vectorText(result.gradient) : '')
    + ',"examples":[' + examples + ']}';
}

/** JSON.stringify(computeForward(…)) for the json encoding; costs when the batch has targets. */
export function forwardResultText(net: DenseNetwork, batch: Batch, trace: ForwardTrace, costs: { cost: number; exampleCosts: Float64Array } | undefined): string {
  const L = net.layers.length;
  const nOut = net.layers[L - 1]!.nOut;
  let examples = '';
  let outputs = '';
  for (let e = 0; e < batch.count; e++) {
    let layers = '';
    for (let l = 1; l <= L; l++) {
      const w = net.layers[l - 1]!.nOut;
      layers += (l === 1 ? '{"z":' : ',{"z":') + numbers(trace.z[l]!, e * w, w) + ',"a":' + numbers(trace.a[l]!, e * w, w) + '}';
    }
    examples += (e === 0 ? '{' : ',{') + (costs ? '"cost":' + costs.exampleCosts[e] + ',' : '') + '"layers":[' + layers + ']}';
    outputs += (e === 0 ? '' : ',') + numbers(trace.a[L]!, e * nOut, nOut);
  }
  return '{' + (costs ? '"cost":' + costs.cost + ',' : '') + '"outputs":[' + outputs + '],"examples":[' + examples + ']}';
}
