// The pictures: POST /v1/diagram (the diagram operation) and a session's cost curve and network,
// each answered as image/svg+xml.
import type { FastifyInstance } from 'fastify';
import { SessionIdParams } from '../schemas/sessions.js';
import { CostCurveQuery, SVG_MEDIA_TYPE, SessionDiagramQuery, svgResponse } from '../schemas/visuals.js';
import { ProblemResponses, contextOf, problemResponse } from '../src/http/operation-route.js';
import { diagram } from '../src/operations/visuals.js';
import { sessionCostCurve, sessionDiagram } from '../src/visuals/session-pictures.js';

const sessionProblems = {
  ...ProblemResponses,
  404: problemResponse('No such session: unknown, expired, deleted, or created with another API key.'),
  503: problemResponse('The session store is unreachable. Retry after Retry-After seconds.', ['Retry-After']),
};

export default async function visualsRoutes(app: FastifyInstance): Promise<void> {
  const tags = ['visuals'];
  app.post('/v1/diagram', {
    schema: {
      operationId: diagram.name, summary: diagram.summary, description: diagram.description, tags,
      body: diagram.body,
      response: { 200: svgResponse('The network diagram.'), ...ProblemResponses },
    },
  }, async (request, reply) => reply.type(SVG_MEDIA_TYPE).send(await diagram.run(request.body as never, contextOf(request, reply))));

  app.get('/v1/sessions/:id/cost.svg', {
    schema: {
      operationId: 'sessions.costCurve', tags,
      summary: 'The session\'s cost history as a curve: steps on x, cost C on y (linear or ?scale=log), the last value annotated.',
      params: SessionIdParams, querystring: CostCurveQuery,
      response: { 200: svgResponse('The cost curve.'), ...sessionProblems },
    },
  }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const { scale } = request.query as CostCurveQuery;
    const svg = await sessionCostCurve(id, scale ?? 'linear', contextOf(request, reply));
    return reply.type(SVG_MEDIA_TYPE).header('cache-control', 'no-cache').send(svg);
  });

  app.get('/v1/sessions/:id/diagram.svg', {
    schema: {
      operationId: 'sessions.diagram', tags,
      summary: 'The session\'s current network, drawn like POST /v1/diagram with the kept set (activations of ?example=i, default 0).',
      params: SessionIdParams, querystring: SessionDiagramQuery,
      response: { 200: svgResponse('The network diagram.'), ...sessionProblems, 422: problemResponse('?example names no kept example.') },
    },
  }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const query = request.query as SessionDiagramQuery;
    const svg = await sessionDiagram(id, {
      example: query.example === undefined ? undefined : Number(query.example),
      maxNeuronsPerLayer: query.maxNeuronsPerLayer === undefined ? undefined : Number(query.maxNeuronsPerLayer),
    }, contextOf(request, reply));
    return reply.type(SVG_MEDIA_TYPE).header('cache-control', 'no-cache').send(svg);
  });
}
