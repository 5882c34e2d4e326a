-- include: deployment change stamps. Every script that changes what a reconcile of a deployment reads (the
-- deployment's hash, its replica set, its replicas' hashes, the status, gen or cordoned flag of the nodes they are
-- bound to) stamps the deployment in the same script: the stamps hash (`stamps`) maps its id to a number drawn from
-- one sequence (the hash's field ""), so a stamp never repeats, even for a deployment deleted and created again. The
-- controller's resync compares stamps, one field per deployment, instead of reading every replica. A script stamps
-- only on a real change: writing what is already there stamps nothing.
local function stamp(stamps, deployment)
  if deployment and deployment ~= '' then
    redis.call('HSET', stamps, deployment, redis.call('HINCRBY', stamps, '', 1))
  end
end

-- Stamps every deployment with a replica bound to a node (`nodeReps`: its replica set; `repPrefix`: replica keys).
local function stampNode(stamps, nodeReps, repPrefix)
  local seen = {}
  for _, id in ipairs(redis.call('SMEMBERS', nodeReps)) do
    local d = redis.call('HGET', repPrefix .. id, 'deployment')
    if d and not seen[d] then
      seen[d] = true
      stamp(stamps, d)
    end
  end
end
