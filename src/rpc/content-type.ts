// The /rpc body parser, registered inside the /rpc plugin scope only: JSON that does not parse
// becomes a marker the dispatcher answers with -32700 (HTTP 200), not a 400 problem. The body
// limit still applies (fastify enforces it while reading: a 413 problem).
import type { FastifyInstance } from 'fastify';
import { parseJsonSafely } from '../encoding/safe-json.js';
import { UNPARSABLE } from './dispatcher.js';

/** application/json, and the two types of the JSON-RPC over HTTP note. */
export const RPC_MEDIA_TYPES = ['application/json', 'application/json-rpc', 'application/jsonrequest'];

export function registerRpcBodyParser(scope: FastifyInstance): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser(RPC_MEDIA_TYPES, { parseAs: 'string' }, (_request, body, done) => {
    // fastify's checks: __proto__ and constructor.prototype keys are refused too (safe-json.ts).
    let value: unknown;
    try {
      value = (body as string).length === 0 ? UNPARSABLE : parseJsonSafely(body as string);
    } catch {
      value = UNPARSABLE;
    }
    done(null, value);
  });
}
