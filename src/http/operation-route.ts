// Mounts an operation as a REST route: the body schema validates (with src/validation.ts's
// compiler), the handler makes one call into the operation, ResponseMeta becomes headers.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { Problem } from '../../schemas/common.js';
import type { Operation, OperationContext } from '../operations/operation.js';

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
 * Aborted when the client closes the connection before the reply is sent. Only the response's
 * 'close' says so: since Node 16 the request's 'close' fires as soon as its body has been read.
 */
function abortSignalOf(_request: FastifyRequest, reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => { if (!reply.raw.writableFinished) controller.abort(); });
  return controller.signal;
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
      const result = await op.run(params as never, ctx);
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
