-- Mixed workload: each request is a GET with probability DHT_READ_SHARE, else a PUT, on keys drawn
-- from DHT_DIST over DHT_KEYS keys; fill the store first so that reads hit.
--   DHT_READ_SHARE=0.9 wrk2 -t2 -c64 -d60s -R8000 --latency -s lua/mixed.lua http://localhost:8080
-- Variables: DHT_READ_SHARE (0..1, default 0.9), and those of lua/common.lua.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local dht = dofile(dir .. "common.lua")

local read_share = tonumber(os.getenv("DHT_READ_SHARE") or "0.9")
if read_share == nil or read_share < 0 or read_share > 1 then
  error("DHT_READ_SHARE must be a number from 0 to 1")
end

dht.workload(function()
  local path = dht.path(dht.next_key())
  if math.random() < read_share then
    return wrk.format("GET", path)
  end
  return wrk.format("PUT", path, nil, dht.value())
end)
