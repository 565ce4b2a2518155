-- The sweeper: ends holds whose expiry time has passed. ARGV: 1 batch size, 2.. fresh hold ids
-- for queued users admitted to the freed seats.
local m = meta()
if not m then return { 'NOMETA' } end
local now = now_ms()
local ids = redis.call('ZRANGEBYSCORE', EXPIRY, '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
local out = {}
local next_id = 2
for _, id in ipairs(ids) do
  local raw = redis.call('HGET', HOLDS, id)
  redis.call('ZREM', EXPIRY, id)
  if raw then
    local h = cjson.decode(raw)
    if h.st == 'held' then
      if end_hold(m, id, h, 'expired', now, ARGV[next_id], out) then next_id = next_id + 1 end
    end
  end
end
if now >= m.deadline and redis.call('EXISTS', QUEUE) == 1 then
  redis.call('DEL', QUEUE)
end
return out
