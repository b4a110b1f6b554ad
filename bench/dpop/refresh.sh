#!/usr/bin/env bash
# Issue 17: what a DPoP proof costs a refresh. The load benchmark's refresh scenario (wrk closed
# loop, one virtual user per connection, each rotating its own session) on one Latchkey, in
# alternating windows: sessions without DPoP, then sessions bound to a key whose every refresh
# carries a proof (checked by Nimbus's verifier, its jti put into the replay cache), then again.
# Both kinds run against the same server start, so drift of the machine falls on both alike.
#
#   bench/dpop/refresh.sh                        # 5 rounds (about 12 minutes)
#   BENCH_ROUNDS=1 BENCH_SECONDS=10 bench/dpop/refresh.sh
#
# wrk cannot sign, so each bound window's proofs are made just before it (bench/dpop/Proofs.java,
# Nimbus's proof factory) and the server accepts proofs for 120 s instead of 10
# (latchkey.dpop.proof-max-age-seconds): a queue of proofs made ahead is older than a live
# client's. Signing is therefore not in the measured window; what is measured is the server's cost.
#
# Needs what bench/load/run.sh needs (JDK 17, Maven, wrk, curl, psql, PostgreSQL on 127.0.0.1).
# Prints one RESULT line per measured window and the medians and their ratio at the end.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export BENCH_WORK=${BENCH_WORK:-/tmp/latchkey-bench-dpop}
export BENCH_SECONDS=${BENCH_SECONDS:-20}
export BENCH_WARMUP_SECONDS=${BENCH_WARMUP_SECONDS:-15}
export BENCH_WARMUP_PASSES=${BENCH_WARMUP_PASSES:-3}
ROUNDS=${BENCH_ROUNDS:-5}
# Proofs per virtual user per window: far more than a user refreshes in one (wrk counts a
# request without a proof as an error, so a shortfall cannot pass unnoticed).
PROOFS_PER_USER=${BENCH_PROOFS_PER_USER:-3000}
# shellcheck source=../load/run.sh
source "$ROOT/bench/load/run.sh"
RESULTS="$BENCH_WORK/results.txt"
PUBLIC_URL=http://localhost:8080
trap stop_latchkey EXIT

[ -f "$WAR" ] && [ -f "$PAYARA" ] || (cd "$ROOT" && mvn -B -q -DskipTests package)
CLASSPATH_FILE="$BENCH_WORK/classpath.txt"
(cd "$ROOT" && mvn -B -q dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$CLASSPATH_FILE")
proofs() { java -cp "$(cat "$CLASSPATH_FILE")" "$ROOT/bench/dpop/Proofs.java" "$@"; }
: > "$RESULTS"
echo "LOAD before $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores, $(date -u +%FT%TZ)" | tee -a "$RESULTS"

BENCH_LATCHKEY_OPTS="-Dlatchkey.public-url=$PUBLIC_URL -Dlatchkey.dpop.proof-max-age-seconds=120" start_latchkey
credentials="$BENCH_WORK/credentials.txt"
sessions="$BENCH_WORK/sessions.txt"
keys="$BENCH_WORK/dpop"
register_users "$credentials"
proofs keys "$USERS" "$keys"

# sessions_for <unbound|bound>: a fresh login per user (a refresh chain nobody else advanced),
# bound ones with a login proof by the user's key.
sessions_for() {
  : > "$sessions"
  [ "$1" = unbound ] || proofs proofs "$USERS" "$keys" POST "$PUBLIC_URL/auth/login" 1 login 2>/dev/null
  local i=0 headers body
  while read -r email _; do
    i=$((i + 1))
    headers=$(mktemp)
    local dpop=()
    [ "$1" = unbound ] || dpop=(-H "DPoP: $(cat "$keys/login-$i.txt")")
    body=$(curl -fsS -D "$headers" -H 'Content-Type: application/json' "${dpop[@]}" \
      -d "{\"email\":\"$email\",\"password\":\"$PASSWORD\"}" "$LATCHKEY_URL/auth/login")
    echo "$(sed -n 's/^[Ss]et-[Cc]ookie: __Secure-latchkey-refresh=\([^;]*\).*/\1/p' "$headers") $(sed -n 's/^[Ss]et-[Cc]ookie: __Host-latchkey-csrf=\([^;]*\).*/\1/p' "$headers")" >> "$sessions"
    rm -f "$headers"
    [ -n "$body" ] || fail "login failed for $email"
  done < "$credentials"
  if [ "$1" = bound ]; then
    proofs proofs "$USERS" "$keys" POST "$PUBLIC_URL/auth/refresh" "$PROOFS_PER_USER" refresh
  fi
}

# window <unbound|bound> <warm_up|measure>
window() {
  local kind=$1 how=$2
  sessions_for "$kind"
  local extra=()
  [ "$kind" = unbound ] || extra=(BENCH_PROOFS="$keys/refresh")
  "$how" "refresh-$kind" "$LATCHKEY_URL" "$CONNECTIONS" refresh.lua BENCH_FLAVOUR=latchkey BENCH_SESSIONS="$sessions" "${extra[@]}"
}

log "Warm-up: $WARMUP_PASSES passes of ${SECONDS_WARMUP}s per kind"
for _ in $(seq 1 "$WARMUP_PASSES"); do
  window unbound warm_up
  window bound warm_up
done
for round in $(seq 1 "$ROUNDS"); do
  log "Round $round of $ROUNDS"
  window unbound measure
  window bound measure
done
echo "LOAD after $(cut -d' ' -f1-3 /proc/loadavg) (the benchmark's own load included)" | tee -a "$RESULTS"

# Where a proof's cost goes, on one core, with the server stopped.
stop_latchkey
java -cp "$(cat "$CLASSPATH_FILE")" "$ROOT/bench/dpop/VerifyCost.java" 3000 | tee -a "$RESULTS"

# Medians over the rounds of requests/s (field 3) and p99 ms (field 6), and the ratio of each
# round's pair (bound over the unbound window just before it), as the median with its spread.
awk '$1 == "RESULT" { rps[$2] = rps[$2] " " $3; p99[$2] = p99[$2] " " $6; err[$2] += $7
    if ($2 == "refresh-unbound") last = $3
    if ($2 == "refresh-bound") ratios = ratios " " $3 / last }
  function median(list,   n, a, i, j, t) {
    n = split(list, a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    lowest = a[1]; highest = a[n]
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  END {
    printf "MEDIAN refresh-unbound %.1f req/s, p99 %.2f ms, errors %d\n", median(rps["refresh-unbound"]), median(p99["refresh-unbound"]), err["refresh-unbound"]
    printf "MEDIAN refresh-bound %.1f req/s, p99 %.2f ms, errors %d\n", median(rps["refresh-bound"]), median(p99["refresh-bound"]), err["refresh-bound"]
    r = median(ratios)
    printf "RATIO bound/unbound %.3f (rounds %.3f to %.3f): a proof costs %.1f%% of refresh throughput (target: under 10%%)\n", r, lowest, highest, (1 - r) * 100
  }' "$RESULTS" | tee -a "$RESULTS"
