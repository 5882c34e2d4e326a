-- Roll a deployment back to an earlier revision's template (as a new revision number, like Kubernetes).
-- KEYS[1] dep hash  KEYS[2] revisions hash  KEYS[3] events stream  KEYS[4] change stamps (_stamp)
-- ARGV[1] id  ARGV[2] target revision (0 = the one before the current)  ARGV[3] now  ARGV[4] reason
-- ARGV[5] template hash of the target (computed by the caller from the stored template)  ARGV[6] expected gen (-1 any)
-- ARGV[7] the request's deadline, wall-clock ms ("0" = none): TIMEOUT, and nothing written, past it (_deadline)
-- Sets revisionAt to now (the rollback revision's progress deadline counts from it).
-- Returns {ok, revision, from, to, gen}; emits RolledBack.
local rcall = redis.call
--@include _event
--@include _deadline
--@include _stamp
local late = lateRequest(ARGV[7])
if late then return late end
local cur = rcall('HMGET', KEYS[1], 'revision', 'gen')
if not cur[1] then return fail('NOT_FOUND', 'deployment ' .. ARGV[1] .. ' does not exist') end
if tonumber(ARGV[6]) >= 0 and tonumber(ARGV[6]) ~= tonumber(cur[2]) then return fail('CONFLICT', 'deployment changed') end
local target = ARGV[2]
local template = rcall('HGET', KEYS[2], target)
if not template then return fail('REVISION_NOT_FOUND', 'revision ' .. target .. ' is not in the history') end
local revs = rcall('HKEYS', KEYS[2])
local maxRev = 0
for _, r in ipairs(revs) do if tonumber(r) > maxRev then maxRev = tonumber(r) end end
local revision = maxRev + 1
rcall('HSET', KEYS[2], tostring(revision), template)
-- The target stays in the history: replicas of it may still run (a rollback mid-rollout keeps them, as they already
-- run the restored template), and workers fetch a replica's template by its revision.
local gen = tonumber(cur[2]) + 1
local cond = cjson.encode({ type = 'RolledBack', reason = ARGV[4], message = 'rolled back from revision ' .. cur[1] .. ' to the template of revision ' .. target, at = tonumber(ARGV[3]) })
rcall('HSET', KEYS[1], 'template', template, 'templateHash', ARGV[5], 'revision', revision, 'gen', gen, 'updatedAt', ARGV[3], 'condition', cond, 'revisionAt', ARGV[3])
stamp(KEYS[4], ARGV[1])
emit(KEYS[3], 'deployment', ARGV[1], 'RolledBack', 'revision ' .. cur[1] .. ' -> template of ' .. target .. ' (now revision ' .. revision .. '): ' .. ARGV[4], ARGV[3])
return cjson.encode({ ok = true, revision = revision, from = tonumber(cur[1]), to = tonumber(target), gen = gen })
