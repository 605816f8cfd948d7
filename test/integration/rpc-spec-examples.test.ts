// Every example of the JSON-RPC 2.0 specification's §7 ("Examples"), with our methods in place of
// subtract/sum/update/get_data, and the exact responses the spec prescribes.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBLEM_BASE } from '../../src/errors.js';
import { makeApp } from '../helpers/app.js';
import { chain } from '../helpers/lesson.js';
import { byId, postRpc } from '../helpers/rpc.js';

let app: FastifyInstance;
beforeAll(async () => { app = await makeApp(); });
afterAll(async () => { await app.close(); });

const parseError = { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null };
const invalidRequest = { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null };

/** The lesson chain by hand: a⁽ˡ⁾ = σ(w⁽ˡ⁾a⁽ˡ⁻¹⁾ + b⁽ˡ⁾), C = (a⁽³⁾ − 0)², and its chain rule. */
function chainByHand() {
  const s = (z: number) => 1 / (1 + Math.exp(-z));
  const [w1, b1, w2, b2, w3, b3] = [0.5, 0.1, -0.3, 0.2, 0.8, -0.1];
  const a1 = s(w1 * 1 + b1); const a2 = s(w2 * a1 + b2); const a3 = s(w3 * a2 + b3);
  const d3 = a3 * (1 - a3) * 2 * (a3 - 0);
  const d2 = a2 * (1 - a2) * w3 * d3;
  const d1 = a1 * (1 - a1) * w2 * d2;
  return { cost: a3 ** 2, output: a3, vector: [d1 * 1, d1, d2 * a1, d2, d3 * a2, d3] };
}

async function restBody(url: string, body: unknown) {
  const res = await app.inject({ method: 'POST', url, payload: body as object });
  expect(res.statusCode).toBe(200);
  return res.json();
}

describe('JSON-RPC 2.0 specification, §7 examples', () => {
  it('rpc call with positional parameters: refused with -32602 (our methods take by-name params)', async () => {
    for (const id of [1, 2]) {
      const params = id === 1 ? [chain.network, chain.examples] : [chain.examples, chain.network];
      const reply = await postRpc(app, { jsonrpc: '2.0', method: 'gradient', params, id });
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({
        jsonrpc: '2.0',
        error: {
          code: -32602,
          message: 'The request does not match the schema',
          data: { type: PROBLEM_BASE + 'invalid-request', status: 400, detail: expect.any(String), errors: [{ path: '', message: 'must be object' }] },
        },
        id,
      });
    }
  });

  it('rpc call with named parameters: the members in any order give the same result', async () => {
    const expected = await restBody('/v1/gradient', chain);
    const hand = chainByHand();
    expect(expected.cost).toBeCloseTo(hand.cost, 14);
    expected.vector.forEach((g: number, i: number) => expect(g).toBeCloseTo(hand.vector[i], 14));

    const three = await postRpc(app, { jsonrpc: '2.0', method: 'gradient', params: { network: chain.network, examples: chain.examples }, id: 3 });
    expect(three.status).toBe(200);
    expect(three.body).toEqual({ jsonrpc: '2.0', result: expected, id: 3 });
    const four = await postRpc(app, { jsonrpc: '2.0', method: 'gradient', params: { examples: chain.examples, network: chain.network }, id: 4 });
    expect(four.body).toEqual({ jsonrpc: '2.0', result: expected, id: 4 });
  });

  it('a notification: HTTP 204 and no body (by-position params or an unknown method included)', async () => {
    for (const payload of [
      { jsonrpc: '2.0', method: 'forward', params: chain },
      { jsonrpc: '2.0', method: 'forward', params: [1, 2, 3, 4, 5] },
      { jsonrpc: '2.0', method: 'foobar' },
    ]) {
      const reply = await postRpc(app, payload);
      expect(reply.status).toBe(204);
      expect(reply.text).toBe('');
    }
  });

  it('rpc call of non-existent method', async () => {
    const reply = await postRpc(app, { jsonrpc: '2.0', method: 'foobar', id: '1' });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: '1' });
  });

  it('rpc call with invalid JSON', async () => {
    const reply = await postRpc(app, '{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]');
    expect(reply.status).toBe(200);
    expect(reply.contentType).toMatch(/^application\/json/);
    expect(reply.body).toEqual(parseError);
  });

  it('rpc call with invalid Request object', async () => {
    const reply = await postRpc(app, '{"jsonrpc": "2.0", "method": 1, "params": "bar"}');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual(invalidRequest);
  });

  it('rpc call Batch, invalid JSON', async () => {
    const reply = await postRpc(app, `[
  {"jsonrpc": "2.0", "method": "forward", "params": ${JSON.stringify(chain)}, "id": "1"},
  {"jsonrpc": "2.0", "method"
]`);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual(parseError);
  });

  it('rpc call with an empty Array: one error object, not an array', async () => {
    const reply = await postRpc(app, '[]');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual(invalidRequest);
  });

  it('rpc call with an invalid Batch (but not empty)', async () => {
    const reply = await postRpc(app, '[1]');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual([invalidRequest]);
  });

  it('rpc call with invalid Batch: one error per member', async () => {
    const reply = await postRpc(app, '[1,2,3]');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual([invalidRequest, invalidRequest, invalidRequest]);
  });

  it('rpc call Batch: results, errors and a notification, each answered by its id', async () => {
    const forwardResult = await restBody('/v1/forward', chain);
    const gradientResult = await restBody('/v1/gradient', chain);
    expect(forwardResult.outputs[0][0]).toBeCloseTo(chainByHand().output, 14);
    const discovered = (await postRpc(app, { jsonrpc: '2.0', method: 'rpc.discover', id: 0 })).body.result;

    const reply = await postRpc(app, [
      { jsonrpc: '2.0', method: 'forward', params: chain, id: '1' },
      { jsonrpc: '2.0', method: 'forward', params: chain },
      { jsonrpc: '2.0', method: 'gradient', params: chain, id: '2' },
      { foo: 'boo' },
      { jsonrpc: '2.0', method: 'foo.get', params: { name: 'myself' }, id: '5' },
      { jsonrpc: '2.0', method: 'rpc.discover', id: '9' },
    ]);
    expect(reply.status).toBe(200);
    expect(reply.body).toHaveLength(5);
    const answers = byId(reply.body);
    expect(answers.get('1')).toEqual({ jsonrpc: '2.0', result: forwardResult, id: '1' });
    expect(answers.get('2')).toEqual({ jsonrpc: '2.0', result: gradientResult, id: '2' });
    expect(answers.get(null)).toEqual(invalidRequest);
    expect(answers.get('5')).toEqual({ jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: '5' });
    expect(answers.get('9')).toEqual({ jsonrpc: '2.0', result: discovered, id: '9' });
  });

  it('rpc call Batch (all notifications): HTTP 204 and nothing returned', async () => {
    const reply = await postRpc(app, [
      { jsonrpc: '2.0', method: 'forward', params: chain },
      { jsonrpc: '2.0', method: 'gradient', params: chain },
    ]);
    expect(reply.status).toBe(204);
    expect(reply.text).toBe('');
  });
});
