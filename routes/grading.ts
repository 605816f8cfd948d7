// POST /v1/gradient/check, POST /v1/gradient/compare (one call each into the operation table),
// and the golden fixtures, read-only: GET /v1/fixtures and GET /v1/fixtures/{name}.
import type { FastifyInstance } from 'fastify';
import { Fixture, FixtureList, FixtureName } from '../schemas/grading.js';
import { ServiceError } from '../src/errors.js';
import { defaultFixturesDir, loadFixtureCatalog } from '../src/fixtures/catalog.js';
import { ProblemResponses, mountOperation } from '../src/http/operation-route.js';
import { gradientCheck, gradientCompare } from '../src/operations/grading.js';

export default async function gradingRoutes(app: FastifyInstance): Promise<void> {
  mountOperation(app, gradientCheck, { method: 'POST', url: '/v1/gradient/check', tags: ['grading'] });
  mountOperation(app, gradientCompare, { method: 'POST', url: '/v1/gradient/compare', tags: ['grading'] });

  const catalog = await loadFixtureCatalog(defaultFixturesDir());
  app.get('/v1/fixtures', {
    schema: { summary: 'Golden request → response pairs, derived independently of the service', tags: ['grading'], response: { 200: FixtureList, ...ProblemResponses } },
  }, async () => catalog.list());
  app.get<{ Params: { name: string } }>('/v1/fixtures/:name', {
    schema: { summary: 'One golden fixture: its request, the expected response, how it was derived', tags: ['grading'], params: FixtureName, response: { 200: Fixture, ...ProblemResponses } },
  }, async (request) => {
    const fixture = catalog.get(request.params.name);
    if (!fixture) throw new ServiceError('not-found', `No fixture named ${JSON.stringify(request.params.name)}; GET /v1/fixtures lists them.`);
    return fixture;
  });
}
