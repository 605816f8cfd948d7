// forward and gradient: stateless computations on a network given in the request.
import { ForwardRequest, ForwardResponse, GradientRequest, GradientResponse } from '../../schemas/compute.js';
import { arrayFormOf, computeForward, computeForwardText, computeGradient, computeGradientText, conventionsOf, resolveInclude } from '../compute/gradient.js';
import { checkWorkBudget, prepareComputation } from '../compute/prepare.js';
import { parameterCount } from '../core/parameters.js';
import { JsonText, RawJson } from '../compute/raw-json.js';
import { defineOperation, type OperationContext } from './operation.js';

/** Whether a request of this much work (parameters × examples) goes to the worker pool. */
function offloaded(work: number, ctx: OperationContext): boolean {
  return ctx.services.compute !== undefined && work > ctx.config.compute.inlineMaxWork;
}

export const forward = defineOperation({
  name: 'forward',
  summary: 'Forward pass: z⁽ˡ⁾ = W⁽ˡ⁾a⁽ˡ⁻¹⁾ + b⁽ˡ⁾, a⁽ˡ⁾ = f(z⁽ˡ⁾) for every layer, and the cost when targets are given.',
  params: ForwardRequest,
  result: ForwardResponse,
  offloadable: true,
  // Not async: a request computed here answers without a promise (runOperation waits only on one).
  run(request, ctx) {
    const { net, batch } = prepareComputation(request.network, request.examples, ctx.config.limits);
    const work = parameterCount(net) * batch.count;
    checkWorkBudget(parameterCount(net), batch.count, 1, ctx.config.limits, '/examples');
    if (offloaded(work, ctx)) {
      const args = { net, batch, conventions: conventionsOf(request), encoding: request.encoding };
      return ctx.services.compute!.runCompute({ kind: 'forwardJson', args }, ctx.signal, { move: true }).then((bytes) => new RawJson(bytes)) as never;
    }
    if (ctx.textAllowed && request.encoding !== 'f64') return new JsonText(computeForwardText(net, batch, conventionsOf(request))) as never;
    return computeForward(net, batch, conventionsOf(request), arrayFormOf(request.encoding, ctx.viewsAllowed === true));
  },
});

export const gradient = defineOperation({
  name: 'gradient',
  summary: 'Cost, gradient and every intermediate value by backpropagation (the chain rule of the lesson).',
  description: 'C = mean (or sum) of C₀ over the examples; ∂C₀/∂W⁽ˡ⁾[j][k] = a⁽ˡ⁻¹⁾_k·δ⁽ˡ⁾_j with δ⁽ˡ⁾ = f\'(z⁽ˡ⁾) ⊙ ∂C₀/∂a⁽ˡ⁾ '
    + 'and ∂C₀/∂a⁽ˡ⁻¹⁾_k = Σ_j W⁽ˡ⁾[j][k]·δ⁽ˡ⁾_j.',
  params: GradientRequest,
  result: GradientResponse,
  offloadable: true,
  run(request, ctx) {
    const { net, batch } = prepareComputation(request.network, request.examples, ctx.config.limits, { requireTargets: true });
    const work = parameterCount(net) * batch.count;
    checkWorkBudget(parameterCount(net), batch.count, 1, ctx.config.limits, '/examples');
    const args = { net, batch, conventions: conventionsOf(request), include: resolveInclude(request.include), encoding: request.encoding };
    if (offloaded(work, ctx)) {
      return ctx.services.compute!.runCompute({ kind: 'gradientJson', args }, ctx.signal, { move: true }).then((bytes) => new RawJson(bytes)) as never;
    }
    if (ctx.textAllowed && args.encoding !== 'f64') return new JsonText(computeGradientText(args.net, args.batch, args.conventions, args.include)) as never;
    return computeGradient(args.net, args.batch, args.conventions, args.include, arrayFormOf(args.encoding, ctx.viewsAllowed === true));
  },
});
