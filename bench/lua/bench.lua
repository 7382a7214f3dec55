-- One wrk script for every scenario of `make bench`; bench/run.py writes the scenario's
-- data file and points BENCH_DATA at it.
--
-- wrk gives every thread its own Lua state, so each thread keeps its own counters and
-- done() (run in the main state) gathers them with thread:get(). A thread stops by
-- itself as soon as its deadline has passed or its applicants are used up. It does not
-- wait for the answers still in flight: wrk reconnects before asking delay(), so a
-- connection held back would sit accepted-but-silent in a sync gunicorn worker and
-- block it. Requests in flight at the stop are counted (sent - received); the
-- invariant check allows exactly that many bookings no client heard about.

local ffi = require("ffi")
ffi.cdef([[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk_id, bench_timespec *tp);
int usleep(unsigned int usec);
]])
local timespec = ffi.new("bench_timespec")

local function now()
  ffi.C.clock_gettime(0, timespec) -- CLOCK_REALTIME: comparable with the server's timestamps
  return tonumber(timespec.tv_sec) + tonumber(timespec.tv_nsec) * 1e-9
end

local data = dofile(os.getenv("BENCH_DATA"))
local FOREVER_MS = 3600 * 1000

-- main state -----------------------------------------------------------------------
local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

-- per-thread state -------------------------------------------------------------------
tid = 0
pool = {}
statuses = {}
codes = {}
reserved, sent, received = 0, 0, 0
t_first, t_last, t_last_ok = 0, 0, 0
finished = false
local verify_skipped = false
local deadline = nil
local nthreads = data.threads
local paths = data.paths
local targets = data.targets
local headers_get = { ["X-Forwarded-Proto"] = "https" }
local headers_post = { ["X-Forwarded-Proto"] = "https", ["Content-Type"] = "application/json" }
if data.scenario then
  -- bench/wsgi.py adds up each worker's time per request under this name.
  headers_get["X-Bench-Scenario"] = data.scenario
  headers_post["X-Bench-Scenario"] = data.scenario
end

function init(args)
  if tid == 0 and data.ready_file then
    os.remove(data.ready_file) -- one a previous run left behind; threads init in turn
  end
  if data.pool then
    -- Applicant i belongs to thread i % nthreads: threads never share a person.
    local i = 0
    for line in io.lines(data.pool) do
      if i % nthreads == tid then
        pool[#pool + 1] = line
      end
      i = i + 1
    end
  end
  -- wrk starts each thread as soon as its init() is done, and the next thread's init()
  -- (reading its share of a pool of up to 200,000 applicants: over 0.1 s of CPU) runs
  -- while the threads before it already send. The last thread to be ready says so, and
  -- no thread sends before that (see wait_for_start), so the load generator's set-up
  -- never competes with the server for the cores while requests are timed.
  if tid == nthreads - 1 and data.ready_file then
    assert(io.open(data.ready_file, "w")):close()
  end
end

local started = false

local function wait_for_start()
  started = true
  if not data.ready_file then
    return
  end
  local give_up = now() + 30
  while now() < give_up do
    local marker = io.open(data.ready_file, "r")
    if marker then
      marker:close()
      return
    end
    ffi.C.usleep(1000)
  end
end

local function limit()
  if data.pool then
    return #pool
  end
  return math.huge
end

local function stopping()
  return reserved >= limit() or (deadline ~= nil and now() >= deadline)
end

local function finish()
  finished = true
  io.stdout:write("BENCH_THREAD_DONE\n")
  io.stdout:flush()
  wrk.thread:stop()
end

-- Called before every request (wrk calls it because it exists): the place to stop.
function delay()
  if not started then
    wait_for_start()
  end
  if stopping() then
    if not finished then
      finish()
    end
    return FOREVER_MS
  end
  reserved = reserved + 1
  return 0
end

local function booking_body(k)
  local target = targets[((k * nthreads + tid) % #targets) + 1]
  local applicant = pool[(k % #pool) + 1]
  return '{"office":"' .. target[1] .. '","date":"' .. target[2] .. '","session":' .. target[3]
    .. ',"track":"' .. target[4] .. '","service":"new","applicant":' .. applicant
    .. ',"if_full":"reject"}'
end

function request()
  -- wrk calls request() once on thread 0 before any thread runs, only to check what it
  -- returns; that call must not use up an applicant nor start the clock.
  local verifying = (tid == 0 and not verify_skipped)
  verify_skipped = true
  local k = sent
  if not verifying then
    if sent == 0 then
      t_first = now()
      deadline = t_first + data.duration
    end
    sent = sent + 1
  end
  if data.kind == "book" then
    return wrk.format("POST", "/api/v1/bookings/", headers_post, booking_body(k))
  end
  return wrk.format("GET", paths[((k * nthreads + tid) % #paths) + 1], headers_get)
end

function response(status, headers, body)
  received = received + 1
  t_last = now()
  local key
  if status == 201 then
    t_last_ok = t_last
    local code = string.match(body, '"code"%s*:%s*"([^"]+)"')
    if code then
      codes[#codes + 1] = code
    end
    key = "201"
  elseif status >= 400 then
    local code = string.match(body, '"code"%s*:%s*"([%w_]+)"')
    key = tostring(status) .. ":" .. (code or "")
  else
    key = tostring(status)
  end
  statuses[key] = (statuses[key] or 0) + 1
  if not finished and stopping() then
    finish()
  end
end

-- main state again: one JSON line for bench/run.py -------------------------------------
local function json(value)
  local kind = type(value)
  if kind == "table" then
    if #value > 0 or next(value) == nil then
      local items = {}
      for _, item in ipairs(value) do
        items[#items + 1] = json(item)
      end
      return "[" .. table.concat(items, ",") .. "]"
    end
    local items = {}
    for key, item in pairs(value) do
      items[#items + 1] = string.format("%q", tostring(key)) .. ":" .. json(item)
    end
    return "{" .. table.concat(items, ",") .. "}"
  elseif kind == "string" then
    return string.format("%q", value)
  elseif kind == "number" then
    return string.format("%.6f", value)
  end
  return tostring(value)
end

function done(summary, latency, requests)
  local per_thread = {}
  local all_codes = {}
  for _, thread in ipairs(threads) do
    per_thread[#per_thread + 1] = {
      statuses = thread:get("statuses"),
      sent = thread:get("sent"),
      received = thread:get("received"),
      t_first = thread:get("t_first"),
      t_last = thread:get("t_last"),
      t_last_ok = thread:get("t_last_ok"),
      finished = thread:get("finished"),
    }
    for _, code in ipairs(thread:get("codes")) do
      all_codes[#all_codes + 1] = code
    end
  end
  if data.codes_file then
    local out = assert(io.open(data.codes_file, "w"))
    out:write(table.concat(all_codes, "\n"))
    out:close()
  end
  local result = {
    threads = per_thread,
    requests = summary.requests,
    duration_us = summary.duration,
    errors = {
      connect = summary.errors.connect,
      read = summary.errors.read,
      write = summary.errors.write,
      timeout = summary.errors.timeout,
    },
    latency_us = {
      p50 = latency:percentile(50),
      p95 = latency:percentile(95),
      p99 = latency:percentile(99),
      max = latency.max,
      mean = latency.mean,
    },
  }
  io.stdout:write("BENCH_RESULT " .. json(result) .. "\n")
  io.stdout:flush()
end
