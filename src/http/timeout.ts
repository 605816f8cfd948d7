// The handler timeout: a request not answered within HANDLER_TIMEOUT_MS gets a 503 problem
// (JSON-RPC error on /rpc) and its deadline signal aborts, so work that yields or runs off the
// event loop can stop. Fastify 5's own `handlerTimeout` is not used: on Node 20 a request's
// 'close' event fires as soon as its body is read, which clears fastify's timer for every POST.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { handlerTimeout, sendError } from './problems.js';

const deadlines = new WeakMap<FastifyRequest, { controller: AbortController; timer: NodeJS.Timeout }>();

/**
 * The controller aborted when the request's time is up (none when the timeout is off). Other
 * reasons to stop (the client hanging up) abort the same controller: one signal per request,
 * not two joined by AbortSignal.any, which costs a measurable share of a tiny request.
 */
export function deadlineControllerOf(request: FastifyRequest): AbortController | undefined {
  return deadlines.get(request)?.controller;
}

export function registerHandlerTimeout(app: FastifyInstance, timeoutMs: number): void {
  if (timeoutMs <= 0) return;
  app.addHook('onRequest', (request, reply, done) => {
    const controller = new AbortController();
    const timer = setTimeout(() => {
      const error = handlerTimeout();
      controller.abort(error);
      if (reply.sent || reply.raw.headersSent) return;
      request.log.warn({ timeoutMs }, 'handler timeout');
      sendError(request, reply, error);
    }, timeoutMs);
    deadlines.set(request, { controller, timer });
    done();
  });
  const clear = (request: FastifyRequest) => {
    const deadline = deadlines.get(request);
    if (deadline) clearTimeout(deadline.timer);
  };
  app.addHook('onResponse', (request, _reply, done) => { clear(request); done(); });
  app.addHook('onRequestAbort', (request, done) => { clear(request); done(); });
}
