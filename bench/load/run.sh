#!/usr/bin/env bash
# Issue 7's load benchmark: Latchkey against its floor and against Keycloak, one machine, one run.
#
#   bench/load/run.sh                 # everything (about 15 minutes)
#   BENCH_SECONDS=10 bench/load/run.sh   # shorter measurement windows
#   BENCH_SKIP_KEYCLOAK=1 bench/load/run.sh
#   BENCH_LATCHKEY_OPTS='-Dlatchkey.x=y' bench/load/run.sh   # extra settings for Latchkey's JVM
#
# What it does, in order:
#   1. builds the WAR (mvn -DskipTests package, which also fetches Payara Micro);
#   2. starts Latchkey in Payara Micro on PostgreSQL (database latchkey_bench, recreated empty),
#      registers the benchmark users, gets RS256 tokens, then generates and promotes an ES256 key
#      with the key tool and gets ES256 tokens from the same running server;
#   3. runs the scenarios with wrk (one wrk thread per connection, so each connection is one
#      virtual user with its own session): the floor (GET /ping), GET /api/me with RS256 and with
#      ES256 bearer tokens, GET /api/me/token (answered from the verified RS256 token alone, no
#      database read; BENCH_TOKEN_ONLY_ROUNDS alternating windows against the floor and against
#      the same JSON answered by stock MicroProfile JWT, below), refresh
#      rotation, login, and /api/me under a concurrent login flood; token introspection
#      (POST /auth/introspect of the RS256 tokens, HTTP Basic as the resource server
#      bench-introspector, registered with the key tool by register_introspector, as in
#      bench/peers/run.sh);
#   3b. stock MicroProfile JWT, the peer users get for free (issue 20, part 2): the interop consumer
#      application of the tests (src/test/java/dev/latchkey/interop/consumer, which ResourceServerIT
#      shows answers GET /token with exactly /api/me/token's JSON) in a second Payara Micro with the
#      same heap, trusting Latchkey's JWKS with nothing but mp.jwt.* settings, no revocation check;
#      it runs beside Latchkey throughout and is idle while Latchkey is measured, and the reverse;
#   4. stops Latchkey; fetches Keycloak 26.7.3 with Maven, starts it on the same PostgreSQL
#      (database keycloak_bench), sets up a realm with "Revoke Refresh Token" on, and runs the
#      same token-verification (userinfo) and refresh scenarios; stops it;
#   5. prints every RESULT line and the ratios, and leaves them in $BENCH_WORK/results.txt.
#
# Needs: JDK 17, Maven, wrk (apt-get install wrk), curl, psql, and PostgreSQL on 127.0.0.1:5432
# accepting the user postgres without a password (as on the CI machine).
# Every scenario is a closed loop: a warm-up run that is thrown away, then the measured run.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export BENCH_WORK=${BENCH_WORK:-/tmp/latchkey-bench}
export BENCH_LUA_DIR="$ROOT/bench/load/wrk"
SECONDS_MEASURED=${BENCH_SECONDS:-30}
SECONDS_WARMUP=${BENCH_WARMUP_SECONDS:-20}
WARMUP_PASSES=${BENCH_WARMUP_PASSES:-3}
TOKEN_ONLY_ROUNDS=${BENCH_TOKEN_ONLY_ROUNDS:-3}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
USERS=${BENCH_USERS:-$CONNECTIONS}
LATCHKEY_PORT=${BENCH_LATCHKEY_PORT:-8180}
CONSUMER_PORT=${BENCH_CONSUMER_PORT:-8181}
KEYCLOAK_PORT=${BENCH_KEYCLOAK_PORT:-8280}
HEAP=${BENCH_HEAP:-1g}
CORES=$(nproc)
PASSWORD='Bench-password-0001!'
RESULTS="$BENCH_WORK/results.txt"
PSQL=(psql -X -q -t -A -h 127.0.0.1 -U postgres)

# shellcheck source=keycloak.sh
source "$ROOT/bench/load/keycloak.sh"

