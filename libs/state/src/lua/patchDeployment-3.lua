-- Set status fields of a deployment (lastGoodRevision, condition, paused, revisionAt) without touching its spec.
-- Like Kubernetes' status writes, a patch checks the generation it was decided from but does not bump it.
-- KEYS[1] dep hash  KEYS[2] events stream  KEYS[3] change stamps (_stamp)
-- ARGV[1] id  ARGV[2] now  ARGV[3] event reason ("" = none)  ARGV[4] event message  ARGV[5] expected gen (-1 = any)
-- ARGV[6..] field, value pairs
-- Returns {ok, gen}; CONFLICT when the gen moved. Emits <reason> when given.
local rcall = redis.call
--@include _event
--@include _stamp
local gen = rcall('HGET', KEYS[1], 'gen')
if not gen then return fail('NOT_FOUND', 'deployment ' .. ARGV[1] .. ' does not exist') end
if tonumber(ARGV[5]) >= 0 and tonumber(ARGV[5]) ~= tonumber(gen) then
  return fail('CONFLICT', 'deployment changed: gen ' .. gen .. ' ~= ' .. ARGV[5])
end
local allowed = { lastGoodRevision = true, condition = true, paused = true, revisionAt = true }
for i = 6, #ARGV, 2 do
  if not allowed[ARGV[i]] then return fail('VALIDATION_FAILED', 'field ' .. ARGV[i] .. ' cannot be patched') end
end
for i = 6, #ARGV, 2 do rcall('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
stamp(KEYS[3], ARGV[1])
if ARGV[3] ~= '' then emit(KEYS[2], 'deployment', ARGV[1], ARGV[3], ARGV[4], ARGV[2]) end
return cjson.encode({ ok = true, gen = tonumber(gen) })
