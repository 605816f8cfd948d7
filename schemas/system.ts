// GET /v1/info, /healthz, /readyz.
import { type Static, Type } from 'typebox';

export const Info = Type.Object({
  service: Type.Object({ name: Type.String(), version: Type.String() }),
  engine: Type.Object({ node: Type.String(), v8: Type.String() }),
  algorithmVersion: Type.String({ description: 'Changes whenever a computed number could change.' }),
  numbers: Type.String({ description: 'The arithmetic: IEEE-754 float64.' }),
  activations: Type.Array(Type.String()),
  costs: Type.Array(Type.String()),
  reductions: Type.Array(Type.String()),
  inits: Type.Array(Type.String()),
  defaults: Type.Object({ activation: Type.String(), cost: Type.String(), reduction: Type.String(), leakyReluAlpha: Type.Number() }),
  store: Type.String(),
  limits: Type.Record(Type.String(), Type.Number()),
});
export type Info = Static<typeof Info>;

export const Health = Type.Object({ status: Type.String() });