log() { printf '\n== %s\n' "$*" >&2; }
fail() { printf 'bench: %s\n' "$*" >&2; exit 1; }

for tool in wrk curl psql java mvn; do
  command -v "$tool" >/dev/null || fail "$tool is missing (wrk: apt-get install wrk)"
done
mkdir -p "$BENCH_WORK"

# --- wrk -------------------------------------------------------------------------------------

# wrk_run <scenario> <seconds> <base url> <connections> <lua script> [VAR=value ...]
wrk_run() {
  local scenario=$1 seconds=$2 base=$3 connections=$4 script=$5
  shift 5
  env "$@" BENCH_SCENARIO="$scenario" wrk -t "$connections" -c "$connections" -d "${seconds}s" \
      --timeout 10s -s "$BENCH_LUA_DIR/$script" "$base" > "$BENCH_WORK/$scenario.out"
}

# measure <scenario> <base url> <connections> <lua script> [VAR=value ...]: one measured run.
measure() {
  local scenario=$1
  shift
  profile_start "$scenario"
  wrk_run "$scenario" "$SECONDS_MEASURED" "$@"
  profile_stop "$scenario"
  grep '^RESULT ' "$BENCH_WORK/$scenario.out" | tee -a "$RESULTS" >&2
}

# warm_up <scenario> <base url> <connections> <lua script> [VAR=value ...]: a run thrown away.
# Payara and Keycloak both keep getting faster for minutes under load on 2 cores (the JIT
# compilers compete with the load for the same cores), so every scenario is warmed up in
# BENCH_WARMUP_PASSES passes before anything is measured.
warm_up() {
  local scenario=$1
  shift
  wrk_run "$scenario-warmup" "$SECONDS_WARMUP" "$@"
}

# With BENCH_PROFILE=1, each measured Latchkey run is CPU-profiled by async-profiler (fetched
# from Maven Central, attached to the running JVM, sampling on a CPU timer) into
# $BENCH_WORK/<scenario>.collapsed; bench/load/hot-methods.sh summarises one. A profiled run is a
# diagnosis, not a measurement: take figures from a run without it. (Java Flight Recorder was
# tried first: on this Payara JVM, with its hundreds of threads, even its default settings cost
# several times the throughput of /ping, and its "profile" settings record every security
# provider lookup with a stack trace.)
ASYNC_PROFILER_VERSION=4.1
async_profiler() {
  local dir="$BENCH_WORK/async-profiler-$ASYNC_PROFILER_VERSION"
  if [ ! -f "$dir/linux-x64/libasyncProfiler.so" ]; then
    mkdir -p "$dir"
    (cd "$dir" && mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
      -Dartifact="tools.profiler:async-profiler:$ASYNC_PROFILER_VERSION:jar:linux-x64" -DoutputDirectory="$dir" \
      && unzip -q -o "async-profiler-$ASYNC_PROFILER_VERSION-linux-x64.jar" 'linux-x64/*')
  fi
  echo "$dir/linux-x64/libasyncProfiler.so"
}
profile_start() {
  if [ -n "${BENCH_PROFILE:-}" ] && [ -n "$LATCHKEY_PID" ] && [[ $1 != keycloak* && $1 != stock* ]]; then
    jcmd "$LATCHKEY_PID" JVMTI.agent_load "$(async_profiler)" '"start,event=itimer,interval=1ms"' >/dev/null
  fi
}
profile_stop() {
  if [ -n "${BENCH_PROFILE:-}" ] && [ -n "$LATCHKEY_PID" ] && [[ $1 != keycloak* && $1 != stock* ]]; then
    jcmd "$LATCHKEY_PID" JVMTI.agent_load "$(async_profiler)" "\"stop,collapsed,file=$BENCH_WORK/$1.collapsed\"" >/dev/null
  fi
}

# --- PostgreSQL ------------------------------------------------------------------------------

recreate_database() {
  "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1"
}

