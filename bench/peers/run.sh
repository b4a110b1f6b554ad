#!/usr/bin/env bash
# Issue 20, parts 3 and 4: Latchkey and Keycloak side by side, both servers up on the same
# PostgreSQL and each idle while the other is measured, in alternating short windows (ABAB...).
# A ratio is taken within one round, from two windows a few seconds apart, and reported as the
# median of the rounds with their spread, so a change of the machine's load between two windows
# moves both sides of a ratio alike instead of the ratio. Then the charts, drawn by gnuplot from
# this run's own output.
#
#   bench/peers/run.sh                 # about 22 minutes on 2 cores
#   BENCH_ROUNDS=5 bench/peers/run.sh  # docs/benchmarks.md's run: 30 minutes
# (it builds the WAR from a copy of the working tree, bench/lib/latchkey-war.sh, unless given one)
#   BENCH_WAR=/path/latchkey.war BENCH_PAYARA=/path/payara-micro.jar bench/peers/run.sh   # no build
#
# What it measures, every round (BENCH_ROUNDS, 3), each window BENCH_SECONDS (10) long:
#   * for each of BENCH_SWEEP (1 4 16 64) connections:
#     - protected requests: Latchkey GET /api/me (a fresh database read), Latchkey GET /api/me/token
#       (answered from the verified token, revocation check included) and Keycloak's userinfo;
#     - refresh rotation: Latchkey RS256 and Keycloak (its default, RS256), every connection its own
#       freshly logged-in session, rotating on each answer (bench/load/wrk/refresh.lua);
#   * at BENCH_CONNECTIONS (16): introspection of an RS256 access token by a registered resource
#     server, Latchkey POST /auth/introspect against Keycloak's token introspection endpoint;
#   * at one connection per core: login, Latchkey POST /auth/login against Keycloak's password grant,
#     both hashing with argon2id at the same cost: Latchkey's defaults for argon2id (19456 KiB,
#     2 iterations, 1 lane) given to Keycloak through its argon2 provider's options, and checked in
#     the hash Keycloak stored;
#   then, after promoting an ES256 key with the key tool, BENCH_ROUNDS rounds of Latchkey ES256
#   refresh against Keycloak refresh at BENCH_CONNECTIONS.
# Which system goes first alternates from round to round. Before anything is measured, every
# scenario runs BENCH_WARMUP_PASSES (2) windows of BENCH_WARMUP_SECONDS (15) that are thrown away.
#
# Output: every RESULT line (scenario-system-connections-round) in $BENCH_WORK/peers-results.txt,
# the medians and ratios in $BENCH_WORK/peers-report.md, the data behind the charts in
# $BENCH_WORK/peers-*.dat, and the charts as PNG in BENCH_CHARTS (docs/charts):
# refresh-concurrency.png and protected-concurrency.png (requests/s and p99 against connections).
# LOAD lines record the load average before and after each round.
#
# BENCH_REPORT_ONLY=1 (with the same BENCH_ROUNDS, BENCH_SWEEP, ...) makes the report and the charts
# again from the last run's results, starting nothing.
#
# Needs what bench/load/run.sh needs (JDK 17, Maven, wrk, curl, psql, PostgreSQL on 127.0.0.1:5432
# accepting the user postgres without a password) and gnuplot (apt-get install gnuplot-nox).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# bench/load/run.sh, sourced, only defines its functions: starting Latchkey, logging in, wrk.
# shellcheck source=../load/run.sh
source "$ROOT/bench/load/run.sh"

ROUNDS=${BENCH_ROUNDS:-3}
SECONDS_MEASURED=${BENCH_SECONDS:-10}
SECONDS_WARMUP=${BENCH_WARMUP_SECONDS:-15}
WARMUP_PASSES=${BENCH_WARMUP_PASSES:-2}
SWEEP=(${BENCH_SWEEP:-1 4 16 64})
CONNECTIONS=${BENCH_CONNECTIONS:-16}
CHARTS=${BENCH_CHARTS:-$ROOT/docs/charts}
USERS=0
for c in "${SWEEP[@]}" "$CONNECTIONS" "$CORES"; do (( c > USERS )) && USERS=$c; done
RESULTS="$BENCH_WORK/peers-results.txt"
REPORT="$BENCH_WORK/peers-report.md"
command -v gnuplot >/dev/null || fail "gnuplot is missing (apt-get install gnuplot-nox)"

