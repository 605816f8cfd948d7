// GET /v1/sessions/{id}/cost.svg and /diagram.svg: the pictures follow the session's own numbers
// (its view's costHistory and network; activations by a forward pass written in the test).
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp } from '../helpers/app.js';
import { xor } from '../helpers/sessions.js';
import { findAll, num, parseSvg } from '../helpers/svg.js';
import { oracleForward } from '../helpers/oracle.js';

const PROBLEM = 'https://gradient-service.dev/problems/';
const PLOT = { left: 76, right: 612, top: 44, bottom: 304 };

type Net = { layers: { weights: number[][]; biases: number[] }[] };
/** a⁽⁰⁾…a⁽ᴸ⁾ of a sigmoid network, by the independent oracle. */
const activations = (net: Net, input: number[]): number[][] => oracleForward(net.layers, input).a;

describe('session pictures', () => {
  let app: FastifyInstance;
  let id: string;
  beforeAll(async () => {
    app = await makeApp();
    const res = await app.inject({ method: 'POST', url: '/v1/sessions', payload: { ...xor, optimizer: { type: 'sgd', learningRate: 2 } } });
    id = res.json().id;
  });
  afterAll(async () => { await app.close(); });

  const get = (url: string) => app.inject({ method: 'GET', url });
  const step = (steps: number) => app.inject({ method: 'POST', url: `/v1/sessions/${id}/steps`, payload: { steps, includeNetwork: false } });

  it('before any step: axes and "no steps yet"', async () => {
    const res = await get(`/v1/sessions/${id}/cost.svg`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/svg+xml');
    const root = parseSvg(res.body);
    expect(findAll(root, 'polyline')).toHaveLength(0);
    expect(findAll(root, 'text', 'note')[0].text).toBe('no steps yet');
  });

  it('cost.svg draws costHistory: one point per step, at the step that reported it, the last annotated', async () => {
    expect((await step(40)).statusCode).toBe(200);
    const view = (await get(`/v1/sessions/${id}`)).json();
    const root = parseSvg((await get(`/v1/sessions/${id}/cost.svg`)).body);
    const points = findAll(root, 'polyline', 'cost-line')[0].attrs.points.split(' ').map((p) => p.split(',').map(Number));
    expect(points).toHaveLength(40);
    const xTicks = findAll(root, 'text', 'tick-label-x').map((t) => Number(t.text));
    const yTicks = findAll(root, 'text', 'tick-label-y').map((t) => Number(t.text));
    const [x0, x1] = [xTicks[0], xTicks[xTicks.length - 1]];
    const [y0, y1] = [yTicks[0], yTicks[yTicks.length - 1]];
    view.costHistory.forEach((c: number, i: number) => {
      expect(points[i][0]).toBeCloseTo(PLOT.left + ((i + 1 - x0) / (x1 - x0)) * (PLOT.right - PLOT.left), 1);
      expect(points[i][1]).toBeCloseTo(PLOT.bottom - ((c - y0) / (y1 - y0)) * (PLOT.bottom - PLOT.top), 1);
    });
    expect(findAll(root, 'text', 'last-label')[0].text).toBe(`step 40: C = ${Number(view.lastCost.toPrecision(6))}`);
  });

  it('cost.svg?scale=log puts the costs on a log₁₀ axis; the same state gives the same bytes', async () => {
    const view = (await get(`/v1/sessions/${id}`)).json();
    const a = await get(`/v1/sessions/${id}/cost.svg?scale=log`);
    const b = await get(`/v1/sessions/${id}/cost.svg?scale=log`);
    expect(a.body).toBe(b.body);
    const root = parseSvg(a.body);
    const ticks = findAll(root, 'line', 'tick-y').map((l) => num(l, 'y1'));
    const labels = findAll(root, 'text', 'tick-label-y').map((t) => Math.log10(Number(t.text)));
    const [lo, hi] = [labels[0], labels[labels.length - 1]];
    expect(Number.isInteger(Math.round(lo * 1e9) / 1e9)).toBe(true); // the axis ends at decades
    labels.forEach((d, i) => expect(ticks[i]).toBeCloseTo(PLOT.bottom - ((d - lo) / (hi - lo)) * (PLOT.bottom - PLOT.top), 1));
    const points = findAll(root, 'polyline', 'cost-line')[0].attrs.points.split(' ').map((p) => p.split(',').map(Number));
    view.costHistory.forEach((c: number, i: number) => {
      expect(points[i][1]).toBeCloseTo(PLOT.bottom - ((Math.log10(c) - lo) / (hi - lo)) * (PLOT.bottom - PLOT.top), 1);
    });
  });

  it('keeps to the last 1000 costs, labelled with their steps', async () => {
    expect((await step(1000)).statusCode).toBe(200);
    const root = parseSvg((await get(`/v1/sessions/${id}/cost.svg`)).body);
    expect(findAll(root, 'polyline', 'cost-line')[0].attrs.points.split(' ')).toHaveLength(1000);
    expect(findAll(root, 'text', 'last-label')[0].text).toMatch(/^step 1040: C = /);
    const xTicks = findAll(root, 'text', 'tick-label-x').map((t) => Number(t.text));
    expect(xTicks[0]).toBeLessThanOrEqual(41);
    expect(xTicks[xTicks.length - 1]).toBeGreaterThanOrEqual(1040);
  });

  it('diagram.svg draws the current network, lit by the kept example ?example=i', async () => {
    const view = (await get(`/v1/sessions/${id}`)).json();
    const res = await get(`/v1/sessions/${id}/diagram.svg?example=2`);
    expect(res.statusCode).toBe(200);
    const root = parseSvg(res.body);
    expect(findAll(root, 'circle', 'neuron')).toHaveLength(2 + 3 + 1);
    expect(findAll(root, 'line', 'connection')).toHaveLength(2 * 3 + 3 * 1);
    expect(findAll(root, 'text', 'title')[0].text).toBe(`Network 2-3-1 · session ${id} at step 1040`);
    for (const t of findAll(root, 'text', 'bias')) {
      const [l, j] = t.attrs['data-bias'].split(',').map(Number);
      expect(t.text).toBe(`b ${Number(view.network.layers[l - 1].biases[j].toPrecision(3))}`);
    }
    const a = activations(view.network, xor.examples[2].input);
    expect(findAll(root, 'text', 'activation').map((t) => t.text)).toEqual(a.flat().map((v) => v.toFixed(2)));
    // Same as POST /v1/diagram of the same network and examples, but for the title.
    const posted = await app.inject({ method: 'POST', url: '/v1/diagram', payload: { network: view.network, examples: xor.examples, example: 2 } });
    const strip = (svg: string) => svg.replace(/<title>.*<\/title>/, '').replace(/class="title"[^>]*>[^<]*</, '');
    expect(strip(res.body)).toBe(strip(posted.body));
  });

  it.each([
    ['cost.svg?scale=cubic', 400, 'invalid-request', '/querystring/scale'],
    ['cost.svg?colour=red', 400, 'invalid-request', '/querystring/colour'],
    ['diagram.svg?example=4', 422, 'shape-mismatch', '/querystring/example'],
    ['diagram.svg?example=-1', 400, 'invalid-request', '/querystring/example'],
    ['diagram.svg?example=01', 400, 'invalid-request', '/querystring/example'],
    ['diagram.svg?maxNeuronsPerLayer=65', 400, 'invalid-request', '/querystring/maxNeuronsPerLayer'],
  ])('refuses %s', async (path, status, type, pointer) => {
    const res = await get(`/v1/sessions/${id}/${path}`);
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json().type).toBe(PROBLEM + type);
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(pointer);
  });

  it('an unknown session is a 404 for both pictures', async () => {
    for (const picture of ['cost.svg', 'diagram.svg']) {
      const res = await get(`/v1/sessions/not-a-session/${picture}`);
      expect(res.statusCode).toBe(404);
      expect(res.json().type).toBe(`${PROBLEM}session-not-found`);
    }
  });

  it('a session without kept examples is drawn unlit', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/sessions', payload: { architecture: { sizes: [3, 4, 2], seed: 1 } } });
    const root = parseSvg((await get(`/v1/sessions/${res.json().id}/diagram.svg`)).body);
    expect(findAll(root, 'circle', 'neuron')).toHaveLength(9);
    expect(findAll(root, 'text', 'activation')).toHaveLength(0);
    expect(findAll(root, 'text', 'caption')[0].text).toMatch(/no examples/);
  });
});

