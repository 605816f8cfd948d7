// Builds the app for tests: inject for route-level tests, listen() on a free port for e2e.
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { checkConformance } from './conformance.js';

export function testConfig(env: Record<string, string> = {}): Config {
  // Event-loop-delay shedding off unless a test asks for it: the suites share a loaded machine,
  // where a stalled loop would turn into 503s unrelated to the test.
  return loadConfig({ LOG_LEVEL: 'silent', OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '0', ...env });
}

export async function makeApp(options: Partial<AppOptions> & { env?: Record<string, string> } = {}): Promise<FastifyInstance> {
  const app = await buildApp({ config: options.config ?? testConfig(options.env), logger: false, ...options });
  // Every response is checked against the OpenAPI document (test/setup/conformance.ts fails the test).
  checkConformance(app);
  return app;
}

/** A listening server on 127.0.0.1 and a free port; returns its base URL. */
export async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return `http://127.0.0.1:${address.port}`;
}
