// Configuration from environment variables, with safe defaults. Pure: server.ts passes process.env.

export interface Limits {
  /** Request body, bytes. */
  maxBodyBytes: number;
  maxLayers: number;
  /** Neurons in any layer, the input included. */
  maxWidth: number;
  maxParameters: number;
  maxExamples: number;
  maxStepsPerRequest: number;
  maxSessions: number;
  maxRpcBatch: number;
  /** parameters × examples × steps of one request: a bound on its multiply-adds (÷ ~6). */
  maxWorkUnits: number;
}

export interface Config {
  port: number;
  host: string;
  logLevel: string;
  store: 'memory' | 'redis';
  redisUrl: string;
  apiKeys: string[];
  /** Shown in X-Served-By; defaults to the hostname. */
  replicaName?: string;
  sessionTtlSeconds: number;
  maxSessionTtlSeconds: number;
  limits: Limits;
  compute: ComputeConfig;
  /** Per API key (per client IP when open); max 0 = off. */
  rateLimit: { max: number; windowMs: number };
  overload: OverloadLimits;
  /** Fastify's requestTimeout (whole request received) and handlerTimeout (response sent), ms; 0 = none. */
  requestTimeoutMs: number;
  handlerTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** After SIGTERM/SIGINT: in-flight requests get this long before the process exits 1. */
  shutdownGraceMs: number;
  /** After SIGTERM/SIGINT: keep listening (answering 503) this long before closing; 0 = close at once. */
  shutdownDelayMs: number;
}

/** @fastify/under-pressure thresholds; 0 = that check is off; maxHeapUsedBytes undefined = 90 % of V8's heap limit. */
export interface OverloadLimits {
  maxEventLoopDelayMs: number;
  maxEventLoopUtilization: number;
  maxHeapUsedBytes?: number;
  maxRssBytes: number;
  sampleIntervalMs: number;
  retryAfterSeconds: number;
  /** Event-loop delay is not held against requests this long after start: loading the code lags the loop once. */
  startupGraceMs: number;
}

/** The worker-thread pool (src/compute/pool.ts). */
export interface ComputeConfig {
  /** Worker threads; 0 = one per CPU this process may use. */
  threads: number;
  /** Requests whose work (parameters × examples × steps) is at most this run on the event loop. */
  inlineMaxWork: number;
  /** A computation in a worker is stopped after this long (503). */
  timeoutMs: number;
  /** JSON request bodies of at least this many bytes are parsed in a worker (0 = never). */
  parseInWorkerBytes: number;
  /** The dense-product kernel (src/core/dense-kernel.ts): same bits either way; 'wasm' falls back to 'js' when not built. */
  kernel: 'js' | 'wasm';
}

