-- Delete a deployment's desired state; the controller then retires its replicas (they are orphans). The revision
-- templates stay until the last replica record is removed (removeReplica), so stopping replicas keep their spec.
-- KEYS[1] dep hash  KEYS[2] deployments set  KEYS[3] events stream  KEYS[4] change stamps (_stamp)
-- ARGV[1] id  ARGV[2] now  ARGV[3] the request's deadline, wall-clock ms ("0" = none; _deadline)
-- Returns {ok, revision}; emits DeploymentDeleted.
local rcall = redis.call
--@include _event
--@include _deadline
--@include _stamp
local late = lateRequest(ARGV[3])
if late then return late end
local revision = rcall('HGET', KEYS[1], 'revision')
if not revision then return fail('NOT_FOUND', 'deployment ' .. ARGV[1] .. ' does not exist') end
rcall('DEL', KEYS[1])
rcall('SREM', KEYS[2], ARGV[1])
stamp(KEYS[4], ARGV[1])
emit(KEYS[3], 'deployment', ARGV[1], 'DeploymentDeleted', 'desired state removed', ARGV[2])
return cjson.encode({ ok = true, revision = tonumber(revision) })
