// POST /v1/gradient/compare: grading against an independent oracle, allclose at its edges,
// shapes as mismatches, the hidden-answer mode, and the graders' documents against schemas
// written from Gradescope's and PrairieLearn's published specifications.
import AjvModule from 'ajv';
import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp } from '../helpers/app.js';
import { net232 } from '../helpers/lesson.js';
import { type RefResult, refGradient } from '../helpers/reference.js';

const Ajv = AjvModule.default ?? AjvModule;
const schema = (name: string) => JSON.parse(readFileSync(new URL(`./schemas/${name}`, import.meta.url), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
const validateGradescope = ajv.compile(schema('gradescope-results.schema.json'));
const validatePrairieLearn = ajv.compile(schema('prairielearn-results.schema.json'));

const ref = refGradient(net232.network, net232.examples);
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));

/** A student who got everything right (numbers from the oracle, not from the service). */
function correctSubmission(r: RefResult = ref) {
  return clone({
    cost: r.cost,
    gradient: { layers: r.gradient.layers },
    examples: r.examples.map((e) => ({ cost: e.cost, layers: e.layers.map((l) => ({ z: l.z, a: l.a, dCda: l.dCda, dCdz: l.dCdz })) })),
  });
}
// 1 cost + 17 gradient components + 2 examples × (1 cost + 4 kinds × (3 + 2) neurons)
const ALL_COMPONENTS = 1 + 17 + 2 * (1 + 4 * 5);

function nextUp(x: number): number {
  const f = new Float64Array([x]);
  const i = new BigInt64Array(f.buffer);
  i[0] += x >= 0 ? 1n : -1n;
  return f[0];
}
function nextDown(x: number): number {
  const f = new Float64Array([x]);
  const i = new BigInt64Array(f.buffer);
  i[0] += x > 0 ? -1n : 1n;
  return f[0];
}

let app: FastifyInstance;
beforeAll(async () => { app = await makeApp(); });
afterAll(async () => { await app.close(); });

async function compare(body: object, status = 200) {
  const res = await app.inject({ method: 'POST', url: '/v1/gradient/compare', payload: body });
  expect(res.statusCode, res.body).toBe(status);
  return res;
}
const grade = async (submitted: unknown, extra: object = {}) => (await compare({ ...net232, submitted, ...extra })).json();