# Committed transactions and written rows of one database so far (pg_stat_database). Statistics
# reach the view when a backend goes idle, so callers wait a moment after the load stops.
database_counters() {
  "${PSQL[@]}" -d postgres -c "SELECT pg_stat_clear_snapshot()" >/dev/null
  "${PSQL[@]}" -d postgres -c \
    "SELECT xact_commit, tup_inserted + tup_updated + tup_deleted FROM pg_stat_database WHERE datname = '$1'"
}

# per_refresh <before> <after> <refreshes> <label>
per_refresh() {
  local before_x before_w after_x after_w
  IFS='|' read -r before_x before_w <<< "$1"
  IFS='|' read -r after_x after_w <<< "$2"
  awk -v label="$4" -v x=$((after_x - before_x)) -v w=$((after_w - before_w)) -v n="$3" \
    'BEGIN { printf "DATABASE %s %.3f %.3f\n", label, x / n, w / n }' | tee -a "$RESULTS" >&2
}

result_field() { awk -v s="$1" -v f="$2" '$1 == "RESULT" && $2 == s { print $f }' "$RESULTS"; }

# --- Latchkey --------------------------------------------------------------------------------

LATCHKEY_PID=
LATCHKEY_URL="http://127.0.0.1:$LATCHKEY_PORT"
WAR="$ROOT/target/latchkey.war"
PAYARA="$ROOT/target/payara-micro/payara-micro.jar"

# shellcheck source=bench/lib/latchkey-war.sh
source "$ROOT/bench/lib/latchkey-war.sh"
latchkey_environment() {
  export LATCHKEY_DATASOURCE_URL="jdbc:postgresql://127.0.0.1:5432/latchkey_bench"
  export LATCHKEY_DATASOURCE_USER=postgres
  export LATCHKEY_DATASOURCE_PASSWORD=
  export LATCHKEY_KEYS_KEK="$KEK"
}

start_latchkey() {
  recreate_database latchkey_bench
  rm -rf "$BENCH_WORK/latchkey-keys"
  latchkey_environment
  # As in production: a KEK from the environment and the first signing key made by the key tool.
  keytool generate --alg RS256 >&2
  keytool promote --force >&2
  # The per-IP limits are raised because every virtual user shares 127.0.0.1; the limiter itself
  # stays on, so its cost is in every figure. A session limit of 0 lets the login loop run freely.
  # Benchmark accounts are created at once (require-verified-email=false): no mail round trip.
  java -Xms"$HEAP" -Xmx"$HEAP" \
    -Dlatchkey.datasource.class-name=org.postgresql.ds.PGSimpleDataSource \
    -Dlatchkey.keys.directory="$BENCH_WORK/latchkey-keys" \
    -Dlatchkey.keys.refresh-seconds=1 \
    -Dlatchkey.ratelimit.login.per-ip-per-minute=100000000 \
    -Dlatchkey.ratelimit.register.per-ip-per-minute=100000000 \
    -Dlatchkey.ratelimit.refresh.per-ip-per-minute=100000000 \
    -Dlatchkey.ratelimit.account-mail.per-ip-per-minute=100000000 \
    -Dlatchkey.account.require-verified-email=false \
    ${BENCH_LATCHKEY_OPTS:-} \
    -jar "$PAYARA" --nocluster --port "$LATCHKEY_PORT" --contextroot / \
    --prebootcommandfile "$ROOT/server-config/payara/pre-boot-commands.asadmin" \
    --addlibs "$(dirname "$PAYARA")/postgresql.jar" \
    --deploy "$WAR" > "$BENCH_WORK/latchkey.log" 2>&1 &
  LATCHKEY_PID=$!
  wait_for_latchkey "$LATCHKEY_URL"
}

# --- Stock MicroProfile JWT ----------------------------------------------------------------------

CONSUMER_PID=
CONSUMER_URL="http://127.0.0.1:$CONSUMER_PORT"

