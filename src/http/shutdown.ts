// Graceful shutdown, the app's half (server.ts owns the signals): once draining starts —
// on SIGTERM, before app.close() — readiness fails and every new request gets a 503 problem
// with Connection: close, while requests already running finish normally (then close theirs).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ServiceError } from '../errors.js';
import type { InFlight } from './in-flight.js';
import { sendError } from './problems.js';

export interface Drain {
  readonly draining: boolean;
  start(): void;
  /** Answers a request that arrives while draining (a 503) and says so; false otherwise. */
  refuse(request: FastifyRequest, reply: FastifyReply): boolean;
}

export function registerShutdown(app: FastifyInstance, inFlight: InFlight): Drain {
  let draining = false;
  const drain: Drain = {
    get draining() { return draining; },
    start() {
      if (draining) return;
      draining = true;
      // The requests already running finish, and their connections close after the response:
      // Node's server.close() reaps only connections idle at that moment. A response not started
      // yet is told not to keep alive (Node writes Connection: close and closes after the last
      // byte); one whose headers went out (a stream) is closed when it ends (in-flight.ts).
      for (const running of inFlight) {
        const response = running.reply!.raw;
        if (!response.headersSent) response.shouldKeepAlive = false;
        else running.closeAfter = true;
      }
    },
    refuse(request, reply) {
      if (!draining) return false;
      reply.header('connection', 'close');
      sendError(request, reply, new ServiceError('service-unavailable', 'The service is shutting down; retry on another replica.', { retryAfter: 1 }));
      return true;
    },
  };
  // app.close() alone (a test, or a signal handler that forgot) also drains.
  app.addHook('preClose', async () => { drain.start(); });
  return drain;
}
