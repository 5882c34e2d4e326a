-- include (after _event): a controller's write names the generation of the deployment it planned from, so a plan
-- made before a newer desired state (or by a controller that was paused meanwhile) is refused, not applied.
local function stalePlan(depKey, expected)
  if tonumber(expected) < 0 then return nil end
  local gen = redis.call('HGET', depKey, 'gen')
  if tonumber(gen or '-1') ~= tonumber(expected) then
    return fail('CONFLICT', 'deployment changed since the plan: gen ' .. (gen or 'none') .. ' ~= ' .. expected)
  end
  return nil
end
