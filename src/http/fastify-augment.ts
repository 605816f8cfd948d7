// What buildApp decorates the fastify instance and requests with.
import type { Config } from '../config.js';
import type { Services } from '../services.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    services: Services;
  }
  interface FastifyRequest {
    /** Stable id of the caller's API key ('' when the service runs open). */
    principal: string;
  }
}
export {};
