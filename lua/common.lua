-- Shared by the dht workloads: configuration from the environment, key choice, request building.
-- Runs under wrk and wrk2 (LuaJIT). Each wrk thread has its own Lua state; setup() numbers them.
--
-- Environment (all optional):
--   DHT_KEYS        size of the key space, keys are "k0".."k<N-1>"        (default 1000000)
--   DHT_VALUE_SIZE  bytes per value for PUT                                 (default 256)
--   DHT_DIST        sequential | uniform | zipfian                          (default uniform)
--   DHT_ZIPF_THETA  skew of the zipfian distribution                        (default 0.99)
--   DHT_ACK, DHT_FROM  replication parameters appended to every request     (default: node's defaults)
--   DHT_THREADS     with sequential keys: wrk's -t, so threads stride over the keys  (default 1)

local M = {}

local function env_number(name, default)
  local value = os.getenv(name)
  if value == nil or value == "" then return default end
  local n = tonumber(value)
  if n == nil then error(name .. " must be a number, got '" .. value .. "'") end
  return n
end

M.keys = env_number("DHT_KEYS", 1000000)
M.value_size = env_number("DHT_VALUE_SIZE", 256)
M.dist = os.getenv("DHT_DIST") or "uniform"
M.theta = env_number("DHT_ZIPF_THETA", 0.99)
M.threads = env_number("DHT_THREADS", 1)
if M.dist ~= "sequential" and M.dist ~= "uniform" and M.dist ~= "zipfian" then
  error("DHT_DIST must be sequential, uniform or zipfian, got '" .. M.dist .. "'")
end

local suffix = ""
if os.getenv("DHT_ACK") and os.getenv("DHT_ACK") ~= "" then suffix = suffix .. "&ack=" .. os.getenv("DHT_ACK") end
if os.getenv("DHT_FROM") and os.getenv("DHT_FROM") ~= "" then suffix = suffix .. "&from=" .. os.getenv("DHT_FROM") end

-- Thread numbering: setup() runs in the main Lua state once per thread, before that thread's
-- init(); wrk does not tell a thread how many others there are, hence DHT_THREADS.
local created = 0
function M.setup(thread)
  thread:set("thread_id", created)
  created = created + 1
end

-- Per-thread state, set in init().
local id, next_seq
local zipf
local body

-- YCSB's zipfian generator (Gray et al., "Quickly generating billion-record synthetic databases").
local function zipf_init(n, theta)
  local zetan = 0
  for i = 1, n do zetan = zetan + 1 / (i ^ theta) end
  local zeta2 = 1 + 1 / (2 ^ theta)
  local alpha = 1 / (1 - theta)
  local eta = (1 - (2 / n) ^ (1 - theta)) / (1 - zeta2 / zetan)
  return function()
    local u = math.random()
    local uz = u * zetan
    if uz < 1 then return 0 end
    if uz < 1 + 0.5 ^ theta then return 1 end
    return math.floor(n * (eta * u - eta + 1) ^ alpha) % n
  end
end

function M.init()
  id = tonumber(wrk.thread:get("thread_id")) or 0
  math.randomseed(os.time() * 1000 + id)
  if M.dist == "zipfian" then zipf = zipf_init(M.keys, M.theta) end
  -- Sequential: thread i takes keys i, i+T, i+2T, ... so threads never write the same key.
  next_seq = id
  body = string.rep("v", M.value_size)
end

-- The next key number, from 0 to DHT_KEYS - 1.
function M.next_key()
  if M.dist == "uniform" then return math.random(0, M.keys - 1) end
  if M.dist == "zipfian" then return zipf() end
  local n = next_seq % M.keys
  next_seq = next_seq + M.threads
  return n
end

function M.path(key)
  return "/v0/entity?id=k" .. key .. suffix
end

-- The value every PUT sends: DHT_VALUE_SIZE bytes, the same that `dht.jar fill` writes.
function M.value()
  return body
end

-- Installs wrk's callbacks for a workload whose request() builds one request.
function M.workload(request)
  _G.setup = M.setup
  _G.init = function(args) M.init() end
  _G.request = request
end

return M
