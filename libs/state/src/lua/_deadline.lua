-- include (after _event): a request's deadline, checked by Redis' own clock when the script runs. A write sent in
-- time can still reach Redis late (a connection stalled by a partition delivers it when the partition heals); by
-- then its sender may have moved on to its next change, which this write would undo. `notAfter` is the wall-clock
-- ms by which the request's sender stops waiting ("" or "0" = no deadline).
local function lateRequest(notAfter)
  if notAfter == nil or notAfter == '' or notAfter == '0' then return nil end
  local t = redis.call('TIME')
  local nowMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  if nowMs > tonumber(notAfter) then
    return fail('TIMEOUT', 'the request reached Redis ' .. (nowMs - tonumber(notAfter)) ..
      ' ms after its sender stopped waiting; not applied (the sender may send it again)')
  end
  return nil
end
