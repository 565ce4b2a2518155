-- Queue positions of several users at once (for live push). ARGV: users
local out = {}
for i = 1, #ARGV do
  local r = redis.call('ZRANK', QUEUE, ARGV[i])
  table.insert(out, r and int(r + 1) or '0')
end
return out
