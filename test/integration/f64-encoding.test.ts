// The f64 encoding: { f64: base64 of little-endian float64, shape } in and out, bit-exact, with
// errors that point at the offending field like any other.
import { afterAll, describe, expect, it } from 'vitest';
import { createComputePool } from '../../src/compute/pool.js';
import { makeApp } from '../helpers/app.js';
import { net232 } from '../helpers/lesson.js';

/** Written here with DataView, independently of the service's encoder. */
function encode(values: number[], shape: number[]) {
  const view = new DataView(new ArrayBuffer(values.length * 8));
  values.forEach((v, i) => view.setFloat64(i * 8, v, true));
  return { f64: Buffer.from(view.buffer).toString('base64'), shape };
}

function decode(x: { f64: string; shape: number[] }): number[] {
  const bytes = Buffer.from(x.f64, 'base64');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: bytes.length / 8 }, (_, i) => view.getFloat64(i * 8, true));
}

const bits = (v: number) => Buffer.from(Float64Array.of(v).buffer).toString('hex');

function encoded232() {
  const { network, examples } = structuredClone(net232);
  return {
    network: { layers: network.layers.map((l) => ({ weights: encode(l.weights.flat(), [l.weights.length, l.weights[0].length]), biases: encode(l.biases, [l.biases.length]) })) },
    examples: examples.map((e) => ({ input: encode(e.input, [e.input.length]), target: encode(e.target, [e.target.length]) })),
  };
}

const pool = createComputePool({ threads: 1 });
afterAll(() => pool.close());

describe('f64 encoding', () => {
  // The parser lets the decoder skip bodies whose text has no "f64": a key spelled with \u
  // escapes has none of those characters, and must still be decoded.
  it('decodes an f64 object whose keys are written with \\u escapes', async () => {
    const app = await makeApp();
    const plain = await app.inject({ method: 'POST', url: '/v1/gradient', payload: net232 });
    const text = JSON.stringify(encoded232()).replaceAll('"f64"', '"\\u0066\\u0036\\u0034"');
    expect(text).not.toContain('f64');
    const escaped = await app.inject({ method: 'POST', url: '/v1/gradient', headers: { 'content-type': 'application/json' }, payload: text });
    expect(escaped.statusCode).toBe(200);
    expect(escaped.body).toBe(plain.body);
    await app.close();
  });

  it('f64 inputs give the same response bytes as JSON numbers', async () => {
    const app = await makeApp();
    const plain = await app.inject({ method: 'POST', url: '/v1/gradient', payload: net232 });
    const packed = await app.inject({ method: 'POST', url: '/v1/gradient', payload: encoded232() });
    expect(plain.statusCode).toBe(200);
    expect(packed.body).toBe(plain.body);
    await app.close();
  });

  it('returns every number array as f64 when asked, holding exactly the JSON response numbers', async () => {
    for (const app of [await makeApp(), await makeApp({ env: { COMPUTE_INLINE_MAX_WORK: '0' }, services: { compute: pool } })]) {
      const plain = (await app.inject({ method: 'POST', url: '/v1/gradient', payload: net232 })).json();
      const res = await app.inject({ method: 'POST', url: '/v1/gradient', payload: { ...net232, encoding: 'f64' } });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.cost).toBe(plain.cost);
      expect(body.vector.shape).toEqual([plain.vector.length]);
      expect(decode(body.vector).map(bits)).toEqual(plain.vector.map(bits));
      body.gradient.layers.forEach((g: { weights: { f64: string; shape: number[] } }, i: number) => {
        const w = plain.gradient.layers[i].weights as number[][];
        expect(g.weights.shape).toEqual([w.length, w[0].length]);
        expect(decode(g.weights).map(bits)).toEqual(w.flat().map(bits));
      });
      expect(decode(body.examples[1].layers[0].dCdz)).toEqual(plain.examples[1].layers[0].dCdz);
      expect(decode(body.examples[0].dCdInput)).toEqual(plain.examples[0].dCdInput);
      await app.close();
    }
  });

  it('round-trips awkward values bit for bit (forward through an identity layer)', async () => {
    const app = await makeApp();
    const values = [0.1, 1 / 3, 5e-324, -2.5e-310, 1.7976931348623157e308, -123456.789e-10];
    const payload = {
      network: { layers: [{ weights: encode([1], [1, 1]), biases: [0], activation: 'linear' }] },
      examples: values.map((v) => ({ input: encode([v], [1]) })),
      encoding: 'f64',
    };
    const res = await app.inject({ method: 'POST', url: '/v1/forward', payload });
    expect(res.statusCode).toBe(200);
    const outputs = res.json().outputs.map((o: { f64: string; shape: number[] }) => decode(o)[0]);
    expect(outputs.map(bits)).toEqual(values.map(bits));
    await app.close();
  });

  it.each([
    ['bad base64', { f64: 'not base64!', shape: [2] }, '/examples/0/input/f64'],
    ['unpadded base64', { f64: 'AAAAAAAAAAA', shape: [1] }, '/examples/0/input/f64'],
    ['too few bytes for the shape', encode([1], [2]), '/examples/0/input/f64'],
    ['a zero in the shape', encode([1], [0]), '/examples/0/input/shape'],
    ['a NaN', encode([1, NaN], [2]), '/examples/0/input/f64'],
    ['an infinity', encode([Infinity, 1], [2]), '/examples/0/input/f64'],
  ])('refuses %s with a 400 pointing at it', async (_, input, path) => {
    const app = await makeApp();
    const payload = structuredClone(net232) as Record<string, unknown> & typeof net232;
    (payload.examples[0] as Record<string, unknown>).input = input;
    const res = await app.inject({ method: 'POST', url: '/v1/gradient', payload });
    expect(res.statusCode).toBe(400);
    expect(res.json().type).toMatch(/invalid-request$/);
    expect(res.json().errors).toEqual([{ path, message: expect.any(String) }]);
    await app.close();
  });

  it('reports a decoded shape that disagrees with the network as the usual 422 with its pointer', async () => {
    const app = await makeApp();
    const payload = encoded232();
    payload.network.layers[1].weights = encode([1, 2, 3, 4], [2, 2]);
    const res = await app.inject({ method: 'POST', url: '/v1/gradient', payload });
    expect(res.statusCode).toBe(422);
    expect(res.json().type).toMatch(/shape-mismatch$/);
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain('/network/layers/1/weights');
    await app.close();
  });

  it('refuses an unknown encoding, and keeps plain array errors free of f64 noise', async () => {
    const app = await makeApp();
    let res = await app.inject({ method: 'POST', url: '/v1/gradient', payload: { ...net232, encoding: 'f32' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { path: string }) => e.path)).toEqual(['/encoding']);
    const payload = structuredClone(net232) as { network: { layers: Array<{ biases: unknown }> } };
    payload.network.layers[0].biases = [0.1, 'x', 0.3];
    res = await app.inject({ method: 'POST', url: '/v1/gradient', payload });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ path: '/network/layers/0/biases/1', message: 'must be a finite number' }]);
    await app.close();
  });
});
