-- DELETE workload: deletes keys drawn from DHT_DIST over DHT_KEYS keys (absent keys answer 202 too).
--   DHT_KEYS=1000000 wrk2 -t2 -c64 -d60s -R5000 --latency -s lua/delete.lua http://localhost:8080
-- Variables: see lua/common.lua (DHT_KEYS, DHT_DIST, DHT_ZIPF_THETA, DHT_ACK, DHT_FROM, DHT_THREADS).
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local dht = dofile(dir .. "common.lua")

dht.workload(function()
  return wrk.format("DELETE", dht.path(dht.next_key()))
end)
