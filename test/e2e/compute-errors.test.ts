// Every error path of POST /v1/forward and /v1/gradient, over HTTP (undici) against a listening server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { request } from 'undici';
import { listen, makeApp } from '../helpers/app.js';
import { PROBLEM, get, post, problemOf } from '../helpers/http.js';
import { chain } from '../helpers/lesson.js';

let app: FastifyInstance;
let base: string;
beforeAll(async () => {
  app = await makeApp({ env: { MAX_BODY_BYTES: String(64 * 1024) } });
  base = await listen(app);
});
afterAll(() => app.close());

const withLayer = (layer: object) => ({ network: { layers: [layer] }, examples: [{ input: [1], target: [0] }] });
const paths = (p: { errors?: { path: string }[] }) => (p.errors ?? []).map((e) => e.path).sort();

describe('e2e: the computation service', () => {
  it('answers the lesson chain over HTTP', async () => {
    const res = await post(base, '/v1/gradient', chain);
    expect(res.status).toBe(200);
    expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
    expect(res.json.parameterCount).toBe(6);
  });

  it('forward: outputs, layers, and no cost when targets are absent', async () => {
    const res = await post(base, '/v1/forward', { network: chain.network, examples: [{ input: [1] }, { input: [0] }] });
    expect(res.status).toBe(200);
    expect(res.json.cost).toBeUndefined();
    expect(res.json.outputs).toHaveLength(2);
    expect(res.json.examples[0].layers).toHaveLength(3);
    expect(res.json.examples[0].cost).toBeUndefined();
    const σ = (z: number) => 1 / (1 + Math.exp(-z));
    const a3 = σ(0.8 * σ(-0.3 * σ(0.6) + 0.2) - 0.1);
    expect(res.json.outputs[0][0]).toBeCloseTo(a3, 15);
  });

  it('forward: the cost when every example has a target', async () => {
    const res = await post(base, '/v1/forward', chain);
    const a = res.json.outputs[0][0];
    expect(res.json.cost).toBeCloseTo(a * a, 15);
    expect(res.json.examples[0].cost).toBeCloseTo(a * a, 15);
  });
});