# Latchkey's argon2id defaults, given to both systems so that login compares systems, not hashes.
ARGON2_MEMORY_KIB=19456
ARGON2_ITERATIONS=2
ARGON2_PARALLELISM=1
INTROSPECTOR=bench-introspector

load_line() { echo "LOAD $1 $(date -u +%FT%TZ) load average: $(uptime | sed 's/.*load average: //')" | tee -a "$RESULTS" >&2; }

# --- Sessions and tokens ---------------------------------------------------------------------

LATCHKEY_CREDENTIALS="$BENCH_WORK/peers-latchkey-credentials.txt"
KEYCLOAK_CREDENTIALS="$BENCH_WORK/peers-keycloak-credentials.txt"
KEYCLOAK_URL="http://127.0.0.1:$KEYCLOAK_PORT"

# Logins run a few at a time: each one is a password hash on either side.
parallel_logins() { xargs -P "$CORES" -I{} bash -c "$1" _ {}; }
export -f latchkey_login json_field keycloak_login keycloak__curl keycloak__fail
export LATCHKEY_URL PASSWORD KEYCLOAK_REALM KEYCLOAK_CLIENT KEYCLOAK_USER_PASSWORD

# latchkey_logins <count> <file>: one fresh session each for the first <count> users, one
# "<access token> <refresh token> <csrf token>" line per user, in user order.
latchkey_logins() {
  head -n "$1" "$LATCHKEY_CREDENTIALS" | awk '{ print NR " " $1 }' \
    | parallel_logins 'set -- $1; echo "$1 $(latchkey_login "$2")"' 2>/dev/null | sort -n | cut -d' ' -f2- > "$2"
  [ "$(awk 'NF == 3' "$2" | wc -l)" -eq "$1" ] || fail "Latchkey logins failed (see $2)"
}

# keycloak_logins <count> <file>: the same for Keycloak, "<access token> <refresh token>".
keycloak_logins() {
  seq 1 "$1" | parallel_logins 'body=$(keycloak_login '"$KEYCLOAK_PORT"' "user$1") && echo "$1 $(json_field access_token <<< "$body") $(json_field refresh_token <<< "$body")"' 2>/dev/null \
    | sort -n | cut -d' ' -f2- > "$2"
  [ "$(awk 'NF == 2' "$2" | wc -l)" -eq "$1" ] || fail "Keycloak logins failed (see $2)"
}

# Files the wrk scripts read, made from a fresh set of logins.
fresh_latchkey() {
  latchkey_logins "$1" "$BENCH_WORK/peers-latchkey-logins.txt"
  cut -d' ' -f1 "$BENCH_WORK/peers-latchkey-logins.txt" > "$BENCH_WORK/peers-latchkey-access.txt"
  cut -d' ' -f2,3 "$BENCH_WORK/peers-latchkey-logins.txt" > "$BENCH_WORK/peers-latchkey-sessions.txt"
}
fresh_keycloak() {
  keycloak_logins "$1" "$BENCH_WORK/peers-keycloak-logins.txt"
  cut -d' ' -f1 "$BENCH_WORK/peers-keycloak-logins.txt" > "$BENCH_WORK/peers-keycloak-access.txt"
  cut -d' ' -f2 "$BENCH_WORK/peers-keycloak-logins.txt" > "$BENCH_WORK/peers-keycloak-sessions.txt"
}

# --- Scenarios: run <scenario> <system> <connections> <name suffix> <warm-up|measure> -----------

