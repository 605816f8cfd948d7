// The Lua scripts of the Redis store: each read-modify-write runs atomically inside Redis.
// KEYS[1] is the session hash { v: version, d: data }; KEYS[2] an idempotency hash
// { state, fp, token, resp }. Both carry the session's {id} hash tag: one slot, Cluster-safe.
// The index of live sessions (MAX_SESSIONS, sessions_held) is a sorted set of its own, {index}
// its hash tag, with each session's expiry as its score: RESERVE, TOUCH and COUNT use it (and a
// delete removes the id from it), never in the same script as a session's keys.

/** Shared prologue: a completed idempotency key wins over the write (ARGV[1] = '1' when given). */
const replayIfDone = `
if ARGV[1] == '1' and redis.call('HGET', KEYS[2], 'state') == 'done' then
  return {'replay', redis.call('HGET', KEYS[2], 'resp')}
end`;

const writeKey = (fp: number, resp: number, ttl: number) => `
if ARGV[1] == '1' then
  redis.call('DEL', KEYS[2])
  redis.call('HSET', KEYS[2], 'state', 'done', 'fp', ARGV[${fp}], 'resp', ARGV[${resp}])
  redis.call('PEXPIRE', KEYS[2], ARGV[${ttl}])
end`;

/** What a create answers before the limit: a completed key replays, a taken id is taken. */
const createChecks = `${replayIfDone}
if redis.call('EXISTS', KEYS[1]) == 1 then return {'exists'} end`;

/** ARGV: hasKey, data, ttlMs, fingerprint, response, keyTtlMs. */
export const CREATE = `${createChecks}
redis.call('HSET', KEYS[1], 'v', '1', 'd', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
${writeKey(4, 5, 6)}
return {'committed', '1'}`;

/** ARGV: hasKey, expectedVersion, data, ttlMs, fingerprint, response, keyTtlMs. */
export const UPDATE = `${replayIfDone}
local v = redis.call('HGET', KEYS[1], 'v')
if not v then return {'missing'} end
if v ~= ARGV[2] then return {'conflict'} end
local next = tostring(tonumber(v) + 1)
redis.call('HSET', KEYS[1], 'v', next, 'd', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
${writeKey(5, 6, 7)}
return {'committed', next}`;

/** A create the index refused (RESERVE): the same answer as a create, but 'full' instead of a write. ARGV: hasKey. */
export const REFUSE_FULL = `${createChecks}
return {'full'}`;

/** Milliseconds on Redis's clock: one clock for every replica. */
const nowMs = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)`;

/** The index (KEYS[1]) with the expired sessions dropped: what is left is live. */
const liveIndex = `${nowMs}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)`;

/**
 * KEYS[1] = the index. ARGV: id, ttlMs, maxSessions. Drops the expired, then counts the id in:
 * 1 when added, 0 when it was counted already, -1 when the index is full.
 */
export const RESERVE = `${liveIndex}
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return -1 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
return 1`;

/** KEYS[1] = the index. The live sessions. */
export const COUNT = `${liveIndex}
return redis.call('ZCARD', KEYS[1])`;

/** KEYS[1] = the index. ARGV: id, ttlMs. A session's new expiry, after a write renewed it. */
export const TOUCH = `${nowMs}
redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1])
return 0`;

/** KEYS[1] = the idempotency hash. ARGV: fingerprint, token, leaseMs. Nil when claimed. */
export const CLAIM = `
local e = redis.call('HMGET', KEYS[1], 'state', 'fp', 'resp')
if e[1] then return e end
redis.call('HSET', KEYS[1], 'state', 'running', 'fp', ARGV[1], 'token', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return nil`;

/** KEYS[1] = the idempotency hash. ARGV: token. */
export const RELEASE = `
if redis.call('HGET', KEYS[1], 'state') == 'running' and redis.call('HGET', KEYS[1], 'token') == ARGV[1] then
  redis.call('DEL', KEYS[1])
end
return 0`;
