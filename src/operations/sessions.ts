// Sessions (API.md §4): gradient descent held server-side. Each write reads the session,
// computes, and commits with one compare-and-set against the version it read; a conflict
// (another replica committed first) re-reads and recomputes. Within one replica a per-session
// queue runs requests one after another.
import { randomBytes } from 'node:crypto';
import {
  CreateSessionRequest, EvaluateBody, EvaluateRequest, EvaluateResponse, NoContent, SessionIdParams, SessionView,
  StepBody, StepRequest, StepResponse,
} from '../../schemas/sessions.js';
import { computeGradient, resolveInclude } from '../compute/gradient.js';
import { checkWorkBudget, prepareExamples } from '../compute/prepare.js';
import { fromDenseNetwork } from '../core/network.js';
import { parameterCount } from '../core/parameters.js';
import { ServiceError } from '../errors.js';
import { buildSession } from '../sessions/build.js';
import { decodeSession, encodeSession, type SessionState } from '../sessions/codec.js';
import {
  type Replayable, decodeResponse, encodeResponse, fingerprintOf, runOnce, scopedKey, sessionIdForKey,
} from '../sessions/idempotency.js';
import { KeyedQueue } from '../sessions/keyed-queue.js';
import type { IdempotencyCommit, SessionStore } from '../sessions/store.js';
import { trainSteps } from '../compute/train-steps.js';
import { examplesPerStep } from '../sessions/train.js';
import { COST_HISTORY_LENGTH, etagOf, expiresAtOf, ifMatchAccepts, toView } from '../sessions/view.js';
import { defineOperation, isAborted, type OperationContext } from './operation.js';

const ID_SYNTAX = /^[A-Za-z0-9_-]{1,64}$/;
/** Compare-and-set attempts before a step request gives up with 409. */
const MAX_ATTEMPTS = 50;

const queues = new WeakMap<SessionStore, KeyedQueue>();

function storeOf(ctx: OperationContext): SessionStore {
  const store = ctx.services.sessions;
  if (!store) throw new ServiceError('service-unavailable', 'No session store is configured.', { retryAfter: 1 });
  return store;
}

function queueOf(store: SessionStore): KeyedQueue {
  let queue = queues.get(store);
  if (!queue) queues.set(store, (queue = new KeyedQueue()));
  return queue;
}

const notFound = (id: string) => new ServiceError('session-not-found', `No session ${JSON.stringify(id)} (unknown, expired or deleted).`);

/** The session, if it exists, has not expired and belongs to the caller; 404 otherwise. */
async function readOwned(store: SessionStore, id: string, ctx: OperationContext): Promise<{ version: number; state: SessionState }> {
  if (!ID_SYNTAX.test(id)) throw notFound(id);
  const stored = await store.get(id);
  if (!stored) throw notFound(id);
  const state = decodeSession(stored.data);
  if (state.principal !== ctx.principal || expiresAtOf(state) <= ctx.services.now()) throw notFound(id);
  return { version: stored.version, state };
}

function scopedKeyOf(ctx: OperationContext): string | undefined {
  return ctx.idempotencyKey === undefined ? undefined : scopedKey(ctx.principal, ctx.idempotencyKey);
}

const withResponse = (commit: Omit<IdempotencyCommit, 'response'> | undefined, response: object): IdempotencyCommit | undefined =>
  commit && { ...commit, response: encodeResponse(response as never) };

/** The stored (or fresh) response as the reply: status, ETag, Location, Idempotent-Replayed. */
function respond<T>(ctx: OperationContext, r: Replayable): T {
  ctx.meta.status = r.status;
  if (r.etag) ctx.meta.etag = r.etag;
  if (r.location) ctx.meta.location = r.location;
  if (r.replayed) ctx.meta.replayed = true;
  return r.body as T;
}

