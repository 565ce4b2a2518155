-- Replaces the members cache of one conversation with exactly the given set and its expiry, in one
-- step: the set never exists without a TTL, never half-written, and a member removed from
-- PostgreSQL is not kept (adding to whatever set was there would put them back).
-- KEYS[1] conv:{c}:members   ARGV[1] TTL in milliseconds   ARGV[2..] member user ids
redis.call('DEL', KEYS[1])
-- unpack has a stack limit (~8000 values): add in chunks
for i = 2, #ARGV, 5000 do
  redis.call('SADD', KEYS[1], unpack(ARGV, i, math.min(i + 4999, #ARGV)))
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
