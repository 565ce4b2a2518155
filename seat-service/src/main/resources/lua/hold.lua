-- ARGV: 1 user, 2 new hold id, 3 requested seat ('' = any)
local m = meta()
if not m then return { 'NOMETA' } end
local user, id, want = ARGV[1], ARGV[2], ARGV[3]
local now = now_ms()
local existing = redis.call('HGET', USERS, user)
if existing then
  local raw = redis.call('HGET', HOLDS, existing)
  -- The user points at a hold Redis no longer has: part of the cohort was lost.
  if not raw then return { 'TORN', existing } end
  local h = cjson.decode(raw)
  return { 'EXISTS', existing, int(h.s), int(h.e), h.st, int(now) }
end
if m.closed or now >= m.deadline then return { 'CLOSED', int(m.deadline), int(now) } end
if m.paused > 0 then return { 'PAUSED', int(now) } end
if now < m.opens then return { 'NOT_OPEN', int(m.opens), int(now) } end
local seat
if want ~= '' then
  local n = tonumber(want)
  if not n or n < 0 or n >= m.seats or n ~= math.floor(n) then return { 'NO_SUCH_SEAT' } end
  if redis.call('SREM', FREE, want) == 0 then return { 'SEAT_TAKEN' } end
  seat = n
else
  local s = redis.call('SPOP', FREE)
  if not s then
    if m.held > 0 then
      -- Every seat is held but not all are confirmed: wait in line (FIFO by ticket).
      local rank = redis.call('ZRANK', QUEUE, user)
      if not rank then
        local ticket = redis.call('HINCRBY', META, 'qseq', 1)
        redis.call('ZADD', QUEUE, ticket, user)
        rank = redis.call('ZRANK', QUEUE, user)
      end
      return { 'QUEUED', int(rank + 1), int(now) }
    end
    return { 'SOLD_OUT', int(now) }
  end
  seat = tonumber(s)
end
local exp = math.min(now + m.ttl, m.deadline)
put_hold(id, { u = user, s = seat, e = exp, c = now, st = 'held' })
redis.call('HSET', USERS, user, id)
redis.call('ZADD', EXPIRY, exp, id)
redis.call('HINCRBY', META, 'held', 1)
redis.call('ZREM', QUEUE, user)
return { 'HELD', id, int(seat), int(exp), int(now) }