export const createSession = defineOperation({
  name: 'sessions.create',
  summary: 'Creates a training session from a network or an architecture with a seeded initialisation.',
  description: 'Exactly one of network / architecture. Idempotency-Key makes a retry return the first response.',
  params: CreateSessionRequest,
  result: SessionView,
  async run(request, ctx) {
    const store = storeOf(ctx);
    const scoped = scopedKeyOf(ctx);
    const id = scoped ? sessionIdForKey(scoped) : randomBytes(16).toString('base64url');
    const result = await runOnce(store, id, scoped, fingerprintOf('sessions.create', request), async (commit) => {
      const state = buildSession(request, id, ctx.principal, ctx.config, ctx.services.now());
      const response = { status: 201, body: toView(state), etag: etagOf(1), location: `/v1/sessions/${id}` };
      const outcome = await store.create(id, encodeSession(state), state.ttlSeconds * 1000, withResponse(commit, response));
      switch (outcome.status) {
        case 'committed': return { ...response, replayed: false };
        case 'replay': return decodeResponse(outcome.response);
        case 'full': throw new ServiceError('limit-exceeded', `The store holds its maximum of sessions; the limit maxSessions is ${ctx.config.limits.maxSessions}. Delete one or wait for one to expire.`, {
          errors: [{ path: '', message: `maxSessions = ${ctx.config.limits.maxSessions} reached` }],
          extensions: { limit: 'maxSessions', max: ctx.config.limits.maxSessions },
        });
        default: throw new ServiceError('conflict', 'A session created with this Idempotency-Key still exists, but the key has expired; use a new key.');
      }
    });
    ctx.log.info({ sessionId: id, replayed: result.replayed }, 'session created');
    return respond(ctx, result);
  },
});

export const getSession = defineOperation({
  name: 'sessions.get',
  summary: 'The session: step, costs so far, current network, settings and expiry.',
  params: SessionIdParams,
  result: SessionView,
  async run({ id }, ctx) {
    const { version, state } = await readOwned(storeOf(ctx), id, ctx);
    ctx.meta.etag = etagOf(version);
    return toView(state);
  },
});

async function stepOnce(
  store: SessionStore, request: StepRequest, steps: number, ctx: OperationContext, commit?: Omit<IdempotencyCommit, 'response'>,
  budgetSteps = steps,
): Promise<Replayable> {
  const { id } = request;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const { version, state } = await readOwned(store, id, ctx);
    if (ctx.ifMatch !== undefined && !ifMatchAccepts(ctx.ifMatch, version)) {
      throw new ServiceError('precondition-failed', `If-Match does not name the session's current version ${etagOf(version)}.`, {
        errors: [{ path: '/headers/if-match', message: `must be ${etagOf(version)} (the current version) or *` }],
        extensions: { etag: etagOf(version) },
      });
    }
    const batch = request.examples ? prepareExamples(state.net, request.examples, ctx.config.limits) : undefined;
    if (!batch && state.examples.count === 0) {
      throw new ServiceError('invalid-request', 'The session keeps no examples; give examples with the request.', {
        errors: [{ path: '/examples', message: 'is required: the session keeps no examples' }],
      });
    }
    checkWorkBudget(parameterCount(state.net), examplesPerStep(state, batch), budgetSteps, ctx.config.limits, '/steps');
    // In the compute pool when the steps are costly (the same bits: the same code on a copy).
    const costs = await trainSteps(state, { steps, learningRate: request.learningRate ?? state.optimizer.learningRate, batch }, ctx);
    if (isAborted(ctx)) throw new ServiceError('conflict', 'The client went away before the steps were committed; nothing was committed.');
    state.updatedAt = ctx.services.now();
    state.costHistory = [...state.costHistory, ...costs].slice(-COST_HISTORY_LENGTH);
    const body = { step: state.step, costs, ...(request.includeNetwork === false ? {} : { network: fromDenseNetwork(state.net) }) };
    const response = { status: 200, body, etag: etagOf(version + 1) };
    const outcome = await store.update(id, version, encodeSession(state), state.ttlSeconds * 1000, withResponse(commit, response));
    switch (outcome.status) {
      case 'committed':
        ctx.log.info({ sessionId: id, step: state.step, cost: costs[costs.length - 1], attempt }, 'session stepped');
        return { ...response, replayed: false };
      case 'replay': return decodeResponse(outcome.response);
      case 'missing': throw notFound(id);
      default: continue; // another replica committed first: re-read, recompute
    }
  }
  throw new ServiceError('conflict', 'The session is being written too often to commit; retry.', { retryAfter: 1 });
}

