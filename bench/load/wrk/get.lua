-- GET of one path, optionally with a bearer token per connection (the Nth connection uses the
-- Nth line of BENCH_TOKENS). Scenarios: the floor (/ping), /api/me, Keycloak's userinfo.
--   BENCH_SCENARIO  name printed in the RESULT line
--   BENCH_PATH      path to GET
--   BENCH_TOKENS    file of access tokens, one per line (absent: no Authorization header)
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")

local scenario = os.getenv("BENCH_SCENARIO")
local path = os.getenv("BENCH_PATH")
local tokens_file = os.getenv("BENCH_TOKENS")

setup = common.setup

local request_text
unexpected = 0

function init(args)
  local headers = {}
  if tokens_file then
    local tokens = common.lines(tokens_file)
    headers["Authorization"] = "Bearer " .. tokens[((id - 1) % #tokens) + 1]
  end
  request_text = wrk.format("GET", path, headers)
end

function request()
  return request_text
end

function response(status, headers, body)
  if status ~= 200 then unexpected = unexpected + 1 end
end

function done(summary, latency, requests)
  common.done(scenario, summary, latency)
end
