// The golden fixtures against the live service: every fixture listed at GET /v1/fixtures is
// posted as it stands and the answer compared with the independently derived response, number
// by number within the fixture's own tolerance, everything else exactly.
import type { FastifyInstance } from 'fastify';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, makeApp } from '../helpers/app.js';

const dir = new URL('../../fixtures/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

let app: FastifyInstance;
let base: string;
beforeAll(async () => { app = await makeApp(); base = await listen(app); });
afterAll(async () => { await app.close(); });

/** Every difference between actual and expected: structure exactly, numbers within tolerance. */
function differences(actual: unknown, expected: unknown, tol: { rtol: number; atol: number }, path = ''): string[] {
  if (typeof expected === 'number') {
    if (typeof actual !== 'number') return [`${path}: ${JSON.stringify(actual)} is not a number`];
    return Math.abs(actual - expected) <= tol.atol + tol.rtol * Math.abs(expected) ? [] : [`${path}: ${actual} ≠ ${expected}`];
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return [`${path}: shape differs`];
    return expected.flatMap((e, i) => differences(actual[i], e, tol, `${path}/${i}`));
  }
  if (expected && typeof expected === 'object') {
    if (!actual || typeof actual !== 'object' || Array.isArray(actual)) return [`${path}: not an object`];
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    return [...keys].flatMap((k) => differences((actual as never)[k], (expected as never)[k], tol, `${path}/${k}`));
  }
  return actual === expected ? [] : [`${path}: ${JSON.stringify(actual)} ≠ ${JSON.stringify(expected)}`];
}

describe('golden fixtures', () => {
  it('GET /v1/fixtures lists every file of fixtures/, each with its request', async () => {
    const res = await request(`${base}/v1/fixtures`);
    expect(res.statusCode).toBe(200);
    const body = (await res.body.json()) as { fixtures: { name: string; title: string; request: { method: string; path: string } }[] };
    expect(body.fixtures.map((f) => `${f.name}.json`)).toEqual(files);
    expect(files).toEqual(expect.arrayContaining([
      'lesson-chain.json', 'lesson-chain-half-quadratic.json', 'net-2-3-2.json',
      ...['sigmoid', 'tanh', 'relu', 'leaky-relu', 'linear', 'softplus', 'softmax'].map((a) => `activation-${a}.json`),
      ...['quadratic', 'half-quadratic', 'mse', 'binary-cross-entropy', 'cross-entropy'].map((c) => `cost-${c}.json`),
    ]));
  });

  it('GET /v1/fixtures/{name} serves the committed file; an unknown name is a 404 problem', async () => {
    const res = await request(`${base}/v1/fixtures/lesson-chain`);
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toEqual(JSON.parse(readFileSync(new URL('lesson-chain.json', dir), 'utf8')));
    for (const name of ['nope', '__proto__', 'toString', '..%2Fpackage']) {
      const missing = await request(`${base}/v1/fixtures/${name}`);
      expect(missing.statusCode).toBe(404);
      expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(((await missing.body.json()) as { type: string }).type).toMatch(/not-found$/);
    }
    const post = await request(`${base}/v1/fixtures/lesson-chain`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(post.statusCode).toBe(404);
    await post.body.dump();
  });

  for (const file of files) {
    it(`the live service answers ${file} as derived`, async () => {
      const name = file.replace(/\.json$/, '');
      const fixture = (await (await request(`${base}/v1/fixtures/${name}`)).body.json()) as {
        derivation: string; tolerance: { rtol: number; atol: number };
        request: { method: string; path: string; body: unknown }; response: { status: number; body: unknown };
      };
      expect(fixture.derivation).toMatch(/generate\.py/);
      expect(fixture.tolerance.rtol).toBeLessThanOrEqual(1e-12);
      const res = await request(`${base}${fixture.request.path}`, {
        method: fixture.request.method as 'POST',
        body: JSON.stringify(fixture.request.body),
        headers: { 'content-type': 'application/json' },
      });
      expect(res.statusCode).toBe(fixture.response.status);
      const actual = await res.body.json();
      expect(differences(actual, fixture.response.body, fixture.tolerance)).toEqual([]);
    });
  }

  it('the half-quadratic chain is exactly half the lesson\'s (Nielsen\'s ½‖a − y‖² vs (a − y)²)', () => {
    const read = (n: string) => JSON.parse(readFileSync(new URL(`${n}.json`, dir), 'utf8')).response.body;
    const lesson = read('lesson-chain');
    const half = read('lesson-chain-half-quadratic');
    expect(half.cost).toBe(lesson.cost / 2);
    half.vector.forEach((g: number, i: number) => expect(g).toBe(lesson.vector[i] / 2));
  });
});
