// JSON request bodies (REST; /rpc has its own parser), with fastify's checks (safe-json.ts).
// A small body is parsed here. A large one (COMPUTE_PARSE_MIN_BYTES, 1 MiB by default) goes to
// the compute pool, since JSON.parse of a 2.8 MB body holds the event loop for tens of ms:
// - to /v1/forward and /v1/gradient (offloadable operations) it is not parsed here at all: it
//   stays bytes (UnparsedJson), its schema check is deferred (deferringUnparsed), and the handler
//   sends it to a worker that parses, validates, runs and serializes it (tasks.ts operationJson);
// - to any other route a worker parses it, and validation and the handler then start on turns
//   of their own, so /healthz and small requests get in between.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ComputePool } from '../compute/pool.js';
import { UnparsedJson } from '../compute/raw-json.js';
import { parseRequestJson } from '../encoding/safe-json.js';
import { ServiceError } from '../errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A large body of this route may stay unparsed, for a worker (routes of offloadable operations). */
    offloadBody?: boolean;
  }
}

export function registerJsonBodyParser(app: FastifyInstance, pool: ComputePool | undefined, parseInWorkerBytes: number): void {
  const inWorkerFrom = pool && parseInWorkerBytes > 0 ? parseInWorkerBytes : Infinity;
  const large = new WeakSet<FastifyRequest>();
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer;
    if (bytes.length < inWorkerFrom) return done(...parseHere(bytes));
    if (request.routeOptions.config?.offloadBody) return done(null, new UnparsedJson(bytes));
    large.add(request);
    pool!.runCompute({ kind: 'parseJson', args: { bytes } }, undefined, { move: true }).then((value) => done(null, value), (error: Error) => done(error, undefined));
  });
  if (inWorkerFrom === Infinity) return;
  // Callback style: an async hook would cost every request a promise. On the routes that can get
  // a body parsed in a worker only: a route of an offloadable operation never does (it takes the
  // body unparsed), nor does one without a body, and a hook costs every request of its route.
  const yieldIfLarge = (request: FastifyRequest, _reply: unknown, done: () => void) => { if (large.has(request)) setImmediate(done); else done(); };
  app.addHook('onRoute', (route) => {
    const methods = ([] as string[]).concat(route.method);
    if (route.config?.offloadBody || !methods.some((m) => m === 'POST' || m === 'PUT' || m === 'PATCH')) return;
    route.preValidation = [yieldIfLarge, ...([] as unknown[]).concat(route.preValidation ?? [])] as never;
    route.preHandler = [yieldIfLarge, ...([] as unknown[]).concat(route.preHandler ?? [])] as never;
  });
}

/** A body parsed here: fastify's checks (empty, not JSON, prototype poisoning), a faster scan. */
function parseHere(bytes: Buffer): [ServiceError | null, unknown] {
  if (bytes.length === 0) return [new ServiceError('malformed-json', 'The body is empty; a JSON document is required.'), undefined];
  try {
    return [null, parseRequestJson(bytes)];
  } catch (error) {
    return [error as ServiceError, undefined];
  }
}

/** A body validator that lets an UnparsedJson through: the worker validates it, with the same schema. */
export function deferringUnparsed<V extends (data: unknown) => boolean>(validate: V): V {
  const wrapped = ((data: unknown) => data instanceof UnparsedJson || validate(data)) as V;
  return Object.defineProperty(wrapped, 'errors', { get: () => (validate as unknown as { errors: unknown }).errors });
}
