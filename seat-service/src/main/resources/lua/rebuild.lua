-- Seeds a cohort from PostgreSQL (creation, or after Redis lost it). Only when meta is absent,
-- so two replicas rebuilding at once cannot double-count. ARGV: 1 seats, 2 opens, 3 deadline,
-- 4 paused, 5 closed, 6 ttl, 7 json array of active holds {id,u,s,e,c,st}
if redis.call('EXISTS', META) == 1 then return 'PRESENT' end
local seats = tonumber(ARGV[1])
local active = cjson.decode(ARGV[7])
local taken = {}
local held, confirmed = 0, 0
redis.call('DEL', FREE, HOLDS, USERS, EXPIRY, QUEUE)
for _, h in ipairs(active) do
  taken[h.s] = true
  redis.call('HSET', HOLDS, h.id, cjson.encode({ u = h.u, s = h.s, e = h.e, c = h.c, st = h.st }))
  redis.call('HSET', USERS, h.u, h.id)
  if h.st == 'held' then
    held = held + 1
    redis.call('ZADD', EXPIRY, h.e, h.id)
  else
    confirmed = confirmed + 1
  end
end
local batch = {}
for s = 0, seats - 1 do
  if not taken[s] then
    table.insert(batch, s)
    if #batch == 500 then redis.call('SADD', FREE, unpack(batch)); batch = {} end
  end
end
if #batch > 0 then redis.call('SADD', FREE, unpack(batch)) end
redis.call('HSET', META, 'seats', seats, 'opens', ARGV[2], 'deadline', ARGV[3], 'paused', ARGV[4],
  'closed', ARGV[5], 'ttl', ARGV[6], 'held', held, 'confirmed', confirmed, 'qseq', 0)
return 'REBUILT'
