// REST errors as application/problem+json (RFC 9457): one error handler, one 404 handler.
// 4xx keep their message; 5xx are masked (the detail is logged, not sent).
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERRORS, type ErrorCode, ServiceError } from '../errors.js';
import { toFieldErrors } from '../validation.js';

export const PROBLEM_JSON = 'application/problem+json';

/** Fastify's own errors (parsing, limits, validation) in terms of our table. */
export function toServiceError(error: FastifyError | Error): ServiceError {
  if (error instanceof ServiceError) return error;
  const e = error as FastifyError & { validationContext?: string };
  if (e.validation) {
    const prefix = e.validationContext && e.validationContext !== 'body' ? `/${e.validationContext}` : '';
    const errors = toFieldErrors(e.validation as never, prefix);
    return new ServiceError('invalid-request', `The request ${e.validationContext ?? 'body'} does not match the schema (${errors.length} error${errors.length === 1 ? '' : 's'}).`, { errors });
  }
  const byCode: Record<string, [ErrorCode, string]> = {
    FST_ERR_CTP_INVALID_JSON_BODY: ['malformed-json', 'The body is not valid JSON.'],
    FST_ERR_CTP_EMPTY_JSON_BODY: ['malformed-json', 'The body is empty; a JSON document is required.'],
    FST_ERR_CTP_BODY_TOO_LARGE: ['payload-too-large', 'The body is larger than the limit.'],
    FST_ERR_CTP_INVALID_MEDIA_TYPE: ['unsupported-media-type', 'Send the body as application/json.'],
    FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['malformed-json', 'Content-Length does not match the body.'],
    FST_ERR_CTP_EMPTY_TYPE: ['unsupported-media-type', 'A Content-Type header is required.'],
    FST_ERR_CTP_INVALID_TYPE: ['unsupported-media-type', 'The Content-Type header is not valid.'],
  };
  const known = e.code ? byCode[e.code] : undefined;
  if (known) return new ServiceError(known[0], known[1]);
  // zlib's (Z_DATA_ERROR, Z_BUF_ERROR, …): a body that is not in its Content-Encoding.
  if (e.code?.startsWith('Z_')) return new ServiceError('malformed-json', `The body is not valid in its Content-Encoding (${e.message}).`, {
    errors: [{ path: '/headers/content-encoding', message: `the body does not decode: ${e.message}` }],
  });
  // A JSON body with __proto__ or constructor.prototype is refused by fastify's secure parser.
  if (e instanceof SyntaxError || e.statusCode === 400) return new ServiceError('malformed-json', e.message);
  if (e.statusCode === 413) return new ServiceError('payload-too-large', e.message);
  if (e.statusCode === 415) return new ServiceError('unsupported-media-type', e.message);
  return new ServiceError('internal', 'An internal error occurred.');
}

/** The request ran past the handler timeout (timeout.ts's timer, or operation-route's deadline check). */
export function handlerTimeout(): ServiceError {
  return new ServiceError('service-unavailable', 'The request took longer than the handler timeout; retry later or send less work.', { retryAfter: 1 });
}

export function sendProblem(reply: FastifyReply, error: ServiceError): FastifyReply {
  if (error.retryAfter !== undefined) reply.header('retry-after', String(error.retryAfter));
  if (error.code === 'unauthorized') reply.header('www-authenticate', 'Bearer');
  return reply.code(error.status).type(PROBLEM_JSON).send(error.toProblem());
}

/** The JSON-RPC error object for a service error (API.md §5: HTTP 200, the table's code). */
export function rpcErrorBody(error: ServiceError, id: string | number | null = null) {
  const problem = error.toProblem();
  const { title, ...data } = problem;
  return { jsonrpc: '2.0' as const, error: { code: ERRORS[error.code].rpc, message: title, data }, id };
}

export const isRpcRequest = (request: FastifyRequest) => request.url === '/rpc' || request.url.startsWith('/rpc?');

/**
 * Sends an error in the door's own form: a JSON-RPC error object (HTTP 200) on /rpc — except a
 * body above the size limit, a 413 problem — and a problem document everywhere else. Hooks that
 * refuse a request (auth, rate limit, overload, shutdown) call this, so /rpc stays JSON-RPC.
 */
export function sendError(request: FastifyRequest, reply: FastifyReply, error: ServiceError): FastifyReply {
  if (isRpcRequest(request) && error.code !== 'payload-too-large') {
    if (error.retryAfter !== undefined) reply.header('retry-after', String(error.retryAfter));
    if (error.code === 'unauthorized') reply.header('www-authenticate', 'Bearer');
    return reply.code(200).type('application/json').send(rpcErrorBody(error));
  }
  return sendProblem(reply, error);
}

/** A body above the size limit: the 413 names the limit and its value, like every other limit. */
function namingBodyLimit(error: ServiceError, maxBodyBytes: number | undefined): ServiceError {
  if (error.code !== 'payload-too-large' || maxBodyBytes === undefined) return error;
  return new ServiceError('payload-too-large', `The body is larger than the limit maxBodyBytes = ${maxBodyBytes} bytes.`, {
    errors: [{ path: '', message: `the body exceeds maxBodyBytes = ${maxBodyBytes}` }],
    extensions: { limit: 'maxBodyBytes', max: maxBodyBytes },
  });
}

export function registerProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const problem = namingBodyLimit(toServiceError(error), request.server.config?.limits.maxBodyBytes);
    if (problem.status >= 500 && problem.code !== 'service-unavailable') request.log.error({ err: error }, 'request failed');
    else request.log.info({ problem: problem.code, status: problem.status }, 'request rejected');
    return sendError(request, reply, problem);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, new ServiceError('not-found', `No route ${request.method} ${request.url.split('?')[0]}.`)));
}
