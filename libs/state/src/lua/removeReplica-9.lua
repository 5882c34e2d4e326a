-- Remove a replica record for good (it stopped, was never bound, or its node was lost); frees its node's room.
-- KEYS[1] replica hash  KEYS[2] replicas set  KEYS[3] deployment-replicas set  KEYS[4] pending set
-- KEYS[5] endpoints-index hash  KEYS[6] events  KEYS[7] deployment hash  KEYS[8] revisions hash
-- KEYS[9] change stamps (_stamp)
-- ARGV[1] replica id  ARGV[2] expected gen (-1 = any)  ARGV[3] node-replicas key prefix ("p:node-reps:")  ARGV[4] reason  ARGV[5] now
-- Returns {ok}; emits Removed. The last replica of a deleted deployment also takes its revision history along.
local rcall = redis.call
--@include _event
--@include _stamp
local r = rcall('HMGET', KEYS[1], 'gen', 'node', 'deployment', 'ready')
if not r[1] then return cjson.encode({ ok = true, gone = true }) end
if tonumber(ARGV[2]) >= 0 and tonumber(r[1]) ~= tonumber(ARGV[2]) then return fail('CONFLICT', 'replica changed') end
rcall('DEL', KEYS[1])
rcall('SREM', KEYS[2], ARGV[1])
rcall('SREM', KEYS[3], ARGV[1])
rcall('SREM', KEYS[4], ARGV[1])
if r[2] ~= '' then rcall('SREM', ARGV[3] .. r[2], ARGV[1]) end
if r[4] == '1' then rcall('HINCRBY', KEYS[5], r[3], 1) end
if rcall('EXISTS', KEYS[7]) == 0 and rcall('SCARD', KEYS[3]) == 0 then
  -- nothing of the deployment is left to reconcile: its history and its stamp go too
  rcall('DEL', KEYS[8])
  rcall('HDEL', KEYS[9], r[3])
else
  stamp(KEYS[9], r[3])
end
emit(KEYS[6], 'replica', ARGV[1], 'Removed', ARGV[4], ARGV[5])
return cjson.encode({ ok = true })
