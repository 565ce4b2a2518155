-- Assigns the next per-conversation seqs to a run of messages of one conversation (in their Kafka
-- order) and stores each in the hot window, atomically: there is never a seq without its stored
-- message. One call per conversation and poll; the calls of a poll are pipelined.
--
-- KEYS[1] conv:{c}:seq  counter of the last seq
-- KEYS[2] conv:{c}:ids  hash message id -> seq
-- KEYS[3] conv:{c}:hot  zset score seq -> message JSON
-- ARGV[1] most entries the hot window keeps
-- ARGV[2] hot window in milliseconds (PEXPIRE of ids and hot)
-- ARGV[3] floor for a missing counter: the highest seq given so far according to PostgreSQL and the
--         sequenced topic's unpersisted tail (Sequencer), or '' when not known yet
-- ARGV[4] seqs these messages were given before Redis lost them, as a JSON object {id: seq}, or ''
--         (only with a floor: the messages are read again, their seqs still hold elsewhere)
-- ARGV[5], ARGV[6], ... pairs: message id, message JSON whose seq field is the placeholder "seq":-1
--
-- Returns {seq1, new1, seq2, new2, ...}: new = 1 for a message sequenced now, 0 for a message that
-- already had its seq (redelivery); or {-1, 0} when the counter is missing and no floor was given
-- (then nothing was written).

-- Checked before any write: Redis does not roll back the writes of a script that fails.
for i = 6, #ARGV, 2 do
  if not string.find(ARGV[i], '"seq":-1', 1, true) then
    return redis.error_reply('ERR message JSON has no "seq":-1 placeholder')
  end
end

local counterMissing = redis.call('EXISTS', KEYS[1]) == 0
if counterMissing and ARGV[3] == '' then
  -- Seeding needs PostgreSQL and the sequenced topic: refuse before writing anything, unless
  -- every message already has its seq here (then the counter is not needed).
  for i = 5, #ARGV, 2 do
    if not redis.call('HGET', KEYS[2], ARGV[i]) then
      return {-1, 0}
    end
  end
end
if counterMissing and ARGV[3] ~= '' then
  local floor = tonumber(ARGV[3])
  -- If only the counter was lost (eviction), the hot window still knows the highest seq.
  local top = redis.call('ZRANGE', KEYS[3], -1, -1, 'WITHSCORES')
  if top[2] and tonumber(top[2]) > floor then
    floor = tonumber(top[2])
  end
  redis.call('SET', KEYS[1], string.format('%d', floor))
end
local known = {}
if ARGV[4] ~= '' then
  known = cjson.decode(ARGV[4])
end

-- Inside a JSON string every quote is escaped, so the unescaped text "seq":-1 can only be the
-- top-level seq field; only its first occurrence is replaced.
local function store(id, placeholderJson, seq)
  local json = string.gsub(placeholderJson, '"seq":%-1', '"seq":' .. string.format('%d', seq), 1)
  redis.call('HSET', KEYS[2], id, seq)
  redis.call('ZADD', KEYS[3], seq, json)
end

local out = {}
local added = false
for i = 5, #ARGV, 2 do
  local id = ARGV[i]
  local existing = redis.call('HGET', KEYS[2], id)
  if existing then
    out[#out + 1] = tonumber(existing)
    out[#out + 1] = 0
  elseif known[id] then
    -- Given before the loss: it keeps that seq, and the hot window holds it again.
    store(id, ARGV[i + 1], known[id])
    out[#out + 1] = known[id]
    out[#out + 1] = 0
    added = true
  else
    local seq = redis.call('INCR', KEYS[1])
    store(id, ARGV[i + 1], seq)
    out[#out + 1] = seq
    out[#out + 1] = 1
    added = true
  end
end

if added then
  local excess = redis.call('ZCARD', KEYS[3]) - tonumber(ARGV[1])
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
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
  redis.call('PEXPIRE', KEYS[3], ARGV[2])
end
return out
