-- Create a replica record (phase Pending, unbound) for a deployment revision.
-- KEYS[1] replica hash  KEYS[2] replicas set  KEYS[3] deployment-replicas set  KEYS[4] pending set  KEYS[5] events
-- KEYS[6] deployment hash  KEYS[7] change stamps (_stamp)
-- ARGV[1] id  ARGV[2] deployment id  ARGV[3] revision  ARGV[4] cpu millis  ARGV[5] memory bytes
-- ARGV[6] nodeSelector JSON  ARGV[7] now
-- ARGV[8] expected number of replica records of the deployment (-1 = unchecked): two controllers that planned
--         from the same records cannot both create the same missing replicas
-- ARGV[9] generation of the deployment the plan was made from (-1 = unchecked)
-- Returns {ok}; CONFLICT when the id exists, the deployment's replica set changed or the deployment moved past the
-- planned generation. Emits ReplicaCreated.
local rcall = redis.call
--@include _event
--@include _planned
--@include _stamp
local stale = stalePlan(KEYS[6], ARGV[9])
if stale then return stale end
if rcall('EXISTS', KEYS[1]) == 1 then return fail('CONFLICT', 'replica ' .. ARGV[1] .. ' exists') end
if tonumber(ARGV[8]) >= 0 and rcall('SCARD', KEYS[3]) ~= tonumber(ARGV[8]) then
  return fail('CONFLICT', 'replicas of ' .. ARGV[2] .. ' changed since they were read')
end
rcall('HSET', KEYS[1], 'id', ARGV[1], 'deployment', ARGV[2], 'revision', ARGV[3], 'node', '', 'desired', 'run',
  'phase', 'Pending', 'ready', 0, 'restarts', 0, 'cpu', ARGV[4], 'mem', ARGV[5], 'nodeSelector', ARGV[6],
  'gen', 1, 'createdAt', ARGV[7], 'updatedAt', ARGV[7])
rcall('SADD', KEYS[2], ARGV[1])
rcall('SADD', KEYS[3], ARGV[1])
rcall('SADD', KEYS[4], ARGV[1])
stamp(KEYS[7], ARGV[2])
emit(KEYS[5], 'replica', ARGV[1], 'ReplicaCreated', ARGV[2] .. ' revision ' .. ARGV[3], ARGV[7])
return cjson.encode({ ok = true })
