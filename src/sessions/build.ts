// A new session from POST /v1/sessions: an explicit network, or an architecture initialised
// from a seeded PRNG (same seed → same parameters everywhere).
import type { ActivationName } from '../core/activations.js';
import { DEFAULT_ACTIVATION } from '../core/activations.js';
import { DEFAULT_COST, DEFAULT_REDUCTION } from '../core/costs.js';
import { initNetwork } from '../core/init.js';
import type { DenseNetwork } from '../core/network.js';
import { mulberry32 } from '../core/rng.js';
import { checkNetworkLimits, prepareExamples, prepareNetwork } from '../compute/prepare.js';
import type { Config } from '../config.js';
import { ServiceError } from '../errors.js';
import type { Architecture, CreateSessionRequest } from '../../schemas/sessions.js';
import type { SessionState } from './codec.js';

/** η when the request names no optimizer. */
export const DEFAULT_LEARNING_RATE = 0.1;

function networkFromArchitecture(arch: Architecture, config: Config): DenseNetwork {
  checkNetworkLimits(arch.sizes, config.limits, '/architecture/sizes');
  const L = arch.sizes.length - 1;
  const given = arch.activation ?? DEFAULT_ACTIVATION;
  if (Array.isArray(given) && given.length !== L) {
    throw new ServiceError('shape-mismatch', `${given.length} activations for ${L} layers.`, {
      errors: [{ path: '/architecture/activation', message: `${given.length} activations for ${L} layers (sizes has ${L + 1} entries)` }],
    });
  }
  const activations: ActivationName[] = Array.isArray(given) ? given : Array.from({ length: L }, () => given);
  return initNetwork(arch.sizes, activations, arch.init ?? 'xavier', mulberry32(arch.seed ?? 0));
}

export function buildSession(request: CreateSessionRequest, id: string, principal: string, config: Config, now: number): SessionState {
  if ((request.network === undefined) === (request.architecture === undefined)) {
    const both = request.network !== undefined;
    throw new ServiceError('invalid-request', 'Give exactly one of network or architecture.', {
      errors: [{ path: both ? '/architecture' : '/network', message: both ? 'network and architecture are both given; give one' : 'network or architecture is required' }],
    });
  }
  const ttlSeconds = request.ttlSeconds ?? config.sessionTtlSeconds;
  if (ttlSeconds > config.maxSessionTtlSeconds) {
    throw new ServiceError('limit-exceeded', `ttlSeconds is ${ttlSeconds}; the maximum is ${config.maxSessionTtlSeconds}.`, {
      errors: [{ path: '/ttlSeconds', message: `${ttlSeconds} exceeds maxSessionTtlSeconds = ${config.maxSessionTtlSeconds}` }],
      extensions: { limit: 'maxSessionTtlSeconds', value: ttlSeconds, max: config.maxSessionTtlSeconds },
    });
  }
  const net = request.network ? prepareNetwork(request.network, config.limits) : networkFromArchitecture(request.architecture!, config);
  const examples = request.examples
    ? prepareExamples(net, request.examples, config.limits)
    : { count: 0, inputs: new Float64Array(0), targets: new Float64Array(0) };
  const optimizer = request.optimizer ?? { type: 'sgd' as const, learningRate: DEFAULT_LEARNING_RATE };
  return {
    id,
    principal,
    createdAt: now,
    updatedAt: now,
    ttlSeconds,
    step: 0,
    costHistory: [],
    cost: request.cost ?? DEFAULT_COST,
    reduction: request.reduction ?? DEFAULT_REDUCTION,
    optimizer: { type: 'sgd', learningRate: optimizer.learningRate, momentum: optimizer.momentum ?? 0 },
    ...(request.batchSize !== undefined ? { batchSize: request.batchSize } : {}),
    seed: request.seed ?? 0,
    net,
    examples,
  };
}
