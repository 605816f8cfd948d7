// Mounts an operation as a REST route: the body schema validates (with src/validation.ts's
// compiler), the handler makes one call into the operation, ResponseMeta becomes headers.
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { Problem } from '../../schemas/common.js';
import { JsonText, RawJson, UnparsedJson } from '../compute/raw-json.js';
import type { OffloadableName } from '../compute/tasks.js';
import type { Config } from '../config.js';
import type { Services } from '../services.js';
import { type Operation, type OperationContext, type ResponseMeta, isAborted } from '../operations/operation.js';
import { requestAborted, requestSignalOf } from './request-signal.js';
import { type RequestHeaderName, type ResponseHeaderName, requestHeadersSchema, responseHeaders } from './headers.js';
import { PROBLEM_JSON, handlerTimeout } from './problems.js';

export interface RouteOptions {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  /** Status of success (200 unless the operation says otherwise through meta.status). */
  status?: number;
  tags?: string[];
  /** Path parameter schema, merged into the operation's params (e.g. { id }). */
  params?: ReturnType<typeof Type.Object>;
  headers?: ReturnType<typeof Type.Object>;
  /** Request headers with a meaning on this route (documented, validated): 'if-match', 'idempotency-key'. */
  requestHeaders?: RequestHeaderName[];
  /** Headers of the success response: 'ETag', 'Location', 'Idempotent-Replayed'. */
  responseHeaders?: ResponseHeaderName[];
  /** What the success response is (OpenAPI response description). */
  description?: string;
  /**
   * Problems this route answers with, beyond the generic 4xx/5xx: status → when it happens (and,
   * optionally, the headers it carries; 429 and 503 carry Retry-After without saying so).
   */
  problems?: Record<number, string | { description: string; headers: ResponseHeaderName[] }>;
}

/**
 * A request's operation context, for either door. Its signal is made on first use (see
 * request-signal.ts); `aborted` reads the same state without making it. A getter on the class,
 * not on each object: an object literal with a getter is built by V8's slow path.
 */
class RequestContext implements OperationContext {
  readonly config: Config;
  readonly services: Services;
  readonly principal: string;
  readonly log: FastifyBaseLogger;
  readonly meta: ResponseMeta = {};
  readonly textAllowed: boolean;

  constructor(private readonly request: FastifyRequest, private readonly reply: FastifyReply, textAllowed: boolean) {
    this.textAllowed = textAllowed;
    const app = request.server;
    this.config = app.config;
    this.services = app.services;
    this.principal = request.principal ?? '';
    this.log = request.log;
  }

  // Read when asked (session operations): most requests never look.
  get ifMatch(): string | undefined {
    return firstHeader(this.request, 'if-match');
  }

  get idempotencyKey(): string | undefined {
    return firstHeader(this.request, 'idempotency-key');
  }

  get signal(): AbortSignal {
    return requestSignalOf(this.request, this.reply);
  }

  get aborted(): boolean {
    return requestAborted(this.request, this.reply);
  }
}

