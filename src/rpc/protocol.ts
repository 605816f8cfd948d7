// The JSON-RPC 2.0 envelope (https://www.jsonrpc.org/specification): request objects, response
// objects, and the spec's own error codes. Nothing here knows about HTTP or operations.
import type { ServiceError } from '../errors.js';
import { rpcErrorBody } from '../http/problems.js';

export type RpcId = string | number | null;

/** A well-formed request object. `id` is absent (undefined) for a notification. */
export interface RpcCall {
  method: string;
  params?: Record<string, unknown> | unknown[];
  id?: RpcId;
}

export interface RpcErrorObject { code: number; message: string; data?: unknown }

export type RpcResponse =
  | { jsonrpc: '2.0'; result: unknown; id: RpcId }
  | { jsonrpc: '2.0'; error: RpcErrorObject; id: RpcId };

/** The spec's reserved codes, with the spec's own messages (§5.1). */
export const PARSE_ERROR = { code: -32700, message: 'Parse error' } as const;
export const INVALID_REQUEST = { code: -32600, message: 'Invalid Request' } as const;
export const METHOD_NOT_FOUND = { code: -32601, message: 'Method not found' } as const;

const MEMBERS = new Set(['jsonrpc', 'method', 'params', 'id']);

export function success(id: RpcId, result: unknown): RpcResponse {
  // `result` is REQUIRED on success: an operation that returns nothing answers null.
  return { jsonrpc: '2.0', result: result === undefined ? null : result, id };
}

export function failure(id: RpcId, error: RpcErrorObject): RpcResponse {
  return { jsonrpc: '2.0', error: { ...error }, id };
}

/** A service error (src/errors.ts's table) as an error response: the table's code, `data` = the problem. */
export function serviceFailure(id: RpcId, error: ServiceError): RpcResponse {
  return rpcErrorBody(error, id);
}

/**
 * A usable id: a string, null, or a number that survives the JSON round trip unchanged.
 * Integers beyond 2^53 are refused: JSON.parse would round them and the echo would not match.
 */
export function isValidId(id: unknown): id is RpcId {
  if (id === null || typeof id === 'string') return true;
  if (typeof id !== 'number' || !Number.isFinite(id)) return false;
  return !Number.isInteger(id) || Number.isSafeInteger(id);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks one member of the body against §4 (Request object). A malformed one gets -32600 with
 * its id when that id is itself valid, null otherwise — even when it has no id: only a
 * well-formed request without "id" is a notification.
 */
export function readCall(value: unknown): { call: RpcCall } | { invalid: RpcResponse } {
  if (!isObject(value)) return { invalid: failure(null, INVALID_REQUEST) };
  const hasId = Object.hasOwn(value, 'id');
  const id = hasId && isValidId(value.id) ? value.id : null;
  const wellFormed = value.jsonrpc === '2.0'
    && typeof value.method === 'string'
    && (!Object.hasOwn(value, 'params') || typeof value.params === 'object' && value.params !== null)
    && (!hasId || isValidId(value.id))
    && Object.keys(value).every((key) => MEMBERS.has(key));
  if (!wellFormed) return { invalid: failure(id, INVALID_REQUEST) };
  const call: RpcCall = { method: value.method as string };
  if (Object.hasOwn(value, 'params')) call.params = value.params as RpcCall['params'];
  if (hasId) call.id = value.id as RpcId;
  return { call };
}

export const isNotification = (call: RpcCall): boolean => call.id === undefined;
