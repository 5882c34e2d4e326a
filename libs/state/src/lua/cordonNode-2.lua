-- Cordon, uncordon or drain a node. Cordoned nodes get no new replicas; draining ones also have their replicas
-- replaced elsewhere by the controller (replacement ready first, then the old copy stops).
-- KEYS[1] node hash  KEYS[2] events
-- ARGV[1] node id  ARGV[2] mode: cordon | uncordon | drain  ARGV[3] now
-- Returns {ok}; emits NodeCordoned / NodeUncordoned / NodeDraining.
local rcall = redis.call
--@include _event
if rcall('EXISTS', KEYS[1]) == 0 then return fail('NOT_FOUND', 'node ' .. ARGV[1] .. ' does not exist') end
local cordoned, draining, reason = 1, 0, 'NodeCordoned'
if ARGV[2] == 'uncordon' then cordoned, reason = 0, 'NodeUncordoned'
elseif ARGV[2] == 'drain' then draining, reason = 1, 'NodeDraining'
elseif ARGV[2] ~= 'cordon' then return fail('VALIDATION_FAILED', 'unknown mode ' .. ARGV[2]) end
rcall('HSET', KEYS[1], 'cordoned', cordoned, 'draining', draining)
emit(KEYS[2], 'node', ARGV[1], reason, '', ARGV[3])
return cjson.encode({ ok = true })
