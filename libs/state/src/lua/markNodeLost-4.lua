-- After the second grace, declare the replicas of a NotReady node Lost so the controller replaces them.
-- A Lost replica can no longer be reported by its old node (see reportReplica): that is the split-brain fence.
-- KEYS[1] node hash  KEYS[2] node-replicas set  KEYS[3] events  KEYS[4] change stamps (_stamp)
-- ARGV[1] node id  ARGV[2] cutoff (notReadySince older than this = lost)  ARGV[3] now  ARGV[4] replica key prefix
-- ARGV[5] JSON array of replica ids to leave alone for now (disconnect.stopAfterSeconds holds; "[]" = none)
-- Returns {ok, lost}; emits ReplicaLost per replica.
local rcall = redis.call
--@include _event
--@include _stamp
local n = rcall('HMGET', KEYS[1], 'status', 'notReadySince')
if n[1] ~= 'NotReady' or not n[2] or n[2] == '' or tonumber(n[2]) >= tonumber(ARGV[2]) then return cjson.encode({ ok = true, lost = 0 }) end
local keep = {}
for _, id in ipairs(cjson.decode(ARGV[5] or '[]')) do keep[id] = true end
local lost = 0
for _, id in ipairs(rcall('SMEMBERS', KEYS[2])) do
  local key = ARGV[4] .. id
  local r = rcall('HMGET', key, 'phase', 'deployment')
  if not keep[id] and r[1] ~= 'Lost' then
    stamp(KEYS[4], r[2])
    rcall('HSET', key, 'phase', 'Lost', 'ready', 0, 'reason', 'NodeLost', 'message', 'node ' .. ARGV[1] .. ' stopped answering', 'updatedAt', ARGV[3])
    emit(KEYS[3], 'replica', id, 'ReplicaLost', 'node ' .. ARGV[1] .. ' stopped answering', ARGV[3])
    lost = lost + 1
  end
end
return cjson.encode({ ok = true, lost = lost })