run() {
  local scenario=$1 system=$2 connections=$3 name="$1-$2-c$3$4" mode=$5
  local lk=("$LATCHKEY_URL" "$connections") kc=("$KEYCLOAK_URL" "$connections")
  local args
  case "$scenario-$system" in
    me-latchkey) args=("${lk[@]}" get.lua BENCH_PATH=/api/me BENCH_TOKENS="$BENCH_WORK/peers-latchkey-access.txt") ;;
    token-latchkey) args=("${lk[@]}" get.lua BENCH_PATH=/api/me/token BENCH_TOKENS="$BENCH_WORK/peers-latchkey-access.txt") ;;
    userinfo-keycloak) args=("${kc[@]}" get.lua BENCH_PATH="$KEYCLOAK_USERINFO_PATH" BENCH_TOKENS="$BENCH_WORK/peers-keycloak-access.txt") ;;
    refresh*-latchkey)
      fresh_latchkey "$connections"
      args=("${lk[@]}" refresh.lua BENCH_FLAVOUR=latchkey BENCH_SESSIONS="$BENCH_WORK/peers-latchkey-sessions.txt") ;;
    refresh-keycloak)
      fresh_keycloak "$connections"
      args=("${kc[@]}" refresh.lua BENCH_FLAVOUR=keycloak BENCH_SESSIONS="$BENCH_WORK/peers-keycloak-sessions.txt"
        BENCH_PATH="$KEYCLOAK_TOKEN_PATH" BENCH_CLIENT_ID="$KEYCLOAK_CLIENT_ID") ;;
    introspect-latchkey) args=("${lk[@]}" introspect.lua BENCH_PATH=/auth/introspect
        BENCH_TOKENS="$BENCH_WORK/peers-latchkey-access.txt" BENCH_BASIC="$INTROSPECTION_BASIC") ;;
    introspect-keycloak) args=("${kc[@]}" introspect.lua BENCH_PATH="$KEYCLOAK_INTROSPECT_PATH"
        BENCH_TOKENS="$BENCH_WORK/peers-keycloak-access.txt"
        BENCH_BASIC="$(printf '%s:%s' "$KEYCLOAK_INTROSPECTOR" "$KEYCLOAK_INTROSPECTOR_SECRET" | base64 -w0)") ;;
    login-latchkey) args=("${lk[@]}" login.lua BENCH_CREDENTIALS="$LATCHKEY_CREDENTIALS") ;;
    login-keycloak) args=("${kc[@]}" login.lua BENCH_FLAVOUR=keycloak BENCH_CREDENTIALS="$KEYCLOAK_CREDENTIALS"
        BENCH_PATH="$KEYCLOAK_TOKEN_PATH" BENCH_CLIENT_ID="$KEYCLOAK_CLIENT_ID") ;;
    *) fail "no scenario $scenario for $system" ;;
  esac
  if [ "$mode" = warm-up ]; then
    wrk_run "$name" "$SECONDS_WARMUP" "${args[@]}"
    sed 's/^RESULT /  (warm-up) /' "$BENCH_WORK/$name.out" | grep '(warm-up)' >&2 || true
  else
    wrk_run "$name" "$SECONDS_MEASURED" "${args[@]}"
    grep '^RESULT ' "$BENCH_WORK/$name.out" | tee -a "$RESULTS" >&2 || fail "no RESULT line; see $BENCH_WORK/$name.out"
  fi
}

# pair <round> <tag> <connections> <latchkey scenario> <keycloak scenario>: one window each,
# Latchkey first in odd rounds and Keycloak first in even ones. A scenario may be a list
# ("me token"): every one of them runs, in that order, on its side's turn. The tag ("" or "-es")
# keeps the windows of one comparison apart from another's with the same scenario names.
pair() {
  local round=$1 connections=$3 latchkey=$4 keycloak=$5 suffix="$2-r$1" first second s
  if (( round % 2 )); then first=latchkey; second=keycloak; else first=keycloak; second=latchkey; fi
  for side in $first $second; do
    if [ "$side" = latchkey ]; then
      for s in $latchkey; do run "$s" latchkey "$connections" "$suffix" measure; done
    else
      for s in $keycloak; do run "$s" keycloak "$connections" "$suffix" measure; done
    fi
  done
}

warm_up_everything() {
  log "Warm-up: $WARMUP_PASSES passes of ${SECONDS_WARMUP}s per scenario and system ($CONNECTIONS connections)"
  local pass
  for pass in $(seq 1 "$WARMUP_PASSES"); do
    for s in me token refresh introspect; do run "$s" latchkey "$CONNECTIONS" "-warmup$pass" warm-up; done
    for s in userinfo refresh introspect; do run "$s" keycloak "$CONNECTIONS" "-warmup$pass" warm-up; done
    run login latchkey "$CORES" "-warmup$pass" warm-up
    run login keycloak "$CORES" "-warmup$pass" warm-up
  done
}

