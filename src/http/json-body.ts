// JSON request bodies (REST; /rpc has its own parser). A small body is parsed here, as fastify
// does. A large one (COMPUTE_PARSE_MIN_BYTES, 1 MiB by default) is parsed in the compute pool:
// JSON.parse of a 2.8 MB body holds the event loop for tens of milliseconds, deserializing the
// worker's result about a third of that. Its later phases (validation, handler) then start on
// turns of their own, so /healthz and small requests get in between.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ComputePool } from '../compute/pool.js';

export function registerJsonBodyParser(app: FastifyInstance, pool: ComputePool | undefined, parseInWorkerBytes: number): void {
  if (!pool || parseInWorkerBytes <= 0) return;
  const parseHere = app.getDefaultJsonParser('error', 'error');
  const large = new WeakSet<FastifyRequest>();
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer;
    if (bytes.length < parseInWorkerBytes) return parseHere(request, bytes as never, done); // it takes a Buffer too
    large.add(request);
    pool.runCompute({ kind: 'parseJson', args: { bytes } }).then((value) => done(null, value), (error: Error) => done(error, undefined));
  });
  // Callback style: an async hook would cost every request a promise.
  const yieldIfLarge = (request: FastifyRequest, _reply: unknown, done: () => void) => { if (large.has(request)) setImmediate(done); else done(); };
  app.addHook('preValidation', yieldIfLarge);
  app.addHook('preHandler', yieldIfLarge);
}
