-- Shared by every cohort script. KEYS: 1 meta (hash), 2 free (set of seat numbers),
-- 3 holds (hash id -> json), 4 users (hash user -> active hold id), 5 expiry (zset id -> expires
-- at ms), 6 queue (zset user -> ticket). All six carry the cohort's hash tag: one cluster slot.
local META, FREE, HOLDS, USERS, EXPIRY, QUEUE = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]

-- Numbers go back to Java as integer strings: tostring() gives '%.14g' (1.1e+14 past year 5138).
local function int(x)
  return string.format('%d', x)
end

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function meta()
  local v = redis.call('HMGET', META, 'seats', 'opens', 'deadline', 'paused', 'closed', 'ttl', 'held', 'confirmed')
  if not v[1] then return nil end
  return { seats = tonumber(v[1]), opens = tonumber(v[2]), deadline = tonumber(v[3]),
           paused = tonumber(v[4]), closed = v[5] == '1', ttl = tonumber(v[6]),
           held = tonumber(v[7]), confirmed = tonumber(v[8]) }
end

local function put_hold(id, h)
  redis.call('HSET', HOLDS, id, cjson.encode(h))
end

-- A seat has come free: it goes to the head of the waiting room if the cohort still takes
-- holds, otherwise back to the free set. Returns the admitted user (or nil).
local function free_seat(m, seat, now, new_id, out)
  if new_id and not m.closed and m.paused == 0 and now < m.deadline then
    local head = redis.call('ZPOPMIN', QUEUE)
    if head[1] then
      local user = head[1]
      local exp = math.min(now + m.ttl, m.deadline)
      put_hold(new_id, { u = user, s = tonumber(seat), e = exp, c = now, st = 'held' })
      redis.call('HSET', USERS, user, new_id)
      redis.call('ZADD', EXPIRY, exp, new_id)
      redis.call('HINCRBY', META, 'held', 1)
      table.insert(out, 'ADMITTED'); table.insert(out, new_id); table.insert(out, user)
      table.insert(out, int(seat)); table.insert(out, int(exp)); table.insert(out, int(now))
      return true
    end
  end
  redis.call('SADD', FREE, seat)
  return false
end

-- Ends an active hold (released or expired): the user and the seat are free again.
local function end_hold(m, id, h, state, now, new_id, out)
  local was = h.st
  h.st = state
  put_hold(id, h)
  redis.call('HDEL', USERS, h.u)
  redis.call('ZREM', EXPIRY, id)
  if was == 'held' then
    redis.call('HINCRBY', META, 'held', -1); m.held = m.held - 1
  else
    redis.call('HINCRBY', META, 'confirmed', -1); m.confirmed = m.confirmed - 1
  end
  table.insert(out, string.upper(state)); table.insert(out, id); table.insert(out, h.u)
  table.insert(out, int(h.s)); table.insert(out, was); table.insert(out, int(now))
  return free_seat(m, h.s, now, new_id, out)
end
