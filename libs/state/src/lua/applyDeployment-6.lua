-- Apply a deployment manifest: create it, or update its count and (when the template changed) start a new revision.
-- KEYS[1] dep hash   KEYS[2] deployments set   KEYS[3] revisions hash (rev -> template JSON)   KEYS[4] events stream
-- KEYS[5] the deployment's replica set   KEYS[6] change stamps (_stamp)
-- ARGV[1] id  ARGV[2] namespace  ARGV[3] name  ARGV[4] replicas  ARGV[5] template JSON  ARGV[6] template hash
-- ARGV[7] strategy JSON  ARGV[8] autoscale JSON or ""  ARGV[9] revisionHistoryLimit  ARGV[10] labels JSON
-- ARGV[11] now (ms)  ARGV[12] expected gen (-1 = any)  ARGV[13] replica key prefix
-- ARGV[14] the request's deadline, wall-clock ms ("0" = none): TIMEOUT, and nothing written, past it (_deadline)
-- History keeps the newest revisionHistoryLimit revisions, but never drops the current one, the last good one (a
-- rollback target) or one a replica still runs (its worker and a rollback need the template).
-- Sets revisionAt (ms) whenever a new revision starts (the progress deadline counts from it). A deployment created
-- again while copies of its deleted namesake remain starts after their revisions instead of at 1.
-- Returns {ok, revision, gen, unchanged}; emits DeploymentCreated / RevisionCreated / DeploymentUpdated.
local rcall = redis.call
--@include _event
--@include _deadline
--@include _stamp
local late = lateRequest(ARGV[14])
if late then return late end
local gen = tonumber(rcall('HGET', KEYS[1], 'gen') or '0')
local expected = tonumber(ARGV[12])
if expected >= 0 and expected ~= gen then return fail('CONFLICT', 'deployment changed: gen ' .. gen .. ' ~= ' .. expected) end
local now = ARGV[11]
if gen == 0 then
  -- An earlier deployment of the same name may still have copies (being retired): keep the templates they run (their
  -- workers need them to stop them) and number this one after them, so that no revision number names two templates.
  local running = {}
  local rev = 1
  for _, id in ipairs(rcall('SMEMBERS', KEYS[5])) do
    local r = tonumber(rcall('HGET', ARGV[13] .. id, 'revision') or '')
    if r then
      running[r] = true
      if r >= rev then rev = r + 1 end
    end
  end
  for _, r in ipairs(rcall('HKEYS', KEYS[3])) do
    if not running[tonumber(r)] then rcall('HDEL', KEYS[3], r) end
  end
  rcall('HSET', KEYS[1], 'id', ARGV[1], 'namespace', ARGV[2], 'name', ARGV[3], 'replicas', ARGV[4], 'revision', rev,
    'template', ARGV[5], 'templateHash', ARGV[6], 'strategy', ARGV[7], 'autoscale', ARGV[8], 'revisionHistoryLimit', ARGV[9],
    'labels', ARGV[10], 'paused', 0, 'gen', 1, 'createdAt', now, 'updatedAt', now, 'revisionAt', now)
  rcall('HSET', KEYS[3], tostring(rev), ARGV[5])
  rcall('SADD', KEYS[2], ARGV[1])
  stamp(KEYS[6], ARGV[1])
  emit(KEYS[4], 'deployment', ARGV[1], 'DeploymentCreated', 'revision ' .. rev .. ', ' .. ARGV[4] .. ' replicas', now)
  return cjson.encode({ ok = true, revision = rev, gen = 1, unchanged = false })
end
local cur = rcall('HMGET', KEYS[1], 'templateHash', 'revision', 'replicas', 'strategy', 'autoscale', 'revisionHistoryLimit', 'labels')
local revision = tonumber(cur[2])
local templateChanged = cur[1] ~= ARGV[6]
if not templateChanged and cur[3] == ARGV[4] and cur[4] == ARGV[7] and cur[5] == ARGV[8] and cur[6] == ARGV[9] and cur[7] == ARGV[10] then
  return cjson.encode({ ok = true, revision = revision, gen = gen, unchanged = true })
end
if templateChanged then
  local revs = rcall('HKEYS', KEYS[3])
  local maxRev = 0
  for _, r in ipairs(revs) do if tonumber(r) > maxRev then maxRev = tonumber(r) end end
  revision = maxRev + 1
  rcall('HSET', KEYS[3], tostring(revision), ARGV[5])
  rcall('HSET', KEYS[1], 'template', ARGV[5], 'templateHash', ARGV[6], 'revision', revision, 'condition', '', 'revisionAt', now)
  local keep = { [revision] = true }
  local lastGood = tonumber(rcall('HGET', KEYS[1], 'lastGoodRevision') or '')
  if lastGood then keep[lastGood] = true end
  for _, id in ipairs(rcall('SMEMBERS', KEYS[5])) do
    local r = tonumber(rcall('HGET', ARGV[13] .. id, 'revision') or '')
    if r then keep[r] = true end
  end
  local nums = {}
  for _, r in ipairs(revs) do table.insert(nums, tonumber(r)) end
  table.insert(nums, revision)
  table.sort(nums)
  local excess = #nums - tonumber(ARGV[9])
  for _, r in ipairs(nums) do
    if excess <= 0 then break end
    if not keep[r] then
      rcall('HDEL', KEYS[3], tostring(r))
      excess = excess - 1
    end
  end
  emit(KEYS[4], 'deployment', ARGV[1], 'RevisionCreated', 'revision ' .. revision, now)
end
gen = gen + 1
rcall('HSET', KEYS[1], 'replicas', ARGV[4], 'strategy', ARGV[7], 'autoscale', ARGV[8], 'revisionHistoryLimit', ARGV[9],
  'labels', ARGV[10], 'gen', gen, 'updatedAt', now)
stamp(KEYS[6], ARGV[1])
emit(KEYS[4], 'deployment', ARGV[1], 'DeploymentUpdated', 'revision ' .. revision .. ', ' .. ARGV[4] .. ' replicas', now)
return cjson.encode({ ok = true, revision = revision, gen = gen, unchanged = false })
