-- ARGV: 1 user, 2 hold id
local m = meta()
if not m then return { 'NOMETA' } end
local user, id = ARGV[1], ARGV[2]
local now = now_ms()
local raw = redis.call('HGET', HOLDS, id)
if not raw then return { 'NO_HOLD' } end
local h = cjson.decode(raw)
if h.u ~= user then return { 'NOT_YOURS' } end
if h.st == 'confirmed' then return { 'CONFIRMED', id, int(h.s), int(h.e), 'replay', int(now) } end
if h.st ~= 'held' then return { 'ENDED', h.st } end
if now >= h.e then return { 'EXPIRED', int(h.e), int(now) } end
h.st = 'confirmed'
put_hold(id, h)
redis.call('ZREM', EXPIRY, id)
redis.call('HINCRBY', META, 'held', -1)
local c = redis.call('HINCRBY', META, 'confirmed', 1)
local sold_out = '0'
if c >= m.seats then
  -- Nothing can come free any more except by a release: the waiting room is told it is sold out.
  sold_out = int(redis.call('ZCARD', QUEUE))
  redis.call('DEL', QUEUE)
end
return { 'CONFIRMED', id, int(h.s), int(h.e), 'new', int(now), sold_out }
