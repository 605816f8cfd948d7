import { ACTIVATIONS, DEFAULT_ACTIVATION, DEFAULT_LEAKY_ALPHA } from '../core/activations.js';
import { COSTS, DEFAULT_COST, DEFAULT_REDUCTION, REDUCTIONS } from '../core/costs.js';
import { INITS } from '../core/init.js';
import type { Config } from '../config.js';
import { ALGORITHM_VERSION, SERVICE_VERSION } from '../version.js';
import type { Info } from '../../schemas/system.js';

export function describeService(config: Config): Info {
  return {
    service: { name: 'gradient-service', version: SERVICE_VERSION },
    engine: { node: process.versions.node, v8: process.versions.v8 },
    algorithmVersion: ALGORITHM_VERSION,
    numbers: 'IEEE-754 float64',
    activations: [...ACTIVATIONS],
    costs: [...COSTS],
    reductions: [...REDUCTIONS],
    inits: [...INITS],
    defaults: { activation: DEFAULT_ACTIVATION, cost: DEFAULT_COST, reduction: DEFAULT_REDUCTION, leakyReluAlpha: DEFAULT_LEAKY_ALPHA },
    store: config.store,
    limits: { ...config.limits },
  };
}
