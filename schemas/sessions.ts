// Sessions: gradient descent held server-side (API.md §4).
import { type Static, Type } from 'typebox';
import { INITS } from '../src/core/init.js';
import { ActivationName, CostName, Examples, Network, ReductionName, TrainingExample, Vector } from './common.js';
import { GradientResponse, Include } from './compute.js';

const closed = { additionalProperties: false } as const;

export const SessionId = Type.String({ minLength: 1, description: 'The session id (from the 201 of POST /v1/sessions).' });
export const SessionIdParams = Type.Object({ id: SessionId }, closed);

export const Architecture = Type.Object({
  sizes: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 2, description: 'Layer sizes n_0 (the input), n_1, …, n_L.' }),
  activation: Type.Optional(Type.Union([ActivationName, Type.Array(ActivationName, { minItems: 1 })], {
    description: 'One activation for every layer, or one per layer l = 1…L (default sigmoid).',
  })),
  init: Type.Optional(Type.Enum([...INITS], {
    description: 'xavier (default): W ~ N(0, 2/(n_in+n_out)), b = 0; he: W ~ N(0, 2/n_in), b = 0; normal: W, b ~ N(0, 1); zeros.',
  })),
  seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 4294967295, description: 'Seed of the initialisation (default 0).' })),
}, closed);
export type Architecture = Static<typeof Architecture>;

export const Optimizer = Type.Object({
  type: Type.Literal('sgd'),
  learningRate: Type.Number({ exclusiveMinimum: 0, description: 'η in W ← W − η∇W.' }),
  momentum: Type.Optional(Type.Number({ minimum: 0, exclusiveMaximum: 1, description: 'μ in v ← μv − η∇, θ ← θ + v (default 0).' })),
}, closed);
export type Optimizer = Static<typeof Optimizer>;

export const CreateSessionRequest = Type.Object({
  network: Type.Optional(Network),
  architecture: Type.Optional(Architecture),
  cost: Type.Optional(CostName),
  reduction: Type.Optional(ReductionName),
  optimizer: Type.Optional(Optimizer),
  examples: Type.Optional(Examples),
  batchSize: Type.Optional(Type.Integer({ minimum: 1, description: 'Mini-batch size over the kept examples; default: all of them.' })),
  seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 4294967295, description: 'Seed of the mini-batch shuffling (default 0).' })),
  ttlSeconds: Type.Optional(Type.Integer({ minimum: 1, description: 'Seconds the session lives after its last write; default and maximum are configured.' })),
}, { ...closed, examples: [{
  architecture: { sizes: [2, 3, 1], init: 'xavier', seed: 42 },
  optimizer: { type: 'sgd', learningRate: 2 },
  examples: [
    { input: [0, 0], target: [0] }, { input: [0, 1], target: [1] },
    { input: [1, 0], target: [1] }, { input: [1, 1], target: [0] },
  ],
}] });
export type CreateSessionRequest = Static<typeof CreateSessionRequest>;

export const SessionView = Type.Object({
  id: Type.String(),
  step: Type.Integer({ description: 'Steps applied so far.' }),
  lastCost: Type.Optional(Type.Number({ description: 'The batch cost before the last step.' })),
  costHistory: Type.Array(Type.Number(), { description: 'The costs the steps reported, in order (the last 1000).' }),
  network: Network,
  cost: CostName,
  reduction: ReductionName,
  optimizer: Optimizer,
  batchSize: Type.Optional(Type.Integer()),
  seed: Type.Integer({ description: 'Seed of the mini-batch shuffling.' }),
  exampleCount: Type.Integer({ description: 'Examples kept with the session.' }),
  ttlSeconds: Type.Integer(),
  createdAt: Type.String({ description: 'ISO 8601 (UTC).' }),
  updatedAt: Type.String({ description: 'ISO 8601 (UTC).' }),
  expiresAt: Type.String({ description: 'ISO 8601 (UTC): updatedAt + ttlSeconds: every write renews the session.' }),
}, closed);
export type SessionView = Static<typeof SessionView>;

export const StepBody = Type.Object({
  steps: Type.Optional(Type.Integer({ minimum: 1, description: 'Steps to apply (default 1; at most the configured maxStepsPerRequest).' })),
  examples: Type.Optional(Type.Array(TrainingExample, { minItems: 1, description: 'The batch of every step of this request, instead of the kept set.' })),
  learningRate: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'η for this request only.' })),
  includeNetwork: Type.Optional(Type.Boolean({ description: 'Return the network after the steps (default true).' })),
}, closed);
export type StepBody = Static<typeof StepBody>;
export const StepRequest = Type.Object({ ...StepBody.properties, id: SessionId }, closed);
export type StepRequest = Static<typeof StepRequest>;

export const StepResponse = Type.Object({
  step: Type.Integer({ description: 'The session step after this request.' }),
  costs: Vector,
  network: Type.Optional(Network),
}, closed);
export type StepResponse = Static<typeof StepResponse>;

export const EvaluateBody = Type.Object({
  examples: Type.Optional(Examples),
  include: Type.Optional(Include),
}, closed);
export const EvaluateRequest = Type.Object({ ...EvaluateBody.properties, id: SessionId }, closed);
export type EvaluateRequest = Static<typeof EvaluateRequest>;
export { GradientResponse as EvaluateResponse };

export const NoContent = Type.Null({ description: 'No body.' });
