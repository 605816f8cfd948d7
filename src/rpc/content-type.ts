// The /rpc body parser, registered inside the /rpc plugin scope only: JSON that does not parse
// becomes a marker the dispatcher answers with -32700 (HTTP 200), not a 400 problem. The body
// limit still applies (fastify enforces it while reading: a 413 problem).
import type { FastifyInstance } from 'fastify';
import { UNPARSABLE } from './dispatcher.js';

/** application/json, and the two types of the JSON-RPC over HTTP note. */
export const RPC_MEDIA_TYPES = ['application/json', 'application/json-rpc', 'application/jsonrequest'];

export function registerRpcBodyParser(scope: FastifyInstance): void {
  // fastify's own JSON parser: it refuses __proto__ and constructor.prototype keys too.
  const parseJson = scope.getDefaultJsonParser('error', 'error');
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser(RPC_MEDIA_TYPES, { parseAs: 'string' }, (request, body, done) => {
    parseJson(request, body as string, (error: Error | null, value?: unknown) => done(null, error ? UNPARSABLE : value));
  });
}
