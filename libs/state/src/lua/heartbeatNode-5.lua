-- Register or refresh a node from its worker's heartbeat; a NotReady node that beats again becomes Ready.
-- KEYS[1] node hash  KEYS[2] nodes set  KEYS[3] events  KEYS[4] heartbeat index (zset: node → last beat)
-- KEYS[5] change stamps (_stamp)
-- ARGV[1] node id  ARGV[2] address  ARGV[3] cpu millis  ARGV[4] memory bytes  ARGV[5] labels JSON  ARGV[6] driver
-- ARGV[7] instance  ARGV[8] now  ARGV[9] stretched beat period (ms, 0: not stretched)
-- ARGV[10] node-replicas key prefix  ARGV[11] replica key prefix
-- Returns {ok, status, restarted, becameReady}; emits NodeRegistered / NodeReady / NodeRestarted.
local rcall = redis.call
--@include _event
--@include _stamp
--@include _heartbeat
local restarted, becameReady = heartbeat(KEYS[1], KEYS[2], KEYS[3], KEYS[4], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5],
  ARGV[6], ARGV[7], ARGV[9], ARGV[8], { stamps = KEYS[5], nodeReps = ARGV[10], reps = ARGV[11] })
return cjson.encode({ ok = true, status = 'Ready', restarted = restarted, becameReady = becameReady })
