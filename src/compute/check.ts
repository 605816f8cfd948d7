// The gradient check: every component of the backpropagated gradient against the central
// difference of the batch cost,  n_i = (C(θ + ε·e_i) − C(θ − ε·e_i)) / 2ε,
// with the CS231n relative error |a − n| / max(|a| + |n|, 1e-8).
import { backprop, batchCost } from '../core/backprop.js';
import { forwardPass } from '../core/forward.js';
import type { Batch, DenseNetwork } from '../core/network.js';
import { flatten, locateParameter, parameterViews } from '../core/parameters.js';
import { ServiceError } from '../errors.js';
import type { CheckResponse } from '../../schemas/grading.js';
import type { Conventions } from './gradient.js';

export const DEFAULT_EPSILON = 1e-6;
export const DEFAULT_CHECK_TOLERANCE = 1e-7;
/** The floor of the relative error's denominator: two zero components agree exactly. */
export const RELATIVE_FLOOR = 1e-8;

/** Forward passes of one check: one backprop, then two costs per parameter. */
export function checkPasses(parameterCount: number): number {
  return 2 * parameterCount + 1;
}

function costAt(net: DenseNetwork, batch: Batch, conventions: Conventions): number {
  return batchCost(net, forwardPass(net, batch), batch.targets!, conventions.cost, conventions.reduction).cost;
}

/**
 * How a long check shares the event loop: after about `workPerPause` multiply-adds it awaits
 * `pause()` (setImmediate in the service) and gives up when `signal` is aborted. Counting work,
 * not time, keeps this module free of clocks; the numbers never depend on it.
 */
export interface Cooperation {
  pause: () => Promise<void>;
  signal?: AbortSignal;
  workPerPause?: number;
}

const DEFAULT_WORK_PER_PAUSE = 4_000_000;

/**
 * Central differences, perturbing each parameter in place. The original value is written back
 * (not θ + ε − ε, which rounds), so the network is bit-identical afterwards.
 */
export async function numericGradient(
  net: DenseNetwork, batch: Batch, conventions: Conventions, epsilon: number, cooperation?: Cooperation,
): Promise<Float64Array> {
  const views = parameterViews(net);
  const numeric = new Float64Array(views.reduce((n, v) => n + v.length, 0));
  const workPerComponent = 2 * numeric.length * batch.count;
  let work = 0;
  let i = 0;
  for (const theta of views) {
    for (let k = 0; k < theta.length; k++, i++) {
      const original = theta[k];
      theta[k] = original + epsilon;
      const plus = costAt(net, batch, conventions);
      theta[k] = original - epsilon;
      const minus = costAt(net, batch, conventions);
      theta[k] = original;
      numeric[i] = (plus - minus) / (2 * epsilon);
      work += workPerComponent;
      if (cooperation && work >= (cooperation.workPerPause ?? DEFAULT_WORK_PER_PAUSE)) {
        work = 0;
        await cooperation.pause();
        const { signal } = cooperation;
        if (signal?.aborted) {
          // The handler timeout aborts with its own 503 error; a client that went away, without one.
          if (signal.reason instanceof ServiceError) throw signal.reason;
          throw new ServiceError('conflict', 'The client went away before the gradient check finished; it was abandoned.');
        }
      }
    }
  }
  return numeric;
}

function describeParameter(net: DenseNetwork, index: number): string {
  const p = locateParameter(net, index);
  return p.kind === 'weights' ? `∂C/∂W⁽${p.layer + 1}⁾[${p.j}][${p.k}]` : `∂C/∂b⁽${p.layer + 1}⁾[${p.j}]`;
}

function assertFiniteVector(net: DenseNetwork, data: Float64Array, path: string, what: string): void {
  const i = data.findIndex((x) => !Number.isFinite(x));
  if (i < 0) return;
  const message = `${what} ${describeParameter(net, i)} is ${data[i]}`;
  throw new ServiceError('non-finite-result', `The gradient check produced a non-finite value: ${message}.`, {
    errors: [{ path: `${path}/${i}`, message }],
  });
}

/** |a − n| / max(|a| + |n|, 1e-8): at most 1, halved first where |a| + |n| would overflow. */
export function relativeError(a: number, n: number): number {
  const scale = Math.abs(a) + Math.abs(n);
  if (!Number.isFinite(scale)) return Math.abs(a / 2 - n / 2) / (Math.abs(a / 2) + Math.abs(n / 2));
  return Math.abs(a - n) / Math.max(scale, RELATIVE_FLOOR);
}

export async function checkGradient(
  net: DenseNetwork, batch: Batch, conventions: Conventions, epsilon: number, tolerance: number, cooperation?: Cooperation,
): Promise<CheckResponse> {
  const analytic = flatten(backprop(net, batch, conventions).gradient.layers);
  assertFiniteVector(net, analytic, '/analytic', 'the analytic');
  const numeric = await numericGradient(net, batch, conventions, epsilon, cooperation);
  assertFiniteVector(net, numeric, '/numeric', 'the central difference of');
  let maxAbsError = 0;
  let maxRelError = 0;
  for (let i = 0; i < analytic.length; i++) {
    const a = analytic[i];
    const n = numeric[i];
    // |a − n| of two finite doubles can still round to Infinity: saturate, JSON has no Infinity.
    const abs = Math.min(Math.abs(a - n), Number.MAX_VALUE);
    const rel = relativeError(a, n);
    if (abs > maxAbsError) maxAbsError = abs;
    if (rel > maxRelError) maxRelError = rel;
  }
  return {
    passed: maxRelError <= tolerance,
    maxAbsError,
    maxRelError,
    analytic: Array.from(analytic),
    numeric: Array.from(numeric),
  };
}
