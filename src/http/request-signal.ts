// A request's abort signal: aborted when the handler timeout fires (timeout.ts) or when the client
// closes the connection before the reply is sent (not the request's own 'close': on Node 20 that
// fires as soon as the body has been read). It is made on first use. In Node 20 an AbortSignal is
// an EventTarget whose prototype is set after it is made, which sends V8 down its slow paths (new
// maps, slow stores): with its 'close' listener it cost a tiny request ~6 % of its CPU, and most
// requests end without anyone asking for it. requestAborted reads the same state without one.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The controller behind requestSignalOf, once made (a property: a WeakMap entry per request slows every scavenge). */
    stopController: AbortController | null;
    /** Set by the handler timeout when the time is up (timeout.ts). */
    expired: Error | null;
  }
}

export function registerRequestSignal(app: FastifyInstance): void {
  app.decorateRequest('stopController', null);
  app.decorateRequest('expired', null);
}

const clientGone = (reply: FastifyReply) => reply.raw.destroyed && !reply.raw.writableFinished;

/** Whether the request's work should stop (time up, or the client gone), without making a signal. */
export function requestAborted(request: FastifyRequest, reply: FastifyReply): boolean {
  return request.stopController?.signal.aborted ?? (request.expired !== null || clientGone(reply));
}

/** The request's signal: made on first use, already aborted if the time is up or the client gone. */
export function requestSignalOf(request: FastifyRequest, reply: FastifyReply): AbortSignal {
  let controller = request.stopController;
  if (!controller) {
    const made = controller = request.stopController = new AbortController();
    if (request.expired) made.abort(request.expired);
    else if (clientGone(reply)) made.abort();
    else reply.raw.once('close', () => { if (!reply.raw.writableFinished) made.abort(); });
  }
  return controller.signal;
}

/** Aborts the request's signal, if one was made, with the reason (the handler timeout). */
export function abortRequest(request: FastifyRequest, reason: Error): void {
  request.expired = reason;
  request.stopController?.abort(reason);
}
