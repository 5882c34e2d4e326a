-- include (after _event): register or refresh one node from its heartbeat, and index its beat (the sweep reads the
-- index, not every node). Returns restarted, becameReady.
local function heartbeat(nodeKey, nodesKey, eventsKey, beatsKey, id, address, cpu, mem, labels, driver, instance, now)
  local cur = rcall('HMGET', nodeKey, 'status', 'instance', 'gen')
  rcall('ZADD', beatsKey, now, id)
  if not cur[3] then
    rcall('HSET', nodeKey, 'id', id, 'address', address, 'cpu', cpu, 'mem', mem, 'labels', labels,
      'driver', driver, 'status', 'Ready', 'cordoned', 0, 'instance', instance, 'lastHeartbeat', now,
      'registeredAt', now, 'gen', 1)
    rcall('SADD', nodesKey, id)
    emit(eventsKey, 'node', id, 'NodeRegistered', address .. ' cpu=' .. cpu .. 'm mem=' .. mem, now)
    return false, true
  end
  rcall('HSET', nodeKey, 'address', address, 'cpu', cpu, 'mem', mem, 'labels', labels, 'driver', driver,
    'instance', instance, 'lastHeartbeat', now)
  local restarted = cur[2] ~= instance
  if restarted then emit(eventsKey, 'node', id, 'NodeRestarted', 'worker instance ' .. instance, now) end
  local becameReady = cur[1] ~= 'Ready'
  if becameReady then
    rcall('HSET', nodeKey, 'status', 'Ready', 'notReadySince', '', 'gen', tonumber(cur[3]) + 1)
    emit(eventsKey, 'node', id, 'NodeReady', 'heartbeats resumed', now)
  end
  return restarted, becameReady
end
