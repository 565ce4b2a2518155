-- Applies a cohort's new timing (extend, pause, resume, close) after PostgreSQL has it.
-- ARGV: 1 deadline, 2 paused, 3 closed. Absent meta: the next operation rebuilds from PostgreSQL.
if redis.call('EXISTS', META) == 0 then return 'NOMETA' end
redis.call('HSET', META, 'deadline', ARGV[1], 'paused', ARGV[2], 'closed', ARGV[3])
if ARGV[3] == '1' then redis.call('DEL', QUEUE) end
return 'OK'
