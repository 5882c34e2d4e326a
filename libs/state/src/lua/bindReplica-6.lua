-- Bind a pending replica to a node, only if the node is Ready, not cordoned, and has room for the replica's
-- requests (sum over the replicas already bound to it). This check-and-set is what keeps two racing schedulers
-- from over-committing a node.
-- KEYS[1] replica hash  KEYS[2] node hash  KEYS[3] node-replicas set  KEYS[4] pending set  KEYS[5] events  KEYS[6] change stamps (_stamp)
-- ARGV[1] replica id  ARGV[2] node id  ARGV[3] expected replica gen  ARGV[4] now  ARGV[5] key prefix for replicas ("p:rep:")
-- Returns {ok, gen}; CONFLICT / NODE_NOT_READY / INSUFFICIENT_CAPACITY otherwise. Emits Scheduled.
local rcall = redis.call
--@include _event
--@include _stamp
local r = rcall('HMGET', KEYS[1], 'node', 'desired', 'gen', 'cpu', 'mem', 'deployment')
if not r[3] then return fail('NOT_FOUND', 'replica ' .. ARGV[1] .. ' does not exist') end
if r[1] ~= '' or r[2] ~= 'run' or tonumber(r[3]) ~= tonumber(ARGV[3]) then return fail('CONFLICT', 'replica changed or already bound') end
local n = rcall('HMGET', KEYS[2], 'status', 'cordoned', 'cpu', 'mem')
if n[1] ~= 'Ready' or n[2] == '1' then return fail('NODE_NOT_READY', 'node ' .. ARGV[2] .. ' is not ready or is cordoned') end
local usedCpu, usedMem = tonumber(r[4]), tonumber(r[5])
for _, id in ipairs(rcall('SMEMBERS', KEYS[3])) do
  local o = rcall('HMGET', ARGV[5] .. id, 'cpu', 'mem')
  usedCpu = usedCpu + tonumber(o[1] or '0')
  usedMem = usedMem + tonumber(o[2] or '0')
end
if usedCpu > tonumber(n[3]) or usedMem > tonumber(n[4]) then return fail('INSUFFICIENT_CAPACITY', 'node ' .. ARGV[2] .. ' is full') end
local gen = tonumber(r[3]) + 1
rcall('HSET', KEYS[1], 'node', ARGV[2], 'phase', 'Scheduled', 'gen', gen, 'updatedAt', ARGV[4], 'reason', '', 'message', '')
rcall('SADD', KEYS[3], ARGV[1])
stamp(KEYS[6], r[6])
rcall('SREM', KEYS[4], ARGV[1])
emit(KEYS[5], 'replica', ARGV[1], 'Scheduled', 'bound to ' .. ARGV[2], ARGV[4])
return cjson.encode({ ok = true, gen = gen })
