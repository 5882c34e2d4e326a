-- include (after _event and _stamp): register or refresh one node from its heartbeat, and index its beat (the sweep reads the
-- index, not every node). Returns restarted, becameReady. `marks` names what a node's status change stamps: the stamps
-- hash and the key prefixes of node-replica sets and replicas ({ stamps, nodeReps, reps }).

-- A node that is not Ready (status `status`, generation `gen`) beats again: it becomes Ready.
local function beatAgain(nodeKey, eventsKey, id, status, gen, now, marks)
  if status == 'Ready' then return false end
  rcall('HSET', nodeKey, 'status', 'Ready', 'notReadySince', '', 'gen', tonumber(gen) + 1)
  stampNode(marks.stamps, marks.nodeReps .. id, marks.reps)
  emit(eventsKey, 'node', id, 'NodeReady', 'heartbeats resumed', now)
  return true
end

-- `stretched`: the period the node beats at when the heartbeat budget stretched it, 0 otherwise.
local function heartbeat(nodeKey, nodesKey, eventsKey, beatsKey, id, address, cpu, mem, labels, driver, instance,
                         stretched, now, marks)
  local cur = rcall('HMGET', nodeKey, 'status', 'instance', 'gen')
  rcall('ZADD', beatsKey, now, id)
  if not cur[3] then
    rcall('HSET', nodeKey, 'id', id, 'address', address, 'cpu', cpu, 'mem', mem, 'labels', labels,
      'driver', driver, 'status', 'Ready', 'cordoned', 0, 'instance', instance, 'lastHeartbeat', now,
      'registeredAt', now, 'gen', 1, 'stretchedMs', stretched)
    rcall('SADD', nodesKey, id)
    stampNode(marks.stamps, marks.nodeReps .. id, marks.reps)
    emit(eventsKey, 'node', id, 'NodeRegistered', address .. ' cpu=' .. cpu .. 'm mem=' .. mem, now)
    return false, true
  end
  rcall('HSET', nodeKey, 'address', address, 'cpu', cpu, 'mem', mem, 'labels', labels, 'driver', driver,
    'instance', instance, 'lastHeartbeat', now, 'stretchedMs', stretched)
  local restarted = cur[2] ~= instance
  if restarted then emit(eventsKey, 'node', id, 'NodeRestarted', 'worker instance ' .. instance, now) end
  return restarted, beatAgain(nodeKey, eventsKey, id, cur[1], cur[3], now, marks)
end
