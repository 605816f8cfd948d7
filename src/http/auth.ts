// API keys (API.md §6): with API_KEYS set, /v1/* and /rpc need `Authorization: Bearer <key>`.
// Checked in an onRequest hook — before the body is read — in constant time: every presented
// key is hashed to 32 bytes and compared with every configured key's hash by timingSafeEqual,
// so neither the key's length nor its first differing byte shows in the response time.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ServiceError } from '../errors.js';
import { sendError } from './problems.js';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** A stable, non-secret id of a key: what logs, sessions and rate limits see. */
export function principalOf(key: string): string {
  return sha256(key).toString('hex').slice(0, 16);
}

/** /v1/* and /rpc are protected; health, metrics and docs stay open. */
export function isProtectedPath(url: string): boolean {
  const path = url.split('?')[0];
  return path === '/rpc' || path.startsWith('/v1/') || path === '/v1';
}

const BEARER = /^Bearer +(\S+) *$/i;

export function registerAuth(app: FastifyInstance, apiKeys: string[]): void {
  if (apiKeys.length === 0) {
    app.log.warn('API_KEYS is not set: the service runs open, without authentication');
    return;
  }
  const known = apiKeys.map((key) => ({ hash: sha256(key), principal: principalOf(key) }));

  const principalFor = (request: FastifyRequest): string | undefined => {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? BEARER.exec(header) : null;
    if (!match) return undefined;
    const presented = sha256(match[1]);
    let found: string | undefined;
    // No early exit: the time taken does not depend on which key (if any) matched.
    for (const entry of known) if (timingSafeEqual(presented, entry.hash)) found = entry.principal;
    return found;
  };

  app.addHook('onRequest', async (request, reply) => {
    if (!isProtectedPath(request.url)) return;
    const principal = principalFor(request);
    if (principal === undefined) {
      const detail = request.headers.authorization === undefined
        ? 'An API key is required: send Authorization: Bearer <key>.'
        : 'The API key is not valid.';
      return sendError(request, reply, new ServiceError('unauthorized', detail));
    }
    request.principal = principal;
  });
}
