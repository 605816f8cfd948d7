// The pure grading modules: any JSON submission is graded without throwing, every mismatch
// points into the submission, tallies stay consistent; the gradient check restores the network.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkGradient, numericGradient, relativeError } from '../../../src/compute/check.js';
import { type Expected, gradeSubmission, gradingPassed } from '../../../src/compute/compare.js';
import { toCompareResponse, toGradescope, toPrairieLearn } from '../../../src/compute/reports.js';
import { toBatch, toDenseNetwork } from '../../../src/core/network.js';
import { ServiceError } from '../../../src/errors.js';
import { net232 } from '../../helpers/lesson.js';
import { refGradient } from '../../helpers/reference.js';

const ref = refGradient(net232.network, net232.examples);
const expected: Expected = {
  cost: ref.cost,
  gradient: ref.gradient,
  vector: ref.vector,
  examples: ref.examples.map((e) => ({ cost: e.cost, layers: e.layers })),
};
const tolerance = { rtol: 1e-5, atol: 1e-8 };

function resolve(doc: unknown, pointer: string): { found: boolean; parentFound: boolean } {
  const tokens = pointer.split('/').slice(1).map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node: unknown = doc;
  for (let i = 0; i < tokens.length; i++) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node as object, tokens[i])) {
      return { found: false, parentFound: i === tokens.length - 1 };
    }
    node = (node as Record<string, unknown>)[tokens[i]];
  }
  return { found: true, parentFound: true };
}

