-- Record why a pending replica cannot be placed (shown by `tug describe`). No event: it would repeat every pass.
-- KEYS[1] replica hash  KEYS[2] change stamps (_stamp)
-- ARGV[1] expected gen  ARGV[2] reason  ARGV[3] message
-- Returns {ok}; CONFLICT when the replica changed.
local rcall = redis.call
--@include _event
--@include _stamp
local r = rcall('HMGET', KEYS[1], 'gen', 'node', 'reason', 'message', 'deployment')
if not r[1] or tonumber(r[1]) ~= tonumber(ARGV[1]) or r[2] ~= '' then return fail('CONFLICT', 'replica changed') end
if r[3] == ARGV[2] and r[4] == ARGV[3] then return cjson.encode({ ok = true }) end
rcall('HSET', KEYS[1], 'reason', ARGV[2], 'message', ARGV[3])
stamp(KEYS[2], r[5])
return cjson.encode({ ok = true })
