// Rate limiting per API key (per client IP when the service runs open) with @fastify/rate-limit,
// counted in Redis when one is given so that every replica enforces the same limit.
// Registered after auth (which sets request.principal) and before the routes it guards.
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { ServiceError } from '../errors.js';
import { isProtectedPath } from './auth.js';

export async function registerRateLimit(app: FastifyInstance, options: { max: number; windowMs: number; redis?: Redis }): Promise<void> {
  if (options.max <= 0) return;
  await app.register(rateLimit, {
    global: true,
    max: options.max,
    timeWindow: options.windowMs,
    ...(options.redis ? { redis: options.redis, nameSpace: 'gs:rate-limit:' } : {}),
    // A Redis hiccup must not refuse traffic: the limit is protection, not correctness.
    skipOnError: true,
    allowList: (request: FastifyRequest) => !isProtectedPath(request.url),
    keyGenerator: (request: FastifyRequest) => (request.principal ? `key:${request.principal}` : `ip:${request.ip}`),
    errorResponseBuilder: (_request, context) => {
      const retryAfter = Math.max(1, Math.ceil(context.ttl / 1000));
      return new ServiceError('rate-limited', `More than ${context.max} requests in ${options.windowMs} ms; retry in ${retryAfter} s.`, {
        retryAfter, extensions: { limit: 'rateLimitMax', max: context.max, windowMs: options.windowMs },
      });
    },
  });
}
