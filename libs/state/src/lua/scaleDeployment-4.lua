-- Set a deployment's desired replica count.
-- KEYS[1] dep hash  KEYS[2] events stream  KEYS[3] fencing counter of the writer's role (unused without a token)
-- KEYS[4] change stamps (_stamp)
-- ARGV[1] id  ARGV[2] replicas  ARGV[3] now  ARGV[4] reason ("" for a user)  ARGV[5] lastScale JSON or ""
-- ARGV[6] expected gen (-1 = any)  ARGV[7] fencing token of a lease holder ("" = not a leased writer)
-- ARGV[8] the request's deadline, wall-clock ms ("0" = none): TIMEOUT, and nothing written, past it (_deadline)
-- Returns {ok, revision, gen, unchanged}; CONFLICT when the gen moved, STALE_FENCING_TOKEN when a newer lease holder
-- exists. Emits Scaled.
local rcall = redis.call
--@include _event
--@include _deadline
--@include _stamp
local late = lateRequest(ARGV[8])
if late then return late end
--@include _fence
local cur = rcall('HMGET', KEYS[1], 'revision', 'replicas', 'gen')
if not cur[1] then return fail('NOT_FOUND', 'deployment ' .. ARGV[1] .. ' does not exist') end
local stale = staleFence(KEYS[3], ARGV[7])
if stale then return stale end
if tonumber(ARGV[6]) >= 0 and tonumber(ARGV[6]) ~= tonumber(cur[3]) then
  return fail('CONFLICT', 'deployment changed: gen ' .. cur[3] .. ' ~= ' .. ARGV[6])
end
if cur[2] == ARGV[2] then
  return cjson.encode({ ok = true, revision = tonumber(cur[1]), gen = tonumber(cur[3]), unchanged = true })
end
local gen = tonumber(cur[3]) + 1
rcall('HSET', KEYS[1], 'replicas', ARGV[2], 'gen', gen, 'updatedAt', ARGV[3])
if ARGV[5] ~= '' then rcall('HSET', KEYS[1], 'lastScale', ARGV[5]) end
stamp(KEYS[4], ARGV[1])
local why = ''
if ARGV[4] ~= '' then why = ' (' .. ARGV[4] .. ')' end
emit(KEYS[2], 'deployment', ARGV[1], 'Scaled', cur[2] .. ' -> ' .. ARGV[2] .. why, ARGV[3])
return cjson.encode({ ok = true, revision = tonumber(cur[1]), gen = gen, unchanged = false })
