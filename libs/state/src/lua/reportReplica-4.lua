-- Apply a worker's observed status of one replica. Only the node the replica is bound to may report it
-- (fencing: a node that lost the replica cannot resurrect it).
-- KEYS[1] replica hash  KEYS[2] endpoints-index hash  KEYS[3] events  KEYS[4] change stamps (_stamp)
-- ARGV[1] replica id  ARGV[2] node  ARGV[3] phase  ARGV[4] ready (0/1)  ARGV[5] host  ARGV[6] hostPort ("" = none)
-- ARGV[7] restarts  ARGV[8] lastExit JSON or ""  ARGV[9] reason  ARGV[10] message  ARGV[11] now
-- Returns {ok, changed, readyChanged, deployment}; STALE_FENCING_TOKEN when the node does not own it. Emits a phase event on change.
local rcall = redis.call
--@include _event
--@include _stamp
local r = rcall('HMGET', KEYS[1], 'node', 'phase', 'ready', 'deployment', 'desired', 'restarts', 'host', 'hostPort', 'reason',
  'message', 'lastExit')
if not r[4] then return fail('NOT_FOUND', 'replica ' .. ARGV[1] .. ' does not exist') end
if r[1] ~= ARGV[2] then return fail('STALE_FENCING_TOKEN', 'replica ' .. ARGV[1] .. ' is not bound to ' .. ARGV[2]) end
if r[2] == 'Lost' then return fail('STALE_FENCING_TOKEN', 'replica ' .. ARGV[1] .. ' was declared lost') end
local ready = ARGV[4]
if r[5] == 'stop' then ready = '0' end
rcall('HSET', KEYS[1], 'phase', ARGV[3], 'ready', ready, 'host', ARGV[5], 'hostPort', ARGV[6], 'restarts', ARGV[7],
  'reason', ARGV[9], 'message', ARGV[10])
if ARGV[8] ~= '' then rcall('HSET', KEYS[1], 'lastExit', ARGV[8]) end
local changed = r[2] ~= ARGV[3] or r[3] ~= ready or r[6] ~= ARGV[7]
if changed or r[7] ~= ARGV[5] or r[8] ~= ARGV[6] or r[9] ~= ARGV[9] or r[10] ~= ARGV[10] or
  (ARGV[8] ~= '' and r[11] ~= ARGV[8]) then
  stamp(KEYS[4], r[4])
end
if r[3] ~= ready then
  rcall('HINCRBY', KEYS[2], r[4], 1)
  if ready == '1' then rcall('HSET', KEYS[1], 'readySince', ARGV[11]) end
end
if changed then
  rcall('HSET', KEYS[1], 'updatedAt', ARGV[11])
  local what = ARGV[3]
  if ready == '1' then what = what .. ', ready' else what = what .. ', not ready' end
  if ARGV[9] ~= '' then what = what .. ' (' .. ARGV[9] .. ')' end
  emit(KEYS[3], 'replica', ARGV[1], ARGV[3], what, ARGV[11])
end
return cjson.encode({ ok = true, changed = changed, readyChanged = r[3] ~= ready, deployment = r[4] })
