// Mounts an operation as a REST route: the body schema validates (with src/validation.ts's
// compiler), the handler makes one call into the operation, ResponseMeta becomes headers.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { Problem } from '../../schemas/common.js';
import type { Operation, OperationContext } from '../operations/operation.js';
import { timeOperation } from './metrics.js';
import { handlerTimeout } from './problems.js';
import { deadlineSignalOf } from './timeout.js';

export interface RouteOptions {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  /** Status of success (200 unless the operation says otherwise through meta.status). */
  status?: number;
  tags?: string[];
  /** Path parameter schema, merged into the operation's params (e.g. { id }). */
  params?: ReturnType<typeof Type.Object>;
  headers?: ReturnType<typeof Type.Object>;
}

export function contextOf(request: FastifyRequest, reply: FastifyReply): OperationContext {
  const app = request.server;
  const header = (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  return {
    config: app.config,
    services: app.services,
    principal: request.principal ?? '',
    log: request.log,
    signal: abortSignalOf(request, reply),
    ifMatch: header('if-match'),
    idempotencyKey: header('idempotency-key'),
    meta: {},
  };
}

/**
 * Aborted when the client closes the connection before the reply is sent, or when the handler
 * timeout fires (timeout.ts). Not the request's own 'close': on Node 20 that fires as soon as
 * the body has been read.
 */
function abortSignalOf(request: FastifyRequest, reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => { if (!reply.raw.writableFinished) controller.abort(); });
  const deadline = deadlineSignalOf(request);
  return deadline ? AbortSignal.any([controller.signal, deadline]) : controller.signal;
}

/**
 * Runs an operation for either door: timed in the metrics, and refused with a 503 when it
 * finished past the handler timeout — work that held the event loop the whole time (so that
 * fastify's timer could not fire) still answers as a timeout, not as a late success.
 */
export async function runOperation<P, R>(op: { name: string; run(params: P, ctx: OperationContext): R | Promise<R> }, params: P, ctx: OperationContext): Promise<R> {
  const started = performance.now();
  const result = await timeOperation(ctx.services.metrics, op.name, () => op.run(params, ctx));
  const limit = ctx.config.handlerTimeoutMs;
  if (ctx.signal.aborted || (limit > 0 && performance.now() - started > limit)) throw handlerTimeout();
  return result;
}

export function mountOperation(app: FastifyInstance, op: Operation, options: RouteOptions): void {
  const status = options.status ?? 200;
  const hasBody = options.method === 'POST';
  app.route({
    method: options.method,
    url: options.url,
    schema: {
      operationId: op.name,
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      tags: options.tags,
      ...(hasBody ? { body: op.body } : {}),
      ...(options.params ? { params: options.params } : {}),
      ...(options.headers ? { headers: options.headers } : {}),
      response: { [status]: op.result, '4xx': Problem, '5xx': Problem },
    },
    handler: async (request, reply) => {
      const ctx = contextOf(request, reply);
      const params = { ...(hasBody ? (request.body as object) : {}), ...(request.params as object) };
      const result = await runOperation(op, params as never, ctx);
      if (reply.sent) return reply; // the timeout already answered
      const { meta } = ctx;
      if (meta.etag) reply.header('etag', meta.etag);
      if (meta.location) reply.header('location', meta.location);
      if (meta.replayed) reply.header('idempotent-replayed', 'true');
      reply.code(meta.status ?? status);
      return result ?? reply.send();
    },
  });
}

export const ProblemResponses = { '4xx': Problem, '5xx': Problem };
export { Type };
