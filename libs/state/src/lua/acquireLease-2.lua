-- Take or renew the lease of a role. A new holder gets a higher fencing token; writes that need a single actor
-- pass the token and are rejected once a newer holder exists. A new token is max(counter + 1, server time in ms), so
-- tokens stay monotonic across a Sentinel failover even if the counter's last increments were lost with the old
-- primary: a failover takes longer than a second, and the new primary's clock is past every earlier token (clocks of
-- the Redis hosts must agree to well within that second).
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
local now = rcall('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local token = rcall('INCR', KEYS[2])
if token < nowMs then
  token = nowMs
  rcall('SET', KEYS[2], string.format('%d', token))
end
rcall('SET', KEYS[1], ARGV[1] .. '|' .. token, 'PX', ARGV[2])
return cjson.encode({ ok = true, held = true, token = token, holder = ARGV[1] })
