-- Cordon or uncordon a node (a cordoned node gets no new replicas).
-- KEYS[1] node hash  KEYS[2] events
-- ARGV[1] node id  ARGV[2] 1 = cordon, 0 = uncordon  ARGV[3] now
-- Returns {ok}; emits NodeCordoned / NodeUncordoned.
local rcall = redis.call
--@include _event
if rcall('EXISTS', KEYS[1]) == 0 then return fail('NOT_FOUND', 'node ' .. ARGV[1] .. ' does not exist') end
rcall('HSET', KEYS[1], 'cordoned', ARGV[2])
local reason = 'NodeUncordoned'
if ARGV[2] == '1' then reason = 'NodeCordoned' end
emit(KEYS[2], 'node', ARGV[1], reason, '', ARGV[3])
return cjson.encode({ ok = true })
