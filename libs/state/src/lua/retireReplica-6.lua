-- Retire a replica: desired becomes stop and it leaves the endpoints at once; the worker drains and stops it.
-- KEYS[1] replica hash  KEYS[2] pending set  KEYS[3] endpoints-index hash  KEYS[4] events  KEYS[5] deployment hash
-- KEYS[6] change stamps (_stamp)
-- ARGV[1] replica id  ARGV[2] expected gen (-1 = any)  ARGV[3] reason  ARGV[4] now
-- ARGV[5] generation of the deployment the plan was made from (-1 = unchecked, e.g. the deployment was deleted)
-- Returns {ok, gen}; CONFLICT when the replica or the deployment moved. Emits Retired.
local rcall = redis.call
--@include _event
--@include _planned
--@include _stamp
local stale = stalePlan(KEYS[5], ARGV[5])
if stale then return stale end
local r = rcall('HMGET', KEYS[1], 'gen', 'desired', 'deployment', 'ready')
if not r[1] then return fail('NOT_FOUND', 'replica ' .. ARGV[1] .. ' does not exist') end
if tonumber(ARGV[2]) >= 0 and tonumber(r[1]) ~= tonumber(ARGV[2]) then return fail('CONFLICT', 'replica changed') end
if r[2] == 'stop' then return cjson.encode({ ok = true, gen = tonumber(r[1]) }) end
local gen = tonumber(r[1]) + 1
rcall('HSET', KEYS[1], 'desired', 'stop', 'ready', 0, 'gen', gen, 'updatedAt', ARGV[4], 'reason', ARGV[3])
rcall('SREM', KEYS[2], ARGV[1])
stamp(KEYS[6], r[3])
if r[4] == '1' then rcall('HINCRBY', KEYS[3], r[3], 1) end
emit(KEYS[4], 'replica', ARGV[1], 'Retired', ARGV[3], ARGV[4])
return cjson.encode({ ok = true, gen = gen })
