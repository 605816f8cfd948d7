// Graceful shutdown, the app's half (server.ts owns the signals): once draining starts —
// on SIGTERM, before app.close() — readiness fails and every new request gets a 503 problem
// with Connection: close, while requests already running finish normally.
import type { FastifyInstance } from 'fastify';
import { ServiceError } from '../errors.js';
import { sendError } from './problems.js';

export interface Drain {
  readonly draining: boolean;
  start(): void;
}

export function registerShutdown(app: FastifyInstance): Drain {
  let draining = false;
  const drain: Drain = { get draining() { return draining; }, start() { draining = true; } };
  // app.close() alone (a test, or a signal handler that forgot) also drains.
  app.addHook('preClose', async () => { draining = true; });
  app.addHook('onRequest', async (request, reply) => {
    if (!draining) return;
    reply.header('connection', 'close');
    return sendError(request, reply, new ServiceError('service-unavailable', 'The service is shutting down; retry on another replica.', { retryAfter: 1 }));
  });
  return drain;
}
