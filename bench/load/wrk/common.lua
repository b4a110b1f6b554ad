-- Shared by every scenario. wrk runs one Lua state per thread; the runner always starts wrk with
-- as many threads as connections (-t N -c N), so each state drives exactly one connection and
-- can keep that virtual user's own session (cookies, tokens) in plain variables.
--
-- done() prints one machine-readable line per run:
--   RESULT <scenario> <requests/s> <p50 ms> <p95 ms> <p99 ms> <errors> <requests>
-- where errors counts socket errors, timeouts and every response other than the expected status.

local common = {}

local threads = {}
local counter = 0

-- Runs in the main state: number the threads and hand each its slice of the inputs.
function common.setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

-- Reads a file of lines (tokens, credentials) into a table.
function common.lines(path)
  local result = {}
  local file = assert(io.open(path, "r"), "cannot read " .. path)
  for line in file:lines() do
    if #line > 0 then table.insert(result, line) end
  end
  file:close()
  return result
end

function common.done(scenario, summary, latency)
  local unexpected = 0
  for _, thread in ipairs(threads) do
    unexpected = unexpected + (tonumber(thread:get("unexpected")) or 0)
  end
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.timeout + unexpected
  local seconds = summary.duration / 1e6
  io.write(string.format("RESULT %s %.1f %.2f %.2f %.2f %d %d\n", scenario,
      summary.requests / seconds,
      latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
      errors, summary.requests))
end

return common
