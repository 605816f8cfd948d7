// JSON-RPC through inject: the raw text and the parsed body of POST /rpc.
import type { FastifyInstance } from 'fastify';

export interface RpcReply { status: number; contentType: string | undefined; text: string; body: any }

/** `payload` is sent as is when it is a string (invalid JSON included), else as JSON. */
export async function postRpc(app: FastifyInstance, payload: unknown, headers: Record<string, string> = {}): Promise<RpcReply> {
  const res = await app.inject({
    method: 'POST',
    url: '/rpc',
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
  return {
    status: res.statusCode,
    contentType: res.headers['content-type'] as string | undefined,
    text: res.body,
    body: res.body === '' ? undefined : JSON.parse(res.body),
  };
}

/** A batch's answers by id (the spec lets a server answer in any order). */
export function byId(responses: { id: unknown }[]): Map<unknown, unknown> {
  return new Map(responses.map((r) => [r.id, r]));
}