describe('session pictures and streams belong to the key that created the session', () => {
  const KEY_A = 'key-a-0123456789abcdef';
  const KEY_B = 'key-b-0123456789abcdef';
  let app: FastifyInstance;
  beforeAll(async () => {
    const { testConfig } = await import('../helpers/app.js');
    app = await makeApp({ config: testConfig({ API_KEYS: `${KEY_A},${KEY_B}` }) });
  });
  afterAll(async () => { await app.close(); });

  it('401 without a key, 404 for another key, 200 for the owner', async () => {
    const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
    const created = await app.inject({ method: 'POST', url: '/v1/sessions', headers: bearer(KEY_A), payload: xor });
    expect(created.statusCode).toBe(201);
    const { id } = created.json();
    for (const url of [`/v1/sessions/${id}/cost.svg`, `/v1/sessions/${id}/diagram.svg`]) {
      expect((await app.inject({ method: 'GET', url })).statusCode).toBe(401);
      const other = await app.inject({ method: 'GET', url, headers: bearer(KEY_B) });
      expect(other.statusCode).toBe(404);
      expect(other.json().type).toBe(`${PROBLEM}session-not-found`);
      expect((await app.inject({ method: 'GET', url, headers: bearer(KEY_A) })).statusCode).toBe(200);
    }
    const stream = (key?: string) => app.inject({
      method: 'POST', url: `/v1/sessions/${id}/steps`, payload: { steps: 2 },
      headers: { accept: 'application/x-ndjson', ...(key ? bearer(key) : {}) },
    });
    expect((await stream()).statusCode).toBe(401);
    expect((await stream(KEY_B)).statusCode).toBe(404);
    const own = await stream(KEY_A);
    expect(own.statusCode).toBe(200);
    expect(own.body.trim().split('\n').map((l) => JSON.parse(l).event)).toEqual(['progress', 'result']);
  });
});
