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
  };
}
