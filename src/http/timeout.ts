// The handler timeout: a request not answered within HANDLER_TIMEOUT_MS gets a 503 problem
// (JSON-RPC error on /rpc) and its signal aborts (request-signal.ts), so work that yields or runs
// off the event loop can stop. The deadlines are kept by the list of requests in flight
// (in-flight.ts). Fastify 5's own `handlerTimeout` is not used: on Node 20 a request's 'close'
// event fires as soon as its body is read, which clears fastify's timer for every POST.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { handlerTimeout, sendError } from './problems.js';
import { abortRequest } from './request-signal.js';

/** What happens to a request whose time is up (InFlight's expire). */
export function expireRequest(timeoutMs: number) {
  return (request: FastifyRequest, reply: FastifyReply): void => {
    const error = handlerTimeout();
    abortRequest(request, error);
    if (reply.sent || reply.raw.headersSent) return;
    request.log.warn({ timeoutMs }, 'handler timeout');
    sendError(request, reply, error);
  };
}
