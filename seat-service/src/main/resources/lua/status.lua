-- Live view. ARGV: 1 user ('' = none). Returns seats, held, confirmed, free, queue length,
-- deadline, paused, closed, now, opens, then the user's hold (id, seat, exp, state) or queue position.
-- TORN when the user's hold record is missing (part of the cohort lost): the caller rebuilds.
local m = meta()
if not m then return { 'NOMETA' } end
local now = now_ms()
local out = { 'OK', tostring(m.seats), tostring(m.held), tostring(m.confirmed),
  tostring(redis.call('SCARD', FREE)), tostring(redis.call('ZCARD', QUEUE)), tostring(m.deadline),
  tostring(m.paused), m.closed and '1' or '0', tostring(now), tostring(m.opens) }
if ARGV[1] ~= '' then
  local id = redis.call('HGET', USERS, ARGV[1])
  if id then
    local raw = redis.call('HGET', HOLDS, id)
    if not raw then return { 'TORN', id } end
    local h = cjson.decode(raw)
    table.insert(out, 'HOLD'); table.insert(out, id); table.insert(out, tostring(h.s))
    table.insert(out, tostring(h.e)); table.insert(out, h.st)
  else
    local rank = redis.call('ZRANK', QUEUE, ARGV[1])
    if rank then table.insert(out, 'QUEUED'); table.insert(out, tostring(rank + 1)) end
  end
end
return out