/** Submissions near the right shape, with arbitrary JSON spliced in anywhere. */
const nearlyRight = fc.letrec((tie) => ({
  value: fc.oneof(
    { weight: 3, arbitrary: fc.double({ min: -2, max: 2, noNaN: true }) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
    { weight: 2, arbitrary: fc.array(tie('value'), { maxLength: 4 }) },
  ),
  submission: fc.record({
    cost: tie('value'),
    gradient: fc.oneof(
      fc.constant(expected.gradient),
      fc.record({ layers: fc.array(fc.record({ weights: tie('value'), biases: tie('value') }, { requiredKeys: [] }), { maxLength: 3 }) }, { requiredKeys: [] }),
      fc.array(fc.double({ noNaN: true }), { minLength: 16, maxLength: 18 }),
      tie('value'),
    ),
    examples: fc.oneof(
      fc.array(fc.record({ cost: tie('value'), layers: fc.array(fc.dictionary(fc.constantFrom('z', 'a', 'dCda', 'dCdz', 'Z', '~/'), tie('value')), { maxLength: 3 }) }, { requiredKeys: [] }), { maxLength: 3 }),
      tie('value'),
    ),
  }, { requiredKeys: [] }),
}));

describe('gradeSubmission', () => {
  it('grades any JSON without throwing; every pointer resolves into the submission; counts agree', () => {
    fc.assert(fc.property(nearlyRight.submission, (submitted) => {
      const g = gradeSubmission(expected, submitted as Record<string, unknown>, tolerance);
      for (const f of g.findings) {
        const at = resolve(submitted, f.path);
        if (f.kind === 'missing') expect(at.parentFound).toBe(true);
        else expect(at.found).toBe(true);
        if (f.kind === 'value') expect([f.expected, f.submitted, f.absError, f.relError].every(Number.isFinite)).toBe(true);
      }
      for (const t of g.tallies) expect(t.passing).toBeLessThanOrEqual(t.components);
      const passing = g.tallies.reduce((s, t) => s + t.passing, 0);
      const numeric = g.findings.filter((f) => f.kind === 'value' || f.kind === 'not-a-number').length;
      expect(passing + numeric).toBe(g.checked);
      const response = toCompareResponse(g, { reveal: false, maxMismatches: 5 });
      expect(JSON.stringify(response)).not.toMatch(/[:[,]null|"expected"/);
      expect(response.failed).toBe(g.findings.length);
      const pl = toPrairieLearn(g, { reveal: true, maxMismatches: 5 });
      expect(pl.score).toBeGreaterThanOrEqual(0);
      expect(pl.score).toBeLessThanOrEqual(1);
      expect(toGradescope(g, { reveal: true, maxMismatches: 5 }).tests).toHaveLength(g.tallies.length);
    }), { numRuns: 300 });
  });

  it('a right answer passes and a saturating difference stays finite', () => {
    expect(gradingPassed(gradeSubmission(expected, { gradient: ref.vector }, tolerance))).toBe(true);
    const far = gradeSubmission({ ...expected, cost: -1.7e308 }, { cost: 1.7e308 }, tolerance);
    expect(far.findings[0]).toMatchObject({ absError: Number.MAX_VALUE, relError: Number.MAX_VALUE });
  });
});

describe('the gradient check', () => {
  it('puts every parameter back bit for bit', async () => {
    const net = toDenseNetwork(net232.network);
    const before = net.layers.map((l) => [Array.from(l.weights), Array.from(l.biases)]);
    await numericGradient(net, toBatch(net232.examples, 2, 2), { cost: 'quadratic', reduction: 'mean' }, 0.1);
    expect(net.layers.map((l) => [Array.from(l.weights), Array.from(l.biases)])).toEqual(before);
  });

  it('shares the event loop: pauses every workPerPause multiply-adds, stops when aborted', async () => {
    const batch = toBatch(net232.examples, 2, 2);
    const conventions = { cost: 'quadratic' as const, reduction: 'mean' as const };
    let pauses = 0;
    // 17 components, each 2 passes × 17 parameters × 2 examples = 68 units: a pause every 2 components.
    const plain = await numericGradient(toDenseNetwork(net232.network), batch, conventions, 1e-6);
    const shared = await numericGradient(toDenseNetwork(net232.network), batch, conventions, 1e-6, { pause: async () => { pauses++; }, workPerPause: 136 });
    expect(pauses).toBe(8);
    expect(Array.from(shared)).toEqual(Array.from(plain));
    const controller = new AbortController();
    const net = toDenseNetwork(net232.network);
    const before = net.layers.map((l) => Array.from(l.weights));
    await expect(numericGradient(net, batch, conventions, 1e-6, { pause: async () => controller.abort(), signal: controller.signal, workPerPause: 1 }))
      .rejects.toMatchObject({ code: 'conflict' });
    expect(net.layers.map((l) => Array.from(l.weights))).toEqual(before);
    // The handler timeout aborts with its own error: that one is thrown, not a conflict.
    const timeout = new ServiceError('service-unavailable', 'timed out');
    const timed = new AbortController();
    await expect(numericGradient(net, batch, conventions, 1e-6, { pause: async () => timed.abort(timeout), signal: timed.signal, workPerPause: 1 }))
      .rejects.toBe(timeout);
  });

  it('relative error: CS231n form, floored, at most 1, finite near the largest doubles', () => {
    expect(relativeError(0, 0)).toBe(0);
    expect(relativeError(1e-9, 0)).toBe(0.1); // |a − n| / 1e-8
    expect(relativeError(0, -3)).toBe(1);
    expect(relativeError(1.5e308, -1.5e308)).toBe(1);
    expect(relativeError(3, 1)).toBe(0.5);
  });

  it('maxima of a known case: f linear, C = (w·x − y)², the central difference is exact', async () => {
    // w = 0.5, b = 0, x = 2, y = 0: a = 1, ∂C/∂w = 2·1·2 = 4, ∂C/∂b = 2; C is quadratic in each.
    const net = toDenseNetwork({ layers: [{ weights: [[0.5]], biases: [0], activation: 'linear' }] });
    const r = await checkGradient(net, toBatch([{ input: [2], target: [0] }], 1, 1), { cost: 'quadratic', reduction: 'mean' }, 2 ** -10, 0);
    expect(r).toEqual({ passed: true, maxAbsError: 0, maxRelError: 0, analytic: [4, 2], numeric: [4, 2] });
  });
});
