// /v1/sessions: one call each into the session operations.
import type { FastifyInstance } from 'fastify';
import { mountOperation } from '../src/http/operation-route.js';
import { createSession, deleteSession, evaluateSession, getSession, stepSession } from '../src/operations/sessions.js';
import { SessionIdParams } from '../schemas/sessions.js';

export default async function sessionRoutes(app: FastifyInstance): Promise<void> {
  const tags = ['sessions'];
  mountOperation(app, createSession, { method: 'POST', url: '/v1/sessions', status: 201, tags });
  mountOperation(app, getSession, { method: 'GET', url: '/v1/sessions/:id', params: SessionIdParams, tags });
  mountOperation(app, stepSession, { method: 'POST', url: '/v1/sessions/:id/steps', params: SessionIdParams, tags });
  mountOperation(app, evaluateSession, { method: 'POST', url: '/v1/sessions/:id/evaluate', params: SessionIdParams, tags });
  mountOperation(app, deleteSession, { method: 'DELETE', url: '/v1/sessions/:id', status: 204, params: SessionIdParams, tags });
}
