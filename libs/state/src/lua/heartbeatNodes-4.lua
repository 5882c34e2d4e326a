-- The heartbeats of many nodes in one call (the health-monitor batches what arrives within a few ms): each as
-- heartbeatNode applies one.
-- KEYS[1] nodes set  KEYS[2] events  KEYS[3] heartbeat index (zset: node → last beat)  KEYS[4] change stamps
-- ARGV[1] now  ARGV[2] node key prefix ("p:node:")  ARGV[3] node-replicas key prefix  ARGV[4] replica key prefix
-- then per node 8 values: id, address, cpu millis, memory bytes,
-- labels JSON, driver, instance, stretched beat period (ms, 0: not stretched)
-- Returns {ok, changed}: the ids that registered, restarted or became Ready, with r (restarted) and ready flags.
-- Emits NodeRegistered / NodeReady / NodeRestarted.
local rcall = redis.call
--@include _event
--@include _stamp
--@include _heartbeat
local marks = { stamps = KEYS[4], nodeReps = ARGV[3], reps = ARGV[4] }
local changed = {}
for i = 5, #ARGV, 8 do
  local id = ARGV[i]
  local restarted, becameReady = heartbeat(ARGV[2] .. id, KEYS[1], KEYS[2], KEYS[3], id, ARGV[i + 1], ARGV[i + 2],
    ARGV[i + 3], ARGV[i + 4], ARGV[i + 5], ARGV[i + 6], ARGV[i + 7], ARGV[1], marks)
  if restarted or becameReady then
    changed[#changed + 1] = { id = id, restarted = restarted, becameReady = becameReady }
  end
end
return cjson.encode({ ok = true, changed = changed })
