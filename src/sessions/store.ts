// THE session store interface: opaque session documents with a version, compare-and-set
// writes, and idempotency records committed in the same atomic write as the session.
// Two implementations: memory-store.ts (one process) and redis-store.ts (any number of replicas).

export interface StoredSession {
  /** Incremented by every committed write; the ETag is made from it. */
  version: number;
  /** The encoded session (codec.ts); the store never looks inside. */
  data: string;
}

/** An idempotency record: claimed while its request runs, done with the response to replay. */
export interface IdempotencyEntry {
  state: 'running' | 'done';
  /** Hash of the request the key was first used with. */
  fingerprint: string;
  /** The encoded first response (state done). */
  response?: string;
}

/** Written with the session, atomically: the key's request is done and this is its response. */
export interface IdempotencyCommit {
  key: string;
  fingerprint: string;
  response: string;
  ttlMs: number;
}

export type CommitOutcome =
  | { status: 'committed'; version: number }
  /** The session is at another version than the one read (update only). */
  | { status: 'conflict' }
  /** The session does not exist (deleted or expired): nothing is written, nothing resurrected. */
  | { status: 'missing' }
  /** The id is taken (create only). */
  | { status: 'exists' }
  /** The store holds its maximum number of sessions (create only). */
  | { status: 'full' }
  /** The idempotency key was completed meanwhile: nothing is written, here is its response. */
  | { status: 'replay'; response: string };

export interface SessionStore {
  readonly kind: 'memory' | 'redis';
  /** The session, or undefined when it does not exist or has expired. */
  get(id: string): Promise<StoredSession | undefined>;
  /** Writes a new session at version 1 unless the id is taken. */
  create(id: string, data: string, ttlMs: number, idempotency?: IdempotencyCommit): Promise<CommitOutcome>;
  /** Compare-and-set: writes version expected + 1 only if the session is at `expected`. */
  update(id: string, expected: number, data: string, ttlMs: number, idempotency?: IdempotencyCommit): Promise<CommitOutcome>;
  /** True when a session was deleted. */
  delete(id: string): Promise<boolean>;
  /** The live sessions, every replica's (what MAX_SESSIONS bounds). */
  count(): Promise<number>;
  /**
   * Claims an idempotency key (stored next to session `id`) for a request with this fingerprint,
   * for leaseMs. Returns undefined when claimed, else the existing entry (running or done).
   */
  claim(id: string, key: string, fingerprint: string, token: string, leaseMs: number): Promise<IdempotencyEntry | undefined>;
  /** Drops a claim this token holds (the request failed: a retry may run it again). */
  release(id: string, key: string, token: string): Promise<void>;
  /** Resolves when the store answers; rejects with service-unavailable otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
