-- Assigns the next per-conversation seq to a message and stores it in the hot window, atomically:
-- there is never a seq without its stored message.
--
-- KEYS[1] conv:{c}:seq  counter of the last seq
-- KEYS[2] conv:{c}:ids  hash message id -> seq
-- KEYS[3] conv:{c}:hot  zset score seq -> message JSON
-- ARGV[1] message id
-- ARGV[2] message JSON whose seq field is the placeholder "seq":-1
-- ARGV[3] most entries the hot window keeps
-- ARGV[4] hot window in milliseconds (PEXPIRE of ids and hot)
-- ARGV[5] floor for a missing counter (max seq in PostgreSQL), or '' when not known yet
--
-- Returns {seq, 1} for a newly sequenced message, {seq, 0} for a message that already had one
-- (redelivery), {-1, 0} when the counter is missing and no floor was given.

local existing = redis.call('HGET', KEYS[2], ARGV[1])
if existing then
  return {tonumber(existing), 0}
end

-- Checked before any write: Redis does not roll back the writes of a script that fails.
if not string.find(ARGV[2], '"seq":-1', 1, true) then
  return redis.error_reply('ERR message JSON has no "seq":-1 placeholder')
end

if redis.call('EXISTS', KEYS[1]) == 0 then
  if ARGV[5] == '' then
    return {-1, 0}
  end
  local floor = tonumber(ARGV[5])
  -- If only the counter was lost (eviction), the hot window still knows the highest seq.
  local top = redis.call('ZRANGE', KEYS[3], -1, -1, 'WITHSCORES')
  if top[2] and tonumber(top[2]) > floor then
    floor = tonumber(top[2])
  end
  redis.call('SET', KEYS[1], string.format('%d', floor))
end

local seq = redis.call('INCR', KEYS[1])
-- Inside a JSON string every quote is escaped, so the unescaped text "seq":-1 can only be the
-- top-level seq field; only its first occurrence is replaced.
local json = string.gsub(ARGV[2], '"seq":%-1', '"seq":' .. string.format('%d', seq), 1)

redis.call('HSET', KEYS[2], ARGV[1], seq)
redis.call('ZADD', KEYS[3], seq, json)

local excess = redis.call('ZCARD', KEYS[3]) - tonumber(ARGV[3])
if excess > 0 then
  -- The ids hash covers the same window as the hot zset: forget the ids of trimmed messages.
  local old = redis.call('ZRANGE', KEYS[3], 0, excess - 1)
  for _, entry in ipairs(old) do
    local ok, decoded = pcall(cjson.decode, entry)
    if ok and type(decoded) == 'table' and type(decoded.id) == 'string' then
      redis.call('HDEL', KEYS[2], decoded.id)
    end
  end
  redis.call('ZREMRANGEBYRANK', KEYS[3], 0, excess - 1)
end

redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('PEXPIRE', KEYS[3], ARGV[4])
return {seq, 1}
