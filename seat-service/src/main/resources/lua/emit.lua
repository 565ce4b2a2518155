-- Appends an event to the cohort's log (a stream: its ids are the SSE ids) and publishes it for
-- every replica's live subscribers. KEYS: 1 log. ARGV: 1 channel, 2 cohort id, 3 event json, 4 max length
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[4], '*', 'e', ARGV[3])
redis.call('PUBLISH', ARGV[1], ARGV[2] .. '\n' .. id .. '\n' .. ARGV[3])
return id
