// The handler timeout: a request not answered within HANDLER_TIMEOUT_MS gets a 503 problem
// (JSON-RPC error on /rpc) and its deadline signal aborts, so work that yields or runs off the
// event loop can stop. Fastify 5's own `handlerTimeout` is not used: on Node 20 a request's
// 'close' event fires as soon as its body is read, which clears fastify's timer for every POST.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { handlerTimeout, sendError } from './problems.js';
import { abortRequest } from './request-signal.js';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The request's deadline timer (null when the timeout is off). A property rather than an entry
     * of a WeakMap: one WeakMap entry per request made every young-generation collection slower.
     */
    deadline: NodeJS.Timeout | null;
  }
}

export function registerHandlerTimeout(app: FastifyInstance, timeoutMs: number): void {
  app.decorateRequest('deadline', null);
  if (timeoutMs <= 0) return;
  app.addHook('onRequest', (request, reply, done) => {
    request.deadline = setTimeout(() => {
      const error = handlerTimeout();
      abortRequest(request, error);
      if (reply.sent || reply.raw.headersSent) return;
      request.log.warn({ timeoutMs }, 'handler timeout');
      sendError(request, reply, error);
    }, timeoutMs);
    done();
  });
  const clear = (request: FastifyRequest) => {
    if (request.deadline) clearTimeout(request.deadline);
  };
  app.addHook('onResponse', (request, _reply, done) => { clear(request); done(); });
  app.addHook('onRequestAbort', (request, done) => { clear(request); done(); });
}