function firstHeader(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** A request's context; textAllowed where the caller sends a JsonText result as it is (the REST door). */
export function contextOf(request: FastifyRequest, reply: FastifyReply, options: { textAllowed?: boolean } = {}): OperationContext {
  return new RequestContext(request, reply, options.textAllowed === true);
}

/**
 * Runs an operation for either door, timed in the metrics. A pure computation that finished
 * past the handler timeout is refused with a 503: work that held the event loop the whole time
 * (so that the timer could not fire) answers as a timeout, not as a late success. An operation
 * that reports response meta (sessions: ETag, Location, status) may have committed a write, and
 * a 503 would make its client retry it: that one answers late.
 */
export function runOperation<P, R>(op: { name: string; run(params: P, ctx: OperationContext): R | Promise<R> }, params: P, ctx: OperationContext): R | Promise<R> {
  const timed = ctx.services.metrics?.computeDuration.series(op.name);
  const started = performance.now();
  const finish = (result: R): R => {
    const ended = performance.now();
    timed?.observe((ended - started) / 1000);
    const limit = ctx.config.handlerTimeoutMs;
    const pure = Object.keys(ctx.meta).length === 0;
    if (pure && (isAborted(ctx) || (limit > 0 && ended - started > limit))) throw handlerTimeout();
    return result;
  };
  const failed = (error: unknown): never => {
    timed?.observe((performance.now() - started) / 1000);
    throw error;
  };
  let outcome: R | Promise<R>;
  try {
    outcome = op.run(params, ctx);
  } catch (error) {
    return failed(error);
  }
  // Synchronous where the operation is (a computation here): no promise, no turn of the microtask queue.
  return isPromise(outcome) ? outcome.then(finish, failed) : finish(outcome);
}

const isPromise = <T>(value: T | Promise<T>): value is Promise<T> => typeof (value as { then?: unknown } | null)?.then === 'function';

/** An offloadable operation run whole in a compute worker from its unparsed body (json-body.ts). */
function inWorker(op: Operation) {
  return {
    name: op.name,
    run: async (body: UnparsedJson, ctx: OperationContext) => new RawJson(await ctx.services.compute!.runCompute(
      // The worker needs the limits, not the secrets: API keys stay on this thread.
      { kind: 'operationJson', args: { operation: op.name as OffloadableName, bytes: body.bytes, config: { ...ctx.config, apiKeys: [] } } }, ctx.signal, { move: true })),
  };
}

export function mountOperation(app: FastifyInstance, op: Operation, options: RouteOptions): void {
  // Run whole in a worker, the body is all the params: a path parameter would be lost.
  if (op.offloadable && options.params) throw new Error(`${op.name}: an offloadable operation takes no path parameters`);
  const status = options.status ?? 200;
  const hasBody = options.method === 'POST';
  const headers = options.headers || options.requestHeaders?.length
    ? Type.Object({ ...options.headers?.properties, ...requestHeadersSchema(options.requestHeaders ?? []).properties })
    : undefined;
  const typeName = pascalCase(op.name);
  // The body is the params where there is no path parameter: no copy (a spread of a parsed body
  // took V8's slow path, new maps included, a measurable share of a tiny request).
  const paramsOf = (request: FastifyRequest): unknown => (!options.params
    ? (hasBody ? request.body : {})
    : { ...(hasBody ? (request.body as object) : {}), ...(request.params as object) });
  app.route({
    method: options.method,
    url: options.url,
    schema: {
      operationId: op.name,
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      tags: options.tags,
      ...(hasBody ? { body: titled(op.body, `${typeName}Request`) } : {}),
      ...(options.params ? { params: options.params } : {}),
      ...(headers ? { headers } : {}),
      response: {
        [status]: successResponse(status, titled(op.result, `${typeName}Result`), options.description ?? describeSuccess(status, op.result), options.responseHeaders),
        ...ProblemResponses,
        ...Object.fromEntries(Object.entries(options.problems ?? {}).map(([code, when]) => [code, typeof when === 'string'
          ? problemResponse(when, retryAfterFor(Number(code)))
          : problemResponse(when.description, when.headers)])),
      },
    },
    // A body whose fields are all optional (steps, evaluate) may be left out altogether:
    // an empty POST means {}, whatever Content-Type the client sends with it.
    ...(hasBody && !((op.body as { required?: string[] }).required?.length) ? {
      onRequest: async (request: FastifyRequest) => {
        if (!request.headers['transfer-encoding'] && Number(request.headers['content-length'] ?? 0) === 0) delete request.headers['content-type'];
      },
      preValidation: async (request: FastifyRequest) => {
        if (request.body === undefined || request.body === null) request.body = {};
      },
    } : {}),
    ...(op.offloadable && hasBody ? { config: { offloadBody: true } } : {}),
    // Not async: a computation done here answers at once, without promises in between.
    handler: (request, reply) => {
      const ctx = contextOf(request, reply, { textAllowed: true });
      const answer = (result: unknown) => respond(reply, ctx, status, result);
      const refused = (error: unknown) => {
        if (reply.sent) return; // the timeout already answered; the work stopped on its signal
        throw error;
      };
      let outcome: unknown;
      try {
        outcome = request.body instanceof UnparsedJson
          ? runOperation(inWorker(op), request.body, ctx)
          : runOperation(op, paramsOf(request) as never, ctx);
      } catch (error) {
        return refused(error);
      }
      return isPromise(outcome) ? outcome.then(answer, refused) : answer(outcome);
    },
  });
}

/** The success response of an operation: its meta as headers and status, its result as the body. */
function respond(reply: FastifyReply, ctx: OperationContext, status: number, result: unknown): void {
  if (reply.sent) return; // the timeout already answered
  const { meta } = ctx;
  if (meta.etag) reply.header('etag', meta.etag);
  if (meta.location) reply.header('location', meta.location);
  if (meta.replayed) reply.header('idempotent-replayed', 'true');
  reply.code(meta.status ?? status);
  // Serialized in a worker already, or written as text here: the bytes go out as they are.
  if (result instanceof RawJson) sendRawJson(reply.request, reply, result);
  else if (result instanceof JsonText) reply.type(JSON_UTF8).send(result.text);
  else reply.send(result ?? undefined); // no result (a delete): no body
}

const JSON_UTF8 = 'application/json; charset=utf-8';

/**
 * Bytes a worker serialized, sent as they are. Once the response is over (sent, or the client
 * gone: 'close' comes after 'finish', when the socket holds no reference to them), the buffer
 * goes back to the pool for a worker to write a later response into.
 */
function sendRawJson(request: FastifyRequest, reply: FastifyReply, result: RawJson): FastifyReply {
  const { buffer, byteOffset, byteLength } = result.bytes;
  const pool = request.server.services.compute;
  if (pool && buffer instanceof ArrayBuffer) reply.raw.once('close', () => pool.recycle(buffer));
  return reply.type(JSON_UTF8).send(Buffer.from(buffer, byteOffset, byteLength));
}

/**
 * A response in the form both fastify and @fastify/swagger read: `content` names the media type
 * (so errors are documented as application/problem+json), `headers` the response headers.
 */
export function jsonResponse(description: string, schema: object, headers: ResponseHeaderName[] = [], mediaType = 'application/json') {
  return {
    description,
    ...(headers.length ? { headers: responseHeaders(headers) } : {}),
    content: { [mediaType]: { schema } },
  };
}

export function problemResponse(description: string, headers: ResponseHeaderName[] = []) {
  return jsonResponse(description, Problem, headers, PROBLEM_JSON);
}

function successResponse(status: number, schema: object, description: string, headers: ResponseHeaderName[] = []) {
  // 204 has no body: type 'null' tells @fastify/swagger to document no content.
  if (status === 204) return { description, type: 'null', ...(headers.length ? { headers: responseHeaders(headers) } : {}) };
  return jsonResponse(description, schema, headers);
}

function describeSuccess(status: number, schema: { description?: string }): string {
  return schema.description ?? ({ 200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No content' } as Record<number, string>)[status] ?? 'Success';
}

const retryAfterFor = (status: number): ResponseHeaderName[] => (status === 429 || status === 503 ? ['Retry-After'] : []);

/** The problems any route may answer with; spread into a hand-written route's schema.response. */
export const ProblemResponses = {
  '4xx': problemResponse('The request was refused: an RFC 9457 problem (`errors` lists each offending field by JSON Pointer).'),
  '429': problemResponse('Too many requests from this client; retry after Retry-After seconds.', ['Retry-After']),
  '5xx': problemResponse('The service failed (the detail is logged, not sent).'),
  '503': problemResponse('Temporarily unavailable (session store unreachable, overloaded or shutting down); retry after Retry-After seconds.', ['Retry-After']),
};

/** A schema with a title for the docs (the schema itself when it has one). */
function titled<T extends object>(schema: T, title: string): T {
  return 'title' in schema ? schema : { ...schema, title };
}

const pascalCase = (name: string) => name.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
export { Type };