# start_consumer: the tests' consumer application, packed from the build's test classes with the
# configuration docs/protecting-your-application.md gives, in a Payara Micro of its own.
start_consumer() {
  local dir="$BENCH_WORK/consumer" classes
  classes="$(dirname "$WAR")/test-classes/dev/latchkey/interop/consumer"
  [ -d "$classes" ] || fail "no compiled consumer application in $classes (mvn -DskipTests package compiles it)"
  rm -rf "$dir"
  mkdir -p "$dir/war/WEB-INF/classes/META-INF" "$dir/war/WEB-INF/classes/dev/latchkey/interop/consumer"
  cp "$classes"/*.class "$dir/war/WEB-INF/classes/dev/latchkey/interop/consumer/"
  printf '%s\n' "mp.jwt.verify.publickey.location=$LATCHKEY_URL/.well-known/jwks.json" \
    "mp.jwt.verify.issuer=http://localhost:8080" "mp.jwt.verify.audiences=latchkey" \
    > "$dir/war/WEB-INF/classes/META-INF/microprofile-config.properties"
  # bean-discovery-mode="all": CDI must see @LoginConfig on the Application class (ConsumerServer).
  echo '<beans xmlns="https://jakarta.ee/xml/ns/jakartaee" version="4.0" bean-discovery-mode="all"/>' > "$dir/war/WEB-INF/beans.xml"
  (cd "$dir/war" && jar cf ../consumer.war .)
  java -Xms"$HEAP" -Xmx"$HEAP" -jar "$PAYARA" --nocluster --port "$CONSUMER_PORT" --contextroot / \
    --rootdir "$dir/root" --deploy "$dir/consumer.war" > "$BENCH_WORK/consumer.log" 2>&1 &
  CONSUMER_PID=$!
  local started=$SECONDS
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "$CONSUMER_URL/token")" = 401 ]; do
    kill -0 "$CONSUMER_PID" 2>/dev/null || fail "the consumer Payara Micro stopped; see $BENCH_WORK/consumer.log"
    [ $((SECONDS - started)) -lt 300 ] || fail "the consumer not ready after 300 s; see $BENCH_WORK/consumer.log"
    sleep 1
  done
  log "Stock MicroProfile JWT consumer ready in $((SECONDS - started)) s (pid $CONSUMER_PID)"
}

stop_consumer() {
  stop_pid "$CONSUMER_PID"
  CONSUMER_PID=
}

# latchkey_login <email>: prints "<access token> <refresh token> <csrf token>"
latchkey_login() {
  local headers body
  headers=$(mktemp)
  body=$(curl -fsS -D "$headers" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"$PASSWORD\"}" "$LATCHKEY_URL/auth/login")
  printf '%s %s %s\n' "$(json_field access_token <<< "$body")" \
    "$(sed -n 's/^[Ss]et-[Cc]ookie: __Secure-latchkey-refresh=\([^;]*\).*/\1/p' "$headers")" \
    "$(sed -n 's/^[Ss]et-[Cc]ookie: __Host-latchkey-csrf=\([^;]*\).*/\1/p' "$headers")"
  rm -f "$headers"
}

token_algorithm() { cut -d. -f1 <<< "$1" | tr '_-' '/+' | base64 -d 2>/dev/null | sed -n 's/.*"alg":"\([^"]*\)".*/\1/p'; }

keytool() { "$ROOT/server-config/keytool.sh" "$WAR" "$@"; }

# register_introspector <client-id>: a resource server that may introspect, made with the key
# tool. Sets INTROSPECTION_BASIC (its HTTP Basic credentials, for wrk) and adds its hashed secret
# to BENCH_LATCHKEY_OPTS, for the Latchkey started next.
register_introspector() {
  local printed
  printed=$(keytool client-secret "$1")
  INTROSPECTION_BASIC=$(printf '%s:%s' "$1" "$(sed -n 2p <<< "$printed" | tr -d ' ')" | base64 -w0)
  BENCH_LATCHKEY_OPTS="${BENCH_LATCHKEY_OPTS:-} -Dlatchkey.introspection.clients=$(sed -n 4p <<< "$printed" | tr -d ' ')"
}

# register_users <credentials file>: registers the $USERS benchmark users, one "email password" line each.
register_users() {
  : > "$1"
  for i in $(seq 1 "$USERS"); do
    local email="bench-user-$i@bench.example"
    curl -fsS -o /dev/null -H 'Content-Type: application/json' \
      -d "{\"email\":\"$email\",\"password\":\"$PASSWORD\"}" "$LATCHKEY_URL/auth/register"
    echo "$email $PASSWORD" >> "$1"
  done
}

