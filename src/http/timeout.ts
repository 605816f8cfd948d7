// The handler timeout: a request not answered within HANDLER_TIMEOUT_MS gets a 503 problem
// (JSON-RPC error on /rpc) and its deadline signal aborts, so work that yields or runs off the
// event loop can stop. Fastify 5's own `handlerTimeout` is not used: on Node 20 a request's
// 'close' event fires as soon as its body is read, which clears fastify's timer for every POST.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { handlerTimeout, sendError } from './problems.js';

interface Deadline {
  timer: NodeJS.Timeout;
  /** Made on first use (deadlineControllerOf): most requests end without anyone asking for it. */
  controller?: AbortController;
  /** Set when the time is up: a controller made later starts aborted with it. */
  expired?: Error;
}

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The request's deadline (null when the timeout is off). A property rather than an entry of a
     * WeakMap: one WeakMap entry per request made every young-generation collection slower.
     */
    deadline: Deadline | null;
  }
}

/**
 * The controller aborted when the request's time is up (none when the timeout is off). Other
 * reasons to stop (the client hanging up) abort the same controller: one signal per request,
 * not two joined by AbortSignal.any, which costs a measurable share of a tiny request.
 */
export function deadlineControllerOf(request: FastifyRequest): AbortController | undefined {
  const { deadline } = request;
  if (!deadline) return undefined;
  if (!deadline.controller) {
    deadline.controller = new AbortController();
    if (deadline.expired) deadline.controller.abort(deadline.expired);
  }
  return deadline.controller;
}

export function registerHandlerTimeout(app: FastifyInstance, timeoutMs: number): void {
  app.decorateRequest('deadline', null);
  if (timeoutMs <= 0) return;
  app.addHook('onRequest', (request, reply, done) => {
    const deadline: Deadline = {
      timer: setTimeout(() => {
        const error = handlerTimeout();
        deadline.expired = error;
        deadline.controller?.abort(error);
        if (reply.sent || reply.raw.headersSent) return;
        request.log.warn({ timeoutMs }, 'handler timeout');
        sendError(request, reply, error);
      }, timeoutMs),
    };
    request.deadline = deadline;
    done();
  });
  const clear = (request: FastifyRequest) => {
    if (request.deadline) clearTimeout(request.deadline.timer);
  };
  app.addHook('onResponse', (request, _reply, done) => { clear(request); done(); });
  app.addHook('onRequestAbort', (request, done) => { clear(request); done(); });
}
