-- Heartbeats of nodes whose registration the health-monitor wrote already (same address, capacity, labels, driver
-- and instance as their last full beat): only the beat is recorded (heartbeat index, lastHeartbeat), and a node that
-- was not Ready becomes Ready, as heartbeatNodes does. A node with no record (removed, or a store that lost it) is
-- returned as unknown: its next beat must be a full one.
-- KEYS[1] nodes set (unused; the key set of heartbeatNodes)  KEYS[2] events  KEYS[3] heartbeat index
-- KEYS[4] change stamps (_stamp)
-- ARGV[1] now  ARGV[2] node key prefix  ARGV[3] node-replicas key prefix  ARGV[4] replica key prefix
-- ARGV[5..] node ids
-- Returns {ok, changed, unknown}: changed as heartbeatNodes returns it (becameReady only).
local rcall = redis.call
--@include _event
--@include _stamp
--@include _heartbeat
local marks = { stamps = KEYS[4], nodeReps = ARGV[3], reps = ARGV[4] }
local changed, unknown = {}, {}
for i = 5, #ARGV do
  local id = ARGV[i]
  local key = ARGV[2] .. id
  local cur = rcall('HMGET', key, 'status', 'gen')
  if not cur[2] then
    unknown[#unknown + 1] = id
  else
    rcall('ZADD', KEYS[3], ARGV[1], id)
    rcall('HSET', key, 'lastHeartbeat', ARGV[1])
    if beatAgain(key, KEYS[2], id, cur[1], cur[2], ARGV[1], marks) then
      changed[#changed + 1] = { id = id, restarted = false, becameReady = true }
    end
  end
end
return cjson.encode({ ok = true, changed = changed, unknown = unknown })