# access_tokens <credentials file> <tokens file>: one fresh access token per user, signed by
# whichever key is active now.
access_tokens() {
  : > "$2"
  while read -r email _; do
    read -r access _ _ <<< "$(latchkey_login "$email")"
    echo "$access" >> "$2"
  done < "$1"
}

latchkey_scenarios() {
  log "Latchkey: $USERS users"
  local credentials="$BENCH_WORK/latchkey-credentials.txt"
  register_users "$credentials"

  local rs256="$BENCH_WORK/latchkey-rs256-tokens.txt" es256="$BENCH_WORK/latchkey-es256-tokens.txt"
  local sessions="$BENCH_WORK/latchkey-sessions.txt"
  access_tokens "$credentials" "$rs256"
  [ "$(token_algorithm "$(head -1 "$rs256")")" = RS256 ] || fail "expected RS256 tokens first"

  log "Latchkey: promoting an ES256 key with the key tool (RS256 tokens stay valid)"
  latchkey_environment
  keytool generate --alg ES256 >&2
  keytool promote --force >&2
  sleep 3
  access_tokens "$credentials" "$es256"
  [ "$(token_algorithm "$(head -1 "$es256")")" = ES256 ] || fail "the ES256 key did not become active"

  # A refresh run needs chains nobody else advanced: every run starts from fresh logins.
  fresh_sessions() {
    : > "$sessions"
    while read -r email _; do
      read -r _ refresh csrf <<< "$(latchkey_login "$email")"
      echo "$refresh $csrf" >> "$sessions"
    done < "$credentials"
  }
  local get=("$LATCHKEY_URL" "$CONNECTIONS" get.lua)
  local introspecting=("$LATCHKEY_URL" "$CONNECTIONS" introspect.lua BENCH_PATH=/auth/introspect BENCH_TOKENS="$rs256"
    BENCH_BASIC="$INTROSPECTION_BASIC")
  local refreshing=("$LATCHKEY_URL" "$CONNECTIONS" refresh.lua BENCH_FLAVOUR=latchkey BENCH_SESSIONS="$sessions")

  log "Latchkey warm-up: $WARMUP_PASSES passes of ${SECONDS_WARMUP}s per scenario"
  for _ in $(seq 1 "$WARMUP_PASSES"); do
    warm_up floor "${get[@]}" BENCH_PATH=/ping
    warm_up latchkey-me-rs256 "${get[@]}" BENCH_PATH=/api/me BENCH_TOKENS="$rs256"
    warm_up latchkey-me-es256 "${get[@]}" BENCH_PATH=/api/me BENCH_TOKENS="$es256"
    warm_up latchkey-token-only-rs256 "${get[@]}" BENCH_PATH=/api/me/token BENCH_TOKENS="$rs256"
    warm_up stock-mp-jwt-rs256 "$CONSUMER_URL" "$CONNECTIONS" get.lua BENCH_PATH=/token BENCH_TOKENS="$rs256"
    warm_up latchkey-introspect-rs256 "${introspecting[@]}"
    fresh_sessions
    warm_up latchkey-refresh "${refreshing[@]}"
  done
  warm_up latchkey-login "$LATCHKEY_URL" "$CORES" login.lua BENCH_CREDENTIALS="$credentials"

  log "Latchkey scenarios ($CONNECTIONS connections, ${SECONDS_MEASURED}s each)"
  measure floor "${get[@]}" BENCH_PATH=/ping
  measure latchkey-me-rs256 "${get[@]}" BENCH_PATH=/api/me BENCH_TOKENS="$rs256"
  measure latchkey-me-es256 "${get[@]}" BENCH_PATH=/api/me BENCH_TOKENS="$es256"
  # The token-only endpoint against the floor in alternating windows (ABAB...), so that a change
  # of the machine's load moves both sides of each ratio alike; the ratio is each pair's.
  for round in $(seq 1 "$TOKEN_ONLY_ROUNDS"); do
    measure "floor-round-$round" "${get[@]}" BENCH_PATH=/ping
    measure "latchkey-token-only-rs256-round-$round" "${get[@]}" BENCH_PATH=/api/me/token BENCH_TOKENS="$rs256"
    measure "stock-mp-jwt-rs256-round-$round" "$CONSUMER_URL" "$CONNECTIONS" get.lua BENCH_PATH=/token BENCH_TOKENS="$rs256"
  done

  measure latchkey-introspect-rs256 "${introspecting[@]}"

  local before after
  fresh_sessions
  sleep 12
  before=$(database_counters latchkey_bench)
  measure latchkey-refresh "${refreshing[@]}"
  sleep 12
  after=$(database_counters latchkey_bench)
  per_refresh "$before" "$after" "$(result_field latchkey-refresh 8)" latchkey-refresh

  # Login: one connection per core keeps every hashing slot busy without ever queueing past it.
  measure latchkey-login "$LATCHKEY_URL" "$CORES" login.lua BENCH_CREDENTIALS="$credentials"

  # /api/me while a login flood (random addresses, 4 connections per core, far more than the
  # hashing slots) runs against the same server for the whole measured window.
  wrk_run login-flood $((SECONDS_MEASURED + 10)) "$LATCHKEY_URL" $((4 * CORES)) login.lua BENCH_FLOOD=1 &
  local flood=$!
  sleep 5
  measure latchkey-me-rs256-under-login-flood "${get[@]}" BENCH_PATH=/api/me BENCH_TOKENS="$rs256"
  wait "$flood"
  grep '^RESULT ' "$BENCH_WORK/login-flood.out" | tee -a "$RESULTS" >&2

  local rss
  rss=$(ps -o rss= -p "$LATCHKEY_PID")
  echo "MEMORY latchkey-rss-mib $((rss / 1024))" | tee -a "$RESULTS" >&2
}

