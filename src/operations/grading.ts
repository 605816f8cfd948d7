// gradient.check and gradient.compare: the autograder's tools (API.md §3).
import { CheckRequest, CheckResponse, CompareRequest, CompareResult } from '../../schemas/grading.js';
import { DEFAULT_CHECK_TOLERANCE, DEFAULT_EPSILON, checkGradient, checkPasses } from '../compute/check.js';
import { DEFAULT_ATOL, DEFAULT_MAX_MISMATCHES, DEFAULT_RTOL, type Expected, gradeSubmission } from '../compute/compare.js';
import { computeGradient, conventionsOf } from '../compute/gradient.js';
import { checkWorkBudget, prepareComputation } from '../compute/prepare.js';
import { toCompareResponse, toGradescope, toPrairieLearn } from '../compute/reports.js';
import { parameterCount } from '../core/parameters.js';
import { defineOperation } from './operation.js';

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export const gradientCheck = defineOperation({
  name: 'gradient.check',
  summary: 'Finite-difference check: every component of the backpropagated gradient against (C(θ+ε) − C(θ−ε)) / 2ε.',
  description: 'Relative error of a component: |a − n| / max(|a| + |n|, 1e-8) (CS231n). passed = maxRelError ≤ tolerance. '
    + 'Defaults: epsilon 1e-6, tolerance 1e-7. It costs 2·P + 1 forward passes over the batch (P = parameterCount), '
    + 'counted against the work limit.',
  params: CheckRequest,
  result: CheckResponse,
  run(request, { config, signal }) {
    const { net, batch } = prepareComputation(request.network, request.examples, config.limits, { requireTargets: true });
    const P = parameterCount(net);
    checkWorkBudget(P, batch.count, checkPasses(P), config.limits, '/examples');
    // A large check yields to the event loop between slices so other requests are served meanwhile.
    return checkGradient(net, batch, conventionsOf(request), request.epsilon ?? DEFAULT_EPSILON, request.tolerance ?? DEFAULT_CHECK_TOLERANCE,
      { pause: yieldToEventLoop, signal });
  },
});

const EVERYTHING = { activations: true, sensitivities: true, vector: true, exampleGradients: false };

export const gradientCompare = defineOperation({
  name: 'gradient.compare',
  summary: 'Grade a submitted cost, gradient and per-example z, a, ∂C₀/∂a, ∂C₀/∂z against the exact answer (numpy allclose rule).',
  description: 'A component passes when |s − e| ≤ atol + rtol·|e| (defaults rtol 1e-5, atol 1e-8). Mismatches carry a JSON Pointer '
    + 'into `submitted`; a wrong shape is a mismatch, not an error. reveal: false hides every expected value and error size. '
    + 'format: json (default), gradescope (results.json) or prairielearn (external grader results). `include` is accepted and ignored.',
  params: CompareRequest,
  result: CompareResult,
  run(request, { config }) {
    const { net, batch } = prepareComputation(request.network, request.examples, config.limits, { requireTargets: true });
    checkWorkBudget(parameterCount(net), batch.count, 1, config.limits, '/examples');
    const expected = computeGradient(net, batch, conventionsOf(request), EVERYTHING) as Expected;
    const tolerance = { rtol: request.tolerance?.rtol ?? DEFAULT_RTOL, atol: request.tolerance?.atol ?? DEFAULT_ATOL };
    const grading = gradeSubmission(expected, request.submitted as Record<string, unknown>, tolerance);
    const options = { reveal: request.reveal ?? true, maxMismatches: request.maxMismatches ?? DEFAULT_MAX_MISMATCHES };
    switch (request.format ?? 'json') {
      case 'gradescope': return toGradescope(grading, options);
      case 'prairielearn': return toPrairieLearn(grading, options);
      default: return toCompareResponse(grading, options);
    }
  },
});