rounds() {
  local round c
  for round in $(seq 1 "$ROUNDS"); do
    log "Round $round of $ROUNDS"
    load_line "round-$round before"
    # Access tokens live 15 minutes on both sides: every round signs in anew.
    fresh_latchkey "$USERS"
    fresh_keycloak "$USERS"
    for c in "${SWEEP[@]}"; do
      pair "$round" "" "$c" "me token" userinfo
      pair "$round" "" "$c" refresh refresh
    done
    fresh_latchkey "$USERS"
    fresh_keycloak "$USERS"
    pair "$round" "" "$CONNECTIONS" introspect introspect
    pair "$round" "" "$CORES" login login
    load_line "round-$round after"
  done
}

es256_rounds() {
  log "Latchkey: promoting an ES256 key with the key tool (RS256 tokens stay valid)"
  latchkey_environment
  keytool generate --alg ES256 >&2
  keytool promote --force >&2
  sleep 3
  fresh_latchkey 1
  [ "$(token_algorithm "$(head -1 "$BENCH_WORK/peers-latchkey-access.txt")")" = ES256 ] || fail "the ES256 key did not become active"
  run refresh-es256 latchkey "$CONNECTIONS" -warmup warm-up
  local round
  for round in $(seq 1 "$ROUNDS"); do
    load_line "es256-round-$round before"
    pair "$round" -es "$CONNECTIONS" refresh-es256 refresh
    load_line "es256-round-$round after"
  done
}

# --- Report and charts -----------------------------------------------------------------------

# median <scenario-system-cN> <field>: the median of that field over the rounds (3 = req/s, 6 = p99).
median() {
  awk -v prefix="$1" -v f="$2" '$1 == "RESULT" && index($2, prefix "-r") == 1 { print $f }' "$RESULTS" \
    | sort -g | awk '{ v[++n] = $1 } END { if (!n) print "n/a"; else print (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }'
}

# errors <scenario-system-cN>: every round's errors (socket errors, timeouts, unexpected answers)
# added up: a ratio beside a non-zero count is not a comparison.
errors() { awk -v prefix="$1" '$1 == "RESULT" && index($2, prefix "-r") == 1 { n += $7 } END { print n + 0 }' "$RESULTS"; }

# ratio <a> <b>: the per-round ratios of a's req/s to b's, as "median (min to max, rounds)".
ratio() {
  awk -v a="$1" -v b="$2" '$1 == "RESULT" {
      if (index($2, a "-r") == 1) x[substr($2, length(a) + 3)] = $3
      if (index($2, b "-r") == 1) y[substr($2, length(b) + 3)] = $3 }
    END { for (r in x) if ((r in y) && y[r] > 0) printf "%.4f\n", x[r] / y[r] }' "$RESULTS" \
    | sort -g | awk '{ v[++n] = $1 } END { if (!n) { print "n/a"; exit }
      printf "%.2f (%.2f to %.2f, %d rounds)", (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2, v[1], v[n], n }'
}