export const DEFAULT_LIMITS: Limits = {
  maxBodyBytes: 16 * 1024 * 1024,
  maxLayers: 64,
  maxWidth: 4096,
  maxParameters: 4_000_000,
  maxExamples: 10_000,
  maxStepsPerRequest: 100_000,
  maxSessions: 1_000,
  maxRpcBatch: 100,
  maxWorkUnits: 20_000_000_000,
};

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min = 1): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min}, got ${JSON.stringify(raw)}`);
  return value;
}

function fraction(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 1) throw new Error(`${name} must be a number in [0, 1], got ${JSON.stringify(raw)}`);
  return value;
}

function kernelName(raw: string | undefined): 'js' | 'wasm' {
  if (raw === undefined || raw === '' || raw === 'wasm') return 'wasm';
  if (raw === 'js') return 'js';
  throw new Error(`KERNEL must be js or wasm, got ${JSON.stringify(raw)}`);
}

export function loadConfig(env: Env = {}, readFile?: (path: string) => string): Config {
  const store = env.STORE ?? 'memory';
  if (store !== 'memory' && store !== 'redis') throw new Error(`STORE must be memory or redis, got ${JSON.stringify(store)}`);
  const keyText = [env.API_KEYS ?? '', env.API_KEYS_FILE && readFile ? readFile(env.API_KEYS_FILE) : ''].join(',');
  const apiKeys = keyText.split(/[,\n]/).map((k) => k.trim()).filter((k) => k.length > 0);
  const d = DEFAULT_LIMITS;
  const maxSessionTtlSeconds = integer(env, 'SESSION_TTL_MAX_SECONDS', 7 * 24 * 3600);
  return {
    port: integer(env, 'PORT', 3000, 0),
    host: env.HOST ?? 'localhost',
    logLevel: env.LOG_LEVEL ?? 'info',
    store,
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    apiKeys,
    replicaName: env.REPLICA_NAME || undefined,
    sessionTtlSeconds: Math.min(integer(env, 'SESSION_TTL_SECONDS', 3600), maxSessionTtlSeconds),
    maxSessionTtlSeconds,
    limits: {
      maxBodyBytes: integer(env, 'MAX_BODY_BYTES', d.maxBodyBytes),
      maxLayers: integer(env, 'MAX_LAYERS', d.maxLayers),
      maxWidth: integer(env, 'MAX_WIDTH', d.maxWidth),
      maxParameters: integer(env, 'MAX_PARAMETERS', d.maxParameters),
      maxExamples: integer(env, 'MAX_EXAMPLES', d.maxExamples),
      maxStepsPerRequest: integer(env, 'MAX_STEPS_PER_REQUEST', d.maxStepsPerRequest),
      maxSessions: integer(env, 'MAX_SESSIONS', d.maxSessions),
      maxRpcBatch: integer(env, 'MAX_RPC_BATCH', d.maxRpcBatch),
      maxWorkUnits: integer(env, 'MAX_WORK_UNITS', d.maxWorkUnits),
    },
    rateLimit: { max: integer(env, 'RATE_LIMIT_MAX', 0, 0), windowMs: integer(env, 'RATE_LIMIT_WINDOW_MS', 60_000) },
    overload: {
      maxEventLoopDelayMs: integer(env, 'OVERLOAD_MAX_EVENT_LOOP_DELAY_MS', 1000, 0),
      maxEventLoopUtilization: fraction(env, 'OVERLOAD_MAX_EVENT_LOOP_UTILIZATION', 0),
      maxHeapUsedBytes: env.OVERLOAD_MAX_HEAP_USED_BYTES ? integer(env, 'OVERLOAD_MAX_HEAP_USED_BYTES', 0, 0) : undefined,
      maxRssBytes: integer(env, 'OVERLOAD_MAX_RSS_BYTES', 0, 0),
      sampleIntervalMs: integer(env, 'OVERLOAD_SAMPLE_INTERVAL_MS', 1000),
      retryAfterSeconds: integer(env, 'OVERLOAD_RETRY_AFTER_SECONDS', 10),
      startupGraceMs: integer(env, 'OVERLOAD_STARTUP_GRACE_MS', 10_000, 0),
    },
    requestTimeoutMs: integer(env, 'REQUEST_TIMEOUT_MS', 30_000, 0),
    handlerTimeoutMs: integer(env, 'HANDLER_TIMEOUT_MS', 60_000, 0),
    keepAliveTimeoutMs: integer(env, 'KEEP_ALIVE_TIMEOUT_MS', 72_000),
    shutdownGraceMs: integer(env, 'SHUTDOWN_GRACE_MS', 10_000),
    shutdownDelayMs: integer(env, 'SHUTDOWN_DELAY_MS', 0, 0),
    compute: {
      threads: integer(env, 'COMPUTE_THREADS', 0, 0),
      inlineMaxWork: integer(env, 'COMPUTE_INLINE_MAX_WORK', 200_000, 0),
      timeoutMs: integer(env, 'COMPUTE_TIMEOUT_MS', 60_000),
      parseInWorkerBytes: integer(env, 'COMPUTE_PARSE_MIN_BYTES', 1024 * 1024, 0),
      kernel: kernelName(env.KERNEL),
    },
  };
}
