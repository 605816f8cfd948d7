// THE table of computations a worker thread runs (worker.ts). Each takes and returns plain
// data (Float64Arrays, strings), so it crosses a thread by structured clone or transfer.
// To add one (sessions: a training run), add an entry here and call it with
// services.compute.runCompute({ kind: 'name', args }, signal).
import { type BackpropOptions } from '../core/backprop.js';
import { type BackpropPart, backpropPart } from '../core/backprop-split.js';
import type { Batch, DenseNetwork } from '../core/network.js';
import type { Encoding } from '../../schemas/common.js';
import { jsonBytes } from '../encoding/json-bytes.js';
import { parseRequestJson } from '../encoding/safe-json.js';
import { forgetNoF64Note } from '../encoding/f64.js';
import type { Config } from '../config.js';
import { ServiceError } from '../errors.js';
import { forward, gradient } from '../operations/compute.js';
import type { Operation, OperationContext } from '../operations/operation.js';
import type { Services } from '../services.js';
import { assertValid } from '../validation.js';
import type { SessionState } from '../sessions/codec.js';
import { type StepPlan, runSteps } from '../sessions/train.js';
import { type Conventions, type ResolvedInclude, arrayFormOf, computeForward, computeGradient } from './gradient.js';

export interface GradientArgs { net: DenseNetwork; batch: Batch; conventions: Conventions; include: ResolvedInclude; encoding?: Encoding }
export interface ForwardArgs { net: DenseNetwork; batch: Batch; conventions: Conventions; encoding?: Encoding }
export interface TrainArgs { state: SessionState; plan: StepPlan }
export interface OperationArgs { operation: OffloadableName; bytes: Uint8Array; config: Config }
export interface PartArgs { net: DenseNetwork; batch: Batch; first: number; last: number; options: BackpropOptions }

/** A ServiceError as data: errors thrown in a worker lose their class on the way back. */
export interface FailedTask { failed: { code: ServiceError['code']; detail: string; errors?: ServiceError['errors']; retryAfter?: number; extensions: Record<string, unknown> } }

/** The bytes of JSON.stringify(value), numbers written in bulk (json-bytes.ts), in a buffer of their own (transferable). */
const utf8 = jsonBytes;

/** A JSON body parsed with fastify's checks (safe-json.ts: no __proto__, no constructor.prototype). */
const parseBody = (a: { bytes: Uint8Array }): unknown => parseRequestJson(a.bytes);

/** The operations marked offloadable, by name: what a worker may run from an unparsed body. */
const offloadable = { forward, gradient } as unknown as Record<OffloadableName, Operation>;
export type OffloadableName = 'forward' | 'gradient';

/** An offloadable operation's context: no services (so it runs inline here), no one to log to. */
function workerContext(config: Config): OperationContext {
  const log = { level: 'silent', fatal() {}, error() {}, warn() {}, info() {}, debug() {}, trace() {}, silent() {}, child: () => log };
  return { config, services: {} as Services, principal: '', log: log as never, signal: new AbortController().signal, meta: {}, viewsAllowed: true };
}

/** A whole REST request to an offloadable operation: the door's parse, validation and run, here. */
async function operationJson(a: OperationArgs): Promise<Uint8Array> {
  const op = offloadable[a.operation];
  const params = parseBody(a);
  assertValid(op.body, params);
  return utf8(await op.run(params as never, workerContext(a.config)));
}

export const tasks = {
  /** A large request body, parsed here so that the event loop only deserializes the result. */
  // The value is checked on the event loop (a copy of it): this thread's note of it would only hold it.
  parseJson: (a: { bytes: Uint8Array }) => { const value = parseBody(a); forgetNoF64Note(); return value; },
  /** A large request to forward or gradient, from its body's bytes to its response's. */
  operationJson,
  /** The whole POST /v1/gradient response body, serialized. */
  gradientJson: (a: GradientArgs) => utf8(computeGradient(a.net, a.batch, a.conventions, a.include, arrayFormOf(a.encoding, true))),
  forwardJson: (a: ForwardArgs) => utf8(computeForward(a.net, a.batch, a.conventions, arrayFormOf(a.encoding, true))),
  /** One chunk-aligned share of a batch (backprop-split.ts). */
  backpropPart: (a: PartArgs): BackpropPart => backpropPart(a.net, a.batch, a.first, a.last, a.options),
  /** Session training steps on a copy of the state: the state after them, and the costs. */
  trainSteps: async (a: TrainArgs) => {
    // Cancellation reaches a worker by stopping it (pool.ts), so this signal never fires.
    const costs = await runSteps(a.state, a.plan, new AbortController().signal);
    return { state: a.state, costs };
  },
} satisfies Record<string, (args: never) => unknown>;

export type Tasks = typeof tasks;
export type TaskKind = keyof Tasks;
export interface ComputeTask<K extends TaskKind = TaskKind> {
  kind: K;
  args: Parameters<Tasks[K]>[0];
  /** A spent response buffer, moved along for the worker to write a response into (pool.ts). */
  spare?: ArrayBuffer;
}
export type TaskResult<K extends TaskKind> = Awaited<ReturnType<Tasks[K]>>;

/** Runs a task here, in this thread (inline, or inside a worker). */
export function runTask<K extends TaskKind>(task: ComputeTask<K>): TaskResult<K> | Awaited<TaskResult<K>> {
  const run = tasks[task.kind] as (args: ComputeTask<K>['args']) => TaskResult<K>;
  return run(task.args);
}

export function failedTask(error: ServiceError): FailedTask {
  return { failed: { code: error.code, detail: error.message, errors: error.errors, retryAfter: error.retryAfter, extensions: error.extensions } };
}
