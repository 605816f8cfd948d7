// The JSON-RPC 2.0 envelope at POST /rpc, for the OpenAPI document. The envelope is checked by
// src/rpc/ (so that a malformed one is a JSON-RPC error, not a 400); params by each method's schema.
import { type Static, Type } from 'typebox';

const Id = Type.Union([Type.String(), Type.Number(), Type.Null()], { description: 'Echoed in the response; absent for a notification.' });

export const RpcRequest = Type.Object({
  jsonrpc: Type.Literal('2.0'),
  method: Type.String({ description: 'forward, gradient, …, rpc.discover (the OpenRPC document lists them all).' }),
  params: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'By name: the REST request body (session methods add "id").' })),
  id: Type.Optional(Id),
}, { additionalProperties: false });
export type RpcRequest = Static<typeof RpcRequest>;

export const RpcRequestBody = Type.Union([RpcRequest, Type.Array(RpcRequest, { minItems: 1, description: 'A batch.' })]);

export const RpcErrorObject = Type.Object({
  code: Type.Integer(),
  message: Type.String(),
  data: Type.Optional(Type.Unknown({ description: 'For service errors: the REST problem document without its title.' })),
});

export const RpcResponse = Type.Object({
  jsonrpc: Type.Literal('2.0'),
  result: Type.Optional(Type.Unknown({ description: 'The REST response body of the method.' })),
  error: Type.Optional(RpcErrorObject),
  id: Id,
});

export const RpcResponseBody = Type.Union([RpcResponse, Type.Array(RpcResponse, { description: 'The answers to a batch, each with its id.' })]);