# --- Keycloak --------------------------------------------------------------------------------

keycloak_scenarios() {
  local base="http://127.0.0.1:$KEYCLOAK_PORT"
  local tokens="$BENCH_WORK/keycloak-tokens.txt" sessions="$BENCH_WORK/keycloak-sessions.txt"
  log "Keycloak: realm, client and $USERS users"
  keycloak_setup "$KEYCLOAK_PORT" "$USERS"
  keycloak_sessions() {
    : > "$tokens"; : > "$sessions"
    for i in $(seq 1 "$USERS"); do
      local body
      body=$(keycloak_login "$KEYCLOAK_PORT" "user$i")
      json_field access_token <<< "$body" >> "$tokens"
      json_field refresh_token <<< "$body" >> "$sessions"
    done
  }
  local get=("$base" "$CONNECTIONS" get.lua BENCH_PATH="$KEYCLOAK_USERINFO_PATH" BENCH_TOKENS="$tokens")
  local refreshing=("$base" "$CONNECTIONS" refresh.lua BENCH_FLAVOUR=keycloak BENCH_SESSIONS="$sessions"
    BENCH_PATH="$KEYCLOAK_TOKEN_PATH" BENCH_CLIENT_ID="$KEYCLOAK_CLIENT_ID")
  keycloak_sessions
  log "Keycloak warm-up: $WARMUP_PASSES passes of ${SECONDS_WARMUP}s per scenario"
  for _ in $(seq 1 "$WARMUP_PASSES"); do
    warm_up keycloak-userinfo "${get[@]}"
    keycloak_sessions
    warm_up keycloak-refresh "${refreshing[@]}"
  done

  log "Keycloak scenarios"
  keycloak_sessions
  measure keycloak-userinfo "${get[@]}"
  keycloak_sessions
  sleep 12
  local before after
  before=$(database_counters keycloak_bench)
  measure keycloak-refresh "${refreshing[@]}"
  sleep 12
  after=$(database_counters keycloak_bench)
  per_refresh "$before" "$after" "$(result_field keycloak-refresh 8)" keycloak-refresh

  local rss
  rss=$(ps -o rss= -p "$KEYCLOAK_PID")
  echo "MEMORY keycloak-rss-mib $((rss / 1024))" | tee -a "$RESULTS" >&2
}

