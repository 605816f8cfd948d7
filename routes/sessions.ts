// /v1/sessions: one call each into the session operations.
import type { FastifyInstance } from 'fastify';
import { mountOperation } from '../src/http/operation-route.js';
import { createSession, deleteSession, evaluateSession, getSession, stepSession } from '../src/operations/sessions.js';
import { SessionIdParams } from '../schemas/sessions.js';

const notFound = 'No such session: unknown, expired, deleted, or created with another API key.';
const storeDown = 'The session store is unreachable; nothing was changed. Retry after Retry-After seconds.';

export default async function sessionRoutes(app: FastifyInstance): Promise<void> {
  const tags = ['sessions'];
  mountOperation(app, createSession, {
    method: 'POST', url: '/v1/sessions', status: 201, tags,
    requestHeaders: ['idempotency-key'], responseHeaders: ['ETag', 'Location', 'Idempotent-Replayed'],
    problems: {
      409: 'A request with this Idempotency-Key is still running.',
      413: 'The store holds its maximum of sessions, or a limit is exceeded.',
      422: 'Shapes do not agree, or this Idempotency-Key was used with a different body.',
      503: storeDown,
    },
  });
  mountOperation(app, getSession, {
    method: 'GET', url: '/v1/sessions/:id', params: SessionIdParams, tags,
    responseHeaders: ['ETag'], problems: { 404: notFound, 503: storeDown },
  });
  mountOperation(app, stepSession, {
    method: 'POST', url: '/v1/sessions/:id/steps', params: SessionIdParams, tags,
    requestHeaders: ['if-match', 'idempotency-key'], responseHeaders: ['ETag', 'Idempotent-Replayed'],
    problems: {
      404: notFound,
      409: { description: 'A request with this Idempotency-Key is still running, or the session is written too often to commit.', headers: ['Retry-After'] },
      412: 'If-Match does not name the session\'s current ETag.',
      422: 'Shapes do not agree, a step diverged (nothing committed), or this Idempotency-Key was used with a different body.',
      503: storeDown,
    },
  });
  mountOperation(app, evaluateSession, {
    method: 'POST', url: '/v1/sessions/:id/evaluate', params: SessionIdParams, tags,
    responseHeaders: ['ETag'], problems: { 404: notFound, 503: storeDown },
  });
  mountOperation(app, deleteSession, {
    method: 'DELETE', url: '/v1/sessions/:id', status: 204, params: SessionIdParams, tags,
    problems: { 404: notFound, 503: storeDown },
  });
}