report() {
  local c
  {
    echo "| Scenario (median of $ROUNDS rounds) | req/s | p99 ms | errors, all rounds |"
    echo "|---|---:|---:|---:|"
    for c in "${SWEEP[@]}"; do
      for s in me-latchkey token-latchkey userinfo-keycloak refresh-latchkey refresh-keycloak; do
        echo "| $s, $c connections | $(median "$s-c$c" 3) | $(median "$s-c$c" 6) | $(errors "$s-c$c") |"
      done
    done
    for s in introspect-latchkey-c$CONNECTIONS introspect-keycloak-c$CONNECTIONS login-latchkey-c$CORES login-keycloak-c$CORES \
        refresh-es256-latchkey-c$CONNECTIONS-es refresh-keycloak-c$CONNECTIONS-es; do
      echo "| $s | $(median "$s" 3) | $(median "$s" 6) | $(errors "$s") |"
    done
    echo
    echo "| Ratio, same round (median, spread) | value | target |"
    echo "|---|---|---|"
    for c in "${SWEEP[@]}"; do
      echo "| Latchkey RS256 refresh ÷ Keycloak refresh, $c connections | $(ratio "refresh-latchkey-c$c" "refresh-keycloak-c$c") | >= 2 at $CONNECTIONS |"
    done
    echo "| Latchkey ES256 refresh ÷ Keycloak refresh, $CONNECTIONS connections | $(ratio "refresh-es256-latchkey-c$CONNECTIONS-es" "refresh-keycloak-c$CONNECTIONS-es") | >= 4 |"
    for c in "${SWEEP[@]}"; do
      echo "| Latchkey /api/me/token ÷ Keycloak userinfo, $c connections | $(ratio "token-latchkey-c$c" "userinfo-keycloak-c$c") | |"
      echo "| Latchkey /api/me ÷ Keycloak userinfo, $c connections | $(ratio "me-latchkey-c$c" "userinfo-keycloak-c$c") | |"
    done
    echo "| Latchkey introspection ÷ Keycloak introspection, $CONNECTIONS connections | $(ratio "introspect-latchkey-c$CONNECTIONS" "introspect-keycloak-c$CONNECTIONS") | >= 3 |"
    echo "| Latchkey login ÷ Keycloak password grant, same argon2id cost, $CORES connections | $(ratio "login-latchkey-c$CORES" "login-keycloak-c$CORES") | |"
    echo
    grep '^LOAD' "$RESULTS" | sed 's/^/    /'
  } | tee "$REPORT"
}

charts() {
  local c
  {
    echo "# connections refresh-latchkey-rps refresh-keycloak-rps refresh-latchkey-p99 refresh-keycloak-p99"
    for c in "${SWEEP[@]}"; do
      echo "$c $(median "refresh-latchkey-c$c" 3) $(median "refresh-keycloak-c$c" 3) $(median "refresh-latchkey-c$c" 6) $(median "refresh-keycloak-c$c" 6)"
    done
  } > "$BENCH_WORK/peers-refresh.dat"
  {
    echo "# connections me-rps token-rps userinfo-rps me-p99 token-p99 userinfo-p99"
    for c in "${SWEEP[@]}"; do
      echo "$c $(median "me-latchkey-c$c" 3) $(median "token-latchkey-c$c" 3) $(median "userinfo-keycloak-c$c" 3)" \
        "$(median "me-latchkey-c$c" 6) $(median "token-latchkey-c$c" 6) $(median "userinfo-keycloak-c$c" 6)"
    done
  } > "$BENCH_WORK/peers-protected.dat"
  mkdir -p "$CHARTS"
  local stamp
  stamp="$(awk '$1 == "RUN" { print substr($2, 1, 10) ", " $3 " cores"; exit }' "$RESULTS"), median of $ROUNDS rounds of ${SECONDS_MEASURED}s, bench/peers/run.sh"
  gnuplot <<GNUPLOT
set terminal pngcairo size 1100,460 font "sans,10"
set logscale x 2
set xrange [0.8:80]
set xtics (1, 4, 16, 64)
set xlabel "connections (closed loop, one session each)"
set key top left
set grid
set style data linespoints
set yrange [0:*]

set output "$CHARTS/refresh-concurrency.png"
set multiplot layout 1,2 title "Refresh rotation: Latchkey (RS256) and Keycloak (RS256), same machine, alternating windows\n{/*0.8 $stamp}"
set ylabel "refreshes per second"
plot "$BENCH_WORK/peers-refresh.dat" using 1:2 title "Latchkey" lw 2 pt 7, \
     "" using 1:3 title "Keycloak" lw 2 pt 5
set ylabel "p99 latency (ms)"
plot "$BENCH_WORK/peers-refresh.dat" using 1:4 title "Latchkey" lw 2 pt 7, \
     "" using 1:5 title "Keycloak" lw 2 pt 5
unset multiplot

set output "$CHARTS/protected-concurrency.png"
set multiplot layout 1,2 title "Protected requests: Latchkey /api/me (database read), /api/me/token (token and revocation check), Keycloak userinfo\n{/*0.8 $stamp}"
set ylabel "requests per second"
plot "$BENCH_WORK/peers-protected.dat" using 1:2 title "Latchkey /api/me" lw 2 pt 7, \
     "" using 1:3 title "Latchkey /api/me/token" lw 2 pt 9, \
     "" using 1:4 title "Keycloak userinfo" lw 2 pt 5
set ylabel "p99 latency (ms)"
plot "$BENCH_WORK/peers-protected.dat" using 1:5 title "Latchkey /api/me" lw 2 pt 7, \
     "" using 1:6 title "Latchkey /api/me/token" lw 2 pt 9, \
     "" using 1:7 title "Keycloak userinfo" lw 2 pt 5
unset multiplot
GNUPLOT
  log "Charts: $CHARTS/refresh-concurrency.png, $CHARTS/protected-concurrency.png"
}

