-- ARGV: 1 user, 2 hold id, 3 hold id for a queued user admitted to the freed seat
local m = meta()
if not m then return { 'NOMETA' } end
local user, id = ARGV[1], ARGV[2]
local now = now_ms()
local raw = redis.call('HGET', HOLDS, id)
if not raw then return { 'NO_HOLD' } end
local h = cjson.decode(raw)
if h.u ~= user then return { 'NOT_YOURS' } end
if h.st == 'released' then return { 'RELEASED_BEFORE', id, int(h.s) } end
if h.st ~= 'held' and h.st ~= 'confirmed' then return { 'ENDED', h.st } end
local out = {}
end_hold(m, id, h, 'released', now, ARGV[3], out)
return out
