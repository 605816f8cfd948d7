// POST /v1/forward and POST /v1/gradient (API.md §3).
import { type Static, Type } from 'typebox';
import { CostName, Encoding, orF64, Example, Examples, GradientLayers, Network, ReductionName, Vector } from './common.js';
import { lessonChainRequest, lessonForwardResponse, lessonGradientResponse } from './examples.js';

const closed = { additionalProperties: false } as const;

const lessonChain = lessonChainRequest;

export const ForwardRequest = Type.Object({
  network: Network,
  examples: Type.Array(Example, { minItems: 1, description: 'Examples; `target` may be omitted from every one (then no cost).' }),
  cost: Type.Optional(CostName),
  reduction: Type.Optional(ReductionName),
  encoding: Type.Optional(Encoding),
}, { ...closed, examples: [lessonChain] });
export type ForwardRequest = Static<typeof ForwardRequest>;

export const ForwardLayer = Type.Object({ z: Vector, a: Vector }, closed);

export const ForwardResponse = Type.Object({
  cost: Type.Optional(Type.Number({ description: 'C, when every example has a target.' })),
  outputs: Type.Array(Vector, { description: 'a⁽ᴸ⁾ of each example.' }),
  examples: Type.Array(Type.Object({
    cost: Type.Optional(Type.Number({ description: 'C₀ of this example.' })),
    layers: Type.Array(ForwardLayer, { description: 'layers[i] is layer l = i + 1: z⁽ˡ⁾ and a⁽ˡ⁾.' }),
  }, closed)),
}, { ...closed, examples: [lessonForwardResponse] });
export type ForwardResponse = Static<typeof ForwardResponse>;

export const Include = Type.Object({
  activations: Type.Optional(Type.Boolean({ description: 'Per-example z and a of every layer (default true).' })),
  sensitivities: Type.Optional(Type.Boolean({ description: 'Per-example ∂C₀/∂a, ∂C₀/∂z of every layer and ∂C₀/∂a⁽⁰⁾ (default true).' })),
  vector: Type.Optional(Type.Boolean({ description: 'The flat gradient vector (default true).' })),
  exampleGradients: Type.Optional(Type.Boolean({ description: 'Per-example ∂C₀/∂W and ∂C₀/∂b (default false).' })),
}, closed);
export type Include = Static<typeof Include>;

export const gradientRequestProperties = {
  network: Network,
  examples: Examples,
  cost: Type.Optional(CostName),
  reduction: Type.Optional(ReductionName),
  include: Type.Optional(Include),
};

export const GradientRequest = Type.Object({ ...gradientRequestProperties, encoding: Type.Optional(Encoding) }, { ...closed, examples: [lessonChain] });
export type GradientRequest = Static<typeof GradientRequest>;

export const Conventions = Type.Object({ cost: CostName, reduction: ReductionName }, { ...closed, description: 'The conventions applied, echoed.' });

export const ExampleLayer = Type.Object({
  z: Type.Optional(Vector),
  a: Type.Optional(Vector),
  dCda: Type.Optional(orF64(Type.Array(Type.Number(), { description: '∂C₀/∂a⁽ˡ⁾ of this example (not divided by n).' }))),
  dCdz: Type.Optional(orF64(Type.Array(Type.Number(), { description: 'δ⁽ˡ⁾ = ∂C₀/∂z⁽ˡ⁾ of this example.' }))),
}, closed);

export const ExampleResult = Type.Object({
  cost: Type.Number({ description: 'C₀ of this example.' }),
  layers: Type.Optional(Type.Array(ExampleLayer, { description: 'layers[i] is layer l = i + 1.' })),
  dCdInput: Type.Optional(orF64(Type.Array(Type.Number(), { description: '∂C₀/∂a⁽⁰⁾.' }))),
  gradient: Type.Optional(GradientLayers),
}, closed);

export const GradientResponse = Type.Object({
  cost: Type.Number({ description: 'C, the batch cost.' }),
  conventions: Conventions,
  parameterCount: Type.Integer(),
  gradient: GradientLayers,
  vector: Type.Optional(orF64(Type.Array(Type.Number(), { description: 'The gradient vector: layer 1 weights row by row, layer 1 biases, layer 2 weights, …' }))),
  examples: Type.Array(ExampleResult),
}, { ...closed, examples: [lessonGradientResponse] });
export type GradientResponse = Static<typeof GradientResponse>;
