// Operations endpoints: liveness, readiness, metrics, and what this build computes.
import type { FastifyInstance } from 'fastify';
import { Health, Info } from '../schemas/system.js';
import { describeService } from '../src/system/info.js';
import { ProblemResponses, jsonResponse } from '../src/http/operation-route.js';
import { ServiceError } from '../src/errors.js';

export default async function systemRoutes(app: FastifyInstance): Promise<void> {
  app.get('/healthz', { schema: { summary: 'Alive', tags: ['operations'], response: { 200: Health } } }, async () => ({ status: 'ok' }));
  app.get('/metrics', { schema: { summary: 'Prometheus metrics (text exposition format)', tags: ['operations'],
    response: { 200: jsonResponse('Prometheus text exposition format 0.0.4.', { type: 'string' }, [], 'text/plain') } } },
    async (_request, reply) => {
      const registry = app.services.metrics!.registry;
      const text = await registry.metrics();
      return reply.type(registry.contentType).send(text);
    });
  app.get('/v1/info', { schema: { summary: 'Service, engine and algorithm versions; supported activations, costs and limits', tags: ['operations'], response: { 200: Info, ...ProblemResponses } } },
    async () => describeService(app.config));
  // Ready when the session store answers; 503 problem (with Retry-After) when it does not.
  app.get('/readyz', { schema: { summary: 'Ready: the session store answers', tags: ['operations'], response: { 200: Health, ...ProblemResponses } } },
    async () => {
      // Draining (SIGTERM): not ready at once, so that load balancers stop sending.
      if (app.drain.draining) throw new ServiceError('service-unavailable', 'The service is shutting down.', { retryAfter: 1 });
      await app.services.sessions?.ping();
      return { status: 'ready' };
    });
}
