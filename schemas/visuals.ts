// POST /v1/diagram and the pictures (SVG documents) the service draws.
import { type Static, Type } from 'typebox';
import { gradientRequestProperties } from './compute.js';

const closed = { additionalProperties: false } as const;

export const MAX_NEURONS_PER_LAYER = 64;

export const diagramOptionProperties = {
  example: Type.Optional(Type.Integer({ minimum: 0, description: 'Which example lights the neurons (its activations); default 0.' })),
  maxNeuronsPerLayer: Type.Optional(Type.Integer({
    minimum: 2, maximum: MAX_NEURONS_PER_LAYER,
    description: 'A wider layer shows its first and last maxNeuronsPerLayer/2 neurons and a "⋮ n more" marker; default 12.',
  })),
};

export const DiagramRequest = Type.Object({ ...gradientRequestProperties, ...diagramOptionProperties }, {
  ...closed,
  description: 'The /v1/gradient request (`include` is accepted and ignored) plus which example to show.',
  examples: [{
    network: { layers: [
      { weights: [[0.5]], biases: [0.1] }, { weights: [[-0.3]], biases: [0.2] }, { weights: [[0.8]], biases: [-0.1] },
    ] },
    examples: [{ input: [1.0], target: [0.0] }],
    example: 0,
  }],
});
export type DiagramRequest = Static<typeof DiagramRequest>;

export const SVG_MEDIA_TYPE = 'image/svg+xml';

export const SvgDocument = Type.String({ contentMediaType: SVG_MEDIA_TYPE, description: 'An SVG 1.1 document (UTF-8).' });

/** A response schema for fastify/OpenAPI: 200 is an SVG document, not JSON. */
export function svgResponse(description: string) {
  return { description, content: { [SVG_MEDIA_TYPE]: { schema: SvgDocument } } };
}

export const CostCurveQuery = Type.Object({
  scale: Type.Optional(Type.Enum(['linear', 'log'], { description: 'The cost axis: linear (default) or log₁₀ (costs ≤ 0 are then left out, and counted).' })),
}, closed);
export type CostCurveQuery = Static<typeof CostCurveQuery>;

// Query values arrive as text and the validator never coerces: the schema says which text is an integer.
export const SessionDiagramQuery = Type.Object({
  example: Type.Optional(Type.String({ pattern: '^(0|[1-9][0-9]{0,8})$', description: 'Which kept example lights the neurons; default 0.' })),
  maxNeuronsPerLayer: Type.Optional(Type.String({
    pattern: '^([2-9]|[1-5][0-9]|6[0-4])$', description: 'Neurons drawn per layer before eliding, 2…64; default 12.',
  })),
}, closed);
export type SessionDiagramQuery = Static<typeof SessionDiagramQuery>;

/** ?chunk=N on a streamed POST /v1/sessions/{id}/steps. */
export const StreamStepsQuery = Type.Object({
  chunk: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,8}$', description: 'Steps per chunk (committed together, one event each); default adaptive.' })),
}, closed);
export type StreamStepsQuery = Static<typeof StreamStepsQuery>;
