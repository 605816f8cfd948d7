// A real JSON-RPC client from npm (jayson's HTTP client) and undici against a listening server.
import type { FastifyInstance } from 'fastify';
import jayson from 'jayson/promise/index.js';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, makeApp } from '../helpers/app.js';
import { chain, net232 } from '../helpers/lesson.js';

let app: FastifyInstance;
let base: string;
let client: ReturnType<typeof jayson.client.http>;

beforeAll(async () => {
  app = await makeApp();
  base = await listen(app);
  const { hostname, port } = new URL(base);
  client = jayson.client.http({ host: hostname, port: Number(port), path: '/rpc' });
});
afterAll(async () => { await app.close(); });

async function rest(path: string, body: object) {
  const res = await request(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.statusCode).toBe(200);
  return res.body.json();
}

describe('jayson HTTP client against POST /rpc', () => {
  it('calls gradient and gets the REST body as result, under the id it chose', async () => {
    const response = await client.request('gradient', net232) as { jsonrpc: string; result: unknown; id: string };
    expect(response.jsonrpc).toBe('2.0');
    expect(typeof response.id).toBe('string');
    expect(response.result).toEqual(await rest('/v1/gradient', net232));
  });

  it('gets JSON-RPC errors as error objects', async () => {
    const unknown = await client.request('nope', {}) as { error: { code: number } };
    expect(unknown.error.code).toBe(-32601);
    const bad = await client.request('forward', { network: chain.network, examples: [{ input: 'x' }] }) as { error: { code: number; data: { errors: unknown[] } } };
    expect(bad.error.code).toBe(-32602);
    expect(bad.error.data.errors).toEqual([{ path: '/examples/0/input', message: 'must be array' }]);
  });

  it('sends a batch: every call answered by its id, the notification not at all', async () => {
    const calls = [
      client.request('forward', chain, 'f', false),
      client.request('gradient', net232, 'g', false),
      client.request('nope', {}, 'n', false),
      client.request('forward', chain, null, false),
    ];
    expect(calls[3]).not.toHaveProperty('id');
    const responses = await client.request(calls as never) as { id: string; result?: unknown; error?: { code: number } }[];
    expect(responses).toHaveLength(3);
    const byId = new Map(responses.map((r) => [r.id, r]));
    expect(byId.get('f')!.result).toEqual(await rest('/v1/forward', chain));
    expect(byId.get('g')!.result).toEqual(await rest('/v1/gradient', net232));
    expect(byId.get('n')!.error!.code).toBe(-32601);
  });

  it('sends a notification: HTTP 204, nothing to read', async () => {
    await expect(client.request('forward', chain, null)).resolves.toBeUndefined();
    const res = await request(base + '/rpc', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', method: 'forward', params: chain }) });
    expect(res.statusCode).toBe(204);
    expect(await res.body.text()).toBe('');
  });

  it('discovers the methods', async () => {
    const response = await client.request('rpc.discover', []) as { result: { methods: { name: string }[] } };
    expect(response.result.methods.map((m) => m.name)).toContain('gradient');
  });
});

describe('undici against POST /rpc', () => {
  it('parse error: HTTP 200, application/json, -32700, id null', async () => {
    const res = await request(base + '/rpc', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"jsonrpc":' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(await res.body.json()).toEqual({ jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null });
  });
});
