// OpenAPI 3.1 generated from the route schemas, served at /openapi.json, and the
// interactive docs at /docs with every asset served locally.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { SERVICE_VERSION } from '../version.js';

export async function registerDocs(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'gradient-service',
        version: SERVICE_VERSION,
        description: 'Backpropagation over HTTP: the exact cost, gradient and intermediate values of a fully-connected network, '
          + 'computed by the chain rule of 3Blue1Brown\'s "backpropagation calculus" lesson. '
          + 'C₀ = Σ_j (a_j − y_j)² per example (default), averaged over the batch; ∂C/∂w = a⁽ᴸ⁻¹⁾·σ\'(z⁽ᴸ⁾)·2(a⁽ᴸ⁾ − y).',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Needed when the service runs with API_KEYS.' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: false });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
