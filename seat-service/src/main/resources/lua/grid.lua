-- Seat grid: seat number and state of every active hold. The rest of the seats are free.
if redis.call('EXISTS', META) == 0 then return { 'NOMETA' } end
local out = { 'OK' }
local ids = redis.call('HVALS', USERS)
if #ids == 0 then return out end
local raws = redis.call('HMGET', HOLDS, unpack(ids))
for _, raw in ipairs(raws) do
  if raw then
    local h = cjson.decode(raw)
    table.insert(out, int(h.s)); table.insert(out, h.st)
  end
end
return out
