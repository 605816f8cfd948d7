// POST /rpc beyond the spec's examples: ids, request members, method lookup, params validated
// like REST, service errors, the batch limit, the body limit, media types and hook refusals.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBLEM_BASE, ServiceError } from '../../src/errors.js';
import { sendError } from '../../src/http/problems.js';
import { makeApp } from '../helpers/app.js';
import { chain, net232 } from '../helpers/lesson.js';
import { postRpc } from '../helpers/rpc.js';

let app: FastifyInstance;
beforeAll(async () => { app = await makeApp({ env: { MAX_RPC_BATCH: '3', MAX_BODY_BYTES: '20000' } }); });
afterAll(async () => { await app.close(); });

const invalidRequest = (id: unknown = null) => ({ jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id });
const call = (method: string, params: unknown, id: unknown) => ({ jsonrpc: '2.0', method, params, id });

describe('ids', () => {
  it('echoes a string, a number (integer, negative, fractional, zero) and null exactly', async () => {
    for (const id of ['abc', '', 'ü/~0', 0, -7, 1.5, 9007199254740991, null]) {
      const reply = await postRpc(app, call('forward', chain, id));
      expect(reply.status).toBe(200);
      expect(reply.body.id).toStrictEqual(id);
      expect(reply.body.result.outputs).toHaveLength(1);
    }
  });

  it('"id": null is a call, not a notification: it is answered', async () => {
    const reply = await postRpc(app, { jsonrpc: '2.0', method: 'foobar', id: null });
    expect(reply.body).toEqual({ jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: null });
  });

  it('refuses ids of other types with -32600 and id null', async () => {
    for (const raw of ['true', '{}', '[1]', '1e400', '9007199254740993']) {
      const reply = await postRpc(app, `{"jsonrpc":"2.0","method":"forward","params":${JSON.stringify(chain)},"id":${raw}}`);
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual(invalidRequest());
    }
  });
});

describe('request objects', () => {
  it('refuses a wrong or missing version, a non-string method, non-structured params and unknown members', async () => {
    const cases: [unknown, unknown][] = [
      [{ jsonrpc: '1.0', method: 'forward', params: chain, id: 1 }, 1],
      [{ method: 'forward', params: chain, id: 2 }, 2],
      [{ jsonrpc: 2.0, method: 'forward', params: chain, id: 3 }, 3],
      [{ jsonrpc: '2.0', params: chain, id: 4 }, 4],
      [{ jsonrpc: '2.0', method: ['forward'], id: 5 }, 5],
      [{ jsonrpc: '2.0', method: 'forward', params: null, id: 6 }, 6],
      [{ jsonrpc: '2.0', method: 'forward', params: 'bar', id: 7 }, 7],
      [{ jsonrpc: '2.0', method: 'forward', params: 5 }, null],
      [{ jsonrpc: '2.0', method: 'forward', params: chain, id: 8, auth: 'x' }, 8],
      ['"a string"', null],
      ['null', null],
      ['42', null],
    ];
    for (const [payload, id] of cases) {
      const reply = await postRpc(app, typeof payload === 'string' ? payload : JSON.stringify(payload));
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual(invalidRequest(id));
    }
  });

  it('a nested batch is an invalid member, not a batch', async () => {
    const reply = await postRpc(app, [[call('forward', chain, 1)]]);
    expect(reply.body).toEqual([invalidRequest()]);
  });
});

describe('methods', () => {
  it('the table is a Map: Object.prototype members and the empty name are not methods', async () => {
    for (const method of ['toString', '__proto__', 'constructor', 'hasOwnProperty', 'valueOf', '', 'rpc.other', 'Gradient']) {
      const reply = await postRpc(app, call(method, {}, 'm'));
      expect(reply.body).toEqual({ jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: 'm' });
    }
  });
});

describe('params are validated like the REST body', () => {
  async function bothDoors(method: string, url: string, params: unknown) {
    const rest = await app.inject({ method: 'POST', url, payload: params as object });
    const rpc = await postRpc(app, call(method, params, 1));
    return { rest, problem: rest.json(), rpc: rpc.body };
  }

  it('a schema violation: -32602 whose data.errors is the REST problem\'s errors list', async () => {
    const bad = {
      network: { layers: [{ weights: [[0.5]], biases: [0.1], activation: 'bogus' }] },
      examples: [{ input: 5, target: ['0'] }],
      learningRate: 0.1,
    };
    const { rest, problem, rpc } = await bothDoors('gradient', '/v1/gradient', bad);
    expect(rest.statusCode).toBe(400);
    expect(problem.type).toBe(PROBLEM_BASE + 'invalid-request');
    expect(rpc.error.code).toBe(-32602);
    expect(rpc.error.data.type).toBe(PROBLEM_BASE + 'invalid-request');
    expect(rpc.error.data.status).toBe(400);
    expect(rpc.error.data.errors).toEqual(problem.errors);
    const paths = rpc.error.data.errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(['/examples/0/input', '/examples/0/target/0', '/learningRate', '/network/layers/0/activation']);
  });

  it('absent params are an empty object: every required member is reported', async () => {
    const reply = await postRpc(app, { jsonrpc: '2.0', method: 'gradient', id: 1 });
    expect(reply.body.error.code).toBe(-32602);
    expect(reply.body.error.data.errors).toEqual([{ path: '/network', message: 'is required' }, { path: '/examples', message: 'is required' }]);
  });

  it('shapes that do not agree: -32602 with the same errors as the REST 422', async () => {
    const bad = { ...net232, examples: [{ input: [1, 2, 3], target: [1, 0] }] };
    const { rest, problem, rpc } = await bothDoors('gradient', '/v1/gradient', bad);
    expect(rest.statusCode).toBe(422);
    expect(rpc.error.code).toBe(-32602);
    expect(rpc.error.data.type).toBe(PROBLEM_BASE + 'shape-mismatch');
    expect(rpc.error.data.type).toBe(problem.type);
    expect(rpc.error.data.errors).toEqual(problem.errors);
    expect(rpc.error.data.errors[0].path).toBe('/examples/0/input');
  });

  it('a configured limit: -32013 (limit exceeded) with the REST problem as data', async () => {
    const limited = await makeApp({ env: { MAX_EXAMPLES: '1' } });
    try {
      const rest = await limited.inject({ method: 'POST', url: '/v1/gradient', payload: net232 });
      const rpc = (await postRpc(limited, call('gradient', net232, 'L'))).body;
      expect(rest.statusCode).toBe(413);
      expect(rpc.error.code).toBe(-32013);
      const { title, ...data } = rest.json();
      expect(rpc.error).toEqual({ code: -32013, message: title, data });
      expect(rpc.id).toBe('L');
    } finally {
      await limited.close();
    }
  });

  it('rpc.discover takes no params: absent, {} or [] only', async () => {
    for (const params of [undefined, {}, []]) {
      const reply = await postRpc(app, { jsonrpc: '2.0', method: 'rpc.discover', ...(params ? { params } : {}), id: 1 });
      expect(reply.body.result.openrpc).toMatch(/^1\.3\./);
    }
    const reply = await postRpc(app, call('rpc.discover', { verbose: true }, 1));
    expect(reply.body.error.code).toBe(-32602);
    expect(reply.body.error.data.errors).toEqual([{ path: '/verbose', message: 'is not a known field' }]);
    const positional = await postRpc(app, call('rpc.discover', [true], 2));
    expect(positional.body.error.code).toBe(-32602);
  });
});

