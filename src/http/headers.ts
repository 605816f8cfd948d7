// The HTTP headers that carry meaning in this API, declared once so that every route that uses
// one documents it the same way (OpenAPI parameters and response headers).
import { Type } from 'typebox';

/**
 * Request headers a route may declare (names lower-case, as fastify sees them). Their schemas only
 * document: any string passes, and the operation judges the value.
 */
export const REQUEST_HEADERS = {
  'if-match': Type.String({
    description: 'The session\'s ETag: the request applies only if the session is still at that version (else 412).',
  }),
  'idempotency-key': Type.String({
    description: 'A unique key per intended operation: a retry with the same key returns the first response '
      + '(Idempotent-Replayed: true) and changes nothing; the same key with another body is a 422, '
      + 'while the first is still running a 409.',
  }),
} as const;
export type RequestHeaderName = keyof typeof REQUEST_HEADERS;

/** Response headers a route may declare on its success response. */
export const RESPONSE_HEADERS = {
  'ETag': { type: 'string', description: 'Version of the resource; send it back in If-Match.' },
  'Location': { type: 'string', description: 'URL of the created resource.' },
  'Idempotent-Replayed': { type: 'string', enum: ['true'], description: 'Present when this is the stored response of an earlier request with the same Idempotency-Key.' },
  'Retry-After': { type: 'string', pattern: '^[0-9]+$', description: 'Seconds to wait before retrying.' },
} as const;
export type ResponseHeaderName = keyof typeof RESPONSE_HEADERS;

/** Sent on every response (src/app.ts); the docs add them to every operation. */
export const REQUEST_ID_HEADER = {
  name: 'X-Request-Id',
  description: 'Id of this request in the service\'s logs: an incoming X-Request-Id of 1–128 characters [A-Za-z0-9_.:-] is echoed, otherwise a UUID is generated.',
};
export const SERVED_BY_HEADER = { name: 'X-Served-By', description: 'Name of the replica that served the request.' };

export function responseHeaders(names: readonly ResponseHeaderName[]): Record<string, object> {
  return Object.fromEntries(names.map((name) => [name, { ...RESPONSE_HEADERS[name] }]));
}

/** A headers schema with the named request headers (all optional), for a route's schema.headers. */
export function requestHeadersSchema(names: readonly RequestHeaderName[]) {
  return Type.Object(Object.fromEntries(names.map((name) => [name, Type.Optional(REQUEST_HEADERS[name])])));
}