export function assertStepsAllowed(steps: number, ctx: OperationContext): void {
  const { maxStepsPerRequest } = ctx.config.limits;
  if (steps > maxStepsPerRequest) {
    throw new ServiceError('limit-exceeded', `steps is ${steps}; the limit maxStepsPerRequest is ${maxStepsPerRequest}.`, {
      errors: [{ path: '/steps', message: `${steps} exceeds maxStepsPerRequest = ${maxStepsPerRequest}` }],
      extensions: { limit: 'maxStepsPerRequest', value: steps, max: maxStepsPerRequest },
    });
  }
}

/**
 * The hook of streamed steps (src/progress/step-stream.ts): `steps` steps applied and committed
 * together, queued like any step request, so the session is always at a fully applied step.
 * `budgetSteps` lets the first chunk check the work budget of the whole request.
 */
export async function stepChunk(
  request: StepRequest, steps: number, ctx: OperationContext, budgetSteps = steps,
): Promise<{ body: StepResponse; etag?: string }> {
  const store = storeOf(ctx);
  if (!ID_SYNTAX.test(request.id)) throw notFound(request.id);
  const result = await queueOf(store).run(request.id, () => stepOnce(store, request, steps, ctx, undefined, budgetSteps));
  return { body: result.body as StepResponse, etag: result.etag };
}

/** The session's state, if the caller owns it (404 otherwise): what the pictures draw. */
export async function readSession(id: string, ctx: OperationContext): Promise<{ version: number; state: SessionState }> {
  return readOwned(storeOf(ctx), id, ctx);
}

export const stepSession = defineOperation({
  name: 'sessions.step',
  summary: 'Applies gradient-descent steps (full batch, or mini-batches of the kept set) and returns the cost before each.',
  description: 'One step: ∇C on the batch, then W ← W − η∇W, b ← b − η∇b (with momentum v ← μv − η∇, θ ← θ + v). '
    + 'All the steps of a request commit together or not at all. If-Match → 412 on another version.',
  params: StepRequest,
  body: StepBody,
  result: StepResponse,
  async run(request, ctx) {
    const store = storeOf(ctx);
    const steps = request.steps ?? 1;
    assertStepsAllowed(steps, ctx);
    if (!ID_SYNTAX.test(request.id)) throw notFound(request.id);
    const result = await runOnce(store, request.id, scopedKeyOf(ctx), fingerprintOf('sessions.step', request),
      (commit) => queueOf(store).run(request.id, () => stepOnce(store, request, steps, ctx, commit)));
    if (!result.replayed) ctx.services.metrics?.stepsApplied.inc(steps);
    return respond(ctx, result);
  },
});

export const evaluateSession = defineOperation({
  name: 'sessions.evaluate',
  summary: 'The /v1/gradient response at the session\'s current parameters (no step).',
  params: EvaluateRequest,
  body: EvaluateBody,
  result: EvaluateResponse,
  async run(request, ctx) {
    const { version, state } = await readOwned(storeOf(ctx), request.id, ctx);
    const batch = request.examples ? prepareExamples(state.net, request.examples, ctx.config.limits) : state.examples;
    if (batch.count === 0) {
      throw new ServiceError('invalid-request', 'The session keeps no examples; give examples with the request.', {
        errors: [{ path: '/examples', message: 'is required: the session keeps no examples' }],
      });
    }
    checkWorkBudget(parameterCount(state.net), batch.count, 1, ctx.config.limits, '/examples');
    ctx.meta.etag = etagOf(version);
    return computeGradient(state.net, batch, { cost: state.cost, reduction: state.reduction }, resolveInclude(request.include));
  },
});

export const deleteSession = defineOperation({
  name: 'sessions.delete',
  summary: 'Deletes the session; steps still running on it fail with 404 and commit nothing.',
  params: SessionIdParams,
  result: NoContent,
  async run({ id }, ctx) {
    const store = storeOf(ctx);
    await readOwned(store, id, ctx);
    if (!(await store.delete(id))) throw notFound(id);
    ctx.meta.status = 204;
    ctx.log.info({ sessionId: id }, 'session deleted');
    return null; // REST: 204 without a body; JSON-RPC: "result": null
  },
});

export const sessionOperations = [createSession, getSession, stepSession, evaluateSession, deleteSession];
