import type { Redis } from 'ioredis';
import { isTerminal, RUN_STATUSES } from '../../tracker/run-status.js';

type Arg = string | number;

/**
 * The Lua scripts of the Redis stores, registered with ioredis `defineCommand` (sent as EVALSHA, re-sent as EVAL when
 * the server lost its script cache, e.g. after a restart). Each script is one atomic step on the server.
 */
export interface RunwireScriptCommands {
  /**
   * Appends one event to a user's log and returns its `seq` (the seq it already got, for a resent append), or 0 when
   * the run's terminal event is already logged (nothing may follow it, from any node). KEYS: seq counter, stream,
   * writers, closed runs. ARGV: event JSON without `seq`, append time (ms), max events, run id, writer id, append
   * number (increasing per writer), channel, publish mode (`s` sharded, `c` classic, `a` sharded if the server has it,
   * empty: none), `1` when the event is the run's terminal event.
   */
  runwireAppend(...args: Arg[]): Promise<number>;
  /**
   * Drops a user's events older than a cutoff and beyond a max length, and the closed-run marks of dropped terminal
   * events; returns how many events. KEYS: stream, writers, closed runs.
   */
  runwirePruneLog(...args: Arg[]): Promise<number>;
  /**
   * Stores a run record unless the stored one is terminal (a terminal record is final, whichever node writes);
   * returns 1 when written, 0 when refused. KEYS: run, user's run index, active runs, node's active runs, ended runs.
   * ARGV: record JSON, index member, run id, `1` when the record is terminal, end time (ms; empty: none).
   */
  runwirePutRun(...args: Arg[]): Promise<number>;
  /** KEYS: lease, leases, fence. ARGV: run id, node id, now, ttl. Returns `[token]`, `[0, 'claimed']` or `[0, 'held', nodeId]`. */
  runwireAcquireLease(...args: Arg[]): Promise<[number, string?, string?]>;
  /** KEYS: leases. ARGV: prefix, node id, now, ttl, run ids… Returns the run ids not renewed. */
  runwireRenewLeases(...args: Arg[]): Promise<string[]>;
  /** KEYS: lease, leases. ARGV: run id, token, prefix. Returns 1 when released. */
  runwireReleaseLease(...args: Arg[]): Promise<number>;
  /** KEYS: lease, leases. ARGV: run id, now, prefix, tombstone ttl. Returns 1 for the one caller that claims. */
  runwireClaimDeadRun(...args: Arg[]): Promise<number>;
  /** KEYS: slots. ARGV: prefix, run id, user id, limit, now. Returns 1 when the run holds a slot. */
  runwireAcquireUserSlot(...args: Arg[]): Promise<number>;
  /** KEYS: slots. ARGV: prefix, now. Returns the number of slots held by live leases. */
  runwireUserSlotCount(...args: Arg[]): Promise<number>;
}

/** A client with the Runwire scripts defined. */
export type ScriptedRedis = Redis & RunwireScriptCommands;

// Seqs and tokens are formatted with %d: Lua 5.1 would print large numbers as 1e+14 with `..`.
// A writer's appends for one user run in the order it sent them (one connection), so an append numbered at most the
// writer's last one is a resend, unless a lost script cache reordered them: only an entry tagged with it proves it.
const APPEND = `
local tag = ARGV[5] .. ':' .. ARGV[6]
local last = redis.call('HGET', KEYS[3], ARGV[5])
if last and tonumber(last) >= tonumber(ARGV[6]) then
  for _, entry in ipairs(redis.call('XREVRANGE', KEYS[2], '+', '-')) do
    local fields = entry[2]
    for i = 1, #fields, 2 do
      if fields[i] == 'w' and fields[i + 1] == tag then
        return tonumber(string.match(entry[1], '^(%d+)'))
      end
    end
  end
end
if redis.call('ZSCORE', KEYS[4], ARGV[4]) then return 0 end
local seq = redis.call('INCR', KEYS[1])
local seqText = string.format('%d', seq)
local json = '{"seq":' .. seqText .. ',' .. string.sub(ARGV[1], 2)
redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[3], seqText .. '-0', 'e', json, 't', ARGV[2], 'r', ARGV[4], 'w', tag)
if ARGV[9] == '1' then redis.call('ZADD', KEYS[4], seq, ARGV[4]) end
if not last or tonumber(last) < tonumber(ARGV[6]) then redis.call('HSET', KEYS[3], ARGV[5], ARGV[6]) end
if ARGV[8] == 's' then
  redis.call('SPUBLISH', ARGV[7], json)
elseif ARGV[8] == 'c' then
  redis.call('PUBLISH', ARGV[7], json)
elseif ARGV[8] == 'a' then
  if not pcall(redis.call, 'SPUBLISH', ARGV[7], json) then redis.call('PUBLISH', ARGV[7], json) end
end
return seq
`;

const PRUNE_LOG = `
local cutoff = tonumber(ARGV[1])
local dropped = redis.call('XTRIM', KEYS[1], 'MAXLEN', ARGV[2])
local keep = nil
local lastOld = nil
local start = '-'
while keep == nil do
  local entries = redis.call('XRANGE', KEYS[1], start, '+', 'COUNT', 200)
  if #entries == 0 then break end
  for _, entry in ipairs(entries) do
    local fields = entry[2]
    local t = nil
    for i = 1, #fields, 2 do
      if fields[i] == 't' then t = tonumber(fields[i + 1]) end
    end
    if t ~= nil and t >= cutoff then
      keep = entry[1]
      break
    end
    lastOld = entry[1]
  end
  if lastOld == nil then break end
  start = '(' .. lastOld
end
if lastOld ~= nil then
  if keep == nil then
    dropped = dropped + redis.call('XLEN', KEYS[1])
    redis.call('DEL', KEYS[1], KEYS[2])
  else
    dropped = dropped + redis.call('XTRIM', KEYS[1], 'MINID', keep)
  end
end
local first = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)[1]
if first then
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. string.match(first[1], '^(%d+)'))
else
  redis.call('DEL', KEYS[3])
end
return dropped
`;

