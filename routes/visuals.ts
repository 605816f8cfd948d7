// POST /v1/diagram: the diagram operation, answered as image/svg+xml.
import type { FastifyInstance } from 'fastify';
import { Problem } from '../schemas/common.js';
import { SVG_MEDIA_TYPE, svgResponse } from '../schemas/visuals.js';
import { contextOf } from '../src/http/operation-route.js';
import { diagram } from '../src/operations/visuals.js';

export default async function visualsRoutes(app: FastifyInstance): Promise<void> {
  app.post('/v1/diagram', {
    schema: {
      operationId: diagram.name,
      summary: diagram.summary,
      description: diagram.description,
      tags: ['visuals'],
      body: diagram.body,
      response: { 200: svgResponse('The network diagram.'), '4xx': Problem, '5xx': Problem },
    },
  }, async (request, reply) => reply.type(SVG_MEDIA_TYPE).send(await diagram.run(request.body as never, contextOf(request, reply))));
}
