// forward and gradient: stateless computations on a network given in the request.
import { ForwardRequest, ForwardResponse, GradientRequest, GradientResponse } from '../../schemas/compute.js';
import { computeForward, computeGradient, conventionsOf, resolveInclude } from '../compute/gradient.js';
import { checkWorkBudget, prepareComputation } from '../compute/prepare.js';
import { parameterCount } from '../core/parameters.js';
import { defineOperation } from './operation.js';

export const forward = defineOperation({
  name: 'forward',
  summary: 'Forward pass: z⁽ˡ⁾ = W⁽ˡ⁾a⁽ˡ⁻¹⁾ + b⁽ˡ⁾, a⁽ˡ⁾ = f(z⁽ˡ⁾) for every layer, and the cost when targets are given.',
  params: ForwardRequest,
  result: ForwardResponse,
  run(request, { config }) {
    const { net, batch } = prepareComputation(request.network, request.examples, config.limits);
    checkWorkBudget(parameterCount(net), batch.count, 1, config.limits, '/examples');
    return computeForward(net, batch, conventionsOf(request));
  },
});

export const gradient = defineOperation({
  name: 'gradient',
  summary: 'Cost, gradient and every intermediate value by backpropagation (the chain rule of the lesson).',
  description: 'C = mean (or sum) of C₀ over the examples; ∂C₀/∂W⁽ˡ⁾[j][k] = a⁽ˡ⁻¹⁾_k·δ⁽ˡ⁾_j with δ⁽ˡ⁾ = f\'(z⁽ˡ⁾) ⊙ ∂C₀/∂a⁽ˡ⁾ '
    + 'and ∂C₀/∂a⁽ˡ⁻¹⁾_k = Σ_j W⁽ˡ⁾[j][k]·δ⁽ˡ⁾_j.',
  params: GradientRequest,
  result: GradientResponse,
  run(request, { config }) {
    const { net, batch } = prepareComputation(request.network, request.examples, config.limits, { requireTargets: true });
    checkWorkBudget(parameterCount(net), batch.count, 1, config.limits, '/examples');
    return computeGradient(net, batch, conventionsOf(request), resolveInclude(request.include));
  },
});
