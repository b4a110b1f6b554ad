-- RFC 7662 token introspection by a registered resource server: each connection POSTs
-- token=<its access token> (the Nth connection, the Nth line of BENCH_TOKENS) with HTTP Basic client
-- authentication. Only an answer of 200 that says "active":true counts: an inactive token or a refused
-- client is an error, so a mistake in the setup cannot hide as throughput.
--   BENCH_SCENARIO, BENCH_PATH (/auth/introspect, or Keycloak's .../token/introspect), BENCH_TOKENS,
--   BENCH_BASIC (base64 of "client-id:secret")
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")

local scenario = os.getenv("BENCH_SCENARIO")
local path = os.getenv("BENCH_PATH")
local tokens_file = os.getenv("BENCH_TOKENS")
local basic = os.getenv("BENCH_BASIC")

setup = common.setup

local request_text
unexpected = 0

function init(args)
  local tokens = common.lines(tokens_file)
  request_text = wrk.format("POST", path, {
    ["Authorization"] = "Basic " .. basic,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, "token=" .. tokens[((id - 1) % #tokens) + 1])
end

function request()
  return request_text
end

function response(status, headers, body)
  if status ~= 200 or not body:find('"active"%s*:%s*true') then unexpected = unexpected + 1 end
end

function done(summary, latency, requests)
  common.done(scenario, summary, latency)
end
