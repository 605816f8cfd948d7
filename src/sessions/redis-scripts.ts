// The Lua scripts of the Redis store: each read-modify-write runs atomically inside Redis.
// KEYS[1] is the session hash { v: version, d: data }; KEYS[2] an idempotency hash
// { state, fp, token, resp }. Both carry the session's {id} hash tag: one slot, Cluster-safe.

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

/** ARGV: hasKey, data, ttlMs, fingerprint, response, keyTtlMs. */
export const CREATE = `${replayIfDone}
if redis.call('EXISTS', KEYS[1]) == 1 then return {'exists'} end
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