// The stored status is read with cjson (a record's metadata may hold a "status" key of its own); a record that does
// not decode is replaced.
const PUT_RUN = `
local terminal = {${RUN_STATUSES.filter(isTerminal)
  .map((status) => `${status} = true`)
  .join(', ')}}
local cur = redis.call('GET', KEYS[1])
if cur then
  local ok, stored = pcall(cjson.decode, cur)
  if ok and type(stored) == 'table' and terminal[stored.status] then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], 0, ARGV[2])
if ARGV[4] == '1' then
  redis.call('SREM', KEYS[3], ARGV[3])
  redis.call('SREM', KEYS[4], ARGV[3])
else
  redis.call('SADD', KEYS[3], ARGV[3])
  redis.call('SADD', KEYS[4], ARGV[3])
end
if ARGV[5] == '' then
  redis.call('ZREM', KEYS[5], ARGV[3])
else
  redis.call('ZADD', KEYS[5], ARGV[5], ARGV[3])
end
return 1
`;

const ACQUIRE_LEASE = `
local cur = redis.call('HMGET', KEYS[1], 'node', 'exp', 'claimed')
if cur[3] then return {0, 'claimed'} end
if cur[1] and cur[1] ~= ARGV[2] and tonumber(cur[2]) > tonumber(ARGV[3]) then return {0, 'held', cur[1]} end
local token = redis.call('INCR', KEYS[3])
local exp = tonumber(ARGV[3]) + tonumber(ARGV[4])
redis.call('HSET', KEYS[1], 'node', ARGV[2], 'token', string.format('%d', token), 'exp', string.format('%d', exp))
redis.call('ZADD', KEYS[2], exp, ARGV[1])
return {token}
`;

const RENEW_LEASES = `
local lost = {}
local exp = tonumber(ARGV[3]) + tonumber(ARGV[4])
for i = 5, #ARGV do
  local key = ARGV[1] .. 'lease:' .. ARGV[i]
  local cur = redis.call('HMGET', key, 'node', 'claimed')
  if cur[1] == ARGV[2] and not cur[2] then
    redis.call('HSET', key, 'exp', string.format('%d', exp))
    redis.call('ZADD', KEYS[1], exp, ARGV[i])
  else
    lost[#lost + 1] = ARGV[i]
  end
end
return lost
`;

const RELEASE_LEASE = `
local cur = redis.call('HMGET', KEYS[1], 'token', 'user', 'claimed')
if cur[1] ~= ARGV[2] or cur[3] then return 0 end
if cur[2] then redis.call('SREM', ARGV[3] .. 'u:{' .. cur[2] .. '}:slots', ARGV[1]) end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
`;

const CLAIM_DEAD_RUN = `
local cur = redis.call('HMGET', KEYS[1], 'exp', 'claimed', 'user')
if not cur[1] or cur[2] then return 0 end
if tonumber(cur[1]) > tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'claimed', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('ZREM', KEYS[2], ARGV[1])
if cur[3] then redis.call('SREM', ARGV[3] .. 'u:{' .. cur[3] .. '}:slots', ARGV[1]) end
return 1
`;

// A slot counts while its run's lease is live; slots of expired, claimed or released leases are dropped here.
const LIVE_SLOTS = `
local function live(prefix, runId, now)
  local c = redis.call('HMGET', prefix .. 'lease:' .. runId, 'exp', 'claimed')
  return c[1] and not c[2] and tonumber(c[1]) > now
end
`;

const ACQUIRE_USER_SLOT = `${LIVE_SLOTS}
local now = tonumber(ARGV[5])
if not live(ARGV[1], ARGV[2], now) then return 0 end
if redis.call('SISMEMBER', KEYS[1], ARGV[2]) == 1 then return 1 end
local count = 0
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if live(ARGV[1], id, now) then count = count + 1 else redis.call('SREM', KEYS[1], id) end
end
if count >= tonumber(ARGV[4]) then return 0 end
redis.call('SADD', KEYS[1], ARGV[2])
redis.call('HSET', ARGV[1] .. 'lease:' .. ARGV[2], 'user', ARGV[3])
return 1
`;

const USER_SLOT_COUNT = `${LIVE_SLOTS}
local now = tonumber(ARGV[2])
local count = 0
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if live(ARGV[1], id, now) then count = count + 1 end
end
return count
`;

const SCRIPTS: ReadonlyArray<[keyof RunwireScriptCommands, number, string]> = [
  ['runwireAppend', 4, APPEND],
  ['runwirePruneLog', 3, PRUNE_LOG],
  ['runwirePutRun', 5, PUT_RUN],
  ['runwireAcquireLease', 3, ACQUIRE_LEASE],
  ['runwireRenewLeases', 1, RENEW_LEASES],
  ['runwireReleaseLease', 2, RELEASE_LEASE],
  ['runwireClaimDeadRun', 2, CLAIM_DEAD_RUN],
  ['runwireAcquireUserSlot', 1, ACQUIRE_USER_SLOT],
  ['runwireUserSlotCount', 1, USER_SLOT_COUNT],
];

/** Defines the Runwire scripts on a client (idempotent) and returns it typed with them. */
export function withRunwireScripts(redis: Redis): ScriptedRedis {
  for (const [name, numberOfKeys, lua] of SCRIPTS) {
    if (!(name in redis)) redis.defineCommand(name, { numberOfKeys, lua });
  }
  return redis as ScriptedRedis;
}
