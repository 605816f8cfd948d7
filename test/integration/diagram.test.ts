// POST /v1/diagram: the picture's numbers are checked against an independent forward pass and
// central finite differences of the cost (not against the service's own backprop).
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { operations } from '../../src/operations/index.js';
import { makeApp, listen, testConfig } from '../helpers/app.js';
import { chain, net232 } from '../helpers/lesson.js';
import { findAll, num, parseSvg, rgb, type SvgElement } from '../helpers/svg.js';
import { oracleForward } from '../helpers/oracle.js';

type Net = { layers: { weights: number[][]; biases: number[] }[] };

/** a⁽⁰⁾…a⁽ᴸ⁾ of a sigmoid network, by the independent oracle. */
const activations = (net: Net, input: number[]): number[][] => oracleForward(net.layers, input).a;

/** Mean quadratic cost over the examples. */
function cost(net: Net, examples: { input: number[]; target: number[] }[]): number {
  return examples.reduce((sum, e) => {
    const a = activations(net, e.input).at(-1)!;
    return sum + a.reduce((s, v, j) => s + (v - e.target[j]) ** 2, 0);
  }, 0) / examples.length;
}

/** ∂C/∂W⁽ˡ⁾[j][k] by central differences. */
function numericWeightGradient(net: Net, examples: { input: number[]; target: number[] }[], l: number, j: number, k: number): number {
  const h = 1e-6;
  const at = (delta: number) => {
    const copy: Net = structuredClone(net);
    copy.layers[l - 1].weights[j][k] += delta;
    return cost(copy, examples);
  };
  return (at(h) - at(-h)) / (2 * h);
}

const COLORS = { positive: '#3b82f6', negative: '#ef4444' };

