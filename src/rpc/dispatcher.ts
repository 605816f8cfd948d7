// The JSON-RPC dispatcher: one parsed body in, the response body out (undefined = nothing to
// send). Generic over the operation table: a method is an entry of the Map, nothing else.
import { Type } from 'typebox';
import { isServiceError, ServiceError } from '../errors.js';
import { type Operation, type OperationContext, isAborted, partOf } from '../operations/operation.js';
import { assertValid } from '../validation.js';
import { runOperation } from '../http/operation-route.js';
import { buildOpenRpcDocument, DISCOVER } from './discover.js';
import {
  failure, INVALID_REQUEST, isNotification, METHOD_NOT_FOUND, PARSE_ERROR,
  readCall, type RpcCall, type RpcResponse, serviceFailure, success,
} from './protocol.js';

/** What the content-type parser leaves as the body when the text is not JSON. */
export const UNPARSABLE: unique symbol = Symbol('unparsable JSON-RPC body');

const NoParams = Type.Object({}, { additionalProperties: false });

export type RpcBody = RpcResponse | RpcResponse[] | undefined;

export interface Dispatcher {
  /** `context` is the HTTP request's; each call gets its own copy (and its own meta). */
  handle(body: unknown, context: OperationContext): Promise<RpcBody>;
  readonly openRpcDocument: ReturnType<typeof buildOpenRpcDocument>;
}

export function createDispatcher(operations: ReadonlyMap<string, Operation>): Dispatcher {
  const openRpcDocument = buildOpenRpcDocument(operations);

  async function invoke(call: RpcCall, context: OperationContext): Promise<unknown> {
    const params = call.params ?? {};
    if (call.method === DISCOVER) {
      // No params: absent, {} or [] (OpenRPC clients send an empty array).
      if (!(Array.isArray(params) && params.length === 0)) assertValid(NoParams, params, 'params');
      return openRpcDocument;
    }
    const op = operations.get(call.method);
    if (Array.isArray(params)) {
      throw new ServiceError('invalid-request', 'By-position params are not supported: send params as an object of named members (the REST request body).', {
        errors: [{ path: '', message: 'must be object' }],
      });
    }
    assertValid(op!.params, params, 'params');
    // RPC has no request headers per call: If-Match and Idempotency-Key are REST-only.
    const ctx = partOf(context, { ifMatch: undefined, idempotencyKey: undefined, meta: {} });
    // Timed in the metrics, and a computation past the handler timeout is a -32003 (as on REST).
    return runOperation(op!, params as never, ctx);
  }

  async function answer(member: unknown, context: OperationContext): Promise<RpcResponse | undefined> {
    const read = readCall(member);
    if ('invalid' in read) return read.invalid;
    const { call } = read;
    const id = call.id ?? null;
    const log = context.log.child({ rpcMethod: call.method, rpcId: id });
    if (call.method !== DISCOVER && !operations.has(call.method)) {
      return isNotification(call) ? undefined : failure(id, METHOD_NOT_FOUND);
    }
    try {
      const result = await invoke(call, context);
      return isNotification(call) ? undefined : success(id, result);
    } catch (error) {
      let known: ServiceError;
      if (isServiceError(error)) {
        known = error;
        log.info({ rpcError: error.code }, 'rpc call refused');
      } else {
        // Masked like a REST 500: the stack goes to the log, never to the client.
        log.error({ err: error }, 'rpc call failed');
        known = new ServiceError('internal', 'An internal error occurred.');
      }
      return isNotification(call) ? undefined : serviceFailure(id, known);
    }
  }

  async function handle(body: unknown, context: OperationContext): Promise<RpcBody> {
    if (body === UNPARSABLE) return failure(null, PARSE_ERROR);
    if (!Array.isArray(body)) return answer(body, context);
    if (body.length === 0) return failure(null, INVALID_REQUEST);
    const max = context.config.limits.maxRpcBatch;
    if (body.length > max) {
      return serviceFailure(null, new ServiceError('limit-exceeded', `A batch holds at most ${max} calls (MAX_RPC_BATCH); this one has ${body.length}. None was run.`, {
        errors: [{ path: '', message: `must NOT have more than ${max} items` }],
        extensions: { limit: max, count: body.length },
      }));
    }
    // One after another, in order: calls on one session apply in the order sent, and the same
    // batch always gives the same bytes. A client that went away stops the rest.
    const responses: RpcResponse[] = [];
    for (const member of body) {
      if (isAborted(context)) break;
      const response = await answer(member, context);
      if (response) responses.push(response);
    }
    return responses.length > 0 ? responses : undefined;
  }

  return { handle, openRpcDocument };
}
