-- PUT workload: writes DHT_VALUE_SIZE-byte values to keys drawn from DHT_DIST over DHT_KEYS keys.
--   DHT_KEYS=1000000 wrk2 -t2 -c64 -d60s -R10000 --latency -s lua/put.lua http://localhost:8080
-- To fill a store for GET loads, use `java -jar target/dht.jar fill` (it writes the same keys and
-- values and ends when done, which a wrk run cannot).
-- Variables: see lua/common.lua (DHT_KEYS, DHT_VALUE_SIZE, DHT_DIST, DHT_ZIPF_THETA, DHT_ACK, DHT_FROM,
-- DHT_THREADS).
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local dht = dofile(dir .. "common.lua")

dht.workload(function()
  return wrk.format("PUT", dht.path(dht.next_key()), nil, dht.value())
end)
