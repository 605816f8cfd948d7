// Operations endpoints: liveness, readiness, and what this build computes.
import type { FastifyInstance } from 'fastify';
import { Health, Info } from '../schemas/system.js';
import { describeService } from '../src/system/info.js';
import { ProblemResponses } from '../src/http/operation-route.js';

export default async function systemRoutes(app: FastifyInstance): Promise<void> {
  app.get('/healthz', { schema: { summary: 'Alive', tags: ['operations'], response: { 200: Health } } }, async () => ({ status: 'ok' }));
  app.get('/v1/info', { schema: { summary: 'Service, engine and algorithm versions; supported activations, costs and limits', tags: ['operations'], response: { 200: Info, ...ProblemResponses } } },
    async () => describeService(app.config));
  // Ready when the session store answers; 503 problem (with Retry-After) when it does not.
  app.get('/readyz', { schema: { summary: 'Ready: the session store answers', tags: ['operations'], response: { 200: Health, ...ProblemResponses } } },
    async () => {
      await app.services.sessions?.ping();
      return { status: 'ready' };
    });
}
