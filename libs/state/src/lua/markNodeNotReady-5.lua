-- Mark a node NotReady when its last heartbeat is older than the cutoff, and take its replicas out of the
-- endpoints at once (they may still run, but nobody can vouch for them).
-- KEYS[1] node hash  KEYS[2] node-replicas set  KEYS[3] endpoints-index hash  KEYS[4] events  KEYS[5] change stamps (_stamp)
-- ARGV[1] node id  ARGV[2] cutoff (ms; heartbeat older than this = silent)  ARGV[3] now  ARGV[4] replica key prefix
-- Returns {ok, changed}; emits NodeNotReady.
local rcall = redis.call
--@include _event
--@include _stamp
local n = rcall('HMGET', KEYS[1], 'status', 'lastHeartbeat', 'gen')
if not n[3] then return fail('NOT_FOUND', 'node ' .. ARGV[1] .. ' does not exist') end
if n[1] ~= 'Ready' or tonumber(n[2]) >= tonumber(ARGV[2]) then return cjson.encode({ ok = true, changed = false }) end
rcall('HSET', KEYS[1], 'status', 'NotReady', 'notReadySince', ARGV[3], 'gen', tonumber(n[3]) + 1)
stampNode(KEYS[5], KEYS[2], ARGV[4])
for _, id in ipairs(rcall('SMEMBERS', KEYS[2])) do
  local r = rcall('HMGET', ARGV[4] .. id, 'ready', 'deployment')
  if r[1] == '1' then
    rcall('HSET', ARGV[4] .. id, 'ready', 0, 'updatedAt', ARGV[3])
    rcall('HINCRBY', KEYS[3], r[2], 1)
  end
end
emit(KEYS[4], 'node', ARGV[1], 'NodeNotReady', 'no heartbeat since ' .. n[2], ARGV[3])
return cjson.encode({ ok = true, changed = true })
