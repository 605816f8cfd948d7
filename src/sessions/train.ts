// The steps of one request: gradient of C on the step's batch, then θ ← θ − η∇ (or with
// momentum v ← μv − η∇, θ ← θ + v). Runs in slices, yielding to the event loop between them,
// so a long request never freezes the server; a diverging step throws and nothing is kept.
import { Arena } from '../core/arena.js';
import { backprop, zeroGradient } from '../core/backprop.js';
import type { Batch, DenseNetwork } from '../core/network.js';
import { miniBatchIndices, sgdUpdate } from '../core/train.js';
import { ServiceError, type FieldError } from '../errors.js';
import type { SessionState } from './codec.js';

/** Compute for at most this long before letting other requests in. */
const SLICE_MS = 20;

export interface StepPlan {
  steps: number;
  learningRate: number;
  /** The batch of every step (a request's own examples), or undefined for the kept set. */
  batch?: Batch;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Rows `indices` of a batch, in that order. */
export function selectRows(batch: Batch, indices: Uint32Array, nIn: number, nOut: number): Batch {
  const inputs = new Float64Array(indices.length * nIn);
  const targets = new Float64Array(indices.length * nOut);
  indices.forEach((row, i) => {
    inputs.set(batch.inputs.subarray(row * nIn, (row + 1) * nIn), i * nIn);
    targets.set(batch.targets!.subarray(row * nOut, (row + 1) * nOut), i * nOut);
  });
  return { count: indices.length, inputs, targets };
}

/** Examples per step: the request's own batch, or the kept set cut to the session's batch size. */
export function examplesPerStep(state: SessionState, batch?: Batch): number {
  if (batch) return batch.count;
  return Math.min(state.batchSize ?? state.examples.count, state.examples.count);
}

function stepBatch(state: SessionState, plan: StepPlan, step: number): Batch {
  if (plan.batch) return plan.batch;
  const kept = state.examples;
  if (!state.batchSize || state.batchSize >= kept.count) return kept;
  const { nIn } = state.net.layers[0];
  const { nOut } = state.net.layers[state.net.layers.length - 1];
  return selectRows(kept, miniBatchIndices(kept.count, state.batchSize, state.seed, step), nIn, nOut);
}

function nonFinite(net: DenseNetwork, arrays: { weights: Float64Array; biases: Float64Array }[], what: string, step: number): FieldError[] {
  const errors: FieldError[] = [];
  arrays.forEach((layer, l) => {
    for (const kind of ['weights', 'biases'] as const) {
      const data = layer[kind];
      for (let i = 0; i < data.length; i++) {
        if (Number.isFinite(data[i])) continue;
        const at = kind === 'weights' ? `/${Math.floor(i / net.layers[l].nIn)}/${i % net.layers[l].nIn}` : `/${i}`;
        errors.push({ path: `/network/layers/${l}/${kind}${at}`, message: `${what} is ${data[i]} at step ${step}` });
        break;
      }
    }
  });
  return errors;
}

function diverged(step: number, errors: FieldError[]): ServiceError {
  return new ServiceError('non-finite-result', `Step ${step} diverged (${errors[0].message}); nothing was committed.`, { errors });
}

/**
 * Applies plan.steps steps to state (network, velocity, step, costHistory) in place and returns
 * the batch cost before each step. Checks `signal` between slices.
 */
export async function runSteps(state: SessionState, plan: StepPlan, signal: AbortSignal): Promise<number[]> {
  const costs: number[] = [];
  const sgd = { learningRate: plan.learningRate, momentum: state.optimizer.momentum };
  if (sgd.momentum !== 0 && !state.velocity) state.velocity = zeroGradient(state.net);
  let sliceStart = Date.now();
  // A step's arrays are dead once it is applied: the next step's are cut from the same buffers.
  const arena = new Arena();
  for (let k = 0; k < plan.steps; k++) {
    arena.reset();
    const step = state.step + 1;
    const { cost, gradient } = backprop(state.net, stepBatch(state, plan, state.step), { cost: state.cost, reduction: state.reduction, alloc: arena.take });
    if (!Number.isFinite(cost)) throw diverged(step, [{ path: '/costs', message: `the batch cost C is ${cost} at step ${step}` }]);
    const badGradient = nonFinite(state.net, gradient.layers, '∂C', step);
    if (badGradient.length > 0) throw diverged(step, badGradient);
    sgdUpdate(state.net, gradient, state.velocity, sgd);
    const badParameters = nonFinite(state.net, state.net.layers, 'the updated parameter', step);
    if (badParameters.length > 0) throw diverged(step, badParameters);
    costs.push(cost);
    state.step = step;
    if (Date.now() - sliceStart >= SLICE_MS) {
      await yieldToEventLoop();
      if (signal.aborted) throw new ServiceError('conflict', 'The client went away before the steps were committed; nothing was committed.');
      sliceStart = Date.now();
    }
  }
  return costs;
}