# --- Report ----------------------------------------------------------------------------------

report() {
  local rps
  rps() { result_field "$1" 3; }
  ratio() { awk -v a="$(rps "$1")" -v b="$(rps "$2")" 'BEGIN { if (a == "" || b == "" || b == 0) print "n/a"; else printf "%.2f", a / b }'; }
  {
    echo
    echo "| Scenario | req/s | p50 ms | p95 ms | p99 ms | errors | requests |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    awk '$1 == "RESULT" { printf "| %s | %s | %s | %s | %s | %s | %s |\n", $2, $3, $4, $5, $6, $7, $8 }' "$RESULTS"
    echo
    echo "| Ratio (same run) | value | target |"
    echo "|---|---:|---|"
    echo "| /api/me RS256 ÷ floor | $(ratio latchkey-me-rs256 floor) | >= 0.90 |"
    echo "| /api/me ES256 ÷ /api/me RS256 | $(ratio latchkey-me-es256 latchkey-me-rs256) | >= 0.80 |"
    echo "| introspection RS256 ÷ floor | $(ratio latchkey-introspect-rs256 floor) | |"
    for round in $(seq 1 "$TOKEN_ONLY_ROUNDS"); do
      echo "| /api/me/token RS256 ÷ floor, round $round | $(ratio "latchkey-token-only-rs256-round-$round" "floor-round-$round") | >= 0.90 |"
      echo "| /api/me/token RS256 (revocation checked) ÷ stock MicroProfile JWT /token (none), round $round | $(ratio "latchkey-token-only-rs256-round-$round" "stock-mp-jwt-rs256-round-$round") | >= 1.0 |"
    done
    # Sequential phases (Latchkey's, then Keycloak's): a change of the machine's load between them
    # moves these two ratios. Issue 20's comparisons alternate the peers: bench/peers/run.sh.
    echo "| Latchkey refresh ÷ Keycloak refresh (sequential phases; alternating: bench/peers/run.sh) | $(ratio latchkey-refresh keycloak-refresh) | |"
    echo "| Latchkey /api/me RS256 ÷ Keycloak userinfo (sequential phases) | $(ratio latchkey-me-rs256 keycloak-userinfo) | |"
    echo "| /api/me under login flood ÷ idle | $(ratio latchkey-me-rs256-under-login-flood latchkey-me-rs256) | >= 0.70 |"
    echo "| Keycloak userinfo ÷ floor | $(ratio keycloak-userinfo floor) | |"
    echo
    grep -E '^(DATABASE|MEMORY|LOAD)' "$RESULTS" | sed 's/^/    /'
  } | tee "$BENCH_WORK/report.md"
}

# --- Run -------------------------------------------------------------------------------------

main() {
  : > "$RESULTS"
  echo "LOAD average before the run (1, 5, 15 min): $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)" >> "$RESULTS"
  log "Machine: $CORES cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(java -version 2>&1 | head -1), wrk $(wrk --version 2>&1 | head -1 | awk '{ print $2 }')"
  log "Building the WAR"
  (cd "$ROOT" && mvn -B -q -DskipTests package)
  register_introspector bench-introspector

  start_latchkey
  start_consumer
  latchkey_scenarios
  stop_consumer
  stop_latchkey

  if [ -z "${BENCH_SKIP_KEYCLOAK:-}" ]; then
    keycloak_fetch
    keycloak_start "$KEYCLOAK_PORT"
    keycloak_scenarios
    keycloak_stop
  fi

  echo "LOAD average after the run (1, 5, 15 min): $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)" >> "$RESULTS"
  report
}

KEK=$(head -c 32 /dev/urandom | base64)
# Sourced (for a hand-run experiment), it only defines the functions.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  trap 'stop_consumer; stop_latchkey; keycloak_stop 2>/dev/null || true' EXIT
  main
fi
