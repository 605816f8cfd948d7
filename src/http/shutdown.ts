// Graceful shutdown, the app's half (server.ts owns the signals): once draining starts —
// on SIGTERM, before app.close() — readiness fails and every new request gets a 503 problem
// with Connection: close, while requests already running finish normally (then close theirs).
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
  // Requests already running when the drain began finish, and their connections close after
  // the response: Node's server.close() reaps only connections idle at that moment.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (draining) reply.header('connection', 'close');
    done(null, payload);
  });
  // A response whose headers went out before the drain (a stream) was sent keep-alive: close its
  // connection as soon as the last byte is written. destroySoon() flushes, sends FIN and frees
  // the socket without waiting for the client's FIN, which a client need not send before the
  // 72 s keep-alive timeout — and server.close() would wait for it.
  app.addHook('onResponse', (request, _reply, done) => {
    if (draining) request.raw.socket?.destroySoon();
    done();
  });
  app.addHook('onRequest', (request, reply, done) => {
    if (!draining) return done();
    // Answered here: a callback-style hook that replies does not call done().
    reply.header('connection', 'close');
    sendError(request, reply, new ServiceError('service-unavailable', 'The service is shutting down; retry on another replica.', { retryAfter: 1 }));
  });
  return drain;
}
