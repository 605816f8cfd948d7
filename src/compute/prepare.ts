// From a validated request to dense arrays: limits first (cheap, from the shapes alone),
// then every shape disagreement, each with its JSON Pointer.
import type { Limits } from '../config.js';
import {
  type Batch, type DenseNetwork, type ExampleJson, type NetworkJson,
  checkExampleShapes, checkNetworkShapes, checkTargetsConsistent, toBatch, toDenseNetwork,
} from '../core/network.js';
import { ServiceError } from '../errors.js';

function limitExceeded(limit: keyof Limits, value: number, max: number, path: string, what: string): ServiceError {
  return new ServiceError('limit-exceeded', `${what} is ${value}; the limit ${limit} is ${max}.`, {
    errors: [{ path, message: `${value} exceeds ${limit} = ${max}` }],
    extensions: { limit, value, max },
  });
}

/** Layer count, widths and parameter count against the limits. */
export function checkNetworkLimits(sizes: number[], limits: Limits, base: string): void {
  if (sizes.length - 1 > limits.maxLayers) throw limitExceeded('maxLayers', sizes.length - 1, limits.maxLayers, base, 'The number of layers');
  sizes.forEach((n, l) => {
    if (n > limits.maxWidth) throw limitExceeded('maxWidth', n, limits.maxWidth, base, `Layer ${l} width`);
  });
  let parameters = 0;
  for (let l = 1; l < sizes.length; l++) parameters += sizes[l] * sizes[l - 1] + sizes[l];
  if (parameters > limits.maxParameters) throw limitExceeded('maxParameters', parameters, limits.maxParameters, base, 'The parameter count');
}

export function checkExampleLimit(count: number, limits: Limits, path: string): void {
  if (count > limits.maxExamples) throw limitExceeded('maxExamples', count, limits.maxExamples, path, 'The number of examples');
}

/** parameters × examples × steps against maxWorkUnits: the cost of a request, known before it runs. */
export function checkWorkBudget(parameters: number, examples: number, steps: number, limits: Limits, path: string): void {
  const work = parameters * examples * steps;
  if (work > limits.maxWorkUnits) {
    throw limitExceeded('maxWorkUnits', work, limits.maxWorkUnits, path, 'The work (parameters × examples × steps)');
  }
}

function shapeMismatch(errors: { path: string; message: string }[]): ServiceError {
  return new ServiceError('shape-mismatch', `${errors.length} shape disagreement${errors.length === 1 ? '' : 's'}.`, { errors });
}

/** The declared sizes n_0…n_L as the request states them (rows of each layer, columns of layer 1). */
function declaredSizes(network: NetworkJson): number[] {
  return [network.layers[0].weights[0].length, ...network.layers.map((l) => l.weights.length)];
}

export function prepareNetwork(network: NetworkJson, limits: Limits, base = '/network'): DenseNetwork {
  checkNetworkLimits(declaredSizes(network), limits, base);
  const issues = checkNetworkShapes(network, base);
  if (issues.length > 0) throw shapeMismatch(issues);
  return toDenseNetwork(network);
}

export interface PreparedBatch { net: DenseNetwork; batch: Batch }

/** Network and examples together: every disagreement of both is listed in one 422. */
export function prepareComputation(
  network: NetworkJson, examples: ExampleJson[], limits: Limits,
  options: { networkPath?: string; examplesPath?: string; requireTargets?: boolean } = {},
): PreparedBatch {
  const networkPath = options.networkPath ?? '/network';
  const examplesPath = options.examplesPath ?? '/examples';
  const sizes = declaredSizes(network);
  checkNetworkLimits(sizes, limits, networkPath);
  checkExampleLimit(examples.length, limits, examplesPath);
  const issues = [
    ...checkNetworkShapes(network, networkPath),
    ...checkExampleShapes(examples, sizes[0], sizes[sizes.length - 1], examplesPath, options.requireTargets ?? false),
    ...(options.requireTargets ? [] : checkTargetsConsistent(examples, examplesPath)),
  ];
  if (issues.length > 0) throw shapeMismatch(issues);
  const net = toDenseNetwork(network);
  return { net, batch: toBatch(examples, sizes[0], sizes[sizes.length - 1]) };
}

/** Examples against an existing dense network (sessions). */
export function prepareExamples(net: DenseNetwork, examples: ExampleJson[], limits: Limits, base = '/examples'): Batch {
  checkExampleLimit(examples.length, limits, base);
  const nIn = net.layers[0].nIn;
  const nOut = net.layers[net.layers.length - 1].nOut;
  const issues = checkExampleShapes(examples, nIn, nOut, base, true);
  if (issues.length > 0) throw shapeMismatch(issues);
  return toBatch(examples, nIn, nOut);
}
