// buildApp assembles the service and never listens: server.ts (or a test) does that.
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Config } from './config.js';
import './http/fastify-augment.js';
import { registerProblemHandlers } from './http/problems.js';
import { registerDocs } from './http/docs.js';
import { registerAuth } from './http/auth.js';
import { createMetrics, instrumentStore, registerMetrics } from './http/metrics.js';
import { registerOverload } from './http/overload.js';
import { registerRateLimit } from './http/rate-limit.js';
import { registerContentEncoding } from './http/content-encoding.js';
import { deferringUnparsed, registerJsonBodyParser } from './http/json-body.js';
import { registerRequestLog } from './http/request-log.js';
import { registerShutdown } from './http/shutdown.js';
import { expireRequest } from './http/timeout.js';
import { InFlight, registerInFlight } from './http/in-flight.js';
import { registerRequestSignal } from './http/request-signal.js';
import { type Services, defaultServices } from './services.js';
import { compile } from './validation.js';
import computeRoutes from '../routes/compute.js';
import gradingRoutes from '../routes/grading.js';
import systemRoutes from '../routes/system.js';
import sessionRoutes from '../routes/sessions.js';
import { createMemoryStore } from './sessions/memory-store.js';
import rpcRoutes from '../routes/rpc.js';
import visualsRoutes from '../routes/visuals.js';
import stepStreamRoutes from '../routes/step-stream.js';

export interface AppOptions {
  config: Config;
  services?: Partial<Services>;
  /** A pino logger or fastify logger options; false for none (tests). */
  logger?: FastifyServerOptions['loggerInstance'] | boolean;
}

const REQUEST_ID = /^[\w.:\-]{1,128}$/;

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config } = options;
  const logger = options.logger ?? false;
  const app = Fastify({
    ...(typeof logger === 'boolean'
      ? { logger: logger ? { level: config.logLevel, redact: ['req.headers.authorization'] } : false }
      : { loggerInstance: logger }),
    bodyLimit: config.limits.maxBodyBytes,
    // An incoming X-Request-Id is honoured (when sane) and echoed; otherwise a UUID.
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    // src/http/request-log.ts writes one line per request instead of fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    // While closing, shutdown.ts answers new requests with a 503 problem (fastify's own is not one).
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
  }) as unknown as FastifyInstance;

  // Only JSON bodies are accepted (API.md §6): fastify's default text/plain parser would let a
  // text body through to schema validation as a string (a 400) instead of a 415.
  app.removeContentTypeParser('text/plain');
  app.decorate('config', config);
  const services = { ...defaultServices(), ...options.services };
  // A store made here is the app's own and closes with it; a store passed in belongs to the caller.
  if (!services.sessions) {
    const own = createMemoryStore({ now: services.now, maxSessions: config.limits.maxSessions });
    // Counted in this app's metrics (a store passed in is counted by its owner: server.ts).
    services.sessions = instrumentStore(own, services.metrics ??= createMetrics());
    app.addHook('onClose', async () => own.close());
  }
  services.metrics ??= createMetrics();
  app.decorate('services', services);
  app.decorateRequest('principal', '');
  // A body left unparsed for a worker (json-body.ts) is validated there, with the same schema.
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? deferringUnparsed(compile(schema)) : compile(schema)));
  // Response schemas document the API; bodies are written by JSON.stringify, which never coerces.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  // X-Served-By names the replica (its hostname, or REPLICA_NAME) so a client sees the load spread.
  const servedBy = config.replicaName ?? hostname();
  // Every request's hooks are callback style (here and in src/http/): an async hook costs each
  // request a promise, a measurable share of a tiny request.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    reply.header('x-served-by', servedBy);
    // DELETE takes no body: a client that sends Content-Type: application/json on every request
    // (with nothing after it) must not get fastify's 400 "empty JSON body".
    if (request.method === 'DELETE' && !request.headers['transfer-encoding'] && Number(request.headers['content-length'] ?? 0) === 0) {
      delete request.headers['content-type'];
    }
    done();
  });
  registerRequestLog(app);
  registerContentEncoding(app);
  registerJsonBodyParser(app, services.compute, config.compute.parseInWorkerBytes);
  registerProblemHandlers(app);
  registerMetrics(app, services.metrics);
  registerRequestSignal(app);
  // One list of the requests in flight, for the handler timeout and the drain (in-flight.ts).
  const inFlight = new InFlight(config.handlerTimeoutMs, expireRequest(config.handlerTimeoutMs));
  const drain = registerShutdown(app, inFlight);
  app.decorate('drain', drain);
  registerInFlight(app, inFlight, drain.refuse);
  await registerOverload(app, config.overload);
  registerAuth(app, config.apiKeys);
  await registerRateLimit(app, { ...config.rateLimit, redis: services.redis });
  await registerDocs(app);

  await app.register(systemRoutes);
  await app.register(computeRoutes);
  await app.register(sessionRoutes);
  await app.register(gradingRoutes);
  await app.register(rpcRoutes);
  await app.register(visualsRoutes);
  await app.register(stepStreamRoutes);
  return app;
}
