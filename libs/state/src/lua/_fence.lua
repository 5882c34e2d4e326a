-- include (after _event): fencing of leased roles. A lease holder's write passes its token; the role's fencing
-- counter (KEYS of the caller, `fence:<role>`, INCRed by acquireLease) is the highest token ever issued, so a token
-- below it belongs to a holder that lost its lease to a newer one: the write is refused.
local function staleFence(fenceKey, token)
  if token == nil or token == '' then return nil end
  local highest = tonumber(redis.call('GET', fenceKey) or '0')
  if tonumber(token) < highest then
    return fail('STALE_FENCING_TOKEN', 'fencing token ' .. token .. ' is stale: a newer lease holder has ' .. highest)
  end
  return nil
end
