-- Set status fields of a deployment (lastGoodRevision, condition, paused, revisionAt) without touching its spec.
-- KEYS[1] dep hash  KEYS[2] events stream
-- ARGV[1] id  ARGV[2] now  ARGV[3] event reason ("" = none)  ARGV[4] event message  ARGV[5..] field, value pairs
-- Returns {ok}; emits <reason> when given.
local rcall = redis.call
--@include _event
if rcall('EXISTS', KEYS[1]) == 0 then return fail('NOT_FOUND', 'deployment ' .. ARGV[1] .. ' does not exist') end
local allowed = { lastGoodRevision = true, condition = true, paused = true, revisionAt = true }
for i = 5, #ARGV, 2 do
  if not allowed[ARGV[i]] then return fail('VALIDATION_FAILED', 'field ' .. ARGV[i] .. ' cannot be patched') end
end
for i = 5, #ARGV, 2 do rcall('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
if ARGV[3] ~= '' then emit(KEYS[2], 'deployment', ARGV[1], ARGV[3], ARGV[4], ARGV[2]) end
return cjson.encode({ ok = true })
