-- Take or renew the lease of a role. A new holder gets a higher fencing token; writes that need a single actor
-- pass the token and are rejected once a newer holder exists.
-- KEYS[1] lease key  KEYS[2] fencing counter
-- ARGV[1] holder id  ARGV[2] ttl ms
-- Returns {ok, held, token, holder}.
local rcall = redis.call
--@include _event
local cur = rcall('GET', KEYS[1])
if cur then
  local holder, token = string.match(cur, '^(.*)|(%d+)$')
  if holder == ARGV[1] then
    rcall('SET', KEYS[1], cur, 'PX', ARGV[2])
    return cjson.encode({ ok = true, held = true, token = tonumber(token), holder = holder })
  end
  return cjson.encode({ ok = true, held = false, token = tonumber(token), holder = holder })
end
local token = rcall('INCR', KEYS[2])
rcall('SET', KEYS[1], ARGV[1] .. '|' .. token, 'PX', ARGV[2])
return cjson.encode({ ok = true, held = true, token = token, holder = ARGV[1] })
