-- The gate of one send, in one round trip: is the sender a member, and is this cmid new?
-- KEYS[1] conv:{c}:members   KEYS[2] conv:{c}:cmid:<sender>:<cmid>
-- ARGV[1] sender   ARGV[2] the claim ("pending:<new message id>")   ARGV[3] its TTL in ms
-- Answers 'miss' (members not cached: nothing written), 'not-member' (nothing written),
-- 'fresh' (the claim is set) or 'had:<value already there>' (a retry).
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 'miss'
end
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 0 then
  return 'not-member'
end
local previous = redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[3], 'GET')
if previous then
  return 'had:' .. previous
end
return 'fresh'