describe('batches', () => {
  it('a batch of the limit is answered; one more is refused as a whole with -32013 and id null', async () => {
    const three = [call('forward', chain, 1), call('forward', chain, 2), call('foobar', {}, 3)];
    const ok = await postRpc(app, three);
    expect(ok.status).toBe(200);
    expect(ok.body.map((r: { id: number }) => r.id).sort()).toEqual([1, 2, 3]);

    const four = await postRpc(app, [...three, { jsonrpc: '2.0', method: 'forward', params: chain }]);
    expect(four.status).toBe(200);
    expect(four.body).toEqual({
      jsonrpc: '2.0',
      error: {
        code: -32013,
        message: 'A configured limit is exceeded',
        data: {
          type: PROBLEM_BASE + 'limit-exceeded', status: 413, detail: expect.any(String),
          errors: [{ path: '', message: 'must NOT have more than 3 items' }], limit: 3, count: 4,
        },
      },
      id: null,
    });
  });

  it('answers repeated ids one by one, in the order sent', async () => {
    const reply = await postRpc(app, [call('forward', chain, 7), call('gradient', [], 7)]);
    expect(reply.body).toHaveLength(2);
    expect(reply.body[0].result).toBeDefined();
    expect(reply.body[1].error.code).toBe(-32602);
  });
});

describe('HTTP', () => {
  it('a body above the size limit is a 413 problem, not a JSON-RPC object', async () => {
    const big = JSON.stringify(call('forward', { ...chain, padding: 'x'.repeat(30000) }, 1));
    const reply = await postRpc(app, big);
    expect(reply.status).toBe(413);
    expect(reply.contentType).toMatch(/^application\/problem\+json/);
    expect(reply.body.type).toBe(PROBLEM_BASE + 'payload-too-large');
  });

  it('accepts application/json (with charset) and application/json-rpc', async () => {
    for (const type of ['application/json; charset=utf-8', 'application/json-rpc', 'application/jsonrequest']) {
      const reply = await postRpc(app, call('forward', chain, type), { 'content-type': type });
      expect(reply.status).toBe(200);
      expect(reply.body.id).toBe(type);
      expect(reply.body.result).toBeDefined();
    }
  });

  it('another media type is a JSON-RPC -32600 (HTTP 200) whose data is the 415 problem', async () => {
    const reply = await postRpc(app, call('forward', chain, 1), { 'content-type': 'text/plain' });
    expect(reply.status).toBe(200);
    expect(reply.contentType).toMatch(/^application\/json/);
    expect(reply.body.error.code).toBe(-32600);
    expect(reply.body.error.data.type).toBe(PROBLEM_BASE + 'unsupported-media-type');
    expect(reply.body.id).toBeNull();
  });

  it('an empty body is a parse error', async () => {
    const reply = await postRpc(app, '');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null });
  });

  it('a JSON body with __proto__ is refused like REST does (parse error)', async () => {
    const reply = await postRpc(app, `{"jsonrpc":"2.0","method":"forward","params":{"__proto__":{"polluted":1}},"id":1}`);
    expect(reply.body.error.code).toBe(-32700);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a hook refusing /rpc answers a JSON-RPC error object with HTTP 200', async () => {
    const guarded = await makeApp();
    guarded.addHook('onRequest', async (request, reply) => {
      if (request.headers.authorization !== 'Bearer k') return sendError(request, reply, new ServiceError('unauthorized', 'A valid API key is required.'));
    });
    try {
      const refused = await postRpc(guarded, call('forward', chain, 1));
      expect(refused.status).toBe(200);
      expect(refused.body.error.code).toBe(-32001);
      expect(refused.body.error.data.type).toBe(PROBLEM_BASE + 'unauthorized');
      const allowed = await postRpc(guarded, call('forward', chain, 1), { authorization: 'Bearer k' });
      expect(allowed.body.result).toBeDefined();
    } finally {
      await guarded.close();
    }
  });
});
