// One table of every error the service reports: its HTTP status, JSON-RPC code and title.
// REST renders it as application/problem+json (RFC 9457), JSON-RPC as an error object.

export const PROBLEM_BASE = 'https://gradient-service.dev/problems/';

export const ERRORS = {
  'malformed-json': { status: 400, rpc: -32700, title: 'Malformed JSON' },
  'invalid-request': { status: 400, rpc: -32602, title: 'The request does not match the schema' },
  'shape-mismatch': { status: 422, rpc: -32602, title: 'Shapes do not agree' },
  'non-finite-result': { status: 422, rpc: -32602, title: 'A result is not a finite number' },
  'idempotency-key-reused': { status: 422, rpc: -32009, title: 'Idempotency-Key reused with a different request' },
  'payload-too-large': { status: 413, rpc: -32013, title: 'Request body too large' },
  'limit-exceeded': { status: 413, rpc: -32013, title: 'A configured limit is exceeded' },
  'unsupported-media-type': { status: 415, rpc: -32600, title: 'Unsupported media type' },
  'not-found': { status: 404, rpc: -32601, title: 'Not found' },
  'session-not-found': { status: 404, rpc: -32004, title: 'Session not found' },
  'conflict': { status: 409, rpc: -32009, title: 'Conflict' },
  'precondition-failed': { status: 412, rpc: -32009, title: 'Precondition failed' },
  'unauthorized': { status: 401, rpc: -32001, title: 'Unauthorized' },
  'rate-limited': { status: 429, rpc: -32013, title: 'Too many requests' },
  'service-unavailable': { status: 503, rpc: -32003, title: 'Service unavailable' },
  'internal': { status: 500, rpc: -32603, title: 'Internal error' },
} as const satisfies Record<string, { status: number; rpc: number; title: string }>;

export type ErrorCode = keyof typeof ERRORS;

export interface FieldError { path: string; message: string }

/** A key as one reference token of a JSON Pointer (RFC 6901: ~ and / escaped). */
export function pointerToken(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

/** Errors are capped in a response: a million ragged rows must not make a million-line reply. */
export const MAX_LISTED_ERRORS = 100;

export class ServiceError extends Error {
  readonly code: ErrorCode;
  readonly errors?: FieldError[];
  readonly extensions: Record<string, unknown>;
  /** Seconds, for 429 and 503. */
  readonly retryAfter?: number;

  constructor(code: ErrorCode, detail: string, options: { errors?: FieldError[]; retryAfter?: number; extensions?: Record<string, unknown> } = {}) {
    super(detail);
    this.name = 'ServiceError';
    this.code = code;
    this.errors = options.errors?.slice(0, MAX_LISTED_ERRORS);
    this.retryAfter = options.retryAfter;
    this.extensions = { ...options.extensions };
    if (options.errors && options.errors.length > MAX_LISTED_ERRORS) this.extensions.errorCount = options.errors.length;
  }

  get status(): number {
    return ERRORS[this.code].status;
  }

  toProblem(): Problem {
    const entry = ERRORS[this.code];
    return {
      type: PROBLEM_BASE + this.code,
      title: entry.title,
      status: entry.status,
      detail: this.message,
      ...(this.errors ? { errors: this.errors } : {}),
      ...this.extensions,
    };
  }
}

export function isServiceError(error: unknown): error is ServiceError {
  return error instanceof ServiceError;
}
