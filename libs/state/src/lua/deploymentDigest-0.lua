-- A digest of what a reconcile of one deployment reads: its hash, each of its replicas' hashes, and the status of
-- the nodes they are bound to (not their heartbeats). Reads only. The controller records the digest taken before a
-- pass that found the deployment settled, and its periodic resync skips the deployment while the digest is the same:
-- a change whose hint was lost still changes the digest. Field order is Redis's; a reordering only costs a pass.
-- ARGV[1] deployment hash  ARGV[2] its replica-id set  ARGV[3] replica key prefix  ARGV[4] node key prefix
-- Returns {ok, digest}.
local rcall = redis.call
local parts = { table.concat(rcall('HGETALL', ARGV[1]), '\0') }
local ids = rcall('SMEMBERS', ARGV[2])
table.sort(ids)
local nodes, nodeIds = {}, {}
for _, r in ipairs(ids) do
  local h = rcall('HGETALL', ARGV[3] .. r)
  parts[#parts + 1] = r .. '\1' .. table.concat(h, '\0')
  for i = 1, #h, 2 do
    if h[i] == 'node' and h[i + 1] ~= '' and not nodes[h[i + 1]] then
      nodes[h[i + 1]] = true
      nodeIds[#nodeIds + 1] = h[i + 1]
    end
  end
end
table.sort(nodeIds)
for _, n in ipairs(nodeIds) do
  local s = rcall('HMGET', ARGV[4] .. n, 'status', 'gen', 'cordoned')
  parts[#parts + 1] = n .. '\1' .. tostring(s[1]) .. '\0' .. tostring(s[2]) .. '\0' .. tostring(s[3])
end
return cjson.encode({ ok = true, digest = redis.sha1hex(table.concat(parts, '\2')) })
