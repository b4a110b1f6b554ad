#!/usr/bin/env bash
# Issue 18: what metrics cost on the protected-request path. The load benchmark's /api/me scenario
# (RS256 bearer tokens, wrk closed loop, one virtual user per connection), against Latchkey with
# metrics on (the default: every meter, and the per-route timer with its histogram, recorded on
# every request) and with latchkey.metrics.enabled=false (every meter a no-op), in alternating
# server starts so that drift of the machine falls on both alike.
#
#   bench/metrics/overhead.sh                  # 3 rounds of on/off (about 10 minutes)
#   BENCH_ROUNDS=1 BENCH_SECONDS=10 bench/metrics/overhead.sh
#
# Needs what bench/load/run.sh needs (JDK 17, Maven, wrk, curl, psql, PostgreSQL on 127.0.0.1).
# Prints one RESULT line per measured run and the overhead of the medians at the end.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export BENCH_WORK=${BENCH_WORK:-/tmp/latchkey-bench-metrics}
export BENCH_SECONDS=${BENCH_SECONDS:-20}
export BENCH_WARMUP_SECONDS=${BENCH_WARMUP_SECONDS:-15}
export BENCH_WARMUP_PASSES=${BENCH_WARMUP_PASSES:-3}
ROUNDS=${BENCH_ROUNDS:-3}
# shellcheck source=../load/run.sh
source "$ROOT/bench/load/run.sh"
RESULTS="$BENCH_WORK/results.txt"
trap stop_latchkey EXIT

[ -f "$WAR" ] && [ -f "$PAYARA" ] || (cd "$ROOT" && mvn -B -q -DskipTests package)
: > "$RESULTS"

# one_round <on|off>: a fresh server, fresh users and tokens, warm-up passes, one measured run.
one_round() {
  local mode=$1 enabled=true
  [ "$mode" = on ] || enabled=false
  BENCH_LATCHKEY_OPTS="-Dlatchkey.metrics.enabled=$enabled" start_latchkey
  local credentials="$BENCH_WORK/credentials.txt" tokens="$BENCH_WORK/tokens.txt"
  register_users "$credentials"
  access_tokens "$credentials" "$tokens"
  local get=("$LATCHKEY_URL" "$CONNECTIONS" get.lua BENCH_PATH=/api/me BENCH_TOKENS="$tokens")
  for _ in $(seq 1 "$WARMUP_PASSES"); do
    warm_up "metrics-$mode" "${get[@]}"
  done
  measure "metrics-$mode" "${get[@]}"
  stop_latchkey
}

for round in $(seq 1 "$ROUNDS"); do
  log "Round $round of $ROUNDS"
  one_round on
  one_round off
done

# Medians over the rounds of requests/s (field 3) and p99 ms (field 6), and the overhead.
awk '$1 == "RESULT" { rps[$2] = rps[$2] " " $3; p99[$2] = p99[$2] " " $6 }
  function median(list,   n, a, i, j, t) {
    n = split(list, a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  END {
    on = median(rps["metrics-on"]); off = median(rps["metrics-off"])
    printf "MEDIAN metrics-on %.1f req/s, p99 %.2f ms\n", on, median(p99["metrics-on"])
    printf "MEDIAN metrics-off %.1f req/s, p99 %.2f ms\n", off, median(p99["metrics-off"])
    printf "OVERHEAD throughput %.2f%% (target: under 3%%)\n", (off - on) / off * 100
  }' "$RESULTS" | tee -a "$RESULTS"
