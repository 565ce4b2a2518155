-- Whether a user is in a conversation's cached member set: 1 member, 0 not a member of a cached
-- set, -1 no cached set (the caller asks PostgreSQL). One round trip, atomic.
-- KEYS[1] conv:{c}:members   ARGV[1] user id
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 1 end
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
return -1
