// OpenAPI 3.1 generated from the route schemas, served at /openapi.json, and the
// interactive docs at /docs with every asset served locally.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { SERVICE_VERSION } from '../version.js';
import { decorateOpenApi } from './openapi-decorations.js';

export async function registerDocs(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'gradient-service',
        version: SERVICE_VERSION,
        description: 'Backpropagation over HTTP: the exact cost, gradient and intermediate values of a fully-connected network, '
          + 'computed by the chain rule of 3Blue1Brown\'s "backpropagation calculus" lesson. '
          + 'C₀ = Σ_j (a_j − y_j)² per example (default), averaged over the batch; ∂C/∂w = a⁽ᴸ⁻¹⁾·σ\'(z⁽ᴸ⁾)·2(a⁽ᴸ⁾ − y).'
          + '\n\n**Pictures** (tag `visuals`, SVG): `POST /v1/diagram` draws a network as the lesson does — neurons lit by their activation, '
          + 'connections coloured by the sign of their weight and thicker where |∂C/∂w| is larger; `GET /v1/sessions/{id}/cost.svg` '
          + '(`?scale=log`) and `GET /v1/sessions/{id}/diagram.svg` draw a training session. `POST /v1/sessions/{id}/steps` with '
          + '`Accept: application/x-ndjson` or `text/event-stream` streams one progress event per committed chunk of steps and ends with '
          + 'the plain response\'s body. Examples: the README\'s "Pictures" section (docs/images/).',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Needed when the service runs with API_KEYS.' } } },
      security: [{ bearer: [] }],
    },
    // Adds what every route shares (request id, auth scope, examples) and sorts the paths.
    transformObject: (documentObject) => decorateOpenApi((documentObject as { openapiObject: object }).openapiObject as never) as never,
  });
  // validatorUrl null: the page never calls validator.swagger.io (it must work offline).
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: false, uiConfig: { validatorUrl: null, displayRequestDuration: true } });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