describe('e2e: 400 for malformed JSON and schema violations', () => {
  it('malformed JSON', async () => {
    const res = await post(base, '/v1/gradient', '{"network": [');
    expect(res.status).toBe(400);
    expect(problemOf(res).type).toBe(PROBLEM('malformed-json'));
  });

  it('an empty body', async () => {
    const res = await post(base, '/v1/gradient', '');
    expect(res.status).toBe(400);
    expect(problemOf(res).type).toBe(PROBLEM('malformed-json'));
  });

  it('a body that is not an object', async () => {
    const res = await post(base, '/v1/gradient', [1, 2]);
    expect(res.status).toBe(400);
    expect(paths(problemOf(res))).toEqual(['']);
  });

  it('1e400 (Infinity after parsing) is rejected with the weight\'s pointer', async () => {
    const text = '{"network":{"layers":[{"weights":[[1e400]],"biases":[0]}]},"examples":[{"input":[1],"target":[-1e999]}]}';
    const res = await post(base, '/v1/gradient', text);
    expect(res.status).toBe(400);
    const problem = problemOf(res);
    expect(problem.type).toBe(PROBLEM('invalid-request'));
    expect(paths(problem)).toEqual(['/examples/0/target/0', '/network/layers/0/weights/0/0']);
  });

  it('strings are not coerced to numbers, nor numbers to arrays', async () => {
    const res = await post(base, '/v1/gradient', {
      network: { layers: [{ weights: [['0.5']], biases: [0] }] }, examples: [{ input: 5, target: [0] }],
    });
    expect(res.status).toBe(400);
    expect(paths(problemOf(res))).toEqual(['/examples/0/input', '/network/layers/0/weights/0/0']);
  });

  it('unknown fields are errors, at every depth', async () => {
    const res = await post(base, '/v1/gradient', { ...withLayer({ weights: [[1]], biases: [0], bias: 1 }), extra: true });
    expect(res.status).toBe(400);
    expect(paths(problemOf(res))).toEqual(['/extra', '/network/layers/0/bias']);
  });

  it('missing fields, an unknown activation and an unknown cost', async () => {
    const res = await post(base, '/v1/gradient', { network: { layers: [{ weights: [[1]], activation: 'gelu' }] }, examples: [{ input: [1] }], cost: 'hinge' });
    expect(res.status).toBe(400);
    expect(paths(problemOf(res))).toEqual(['/cost', '/examples/0/target', '/network/layers/0/activation', '/network/layers/0/biases']);
  });

  it('an empty network, empty batch and empty rows', async () => {
    const res = await post(base, '/v1/gradient', { network: { layers: [] }, examples: [] });
    expect(res.status).toBe(400);
    expect(paths(problemOf(res))).toEqual(['/examples', '/network/layers']);
    const rows = await post(base, '/v1/gradient', withLayer({ weights: [[]], biases: [0] }));
    expect(paths(problemOf(rows))).toEqual(['/network/layers/0/weights/0']);
  });

  it('keys that could poison a prototype are refused, not merged, and pointed at', async () => {
    const ok = '"network":{"layers":[{"weights":[[1]],"biases":[0]}]},"examples":[{"input":[1],"target":[0]}]';
    const cases: [string, string][] = [
      [`{${ok},"__proto__":{"x":1}}`, '/__proto__'],
      [`{"network":{"layers":[{"weights":[[1]],"biases":[0],"constructor":{"prototype":{"x":1}}}]},"examples":[{"input":[1],"target":[0]}]}`, '/network/layers/0/constructor'],
      [`{${ok.replace('"target":[0]', '"target":[0],"\\u005f_proto__":{}')}}`, '/examples/0/__proto__'],
      // Large enough for the WebAssembly parser, which leaves such keys to the text path.
      [`{${ok},"__proto__":{"x":1}${' '.repeat(8192)}}`, '/__proto__'],
    ];
    for (const [body, path] of cases) {
      const res = await post(base, '/v1/gradient', body);
      expect(res.status, body.slice(0, 120)).toBe(400);
      const problem = problemOf(res);
      expect(problem.type).toBe(PROBLEM('invalid-request'));
      expect(paths(problem)).toEqual([path]);
    }
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('e2e: 422 for shapes that disagree, all listed', () => {
  it('ragged rows, bias counts, layer joins, input and target lengths', async () => {
    const res = await post(base, '/v1/gradient', {
      network: { layers: [
        { weights: [[1, 2], [3]], biases: [0] },
        { weights: [[1, 2, 3]], biases: [0, 1] },
      ] },
      examples: [{ input: [1, 2], target: [0] }, { input: [1], target: [0, 1] }],
    });
    expect(res.status).toBe(422);
    const problem = problemOf(res);
    expect(problem.type).toBe(PROBLEM('shape-mismatch'));
    expect(paths(problem)).toEqual([
      '/examples/1/input', '/examples/1/target',
      '/network/layers/0/biases', '/network/layers/0/weights/1',
      '/network/layers/1/biases', '/network/layers/1/weights',
    ]);
  });

  it('alpha on a layer that is not leaky_relu', async () => {
    const res = await post(base, '/v1/gradient', withLayer({ weights: [[1]], biases: [0], activation: 'relu', alpha: 0.1 }));
    expect(res.status).toBe(422);
    expect(paths(problemOf(res))).toEqual(['/network/layers/0/alpha']);
  });

  it('forward: some examples with targets and some without', async () => {
    const res = await post(base, '/v1/forward', { network: chain.network, examples: [{ input: [1], target: [0] }, { input: [1] }] });
    expect(res.status).toBe(422);
    expect(paths(problemOf(res))).toEqual(['/examples/1/target']);
  });
});

describe('e2e: 422 for results that are not finite, named', () => {
  it('an overflowing linear layer names z and the example', async () => {
    const res = await post(base, '/v1/gradient', {
      network: { layers: [{ weights: [[1e308]], biases: [0], activation: 'linear' }] },
      examples: [{ input: [0], target: [0] }, { input: [10], target: [0] }],
    });
    expect(res.status).toBe(422);
    const problem = problemOf(res);
    expect(problem.type).toBe(PROBLEM('non-finite-result'));
    expect(problem.errors![0].path).toBe('/examples/1/layers/0/z'); // the root cause first
    expect(problem.errors!.map((e) => e.path)).toContain('/examples/1/layers/0/z');
    expect(problem.errors!.map((e) => e.path)).toContain('/examples/1/cost');
    expect(problem.errors!.map((e) => e.path)).not.toContain('/examples/0/cost');
  });

  it('cross entropy of a relu output at 0 names the cost', async () => {
    const res = await post(base, '/v1/gradient', {
      network: { layers: [{ weights: [[1]], biases: [0], activation: 'relu' }] },
      examples: [{ input: [-1], target: [1] }], cost: 'cross_entropy',
    });
    expect(res.status).toBe(422);
    expect(problemOf(res).errors![0].path).toBe('/examples/0/cost');
  });

  it('saturated sigmoid outputs stay finite with binary cross-entropy (the stable form)', async () => {
    const res = await post(base, '/v1/gradient', {
      network: { layers: [{ weights: [[1]], biases: [0] }] },
      examples: [{ input: [800], target: [0] }], cost: 'binary_cross_entropy', include: { sensitivities: false },
    });
    expect(res.status).toBe(200);
    expect(res.json.cost).toBe(800); // −ln(1 − σ(800)) = softplus(800) = 800
    expect(res.json.gradient.layers[0].weights[0][0]).toBe(800); // (a − y)·x = 1·800
  });
});

describe('e2e: transport errors are problems too', () => {
  it('415 for a body that is not JSON', async () => {
    const res = await request(base + '/v1/gradient', { method: 'POST', body: 'x=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.statusCode).toBe(415);
    const json = await res.body.json() as { type: string };
    expect(json.type).toBe(PROBLEM('unsupported-media-type'));
  });

  it('415 for text/plain too (fastify parses it by default; JSON text under that type is not accepted)', async () => {
    const res = await request(base + '/v1/gradient', { method: 'POST', body: JSON.stringify(chain), headers: { 'content-type': 'text/plain' } });
    expect(res.statusCode).toBe(415);
    expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
    const json = await res.body.json() as { type: string; status: number };
    expect(json.type).toBe(PROBLEM('unsupported-media-type'));
    expect(json.status).toBe(415);
  });

  describe('Content-Encoding', () => {
    const body = JSON.stringify(chain);
    const send = (encoding: string, payload: Buffer | string) => request(base + '/v1/gradient', {
      method: 'POST', body: payload, headers: { 'content-type': 'application/json', 'content-encoding': encoding },
    });
    it.each([['gzip', gzipSync], ['x-gzip', gzipSync], ['deflate', deflateSync], ['br', brotliCompressSync], ['identity', (b: Buffer) => b]] as const)(
      'a %s body is decoded: the same bytes as the plain request', async (encoding, encode) => {
        const plain = await request(base + '/v1/gradient', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
        const expected = await plain.body.text();
        const res = await send(encoding, encode(Buffer.from(body)));
        expect(res.statusCode).toBe(200);
        expect(await res.body.text()).toBe(expected);
      });

    it('415 for a coding it does not know, naming the accepted ones in Accept-Encoding', async () => {
      const res = await send('compress', body);
      expect(res.statusCode).toBe(415);
      expect(res.headers['accept-encoding']).toBe('gzip, deflate, br, identity');
      const json = await res.body.json() as { type: string; errors: { path: string }[] };
      expect(json.type).toBe(PROBLEM('unsupported-media-type'));
      expect(json.errors[0].path).toBe('/headers/content-encoding');
    });

    it('400 for a body that is not in its coding', async () => {
      const res = await send('gzip', body);
      expect(res.statusCode).toBe(400);
      const json = await res.body.json() as { type: string; errors: { path: string }[] };
      expect(json.type).toBe(PROBLEM('malformed-json'));
      expect(json.errors[0].path).toBe('/headers/content-encoding');
    });

    it('413 for a small body that expands past the limit (the limit counts decoded bytes)', async () => {
      const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024, 32));
      expect(bomb.length).toBeLessThan(100_000);
      const res = await send('gzip', bomb);
      expect(res.statusCode).toBe(413);
      expect(((await res.body.json()) as { type: string }).type).toBe(PROBLEM('payload-too-large'));
    });
  });

  it('413 for a body above the limit', async () => {
    const big = { ...chain, examples: Array.from({ length: 5000 }, () => ({ input: [0.123456789], target: [0.987654321] })) };
    const res = await post(base, '/v1/gradient', big);
    expect(res.status).toBe(413);
    expect(problemOf(res).type).toBe(PROBLEM('payload-too-large'));
  });

  it('404 for an unknown route', async () => {
    const res = await get(base, '/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(problemOf(res).type).toBe(PROBLEM('not-found'));
  });

  it('echoes X-Request-Id', async () => {
    const res = await get(base, '/healthz', { 'x-request-id': 'grader-42' });
    expect(res.headers['x-request-id']).toBe('grader-42');
  });
});

describe('e2e: GET /v1/info', () => {
  it('names versions, activations, costs and limits', async () => {
    const res = await get(base, '/v1/info');
    expect(res.status).toBe(200);
    expect(res.json.engine.node).toBe(process.versions.node);
    expect(res.json.activations).toEqual(['sigmoid', 'tanh', 'relu', 'leaky_relu', 'linear', 'softplus', 'softmax']);
    expect(res.json.costs).toEqual(['quadratic', 'half_quadratic', 'mse', 'binary_cross_entropy', 'cross_entropy']);
    expect(res.json.limits.maxBodyBytes).toBe(64 * 1024);
    expect(typeof res.json.algorithmVersion).toBe('string');
  });
});
