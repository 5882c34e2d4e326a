-- Cordon, uncordon or drain a node. Cordoned nodes get no new replicas; draining ones also have their replicas
-- replaced elsewhere by the controller (replacement ready first, then the old copy stops).
-- KEYS[1] node hash  KEYS[2] events  KEYS[3] node-replicas set  KEYS[4] change stamps (_stamp)
-- ARGV[1] node id  ARGV[2] mode: cordon | uncordon | drain  ARGV[3] now  ARGV[4] expected gen (-1 = any)  ARGV[5] replica key prefix
-- Returns {ok, gen}; CONFLICT when the node's gen moved. A change bumps the gen; emits NodeCordoned /
-- NodeUncordoned / NodeDraining.
local rcall = redis.call
--@include _event
--@include _stamp
local cur = rcall('HMGET', KEYS[1], 'gen', 'cordoned', 'draining')
if not cur[1] then return fail('NOT_FOUND', 'node ' .. ARGV[1] .. ' does not exist') end
if tonumber(ARGV[4]) >= 0 and tonumber(ARGV[4]) ~= tonumber(cur[1]) then
  return fail('CONFLICT', 'node changed: gen ' .. cur[1] .. ' ~= ' .. ARGV[4])
end
local cordoned, draining, reason = 1, 0, 'NodeCordoned'
if ARGV[2] == 'uncordon' then cordoned, reason = 0, 'NodeUncordoned'
elseif ARGV[2] == 'drain' then draining, reason = 1, 'NodeDraining'
elseif ARGV[2] ~= 'cordon' then return fail('VALIDATION_FAILED', 'unknown mode ' .. ARGV[2]) end
local gen = tonumber(cur[1])
if cur[2] ~= tostring(cordoned) or (cur[3] or '0') ~= tostring(draining) then
  gen = gen + 1
  stampNode(KEYS[4], KEYS[3], ARGV[5])
end
rcall('HSET', KEYS[1], 'cordoned', cordoned, 'draining', draining, 'gen', gen)
emit(KEYS[2], 'node', ARGV[1], reason, '', ARGV[3])
return cjson.encode({ ok = true, gen = gen })
