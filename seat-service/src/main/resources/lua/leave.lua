-- Leaves the waiting room. ARGV: 1 user
if redis.call('EXISTS', META) == 0 then return { 'NOMETA' } end
return { tostring(redis.call('ZREM', QUEUE, ARGV[1])) }
