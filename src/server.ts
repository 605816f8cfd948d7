// The process: the only reader of process.env, the only caller of listen and of signals.
import closeWithGrace from 'close-with-grace';
import { Redis } from 'ioredis';
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { batchedDestination, loggerOptions } from './logger.js';
import { createSessionStore } from './sessions/index.js';
import { createMetrics, instrumentStore } from './http/metrics.js';
import { createComputePool } from './compute/pool.js';
import { useKernel } from './core/dense-kernel.js';

const config = loadConfig(process.env, (path) => readFileSync(path, 'utf8'));
// Log lines are written 16 KiB at a time, and at least every 100 ms, synchronously (logger.ts):
// a write(2) per request line cost a small request ~10 µs of CPU (74 against 64 µs a request),
// and asynchronous batches ~7 % more than synchronous ones (libuv's thread pool). What is still
// held goes out before a graceful exit (below) and on exit; a hard kill loses at most 100 ms.
// pino.destination writes each batch (it retries EAGAIN and stops at EPIPE).
const logDestination = batchedDestination(pino.destination({ dest: 1, sync: true }));
const logger = pino(loggerOptions(config.logLevel), logDestination);
const now = () => Date.now();
// Before the pool: its workers take the kernel in force here.
const kernel = useKernel(config.compute.kernel);
if (kernel !== config.compute.kernel) logger.warn({ kernel, asked: config.compute.kernel }, 'WebAssembly kernel not available (not built?): the JS kernel runs, same bits');
const compute = createComputePool({ threads: config.compute.threads || undefined, timeoutMs: config.compute.timeoutMs });
const metrics = createMetrics();
const sessions = instrumentStore(createSessionStore(config, { now, log: logger }), metrics);
// With STORE=redis and a rate limit, replicas count requests in the same Redis.
const redis = config.store === 'redis' && config.rateLimit.max > 0
  ? new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false })
  : undefined;
redis?.on('error', (err) => logger.warn({ err: err.message }, 'rate-limit redis error'));
const app = await buildApp({ config, logger, services: { now, sessions, redis, metrics, compute } });

// SIGTERM/SIGINT: readiness fails and new requests get 503 at once; app.close() stops accepting
// connections, closes idle keep-alive ones and lets in-flight requests finish; then the store
// and Redis close and the process exits 0 — or 1 if that takes longer than the grace period.
closeWithGrace({ delay: config.shutdownGraceMs, logger }, async ({ signal, err }) => {
  app.drain.start();
  if (err) logger.error({ err }, 'shutting down after an error');
  else logger.info({ signal, graceMs: config.shutdownGraceMs, delayMs: config.shutdownDelayMs }, 'shutting down');
  // Behind a load balancer, closing the socket at once resets connections it has just opened
  // (a POST it will not retry: 502). Answering 503 for a moment first makes it mark this replica
  // down; then nothing new arrives when we close. (Kubernetes: a preStop sleep does the same.)
  if (config.shutdownDelayMs > 0 && !err) await new Promise((resolve) => setTimeout(resolve, config.shutdownDelayMs));
  await app.close();
  await sessions.close();
  await compute.close();
  redis?.disconnect();
  logger.info('closed');
  // The lines held out before exit.
  logDestination.end();
});

await app.listen({ port: config.port, host: config.host });
