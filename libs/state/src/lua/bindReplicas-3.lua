-- Bind a batch of pending replicas, each to its node, in one call: for every (replica, node, gen) the same checks as
-- bindReplica (replica unbound, desired run, at the expected gen; node Ready, not cordoned, with room for the
-- replica's requests). A node's usage is summed once per call from its replica set, then kept up to date as the
-- batch binds to it, so a batch never over-commits a node and, being one script, races nothing.
-- KEYS[1] pending set  KEYS[2] events  KEYS[3] change stamps (_stamp)
-- ARGV[1] now  ARGV[2] replica key prefix ("p:rep:")  ARGV[3] node key prefix ("p:node:")
-- ARGV[4] node-replicas key prefix ("p:node-reps:")  then triples: ARGV[5+3i] replica id, node id, expected gen
-- Returns {ok, results}: per triple the new gen, or CONFLICT / NOT_FOUND / NODE_NOT_READY / INSUFFICIENT_CAPACITY.
-- Emits Scheduled per bound replica.
local rcall = redis.call
--@include _event
--@include _stamp
local nodes = {}
local function nodeOf(id)
  local n = nodes[id]
  if n then return n end
  local h = rcall('HMGET', ARGV[3] .. id, 'status', 'cordoned', 'cpu', 'mem')
  n = { ready = h[1] == 'Ready' and h[2] ~= '1', cpu = tonumber(h[3] or '0'), mem = tonumber(h[4] or '0'),
    usedCpu = 0, usedMem = 0 }
  if n.ready then
    for _, rid in ipairs(rcall('SMEMBERS', ARGV[4] .. id)) do
      local o = rcall('HMGET', ARGV[2] .. rid, 'cpu', 'mem')
      n.usedCpu = n.usedCpu + tonumber(o[1] or '0')
      n.usedMem = n.usedMem + tonumber(o[2] or '0')
    end
  end
  nodes[id] = n
  return n
end
local results, bound = {}, {}
for i = 5, #ARGV, 3 do
  local id, node, expected = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  local key = ARGV[2] .. id
  local r = rcall('HMGET', key, 'node', 'desired', 'gen', 'cpu', 'mem', 'deployment')
  local n = nodeOf(node)
  local cpu, mem = tonumber(r[4] or '0'), tonumber(r[5] or '0')
  if not r[3] then
    results[#results + 1] = 'NOT_FOUND'
  elseif r[1] ~= '' or r[2] ~= 'run' or tonumber(r[3]) ~= expected then
    results[#results + 1] = 'CONFLICT'
  elseif not n.ready then
    results[#results + 1] = 'NODE_NOT_READY'
  elseif n.usedCpu + cpu > n.cpu or n.usedMem + mem > n.mem then
    results[#results + 1] = 'INSUFFICIENT_CAPACITY'
  else
    local gen = expected + 1
    n.usedCpu, n.usedMem = n.usedCpu + cpu, n.usedMem + mem
    rcall('HSET', key, 'node', node, 'phase', 'Scheduled', 'gen', gen, 'updatedAt', ARGV[1],
      'reason', '', 'message', '')
    rcall('SADD', ARGV[4] .. node, id)
    rcall('SREM', KEYS[1], id)
    emit(KEYS[2], 'replica', id, 'Scheduled', 'bound to ' .. node, ARGV[1])
    results[#results + 1] = gen
    if r[6] then bound[r[6]] = true end
  end
end
for d in pairs(bound) do stamp(KEYS[3], d) end
return cjson.encode({ ok = true, results = results })
