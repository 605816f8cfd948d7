// Idempotency-Key (IETF httpapi-idempotency-key draft): a key, scoped to the caller, names one
// request; its first response is replayed to every retry with the same body.
import { createHash } from 'node:crypto';
import { ServiceError } from '../errors.js';
import type { IdempotencyCommit, SessionStore } from './store.js';

/** Keys are kept at least this long (API.md §4: ≥ 24 h). */
export const KEY_TTL_MS = 24 * 3600 * 1000;
/** A claim lapses after this, so a retry after a crash is not refused for long. */
export const CLAIM_LEASE_MS = 30_000;

const KEY_SYNTAX = /^[\x21-\x7e]{1,255}$/;

export interface StoredResponse {
  status: number;
  body: unknown;
  etag?: string;
  location?: string;
}

export interface Replayable extends StoredResponse { replayed: boolean }

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** JSON with object keys sorted: the same body in another key order is the same request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

export const fingerprintOf = (operation: string, params: unknown) => sha256(`${operation}\u0000${canonicalJson(params)}`);

/** The key as stored: a hash of (principal, key), so keys of different callers never meet. */
export function scopedKey(principal: string, key: string): string {
  if (!KEY_SYNTAX.test(key)) {
    throw new ServiceError('invalid-request', 'Idempotency-Key must be 1–255 visible ASCII characters.', {
      errors: [{ path: '/headers/idempotency-key', message: 'must be 1–255 visible ASCII characters' }],
    });
  }
  return sha256(`${principal}\u0000${key}`);
}

/**
 * The id of a session created with an idempotency key: derived from the key, so that the key's
 * record lives next to the session (one hash slot) and commits in the same script.
 */
export function sessionIdForKey(scoped: string): string {
  return Buffer.from(sha256(`create\u0000${scoped}`), 'hex').toString('base64url').slice(0, 22);
}

export const encodeResponse = (r: StoredResponse) => JSON.stringify(r);
export const decodeResponse = (text: string): Replayable => ({ ...(JSON.parse(text) as StoredResponse), replayed: true });

export type Execute = (commit?: Omit<IdempotencyCommit, 'response'>) => Promise<Replayable>;

/**
 * Runs `execute` once per key: a done key replays (422 if the body differs), a running key is
 * 409. `execute` commits the key's response in the same atomic write as the session.
 */
export async function runOnce(
  store: SessionStore, sessionId: string, scoped: string | undefined, fingerprint: string, execute: Execute,
): Promise<Replayable> {
  if (scoped === undefined) return execute();
  const token = `${process.pid}-${Math.random().toString(36).slice(2)}-${Date.now()}`;
  const existing = await store.claim(sessionId, scoped, fingerprint, token, CLAIM_LEASE_MS);
  if (existing) {
    if (existing.fingerprint !== fingerprint) {
      throw new ServiceError('idempotency-key-reused', 'This Idempotency-Key was used with a different request.', {
        errors: [{ path: '/headers/idempotency-key', message: 'already used with a different request' }],
      });
    }
    if (existing.state === 'running') throw new ServiceError('conflict', 'A request with this Idempotency-Key is still running; retry later.', { retryAfter: 1 });
    return decodeResponse(existing.response!);
  }
  try {
    return await execute({ key: scoped, fingerprint, ttlMs: KEY_TTL_MS });
  } catch (err) {
    // Nothing was committed: the key is free again for a retry.
    await store.release(sessionId, scoped, token).catch(() => undefined);
    throw err;
  }
}
