-- A digest of everything a node's sync answer is built from (the health-monitor's assignmentsOf): the node's status,
-- each of its replicas' deployment, revision, desired state, generation and whether it is Lost, each deployment's
-- autoscale settings, and the template of each revision. Reads only. A node sends the digest of the answer it holds; an
-- equal digest is answered "unchanged" without reading or shipping the assignments again. Taken before the reads of a
-- full answer, so a change made in between only costs one more full answer.
-- ARGV[1] node hash  ARGV[2] its replica-id set  ARGV[3] replica key prefix  ARGV[4] deployment key prefix
-- ARGV[5] revisions key prefix
-- Returns {ok, digest}.
local rcall = redis.call
local parts = { tostring(rcall('HGET', ARGV[1], 'status')) }
local ids = rcall('SMEMBERS', ARGV[2])
table.sort(ids)
local seen = {}
for _, r in ipairs(ids) do
  local h = rcall('HMGET', ARGV[3] .. r, 'deployment', 'revision', 'desired', 'gen', 'phase')
  parts[#parts + 1] = r .. '\1' .. tostring(h[1]) .. '\0' .. tostring(h[2]) .. '\0' .. tostring(h[3]) .. '\0' ..
    tostring(h[4]) .. '\0' .. tostring(h[5] == 'Lost')
  if h[1] then
    if not seen[h[1]] then
      seen[h[1]] = true
      parts[#parts + 1] = h[1] .. '\3' .. tostring(rcall('HGET', ARGV[4] .. h[1], 'autoscale'))
    end
    local rev = h[1] .. '@' .. tostring(h[2])
    if not seen[rev] then
      seen[rev] = true
      parts[#parts + 1] = rev .. '\4' .. tostring(rcall('HGET', ARGV[5] .. h[1], tostring(h[2])))
    end
  end
end
return cjson.encode({ ok = true, digest = redis.sha1hex(table.concat(parts, '\2')) })
