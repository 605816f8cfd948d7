// Streamed steps: a step request run as a sequence of chunks, each committed on its own through
// the sessions' stepChunk (so the session is always at a fully applied step), with one progress
// event per chunk and a final event carrying exactly the body the plain JSON response would have.
// Transport-free: the route frames these events as NDJSON or server-sent events.
import type { StepRequest, StepResponse } from '../../schemas/sessions.js';
import { type Problem, ServiceError, isServiceError } from '../errors.js';
import { type OperationContext, partOf } from '../operations/operation.js';
import { assertStepsAllowed, stepChunk } from '../operations/sessions.js';

export interface ProgressEvent {
  event: 'progress';
  /** The session's step after this chunk. */
  step: number;
  /** The batch cost before the chunk's last step (the last cost it reported). */
  cost: number;
  /** Steps of this request applied and committed so far, and asked for. */
  stepsApplied: number;
  stepsRequested: number;
  /** Since the request started: whole milliseconds, and the rate so far (one decimal). */
  elapsedMs: number;
  stepsPerSecond: number;
}

export interface ResultEvent {
  event: 'result';
  stepsApplied: number;
  elapsedMs: number;
  stepsPerSecond: number;
  /** Exactly the body of the plain (application/json) response. */
  result: StepResponse;
}

/** A failure after the first chunk: what was committed stays; `problem` is the problem document. */
export interface ErrorEvent {
  event: 'error';
  stepsApplied: number;
  step: number;
  problem: Problem;
}

export type StepEvent = ProgressEvent | ResultEvent | ErrorEvent;

export interface StreamOptions {
  /** Steps per chunk; default: adaptive, aiming at one chunk per targetChunkMs. */
  chunkSteps?: number;
  targetChunkMs?: number;
  /** Monotonic milliseconds (injected for tests). */
  clock?: () => number;
  /**
   * The signal of the chunks after the first: the client's disconnection only. The first chunk
   * runs under ctx.signal (disconnection and the handler timeout): the timeout bounds the wait
   * for the first event, not a stream that is making progress.
   */
  streamSignal?: AbortSignal;
  /** Aborted when the server shuts down: the stream ends after the chunk in progress, with an error event. */
  shutdown?: AbortSignal;
}

export const DEFAULT_TARGET_CHUNK_MS = 250;

const oneDecimal = (x: number) => Math.round(x * 10) / 10;

/**
 * The events of a streamed step request. The first chunk runs before the first event, so
 * everything that refuses the request (404, 412, limits, bad examples) is thrown before any
 * byte is sent and becomes an ordinary problem response.
 */
export async function* streamSteps(request: StepRequest, ctx: OperationContext, options: StreamOptions = {}): AsyncGenerator<StepEvent> {
  const total = request.steps ?? 1;
  assertStepsAllowed(total, ctx);
  if (ctx.idempotencyKey !== undefined) {
    throw new ServiceError('invalid-request', 'Streamed steps commit chunk by chunk, and an Idempotency-Key needs one commit: '
      + 'send the key with an application/json request, or stream without it.', {
      errors: [{ path: '/headers/idempotency-key', message: 'is not supported with a streamed (NDJSON or SSE) response' }],
    });
  }
  const clock = options.clock ?? (() => performance.now());
  const target = options.targetChunkMs ?? DEFAULT_TARGET_CHUNK_MS;
  const started = clock();
  const costs: number[] = [];
  let step = 0;
  let chunk = options.chunkSteps ?? 1;
  while (costs.length < total) {
    const n = Math.min(chunk, total - costs.length);
    const last = costs.length + n === total;
    const first = costs.length === 0;
    // If-Match names the version before the request: only the first chunk can be held to it.
    const chunkCtx = first ? ctx : partOf(ctx, { ifMatch: undefined, meta: {}, ...(options.streamSignal ? { signal: options.streamSignal, aborted: undefined } : {}) });
    const chunkStarted = clock();
    let body: StepResponse;
    try {
      ({ body } = await stepChunk({ ...request, steps: n, includeNetwork: last ? request.includeNetwork : false }, n, chunkCtx, first ? total : n));
    } catch (error) {
      if (first) throw error;
      if ((options.streamSignal ?? ctx.signal).aborted) return; // the client has gone: nobody to tell
      if (!isServiceError(error)) ctx.log.error({ err: error }, 'streamed steps failed');
      const problem = (isServiceError(error) ? error : new ServiceError('internal', 'An internal error occurred.')).toProblem();
      yield { event: 'error', stepsApplied: costs.length, step, problem };
      return;
    }
    costs.push(...body.costs);
    step = body.step;
    const now = clock();
    const elapsed = Math.max(now - started, 1e-3);
    const timing = { elapsedMs: Math.round(elapsed), stepsPerSecond: oneDecimal((costs.length * 1000) / elapsed) };
    if (last) {
      yield { event: 'result', stepsApplied: costs.length, ...timing, result: { ...body, costs } };
      return;
    }
    yield { event: 'progress', step, cost: body.costs[body.costs.length - 1], stepsApplied: costs.length, stepsRequested: total, ...timing };
    // A turn of the event loop between chunks: short chunks on a memory store resolve through
    // microtasks only, and would otherwise starve every other request (and this stream's own
    // client, when it shares the process) until the socket's buffer fills.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const signal = options.streamSignal ?? ctx.signal;
    if (signal.aborted) return;
    if (options.shutdown?.aborted) {
      const problem = new ServiceError('service-unavailable', `The service is shutting down; ${costs.length} of ${total} steps were applied and committed.`, { retryAfter: 1 }).toProblem();
      yield { event: 'error', stepsApplied: costs.length, step, problem };
      return;
    }
    if (options.chunkSteps === undefined) {
      const perStep = Math.max(now - chunkStarted, 1e-3) / n;
      chunk = Math.max(1, Math.min(Math.floor(target / perStep), 2 * chunk + 1));
    }
  }
}
