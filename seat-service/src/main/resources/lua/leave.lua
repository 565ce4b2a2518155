-- Leaves the waiting room. ARGV: 1 user
if redis.call('EXISTS', META) == 0 then return { 'NOMETA' } end
return { int(redis.call('ZREM', QUEUE, ARGV[1])) }