describe('POST /v1/gradient/compare — grading', () => {
  it('passes a correct submission, nested per layer, counting every number it checked', async () => {
    const body = await grade(correctSubmission());
    expect(body).toMatchObject({ passed: true, checked: ALL_COMPONENTS, failed: 0, mismatches: [] });
    expect(body.cost.passed).toBe(true);
    expect(Math.abs(body.cost.expected - ref.cost)).toBeLessThanOrEqual(1e-15);
    expect(body.cost.submitted).toBe(ref.cost);
  });

  it('passes a correct flat gradient vector (the documented order)', async () => {
    const body = await grade({ gradient: ref.vector });
    expect(body).toEqual({ passed: true, checked: 17, failed: 0, mismatches: [] });
  });

  it('fails one wrong component with exactly its pointer, value and errors', async () => {
    for (const [path, mutate, e] of [
      ['/gradient/layers/1/weights/0/2', (s: any) => { s.gradient.layers[1].weights[0][2] += 0.01; }, ref.gradient.layers[1].weights[0][2]],
      ['/examples/1/layers/0/dCdz/2', (s: any) => { s.examples[1].layers[0].dCdz[2] *= 1.001; }, ref.examples[1].layers[0].dCdz[2]],
      ['/examples/0/cost', (s: any) => { s.examples[0].cost = 0.5; }, ref.examples[0].cost],
    ] as const) {
      const submitted = correctSubmission();
      mutate(submitted);
      const s = path.split('/').slice(1).reduce((o: any, k) => o[k], submitted) as number;
      const body = await grade(submitted);
      expect(body.passed).toBe(false);
      expect(body.failed).toBe(1);
      expect(body.checked).toBe(ALL_COMPONENTS);
      expect(body.mismatches).toHaveLength(1);
      const m = body.mismatches[0];
      expect(m.path).toBe(path);
      expect(m.kind).toBe('value');
      expect(m.submitted).toBe(s);
      expect(Math.abs(m.expected - e)).toBeLessThanOrEqual(1e-14 * Math.abs(e));
      expect(Math.abs(m.absError - Math.abs(s - e))).toBeLessThanOrEqual(1e-12 * Math.abs(s - e));
      expect(Math.abs(m.relError - Math.abs(s - e) / Math.abs(e))).toBeLessThanOrEqual(1e-9 * m.relError);
    }
    const vector = ref.vector.slice();
    vector[7] = -vector[7];
    const body = await grade({ gradient: vector });
    expect(body.mismatches.map((m: { path: string }) => m.path)).toEqual(['/gradient/7']);
  });

  describe('the allclose rule |s − e| ≤ atol + rtol·|e| at its edges (exactly representable numbers)', () => {
    // z = 0.5·1 + 0.25 = 0.75 = a (linear), C = 0.75² = 0.5625, ∂C/∂a = ∂C/∂z = ∂C/∂w = ∂C/∂b = 1.5.
    const linear = { network: { layers: [{ weights: [[0.5]], biases: [0.25], activation: 'linear' }] }, examples: [{ input: [1], target: [0] }] };
    const cases: [string, { rtol: number; atol: number }, number][] = [
      // Every s stays within [e/2, 2e], so s − e is exact (Sterbenz) and only the rule decides.
      ['atol + rtol·|e|', { rtol: 0.125, atol: 0.0625 }, 0.25], // 0.0625 + 0.125·1.5 = 0.25
      ['rtol alone', { rtol: 0.125, atol: 0 }, 0.1875],
      ['atol alone', { rtol: 0, atol: 2 ** -10 }, 2 ** -10],
    ];
    for (const [name, tolerance, bound] of cases) {
      it(`${name}: on the bound passes, one ulp beyond fails`, async () => {
        const e = 1.5;
        const inside = [e + bound, e - bound];
        const outside = [nextUp(e + bound), nextDown(e - bound)];
        const pass = (await compare({ ...linear, tolerance, submitted: { gradient: inside } })).json();
        expect(pass).toMatchObject({ passed: true, checked: 2, failed: 0 });
        const fail = (await compare({ ...linear, tolerance, submitted: { gradient: outside } })).json();
        expect(fail).toMatchObject({ passed: false, checked: 2, failed: 2 });
        expect(fail.mismatches.map((m: { path: string }) => m.path)).toEqual(['/gradient/0', '/gradient/1']);
        expect(fail.mismatches[0].expected).toBe(1.5);
      });
    }
    it('the cost too: 0.5625 ± (0.25 + 0.5·0.5625)', async () => {
      const tolerance = { rtol: 0.5, atol: 0.25 };
      const ok = (await compare({ ...linear, tolerance, submitted: { cost: 0.5625 + 0.53125 } })).json();
      expect(ok.cost).toEqual({ expected: 0.5625, submitted: 1.09375, passed: true });
      const no = (await compare({ ...linear, tolerance, submitted: { cost: nextUp(1.09375) } })).json();
      expect(no.cost.passed).toBe(false);
      expect(no.mismatches[0]).toMatchObject({ path: '/cost', expected: 0.5625, absError: nextUp(1.09375) - 0.5625 });
    });
    it('uses numpy\'s defaults rtol 1e-5, atol 1e-8', async () => {
      const ok = (await compare({ ...linear, submitted: { gradient: [1.5 * (1 + 0.9e-5), 1.5] } })).json();
      expect(ok.passed).toBe(true);
      const no = (await compare({ ...linear, submitted: { gradient: [1.5 * (1 + 1.1e-5), 1.5] } })).json();
      expect(no.failed).toBe(1);
      const nearZero = { network: { layers: [{ weights: [[0]], biases: [0], activation: 'linear' }] }, examples: [{ input: [1], target: [0] }] };
      expect((await compare({ ...nearZero, submitted: { gradient: [0.9e-8, -0.9e-8] } })).json().passed).toBe(true);
      expect((await compare({ ...nearZero, submitted: { gradient: [1.1e-8, 0] } })).json().mismatches[0].relError).toBeCloseTo(1.1e-8 / 1e-12, 6);
    });
  });

  describe('wrong shapes are mismatches at their path, never a 4xx', () => {
    const cases: [string, (s: any) => void, { path: string; kind: string }[], number][] = [
      ['a ragged weight row', (s) => { s.gradient.layers[0].weights[1] = [1, 2, 3]; }, [{ path: '/gradient/layers/0/weights/1', kind: 'shape' }], ALL_COMPONENTS - 2],
      ['a short bias vector', (s) => { s.gradient.layers[1].biases = [0.1]; }, [{ path: '/gradient/layers/1/biases', kind: 'shape' }], ALL_COMPONENTS - 2],
      ['a long z', (s) => { s.examples[0].layers[1].z.push(0); }, [{ path: '/examples/0/layers/1/z', kind: 'shape' }], ALL_COMPONENTS - 2],
      ['a string inside', (s) => { s.gradient.layers[0].biases[2] = '0.5'; }, [{ path: '/gradient/layers/0/biases/2', kind: 'not-a-number' }], ALL_COMPONENTS],
      ['null inside', (s) => { s.examples[1].layers[0].a[0] = null; }, [{ path: '/examples/1/layers/0/a/0', kind: 'not-a-number' }], ALL_COMPONENTS],
      ['an array where a number belongs', (s) => { s.cost = [s.cost]; }, [{ path: '/cost', kind: 'not-a-number' }], ALL_COMPONENTS],
      ['a number where a row belongs', (s) => { s.gradient.layers[1].weights[0] = 0.5; }, [{ path: '/gradient/layers/1/weights/0', kind: 'shape' }], ALL_COMPONENTS - 3],
      ['a layer missing', (s) => { s.gradient.layers.pop(); }, [{ path: '/gradient/layers', kind: 'shape' }], ALL_COMPONENTS - 17],
      ['a missing quantity', (s) => { delete s.examples[1].layers[1].dCda; }, [{ path: '/examples/1/layers/1/dCda', kind: 'missing' }], ALL_COMPONENTS - 2],
      ['an example too many', (s) => { s.examples.push(s.examples[0]); }, [{ path: '/examples', kind: 'shape' }], 1 + 17],
      ['a misspelt key inside', (s) => { s.examples[0].layers[0].Z = s.examples[0].layers[0].z; }, [{ path: '/examples/0/layers/0/Z', kind: 'unknown-field' }], ALL_COMPONENTS],
      ['gradient as a string', (s) => { s.gradient = 'oops'; }, [{ path: '/gradient', kind: 'shape' }], ALL_COMPONENTS - 17],
      ['examples as an object', (s) => { s.examples = { 0: s.examples[0] }; }, [{ path: '/examples', kind: 'shape' }], 1 + 17],
    ];
    for (const [name, mutate, expected, checked] of cases) {
      it(name, async () => {
        const submitted = correctSubmission();
        mutate(submitted);
        const body = await grade(submitted);
        expect(body.passed).toBe(false);
        expect(body.mismatches.map((m: any) => ({ path: m.path, kind: m.kind }))).toEqual(expected);
        expect(body.failed).toBe(expected.length);
        expect(body.checked).toBe(checked);
        for (const m of body.mismatches) if (m.kind !== 'value') expect(typeof m.message).toBe('string');
      });
    }
    it('a flat vector of the wrong length', async () => {
      const body = await grade({ gradient: [...ref.vector, 0] });
      expect(body.mismatches).toEqual([{ path: '/gradient', kind: 'shape', message: expect.any(String) }]);
      expect(body.checked).toBe(0);
    });
    it('a non-finite number in the JSON (1e400) is not a number', async () => {
      const payload = JSON.stringify({ ...net232, submitted: { cost: 0 } }).replace('"cost":0', '"cost":1e400');
      const res = await app.inject({ method: 'POST', url: '/v1/gradient/compare', payload, headers: { 'content-type': 'application/json' } });
      expect(res.statusCode).toBe(200);
      expect(res.json().mismatches).toEqual([{ path: '/cost', kind: 'not-a-number', message: 'is Infinity, not a finite number' }]);
      expect(res.body).not.toContain('null');
    });
  });

  it('lists at most maxMismatches and counts them all', async () => {
    const submitted = { gradient: ref.vector.map((g) => 2 * g + 1) };
    const three = await grade(submitted, { maxMismatches: 3 });
    expect(three.failed).toBe(17);
    expect(three.mismatches.map((m: { path: string }) => m.path)).toEqual(['/gradient/0', '/gradient/1', '/gradient/2']);
    expect((await grade(submitted, { maxMismatches: 0 })).mismatches).toEqual([]);
    expect((await grade(submitted)).mismatches).toHaveLength(17);
  });

  it('does not pass an empty submission', async () => {
    expect(await grade({})).toEqual({ passed: false, checked: 0, failed: 0, mismatches: [] });
  });

  it('answers the same request with the same bytes', async () => {
    const body = { ...net232, submitted: { ...correctSubmission(), gradient: ref.vector.map((g) => g * 0.5) }, format: 'gradescope' };
    expect((await compare(body)).body).toBe((await compare(body)).body);
  });

  it('refuses a submission that is not an object, an unknown top-level key and bad options (400 with pointers)', async () => {
    for (const [patch, path] of [
      [{ submitted: 5 }, '/submitted'],
      [{ submitted: [1, 2] }, '/submitted'],
      [{ submitted: { gradiant: [] } }, '/submitted/gradiant'],
      [{ submitted: {}, tolerance: { rtol: -1 } }, '/tolerance/rtol'],
      [{ submitted: {}, tolerance: { rtol: '1e-5' } }, '/tolerance/rtol'],
      [{ submitted: {}, maxMismatches: 1.5 }, '/maxMismatches'],
      [{ submitted: {}, reveal: 'false' }, '/reveal'],
      [{ submitted: {}, format: 'moodle' }, '/format'],
    ] as const) {
      const res = await compare({ ...net232, ...patch }, 400);
      expect(res.json().type).toMatch(/invalid-request$/);
      expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    const res = await compare({ ...net232 }, 400);
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain('/submitted');
  });

  it('a shape disagreement in the network itself is still a 422', async () => {
    const network = clone(net232.network);
    network.layers[1].biases = [0];
    const res = await compare({ network, examples: net232.examples, submitted: {} }, 422);
    expect(res.json().errors[0].path).toBe('/network/layers/1/biases');
  });
});

describe('reveal: false', () => {
  /** Every expected number as the service would write it, from /v1/gradient, plus the oracle's. */
  async function expectedTexts(): Promise<string[]> {
    const res = await app.inject({ method: 'POST', url: '/v1/gradient', payload: net232 });
    const numbers: number[] = [];
    const walk = (v: unknown) => {
      if (typeof v === 'number') numbers.push(v);
      else if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') Object.entries(v).forEach(([k, x]) => { if (k !== 'parameterCount') walk(x); });
    };
    walk(res.json());
    walk(ref);
    return [...new Set(numbers.map((n) => JSON.stringify(n)))];
  }

  // A student wrong everywhere in every way: values off, a shape off, a string, a missing array.
  function wrongEverywhere() {
    const s: any = correctSubmission();
    s.cost *= 1.5;
    s.gradient.layers[0].weights = s.gradient.layers[0].weights.map((row: number[]) => row.map((w) => w * 0.5 + 0.125));
    s.gradient.layers[0].biases = [1, 2];
    s.gradient.layers[1].weights[0][0] = 'x';
    s.examples.forEach((e: any) => { e.cost += 1; e.layers.forEach((l: any) => { l.dCda = l.dCda.map((v: number) => v * 0.5 + 0.0625); l.dCdz = l.dCdz.map((v: number) => 3 * v + 0.25); }); });
    delete s.examples[1].layers[0].z;
    return s;
  }

  for (const format of ['json', 'gradescope', 'prairielearn']) {
    it(`leaks no expected value in the ${format} document`, async () => {
      const texts = await expectedTexts();
      expect(texts.length).toBeGreaterThan(30);
      const revealed = (await compare({ ...net232, submitted: wrongEverywhere(), format, reveal: true })).body;
      expect(texts.some((t) => revealed.includes(t))).toBe(true); // the search can find a leak
      const hidden = (await compare({ ...net232, submitted: wrongEverywhere(), format, reveal: false })).body;
      for (const t of texts) expect(hidden, `leaks ${t}`).not.toContain(t);
      expect(hidden).not.toMatch(/"expected"|"absError"|"relError"|expected -?\d|relative \d/);
      if (format === 'json') {
        const body = JSON.parse(hidden);
        expect(body.failed).toBeGreaterThan(20);
        expect(body.cost).toEqual({ submitted: ref.cost * 1.5, passed: false });
      }
    });
  }
});

describe('format: gradescope and prairielearn', () => {
  const scenarios: Record<string, () => unknown> = {
    correct: () => correctSubmission(),
    'one weight wrong': () => { const s = correctSubmission(); s.gradient.layers[0].weights[2][1] += 1; return s; },
    'shapes wrong': () => ({ gradient: 'x', examples: [{ cost: 1, layers: [{ z: [1] }, 5], Q: 1 }] }),
    empty: () => ({}),
    vector: () => ({ gradient: ref.vector.map((g) => g * 2) }),
  };

  for (const [name, submission] of Object.entries(scenarios)) {
    for (const reveal of [true, false]) {
      it(`validates against the published specs: ${name}, reveal ${reveal}`, async () => {
        const gs = (await compare({ ...net232, submitted: submission(), format: 'gradescope', reveal })).json();
        expect(validateGradescope(gs), JSON.stringify(validateGradescope.errors)).toBe(true);
        for (const t of gs.tests) {
          expect(Object.keys(t)).toEqual(expect.arrayContaining(['name', 'score', 'max_score', 'output', 'visibility']));
          expect(t.score).toBeGreaterThanOrEqual(0);
          expect(t.score).toBeLessThanOrEqual(t.max_score);
        }
        const pl = (await compare({ ...net232, submitted: submission(), format: 'prairielearn', reveal })).json();
        expect(validatePrairieLearn(pl), JSON.stringify(validatePrairieLearn.errors)).toBe(true);
        expect(pl.gradable).toBe(true);
        for (const t of pl.tests) expect(Object.keys(t)).toEqual(expect.arrayContaining(['name', 'points', 'max_points', 'message']));
      });
    }
  }

  it('the schemas accept the platforms\' own examples and reject what the specs forbid', () => {
    expect(validateGradescope({ score: 44.0, execution_time: 136, output: 'x', output_format: 'simple_format', visibility: 'after_due_date', stdout_visibility: 'visible', extra_data: {}, tests: [{ score: 2.0, max_score: 2.0, status: 'passed', name: 'n', name_format: 'text', number: '1.1', output: 'o', output_format: 'text', tags: ['t'], visibility: 'visible', extra_data: {} }], leaderboard: [{ name: 'Accuracy', value: 0.926 }, { name: 'Time', value: 15.1, order: 'asc' }, { name: 'Stars', value: '*****' }] })).toBe(true);
    expect(validateGradescope({ tests: [{ max_score: 1 }] })).toBe(false); // no score anywhere
    expect(validateGradescope({ score: 1, tests: [{ visibility: 'sometimes' }] })).toBe(false);
    expect(validateGradescope({ score: '1' })).toBe(false);
    expect(validatePrairieLearn({ gradable: true, score: 0.25, message: 'm', output: 'o', images: [{ label: 'l', url: 'data:' }], tests: [{ name: 'Test 1', description: 'd', points: 1, max_points: 1, message: 'm', output: 'o' }] })).toBe(true);
    expect(validatePrairieLearn({ gradable: false, format_errors: ['bad'] })).toBe(true);
    expect(validatePrairieLearn({ gradable: true })).toBe(false);
    expect(validatePrairieLearn({ score: 1.5 })).toBe(false);
  });

  it('maps one test per graded quantity, with partial credit by the share of passing components', async () => {
    const s = correctSubmission();
    s.gradient.layers[0].weights[2][1] += 1; // 1 of the 6 components of ∂C/∂W⁽¹⁾
    const gs = (await compare({ ...net232, submitted: s, format: 'gradescope' })).json();
    expect(gs.tests.map((t: { name: string }) => t.name)).toEqual([
      'cost C',
      '∂C/∂W⁽1⁾ (layer 1 weights)', '∂C/∂b⁽1⁾ (layer 1 biases)', '∂C/∂W⁽2⁾ (layer 2 weights)', '∂C/∂b⁽2⁾ (layer 2 biases)',
      'per-example cost C₀', 'z⁽ˡ⁾ of every example and layer', 'a⁽ˡ⁾ of every example and layer',
      '∂C₀/∂a⁽ˡ⁾ of every example and layer', '∂C₀/∂z⁽ˡ⁾ = δ⁽ˡ⁾ of every example and layer',
    ]);
    const w1 = gs.tests[1];
    expect(w1).toMatchObject({ score: 5 / 6, max_score: 1, status: 'failed', visibility: 'visible', extra_data: { path: '/gradient/layers/0/weights', components: 6, passing: 5 } });
    expect(w1.output).toContain('/gradient/layers/0/weights/2/1');
    expect(gs.tests.filter((t: { status: string }) => t.status === 'passed')).toHaveLength(9);
    expect(gs.score).toBeCloseTo(9 + 5 / 6, 12);
    expect(gs.extra_data).toEqual({ passed: false, checked: ALL_COMPONENTS, failed: 1 });
    const pl = (await compare({ ...net232, submitted: s, format: 'prairielearn' })).json();
    expect(pl.tests[1]).toMatchObject({ name: w1.name, points: 5 / 6, max_points: 1 });
    expect(pl.score).toBeCloseTo((9 + 5 / 6) / 10, 12);
  });

  it('a correct submission scores full marks; an empty one scores 0', async () => {
    const gs = (await compare({ ...net232, submitted: correctSubmission(), format: 'gradescope' })).json();
    expect(gs.score).toBe(10);
    expect(gs.tests.every((t: { status: string; score: number }) => t.status === 'passed' && t.score === 1)).toBe(true);
    const pl = (await compare({ ...net232, submitted: correctSubmission(), format: 'prairielearn' })).json();
    expect(pl.score).toBe(1);
    const empty = (await compare({ ...net232, submitted: {}, format: 'prairielearn' })).json();
    expect(empty).toMatchObject({ gradable: true, score: 0, tests: [] });
  });
});
