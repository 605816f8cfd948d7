// The contract's shared objects (API.md §2). A schema and its type share one name.
import { type Static, type TSchema, type TUnsafe, Type } from 'typebox';
import { ACTIVATIONS } from '../src/core/activations.js';
import { COSTS, REDUCTIONS } from '../src/core/costs.js';

const closed = { additionalProperties: false } as const;

/**
 * The compact lossless form of a number array (src/encoding/f64.ts), accepted wherever a vector or
 * matrix is, and returned when a request says "encoding": "f64". Requests carry it through every
 * door (it is decoded before validation); x-encoding marks the branch for the error reporter.
 */
export const F64Array = Type.Object({
  f64: Type.String({ contentEncoding: 'base64', description: 'Base64 (RFC 4648, padded) of the values as little-endian IEEE-754 float64, row-major.' }),
  shape: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 2, description: '[n] for a vector, [rows, cols] for a matrix.' }),
}, { additionalProperties: false, 'x-encoding': 'f64', description: 'A number array as raw float64 bytes: bit-exact, about 2.5× smaller than decimal JSON.' });
export type F64Array = Static<typeof F64Array>;

/**
 * A number array, or its f64 form. The static type stays the array's: validation decodes f64
 * objects first, so code after it only ever sees numbers.
 */
export function orF64<T extends TSchema>(schema: T): TUnsafe<Static<T>> {
  return Type.Unsafe<Static<T>>(Type.Union([schema, F64Array], { description: (schema as { description?: string }).description }));
}

export const Vector = orF64(Type.Array(Type.Number(), { description: 'A vector of finite float64 numbers.' }));
export const Matrix = orF64(Type.Array(Type.Array(Type.Number()), { description: 'Row-major matrix: matrix[j][k].' }));

export const Encoding = Type.Enum(['json', 'f64'], {
  description: 'How the response writes number arrays: json (default) as JSON numbers; f64 as { f64, shape } objects (see F64Array).',
});
export type Encoding = Static<typeof Encoding>;

export const ActivationName = Type.Enum([...ACTIVATIONS], { description: 'Activation f of a layer; default sigmoid.' });
export type ActivationName = Static<typeof ActivationName>;
export const CostName = Type.Enum([...COSTS], { description: 'Per-example cost C₀; default quadratic: Σ_j (a_j − y_j)².' });
export const ReductionName = Type.Enum([...REDUCTIONS], { description: 'Batch cost: mean (default) = (1/n) Σ C₀, sum = Σ C₀.' });

export const Layer = Type.Object({
  weights: orF64(Type.Array(Type.Array(Type.Number(), { minItems: 1 }), {
    minItems: 1,
    description: 'W[j][k]: the weight from neuron k of the previous layer to neuron j of this layer (shape n_l × n_(l−1)).',
  })),
  biases: orF64(Type.Array(Type.Number(), { minItems: 1, description: 'b[j], one per neuron of this layer.' })),
  activation: Type.Optional(ActivationName),
  alpha: Type.Optional(Type.Number({ description: 'Slope of leaky_relu for z < 0 (default 0.01); only with leaky_relu.' })),
}, closed);
export type Layer = Static<typeof Layer>;

export const Network = Type.Object({
  layers: Type.Array(Layer, { minItems: 1, description: 'Layers l = 1…L; the input a⁽⁰⁾ is not a layer.' }),
}, { ...closed, examples: [{ layers: [
  { weights: [[0.5]], biases: [0.1] }, { weights: [[-0.3]], biases: [0.2] }, { weights: [[0.8]], biases: [-0.1] },
] }] });
export type Network = Static<typeof Network>;

export const Example = Type.Object({
  input: orF64(Type.Array(Type.Number(), { minItems: 1, description: 'a⁽⁰⁾ = x, length n_0.' })),
  target: Type.Optional(orF64(Type.Array(Type.Number(), { minItems: 1, description: 'y, length n_L.' }))),
}, closed);
export type Example = Static<typeof Example>;

export const TrainingExample = Type.Object({
  input: orF64(Type.Array(Type.Number(), { minItems: 1, description: 'a⁽⁰⁾ = x, length n_0.' })),
  target: orF64(Type.Array(Type.Number(), { minItems: 1, description: 'y, length n_L.' })),
}, closed);
export type TrainingExample = Static<typeof TrainingExample>;

export const Examples = Type.Array(TrainingExample, { minItems: 1, description: 'The batch: n ≥ 1 examples with targets.' });

export const FieldError = Type.Object({
  path: Type.String({ description: 'JSON Pointer (RFC 6901) of the offending field.' }),
  message: Type.String(),
});

export const Problem = Type.Object({
  type: Type.String({ description: 'URI of the problem type.' }),
  title: Type.String(),
  status: Type.Integer({ description: 'The HTTP status code.' }),
  detail: Type.String(),
  errors: Type.Optional(Type.Array(FieldError)),
}, { description: 'RFC 9457 problem details (application/problem+json).' });
export type Problem = Static<typeof Problem>;

/** ∂C/∂W and ∂C/∂b with the network's shapes. */
export const GradientLayers = Type.Object({
  layers: Type.Array(Type.Object({ weights: Matrix, biases: Vector }, closed)),
}, closed);
export type GradientLayers = Static<typeof GradientLayers>;