# --- Run -------------------------------------------------------------------------------------

peers_main() {
  mkdir -p "$BENCH_WORK"
  : > "$RESULTS"
  echo "RUN $(date -u +%FT%TZ) $CORES cores $(awk '/MemTotal/ { printf "%.0fGiB", $2 / 1048576 }' /proc/meminfo)" \
    "BENCH_ROUNDS=$ROUNDS BENCH_SECONDS=$SECONDS_MEASURED BENCH_SWEEP=${SWEEP[*]} BENCH_CONNECTIONS=$CONNECTIONS" \
    "BENCH_WARMUP_PASSES=$WARMUP_PASSES BENCH_WARMUP_SECONDS=$SECONDS_WARMUP" | tee -a "$RESULTS" >&2
  build

  log "Latchkey: an introspection client, argon2id at $ARGON2_MEMORY_KIB KiB, $ARGON2_ITERATIONS iterations, $ARGON2_PARALLELISM lane"
  register_introspector "$INTROSPECTOR"
  BENCH_LATCHKEY_OPTS="$BENCH_LATCHKEY_OPTS
    -Dlatchkey.password.algorithm=argon2id -Dlatchkey.password.argon2.memory-kib=$ARGON2_MEMORY_KIB
    -Dlatchkey.password.argon2.iterations=$ARGON2_ITERATIONS -Dlatchkey.password.argon2.parallelism=$ARGON2_PARALLELISM"
  start_latchkey
  register_users "$LATCHKEY_CREDENTIALS"

  keycloak_fetch
  KEYCLOAK_START_OPTS="--spi-password-hashing--argon2--memory=$ARGON2_MEMORY_KIB
    --spi-password-hashing--argon2--iterations=$ARGON2_ITERATIONS --spi-password-hashing--argon2--parallelism=$ARGON2_PARALLELISM"
  keycloak_start "$KEYCLOAK_PORT"
  keycloak_setup "$KEYCLOAK_PORT" "$USERS" 2>&1 | tee -a "$BENCH_WORK/peers-keycloak-setup.txt" >&2
  # The stored hash must carry the same cost, or the login comparison is of hash settings.
  grep -q "\"memory\":\[\"$ARGON2_MEMORY_KIB\"\]" "$BENCH_WORK/peers-keycloak-setup.txt" \
    && grep -q "\"hashIterations\":$ARGON2_ITERATIONS[,}]" "$BENCH_WORK/peers-keycloak-setup.txt" \
    || fail "Keycloak did not hash with argon2id at $ARGON2_MEMORY_KIB KiB and $ARGON2_ITERATIONS iterations; see $BENCH_WORK/peers-keycloak-setup.txt"
  seq 1 "$USERS" | awk -v p="$KEYCLOAK_USER_PASSWORD" '{ print "user" $1 " " p }' > "$KEYCLOAK_CREDENTIALS"

  fresh_latchkey "$USERS"
  fresh_keycloak "$USERS"
  warm_up_everything
  rounds
  es256_rounds
  report
  charts
}

if [ -n "${BENCH_REPORT_ONLY:-}" ]; then
  # The report and the charts again from an earlier run's $RESULTS, without any server.
  report
  charts
  exit
fi
trap 'stop_latchkey; keycloak_stop 2>/dev/null || true' EXIT
peers_main
