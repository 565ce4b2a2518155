-- Live view. ARGV: 1 user ('' = none). Returns seats, held, confirmed, free, queue length,
-- deadline, paused, closed, now, opens, then the user's hold (id, seat, exp, state) or queue position.
-- TORN when the user's hold record is missing (part of the cohort lost): the caller rebuilds.
local m = meta()
if not m then return { 'NOMETA' } end
local now = now_ms()
local out = { 'OK', int(m.seats), int(m.held), int(m.confirmed),
  int(redis.call('SCARD', FREE)), int(redis.call('ZCARD', QUEUE)), int(m.deadline),
  int(m.paused), m.closed and '1' or '0', int(now), int(m.opens) }
if ARGV[1] ~= '' then
  local id = redis.call('HGET', USERS, ARGV[1])
  if id then
    local raw = redis.call('HGET', HOLDS, id)
    if not raw then return { 'TORN', id } end
    local h = cjson.decode(raw)
    table.insert(out, 'HOLD'); table.insert(out, id); table.insert(out, int(h.s))
    table.insert(out, int(h.e)); table.insert(out, h.st)
  else
    local rank = redis.call('ZRANK', QUEUE, ARGV[1])
    if rank then table.insert(out, 'QUEUED'); table.insert(out, int(rank + 1)) end
  end
end
return out
