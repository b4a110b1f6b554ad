-- Login with a password (JSON body), each connection as its own user from BENCH_CREDENTIALS
-- ("<email> <password>" per line). With BENCH_FLOOD=1 it is an attack instead: every request is
-- a fresh random address, so neither the per-account budget nor the dummy hash can be skipped,
-- and any answer (401, 503 when the hashing slots are full) is the expected one.
-- With BENCH_FLAVOUR=keycloak it is Keycloak's password grant instead (form body, to BENCH_PATH, for
-- the public client BENCH_CLIENT_ID), each connection as its own user ("<username> <password>").
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")

local scenario = os.getenv("BENCH_SCENARIO")
local credentials_file = os.getenv("BENCH_CREDENTIALS")
local flood = os.getenv("BENCH_FLOOD") == "1"
local keycloak = os.getenv("BENCH_FLAVOUR") == "keycloak"
local keycloak_path = os.getenv("BENCH_PATH")
local keycloak_client = os.getenv("BENCH_CLIENT_ID")

setup = common.setup

local credentials_body
unexpected = 0

function init(args)
  math.randomseed(os.time() * 1000 + id)
  if not flood then
    local credentials = common.lines(credentials_file)
    local email, password = credentials[((id - 1) % #credentials) + 1]:match("^(%S+) (%S+)$")
    if keycloak then
      credentials_body = "grant_type=password&client_id=" .. keycloak_client .. "&username=" .. email
          .. "&password=" .. (password:gsub("[^%w%-_.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
    else
      credentials_body = '{"email":"' .. email .. '","password":"' .. password .. '"}'
    end
  end
end

function request()
  local payload = credentials_body
  if flood then
    payload = string.format('{"email":"flood-%d-%d@bench.example","password":"not-the-password-%d"}',
        id, math.random(1, 2000000000), math.random(1, 2000000000))
  end
  if keycloak then
    return wrk.format("POST", keycloak_path, { ["Content-Type"] = "application/x-www-form-urlencoded" }, payload)
  end
  return wrk.format("POST", "/auth/login", { ["Content-Type"] = "application/json" }, payload)
end

function response(status, headers, body)
  if not flood and status ~= 200 then unexpected = unexpected + 1 end
end

function done(summary, latency, requests)
  common.done(scenario, summary, latency)
end
