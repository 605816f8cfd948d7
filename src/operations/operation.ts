// An operation is one use case with two doors: a REST route and a JSON-RPC method.
// Both validate with the same schema (src/validation.ts) and call the same `run`.
import type { FastifyBaseLogger } from 'fastify';
import type { Static, TSchema } from 'typebox';
import type { Config } from '../config.js';
import type { Services } from '../services.js';

/** What a run may say about the response beyond its body (REST headers; RPC ignores most). */
export interface ResponseMeta {
  status?: number;
  etag?: string;
  location?: string;
  replayed?: boolean;
}

export interface OperationContext {
  config: Config;
  services: Services;
  /** Who is calling: a stable id of the API key (never the key itself); '' when the service is open. */
  principal: string;
  log: FastifyBaseLogger;
  /** Aborted when the client goes away or the request times out (a request's is made on first use). */
  readonly signal: AbortSignal;
  /** The signal's state, where the door can tell it without making the signal (REST and RPC requests). */
  readonly aborted?: boolean;
  /** Request headers that carry semantics (REST headers; RPC may pass them as params). */
  ifMatch?: string;
  idempotencyKey?: string;
  meta: ResponseMeta;
  /**
   * Set where the result is serialized by jsonBytes (a compute worker): number arrays may then
   * be Float64Array views into the computation's arrays instead of copies.
   */
  viewsAllowed?: boolean;
  /**
   * Set where the door sends a JsonText result's text as it is (REST): an operation may then
   * write its result as JSON text itself, straight from its arrays.
   */
  textAllowed?: boolean;
}

export interface Operation<Params extends TSchema = TSchema, Result extends TSchema = TSchema> {
  /** The JSON-RPC method name. */
  name: string;
  summary: string;
  description?: string;
  /** JSON-RPC params: the REST body, plus `id` for session methods. */
  params: Params;
  /** The REST body (the same as params when there is no path parameter). */
  body: TSchema;
  result: Result;
  /**
   * A pure function of its params and the config (no services, no response meta): a large REST
   * body of it is parsed, validated and run whole in a compute worker (src/http/json-body.ts).
   */
  offloadable?: boolean;
  run(params: Static<Params>, ctx: OperationContext): Promise<Static<Result>> | Static<Result>;
}

/** Whether the work of ctx should stop: its signal's state, read without making one where the door can. */
export function isAborted(ctx: Pick<OperationContext, 'signal' | 'aborted'>): boolean {
  return ctx.aborted ?? ctx.signal.aborted;
}

/**
 * A context for one part of a request (a JSON-RPC call of a batch, a chunk of streamed steps):
 * the request's context with some fields replaced. Its prototype is the request's context, so the
 * signal stays the request's own, still made on first use (a spread would make it at once).
 */
export function partOf(ctx: OperationContext, fields: Partial<OperationContext>): OperationContext {
  // Defined, not assigned: a request context's signal is a getter without a setter.
  const own = Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, { value, enumerable: true }]));
  return Object.create(ctx, own) as OperationContext;
}

export function defineOperation<P extends TSchema, R extends TSchema>(
  op: Omit<Operation<P, R>, 'body'> & { body?: TSchema },
): Operation<P, R> {
  return { ...op, body: op.body ?? op.params };
}
