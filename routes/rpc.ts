// POST /rpc: JSON-RPC 2.0 over every operation of the table (API.md §5). One call into the
// dispatcher; the envelope, batches and errors live in src/rpc/.
import type { FastifyInstance } from 'fastify';
import { Problem } from '../schemas/common.js';
import { RpcRequestBody, RpcResponseBody } from '../schemas/rpc.js';
import { contextOf } from '../src/http/operation-route.js';
import { operations } from '../src/operations/index.js';
import type { Operation } from '../src/operations/operation.js';
import { registerRpcBodyParser } from '../src/rpc/content-type.js';
import { createDispatcher } from '../src/rpc/dispatcher.js';

export interface RpcRouteOptions {
  /** The methods; THE operation table unless a test passes its own. */
  operations?: ReadonlyMap<string, Operation>;
}

export default async function rpcRoutes(app: FastifyInstance, options: RpcRouteOptions = {}): Promise<void> {
  const dispatcher = createDispatcher(options.operations ?? operations);
  registerRpcBodyParser(app);
  app.post('/rpc', {
    // The body schema documents the envelope; the dispatcher answers a bad one with -32600.
    attachValidation: true,
    schema: {
      summary: 'JSON-RPC 2.0: one call or a batch; `rpc.discover` returns the OpenRPC document',
      description: 'Every method takes the REST request body as by-name params (session methods add "id") and returns the REST '
        + 'response body as result. Every JSON-RPC response is HTTP 200 application/json; a notification (or a batch of only '
        + 'notifications) gets 204 and no body; only a body above the size limit gets a 413 problem.',
      tags: ['json-rpc'],
      body: RpcRequestBody,
      response: { 200: RpcResponseBody, 204: { type: 'null', description: 'Only notifications: nothing to answer.' }, 413: Problem },
    },
  }, async (request, reply) => {
    const body = await dispatcher.handle(request.body, contextOf(request, reply));
    if (reply.sent) return reply; // the handler timeout already answered (-32003)
    if (body === undefined) return reply.code(204).send();
    return reply.code(200).type('application/json').send(body);
  });
}