describe('POST /v1/diagram', () => {
  let app: FastifyInstance;
  beforeAll(async () => { app = await makeApp(); });
  afterAll(async () => { await app.close(); });

  const post = (payload: object) => app.inject({ method: 'POST', url: '/v1/diagram', payload });

  it('draws the 2-3-2 network: 7 neurons, 12 connections whose colour, width and opacity follow the numbers', async () => {
    const res = await post({ ...net232, example: 1 });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/svg+xml');
    const root = parseSvg(res.body);
    expect(findAll(root, 'circle', 'neuron')).toHaveLength(2 + 3 + 2);
    const lines = findAll(root, 'line', 'connection');
    expect(lines).toHaveLength(2 * 3 + 3 * 2);

    const grads = new Map<string, number>();
    net232.network.layers.forEach((layer, i) => layer.weights.forEach((row, j) => row.forEach((_, k) => {
      grads.set(`${i + 1},${j},${k}`, numericWeightGradient(net232.network, net232.examples, i + 1, j, k));
    })));
    const maxGrad = Math.max(...[...grads.values()].map(Math.abs));
    const maxWeight = Math.max(...net232.network.layers.flatMap((l) => l.weights.flat()).map(Math.abs));
    for (const line of lines) {
      const [l, j, k] = line.attrs['data-w'].split(',').map(Number);
      const w = net232.network.layers[l - 1].weights[j][k];
      expect(line.attrs.stroke).toBe(w > 0 ? COLORS.positive : COLORS.negative);
      expect(num(line, 'stroke-width')).toBeCloseTo(0.5 + 5.5 * Math.abs(grads.get(`${l},${j},${k}`)!) / maxGrad, 1);
      expect(num(line, 'stroke-opacity')).toBeCloseTo(0.25 + 0.75 * Math.abs(w) / maxWeight, 2);
    }
    // The widest connection is the one with the largest |∂C/∂w|.
    const widest = lines.reduce((a, b) => (num(b, 'stroke-width') > num(a, 'stroke-width') ? b : a));
    const largest = [...grads.entries()].reduce((a, b) => (Math.abs(b[1]) > Math.abs(a[1]) ? b : a));
    expect(widest.attrs['data-w']).toBe(largest[0]);
  });

  it('lights each neuron by the chosen example\'s activation (grey level 255·a), inputs on their own range', async () => {
    const root = parseSvg((await post({ ...net232, example: 1 })).body);
    const a = activations(net232.network, net232.examples[1].input);
    const byId = new Map(findAll(root, 'circle', 'neuron').map((c) => [c.attrs['data-neuron'], c] as const));
    for (let l = 1; l < a.length; l++) {
      a[l].forEach((value, j) => {
        const [r, g, b] = rgb(byId.get(`${l},${j}`)!.attrs.fill);
        expect(Math.abs(r - 255 * value)).toBeLessThanOrEqual(0.5 + 1e-9);
        expect(g).toBe(r);
        expect(b).toBe(r);
      });
    }
    // Input [2.0, 0.25] is outside [0, 1]: the larger is brightest, the smaller darkest.
    expect(byId.get('0,0')!.attrs.fill).toBe('#ffffff');
    expect(byId.get('0,1')!.attrs.fill).toBe('#000000');
    const labels = findAll(root, 'text', 'activation').map((t) => t.text);
    expect(labels).toEqual(a.flat().map((v) => v.toFixed(2)));
  });

  it('shows every bias with its sign colour and labels layer sizes', async () => {
    const root = parseSvg((await post(net232)).body);
    const biases = findAll(root, 'text', 'bias');
    expect(biases).toHaveLength(3 + 2);
    for (const t of biases) {
      const [l, j] = t.attrs['data-bias'].split(',').map(Number);
      const b = net232.network.layers[l - 1].biases[j];
      expect(t.text).toBe(`b ${b}`);
      expect(t.attrs.fill).toBe(b > 0 ? COLORS.positive : COLORS.negative);
    }
    expect(findAll(root, 'text', 'size-label').map((t) => t.text)).toEqual(['n = 2', 'n = 3', 'n = 2']);
    expect(findAll(root, 'text', 'layer-label').map((t) => t.text)).toEqual(['input', 'layer 1', 'output']);
  });

  it('draws the lesson chain with the cost in the caption', async () => {
    const res = await post(chain);
    const root = parseSvg(res.body);
    expect(findAll(root, 'circle', 'neuron')).toHaveLength(4);
    expect(findAll(root, 'line', 'connection')).toHaveLength(3);
    const c0 = cost(chain.network, chain.examples as never);
    expect(findAll(root, 'text', 'caption')[0].text).toContain(`C₀ = ${Number(c0.toPrecision(4))}`);
  });

  it('elides wide layers: first k and last k neurons and a marker with the count', async () => {
    const wide = (rows: number, cols: number, seed: number) =>
      Array.from({ length: rows }, (_, j) => Array.from({ length: cols }, (_, k) => Math.sin(seed + j * 7 + k) / 2));
    const network = { layers: [
      { weights: wide(30, 20, 1), biases: Array(30).fill(0.1) },
      { weights: wide(5, 30, 2), biases: Array(5).fill(-0.1) },
    ] };
    const examples = [{ input: Array.from({ length: 20 }, (_, i) => i / 20), target: [0, 1, 0, 1, 0] }];
    const root = parseSvg((await post({ network, examples, maxNeuronsPerLayer: 6 })).body);
    const circles = findAll(root, 'circle', 'neuron').map((c) => c.attrs['data-neuron']);
    expect(circles).toHaveLength(6 + 6 + 5);
    expect(circles.filter((id) => id.startsWith('0,'))).toEqual(['0,0', '0,1', '0,2', '0,17', '0,18', '0,19']);
    expect(circles.filter((id) => id.startsWith('1,'))).toEqual(['1,0', '1,1', '1,2', '1,27', '1,28', '1,29']);
    expect(findAll(root, 'line', 'connection')).toHaveLength(6 * 6 + 6 * 5);
    const markers = findAll(root, 'g', 'elided');
    expect(markers.map((m) => m.attrs['data-hidden'])).toEqual(['14', '24']);
    expect(markers.map((m: SvgElement) => m.children.map((t) => t.text).join(' '))).toEqual(['⋮ 14 more', '⋮ 24 more']);
    // Default: 12 per layer.
    const byDefault = parseSvg((await post({ network, examples })).body);
    expect(findAll(byDefault, 'circle', 'neuron')).toHaveLength(12 + 12 + 5);
  });

  it('is byte-identical for the same request', async () => {
    const [a, b] = await Promise.all([post(net232), post(structuredClone(net232))]);
    expect(a.body).toBe(b.body);
    expect(a.rawPayload.equals(b.rawPayload)).toBe(true);
  });

  it.each([
    [{ ...net232, example: 2 }, 422, 'shape-mismatch', '/example'],
    [{ ...net232, example: -1 }, 400, 'invalid-request', '/example'],
    [{ ...net232, example: 0.5 }, 400, 'invalid-request', '/example'],
    [{ ...net232, maxNeuronsPerLayer: 1 }, 400, 'invalid-request', '/maxNeuronsPerLayer'],
    [{ ...net232, maxNeuronsPerLayer: '6' }, 400, 'invalid-request', '/maxNeuronsPerLayer'],
    [{ ...net232, colour: 'red' }, 400, 'invalid-request', '/colour'],
    [{ ...net232, examples: [{ input: [1, 2, 3], target: [1, 0] }] }, 422, 'shape-mismatch', '/examples/0/input'],
    [{ network: net232.network, examples: [{ input: [1, 2] }] }, 400, 'invalid-request', '/examples/0/target'],
  ])('refuses bad input with a problem (%#)', async (payload, status, type, path) => {
    const res = await post(payload);
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = res.json();
    expect(problem.type).toBe(`https://gradient-service.dev/problems/${type}`);
    expect(problem.errors.map((e: { path: string }) => e.path)).toContain(path);
  });

  it('reports a non-finite result as 422, never as a picture with NaN in it', async () => {
    const res = await post({
      network: { layers: [{ weights: [[1e308]], biases: [0], activation: 'linear' }] },
      examples: [{ input: [1e308], target: [0] }],
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().type).toBe('https://gradient-service.dev/problems/non-finite-result');
  });

  it('is in the operation table: the JSON-RPC result is the same SVG document', async () => {
    const op = operations.get('diagram')!;
    const svg = await op.run({ ...net232 } as never, { config: testConfig(), meta: {} } as never);
    expect(svg).toBe((await post(net232)).body);
  });

  it('is documented in /openapi.json as an image/svg+xml response', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(Object.keys(doc.paths['/v1/diagram'].post.responses['200'].content)).toEqual(['image/svg+xml']);
  });

  it('answers over a real connection (undici)', async () => {
    const served = await makeApp();
    try {
      const base = await listen(served);
      const res = await request(`${base}/v1/diagram`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(chain),
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('image/svg+xml');
      parseSvg(await res.body.text());
    } finally {
      await served.close();
    }
  });
});
