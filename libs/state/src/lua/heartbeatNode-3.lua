-- Register or refresh a node from its worker's heartbeat; a NotReady node that beats again becomes Ready.
-- KEYS[1] node hash  KEYS[2] nodes set  KEYS[3] events
-- ARGV[1] node id  ARGV[2] address  ARGV[3] cpu millis  ARGV[4] memory bytes  ARGV[5] labels JSON  ARGV[6] driver
-- ARGV[7] instance  ARGV[8] now
-- Returns {ok, status, restarted, becameReady}; emits NodeRegistered / NodeReady / NodeRestarted.
local rcall = redis.call
--@include _event
local cur = rcall('HMGET', KEYS[1], 'status', 'instance', 'gen')
local now = ARGV[8]
if not cur[3] then
  rcall('HSET', KEYS[1], 'id', ARGV[1], 'address', ARGV[2], 'cpu', ARGV[3], 'mem', ARGV[4], 'labels', ARGV[5],
    'driver', ARGV[6], 'status', 'Ready', 'cordoned', 0, 'instance', ARGV[7], 'lastHeartbeat', now, 'registeredAt', now, 'gen', 1)
  rcall('SADD', KEYS[2], ARGV[1])
  emit(KEYS[3], 'node', ARGV[1], 'NodeRegistered', ARGV[2] .. ' cpu=' .. ARGV[3] .. 'm mem=' .. ARGV[4], now)
  return cjson.encode({ ok = true, status = 'Ready', restarted = false, becameReady = true })
end
rcall('HSET', KEYS[1], 'address', ARGV[2], 'cpu', ARGV[3], 'mem', ARGV[4], 'labels', ARGV[5], 'driver', ARGV[6],
  'instance', ARGV[7], 'lastHeartbeat', now)
local restarted = cur[2] ~= ARGV[7]
if restarted then emit(KEYS[3], 'node', ARGV[1], 'NodeRestarted', 'worker instance ' .. ARGV[7], now) end
local becameReady = cur[1] ~= 'Ready'
if becameReady then
  rcall('HSET', KEYS[1], 'status', 'Ready', 'notReadySince', '', 'gen', tonumber(cur[3]) + 1)
  emit(KEYS[3], 'node', ARGV[1], 'NodeReady', 'heartbeats resumed', now)
end
return cjson.encode({ ok = true, status = 'Ready', restarted = restarted, becameReady = becameReady })
