-- include: append one event to the events stream (KEYS and ARGV come from the including script)
local function emit(stream, kind, object, reason, message, at)
  redis.call('XADD', stream, 'MAXLEN', '~', 10000, '*', 'kind', kind, 'object', object, 'reason', reason, 'message', message, 'at', at)
end
local function fail(code, message) return cjson.encode({ ok = false, code = code, message = message }) end
