// Overload protection: @fastify/under-pressure sheds load on /v1/* and /rpc (health, metrics
// and docs keep answering) with a 503 problem and Retry-After when the event loop lags, the
// heap or RSS grows past its threshold. The handler timeout (timeout.ts) answers the same way.
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';
import { getHeapStatistics } from 'node:v8';
import type { OverloadLimits } from '../config.js';
import { ServiceError } from '../errors.js';
import { isProtectedPath } from './auth.js';

/** 90 % of V8's heap limit: past that, garbage collection dominates and an OOM is near. */
export const defaultMaxHeapUsedBytes = () => Math.floor(getHeapStatistics().heap_size_limit * 0.9);

export async function registerOverload(app: FastifyInstance, limits: OverloadLimits): Promise<void> {
  const maxHeapUsedBytes = limits.maxHeapUsedBytes ?? defaultMaxHeapUsedBytes();
  const startedAt = performance.now();
  await app.register(underPressure, {
    maxEventLoopDelay: limits.maxEventLoopDelayMs,
    maxEventLoopUtilization: limits.maxEventLoopUtilization,
    maxHeapUsedBytes,
    maxRssBytes: limits.maxRssBytes,
    sampleInterval: limits.sampleIntervalMs,
    retryAfter: limits.retryAfterSeconds,
    pressureHandler: (request, _reply, type, value) => {
      if (!isProtectedPath(request.url)) return undefined; // let it through
      // Start-up (module loading, first compilations) lags the loop once; that is not overload.
      if (type === 'eventLoopDelay' && performance.now() - startedAt < limits.startupGraceMs) return undefined;
      request.log.warn({ pressure: type, value }, 'shedding load');
      // A rejected promise reaches the error handler, which answers in the door's form (problem or JSON-RPC).
      return Promise.reject(new ServiceError('service-unavailable',
        `The service is overloaded (${type}); retry later.`, { retryAfter: limits.retryAfterSeconds }));
    },
  });
}
