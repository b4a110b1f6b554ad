-- Refresh rotation. Each connection is one virtual user that logged in once (the runner did it);
-- it loops on refreshing, always with the refresh token the previous response rotated in. A
-- response that does not rotate breaks the chain and the next refresh is reuse of a spent token,
-- which both servers answer with an error: a mistake here cannot hide as throughput.
--   BENCH_SCENARIO, BENCH_SESSIONS (one line per user, format below), BENCH_FLAVOUR:
--   latchkey:  "<refresh token> <csrf token>"; POST /auth/refresh with the refresh and CSRF
--              cookies and the X-CSRF-Token header; the new refresh token comes in Set-Cookie.
--   keycloak:  "<refresh token>"; POST the token endpoint with grant_type=refresh_token; the new
--              refresh token comes in the JSON body.
--   BENCH_PROOFS (optional, latchkey only): a path prefix; connection <id> sends the lines of
--              <prefix>-<id>.txt, one DPoP proof per request, in order (bench/dpop/refresh.sh
--              makes them: wrk cannot sign). Running out of proofs counts as errors.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")

local scenario = os.getenv("BENCH_SCENARIO")
local flavour = os.getenv("BENCH_FLAVOUR")
local sessions_file = os.getenv("BENCH_SESSIONS")
local keycloak_path = os.getenv("BENCH_PATH")
local keycloak_client = os.getenv("BENCH_CLIENT_ID")
local proofs_prefix = os.getenv("BENCH_PROOFS")

setup = common.setup

local refresh_token, csrf_token
local proofs, next_proof = nil, 1
unexpected = 0

function init(args)
  local sessions = common.lines(sessions_file)
  local line = assert(sessions[id], "fewer sessions than connections")
  refresh_token, csrf_token = line:match("^(%S+)%s*(%S*)$")
  if proofs_prefix then
    proofs = common.lines(proofs_prefix .. "-" .. id .. ".txt")
  end
end

function request()
  if flavour == "latchkey" then
    local headers = {
      ["Cookie"] = "__Secure-latchkey-refresh=" .. refresh_token .. "; __Host-latchkey-csrf=" .. csrf_token,
      ["X-CSRF-Token"] = csrf_token,
      ["Content-Length"] = "0",
    }
    if proofs then
      headers["DPoP"] = proofs[next_proof] or "out-of-proofs"
      next_proof = next_proof + 1
    end
    return wrk.format("POST", "/auth/refresh", headers)
  end
  return wrk.format("POST", keycloak_path, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, "grant_type=refresh_token&client_id=" .. keycloak_client .. "&refresh_token=" .. refresh_token)
end

function response(status, headers, body)
  if status ~= 200 then
    unexpected = unexpected + 1
    return
  end
  local rotated
  if flavour == "latchkey" then
    -- wrk keeps one header of each name, the last; Latchkey writes the refresh cookie last.
    local cookie = headers["Set-Cookie"] or headers["set-cookie"] or ""
    rotated = cookie:match("^__Secure%-latchkey%-refresh=([^;]+)")
  else
    rotated = body:match('"refresh_token":"([^"]+)"')
  end
  if rotated then
    refresh_token = rotated
  else
    unexpected = unexpected + 1
  end
end

function done(summary, latency, requests)
  common.done(scenario, summary, latency)
end
