// The network picture of a request or a session: one backpropagation pass over the examples
// (the same computation as /v1/gradient, with its limits and finiteness checks), then the
// activations of the chosen example and ∂C/∂W of the batch cost drawn by renderNetworkDiagram.
import type { Limits } from '../config.js';
import { computeGradient, conventionsOf } from '../compute/gradient.js';
import { checkWorkBudget, prepareComputation } from '../compute/prepare.js';
import type { CostName, Reduction } from '../core/costs.js';
import type { ExampleJson, NetworkJson } from '../core/network.js';
import { parameterCount } from '../core/parameters.js';
import { ServiceError } from '../errors.js';
import { type DiagramInput, renderNetworkDiagram } from './network-diagram.js';
import { short } from './svg.js';

export interface DrawRequest {
  network: NetworkJson;
  /** With targets; none → the network alone, unlit, every connection the same width. */
  examples?: ExampleJson[];
  cost?: CostName;
  reduction?: Reduction;
  example?: number;
  maxNeuronsPerLayer?: number;
  /** In the title after the sizes, e.g. which session at which step. */
  heading?: string;
}

const ONLY_ACTIVATIONS = { activations: true, sensitivities: false, vector: false, exampleGradients: false };

export function drawNetwork(request: DrawRequest, limits: Limits, paths = { network: '/network', examples: '/examples', example: '/example' }): string {
  const examples = request.examples ?? [];
  const options = { maxNeuronsPerLayer: request.maxNeuronsPerLayer };
  if (examples.length === 0) {
    if (request.example !== undefined) throw exampleOutOfRange(request.example, 0, paths.example);
    const { net } = prepareComputation(request.network, [], limits, { networkPath: paths.network, examplesPath: paths.examples });
    const caption = `${parameterCount(net)} parameters · no examples: activations and ∂C/∂w not shown`;
    return renderNetworkDiagram({ layers: request.network.layers, heading: request.heading, caption }, options);
  }
  const e = request.example ?? 0;
  if (e >= examples.length) throw exampleOutOfRange(e, examples.length, paths.example);
  const { net, batch } = prepareComputation(request.network, examples, limits, {
    networkPath: paths.network, examplesPath: paths.examples, requireTargets: true,
  });
  checkWorkBudget(parameterCount(net), batch.count, 1, limits, paths.examples);
  const conventions = conventionsOf(request);
  const result = computeGradient(net, batch, conventions, ONLY_ACTIVATIONS);
  const input: DiagramInput = {
    layers: request.network.layers,
    activations: [examples[e].input, ...result.examples[e].layers!.map((l) => l.a!)],
    weightGradients: result.gradient.layers.map((l) => l.weights),
    heading: request.heading,
    caption: `example ${e} of ${examples.length}: C₀ = ${short(result.examples[e].cost, 4)}`
      + ` · batch C = ${short(result.cost, 4)} (${conventions.cost}, ${conventions.reduction})`,
  };
  return renderNetworkDiagram(input, options);
}

function exampleOutOfRange(e: number, count: number, path: string): ServiceError {
  return new ServiceError('shape-mismatch', `Example ${e} was asked for; there ${count === 1 ? 'is' : 'are'} ${count}.`, {
    errors: [{ path, message: `must be less than the number of examples (${count})` }],
  });
}
