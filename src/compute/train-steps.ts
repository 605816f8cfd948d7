// Session training steps, on the event loop or in the compute pool by their cost: the one call
// the sessions operation makes (`const costs = await trainSteps(state, plan, ctx)`).
import { parameterCount } from '../core/parameters.js';
import { ServiceError } from '../errors.js';
import { type OperationContext, isAborted } from '../operations/operation.js';
import type { SessionState } from '../sessions/codec.js';
import { type StepPlan, examplesPerStep, runSteps } from '../sessions/train.js';

/**
 * Applies plan.steps steps to `state` in place (network, velocity, step) and returns the batch
 * cost before each: in a worker when parameters × examples × steps exceeds
 * config.compute.inlineMaxWork and a pool is there, else here (runSteps, which yields).
 * The same bits either way: a worker runs the same code on a copy of the state.
 */
export async function trainSteps(state: SessionState, plan: StepPlan, ctx: Pick<OperationContext, 'config' | 'services' | 'signal' | 'aborted'>): Promise<number[]> {
  const pool = ctx.services.compute;
  const work = parameterCount(state.net) * examplesPerStep(state, plan.batch) * plan.steps;
  if (!pool || work <= ctx.config.compute.inlineMaxWork) return runSteps(state, plan, ctx.signal);
  try {
    const done = await pool.runCompute({ kind: 'trainSteps', args: { state, plan } }, ctx.signal);
    state.net = done.state.net;
    state.velocity = done.state.velocity;
    state.step = done.state.step;
    return done.costs;
  } catch (error) {
    if (isAborted(ctx)) throw new ServiceError('conflict', 'The client went away before the steps were committed; nothing was committed.');
    throw error;
  }
}
