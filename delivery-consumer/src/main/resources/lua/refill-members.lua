-- Refills the members cache of one conversation and sets its expiry in one step, so the set
-- never exists without a TTL.
-- KEYS[1] conv:{c}:members   ARGV[1] TTL in milliseconds   ARGV[2..] member user ids
redis.call('SADD', KEYS[1], unpack(ARGV, 2))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
