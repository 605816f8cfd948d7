// POST /v1/forward and POST /v1/gradient: one call each into the operation table.
import type { FastifyInstance } from 'fastify';
import { mountOperation } from '../src/http/operation-route.js';
import { forward, gradient } from '../src/operations/compute.js';

export default async function computeRoutes(app: FastifyInstance): Promise<void> {
  mountOperation(app, forward, { method: 'POST', url: '/v1/forward', tags: ['compute'] });
  mountOperation(app, gradient, { method: 'POST', url: '/v1/gradient', tags: ['compute'] });
}
