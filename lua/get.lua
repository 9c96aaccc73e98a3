-- GET workload: reads keys drawn from DHT_DIST over DHT_KEYS keys; fill the store first
-- (see put.lua) so that every GET hits an existing key.
--   DHT_KEYS=1000000 wrk2 -t2 -c64 -d60s -R10000 --latency -s lua/get.lua http://localhost:8080
-- Variables: see lua/common.lua (DHT_KEYS, DHT_DIST, DHT_ZIPF_THETA, DHT_ACK, DHT_FROM, DHT_THREADS).
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local dht = dofile(dir .. "common.lua")

dht.workload(function()
  return wrk.format("GET", dht.path(dht.next_key()))
end)
