// What buildApp decorates the fastify instance and requests with.
import type { Config } from '../config.js';
import type { Services } from '../services.js';
import type { Drain } from './shutdown.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    services: Services;
    /** Graceful shutdown: start() fails readiness and refuses new requests (shutdown.ts). */
    drain: Drain;
  }
  interface FastifyRequest {
    /** Stable id of the caller's API key ('' when the service runs open). */
    principal: string;
  }
}
export {};
