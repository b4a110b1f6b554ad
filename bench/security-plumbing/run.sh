#!/usr/bin/env bash
# Issue 20, part 2: what of the container's per-request security plumbing can be avoided within
# Jakarta Security, measured as the token-only endpoint's share of the floor.
#
#   bench/security-plumbing/run.sh                 # about 16 minutes on 2 cores
#   BENCH_ROUNDS=5 bench/security-plumbing/run.sh
#
# What the container does per authenticated request on Payara Micro 6.2025.10, from its source
# (docs/benchmarks.md, "What of the container's plumbing can be avoided") and the CPU profile:
#   * Soteria's JASPIC bridge (Payara's fork 3.0.3.payara-p2) looks the mechanism up through JNDI
#     and CDI in validateRequest and again in secureResponse, on every request, public ones
#     included. Nothing in Jakarta Security or Payara's configuration turns that off; only
#     replacing Jakarta Security with a ServerAuthModule of one's own would, which also drops the
#     MicroProfile JWT integration. Not a variant here.
#   * Payara's RolesAllowedRequestFilter, registered for every JAX-RS application, checks
#     @RolesAllowed on every request. payara-web.xml's <jaxrs-roles-allowed-enabled>false</...>
#     stops its registration. That is the variant measured, against the WAR as built.
#
# Every round starts each variant in turn (the first alternates by round) on a fresh database:
# warm-up, then BENCH_PAIRS pairs of windows, floor (GET /ping) then token-only (GET /api/me/token,
# RS256), each ratio from its own pair. Reports the median of every variant's ratios with their
# spread, and the token-only throughput. Results in $BENCH_WORK/plumbing-results.txt, the report in
# $BENCH_WORK/plumbing-report.md.
#
# Needs what bench/load/run.sh needs, and the JDK's jar tool.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# bench/load/run.sh, sourced, only defines its functions: starting Latchkey, logging in, wrk.
# shellcheck source=../load/run.sh
source "$ROOT/bench/load/run.sh"

ROUNDS=${BENCH_ROUNDS:-3}
PAIRS=${BENCH_PAIRS:-2}
SECONDS_MEASURED=${BENCH_SECONDS:-10}
SECONDS_WARMUP=${BENCH_WARMUP_SECONDS:-15}
WARMUP_PASSES=${BENCH_WARMUP_PASSES:-2}
VARIANTS=(as-built no-roles-allowed-filter)
RESULTS="$BENCH_WORK/plumbing-results.txt"
REPORT="$BENCH_WORK/plumbing-report.md"

# variant_war <variant>: prints the WAR to deploy for it.
variant_war() {
  case $1 in
    as-built) echo "$BUILT_WAR" ;;
    no-roles-allowed-filter)
      local dir="$BENCH_WORK/variant-no-roles-allowed-filter"
      rm -rf "$dir"
      mkdir -p "$dir/WEB-INF"
      cat > "$dir/WEB-INF/payara-web.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<payara-web-app>
    <jaxrs-roles-allowed-enabled>false</jaxrs-roles-allowed-enabled>
</payara-web-app>
XML
      cp "$BUILT_WAR" "$dir/latchkey.war"
      (cd "$dir" && jar uf latchkey.war WEB-INF/payara-web.xml)
      echo "$dir/latchkey.war"
      ;;
    *) fail "unknown variant $1" ;;
  esac
}

# one_variant <variant> <round>: starts it, warms it up, measures its pairs, stops it.
one_variant() {
  local variant=$1 round=$2
  WAR=$(variant_war "$variant")
  log "Round $round: $variant ($WAR)"
  start_latchkey
  local credentials="$BENCH_WORK/plumbing-credentials.txt" tokens="$BENCH_WORK/plumbing-tokens.txt"
  register_users "$credentials"
  access_tokens "$credentials" "$tokens"
  # The variant must still refuse a request without a token: the web.xml constraint on /api/*.
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$LATCHKEY_URL/api/me/token")" = 401 ] \
    || fail "$variant answered /api/me/token without a token"
  local get=("$LATCHKEY_URL" "$CONNECTIONS" get.lua)
  for _ in $(seq 1 "$WARMUP_PASSES"); do
    warm_up floor "${get[@]}" BENCH_PATH=/ping
    warm_up token-only "${get[@]}" BENCH_PATH=/api/me/token BENCH_TOKENS="$tokens"
  done
  # The variant is what it says: Payara made the filter for every @RolesAllowed method, or none.
  local filters
  filters=$(jcmd "$LATCHKEY_PID" GC.class_histogram | awk '$4 == "fish.payara.microprofile.jwtauth.jaxrs.RolesAllowedRequestFilter" { print $2 }')
  echo "FILTERS $variant-round-$round ${filters:-0} RolesAllowedRequestFilter instances" | tee -a "$RESULTS" >&2
  case $variant in
    as-built) [ "${filters:-0}" -gt 0 ] || fail "as-built has no RolesAllowedRequestFilter" ;;
    no-roles-allowed-filter) [ "${filters:-0}" -eq 0 ] || fail "$variant still has RolesAllowedRequestFilter" ;;
  esac
  echo "LOAD $variant-round-$round before $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$RESULTS" >&2
  for pair in $(seq 1 "$PAIRS"); do
    measure "floor-$variant-round-$round-pair-$pair" "${get[@]}" BENCH_PATH=/ping
    measure "token-only-$variant-round-$round-pair-$pair" "${get[@]}" BENCH_PATH=/api/me/token BENCH_TOKENS="$tokens"
  done
  echo "LOAD $variant-round-$round after $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$RESULTS" >&2
  stop_latchkey
}

report() {
  {
    echo "| Variant | token-only ÷ floor: median (spread), $((ROUNDS * PAIRS)) pairs | token-only req/s, median | p99 ms, median | floor req/s, median |"
    echo "|---|---|---:|---:|---:|"
    for variant in "${VARIANTS[@]}"; do
      awk -v v="$variant" '
        function median(a, n,   i, j, t) {
          for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
          return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
        }
        $1 == "RESULT" && index($2, "floor-" v "-round-") == 1 { key = substr($2, length("floor-" v) + 2); floor[key] = $3 }
        $1 == "RESULT" && index($2, "token-only-" v "-round-") == 1 { key = substr($2, length("token-only-" v) + 2); token[key] = $3; p99[key] = $6 }
        END {
          n = 0
          for (k in token) if (k in floor) { n++; r[n] = token[k] / floor[k]; t[n] = token[k]; p[n] = p99[k]; f[n] = floor[k] }
          if (n == 0) { printf "| %s | n/a | | | |\n", v; exit }
          lo = r[1]; hi = r[1]
          for (i = 1; i <= n; i++) { if (r[i] < lo) lo = r[i]; if (r[i] > hi) hi = r[i] }
          printf "| %s | %.3f (%.3f to %.3f) | %.1f | %.1f | %.1f |\n", v, median(r, n), lo, hi, median(t, n), median(p, n), median(f, n)
        }' "$RESULTS"
    done
    echo
    grep -E '^(LOAD|FILTERS) ' "$RESULTS" | sed 's/^/    /'
  } | tee "$REPORT"
}

plumbing_main() {
  mkdir -p "$BENCH_WORK"
  : > "$RESULTS"
  echo "RUN $(date -u +%FT%TZ) $CORES cores BENCH_ROUNDS=$ROUNDS BENCH_PAIRS=$PAIRS BENCH_SECONDS=$SECONDS_MEASURED" \
    "BENCH_WARMUP_PASSES=$WARMUP_PASSES BENCH_WARMUP_SECONDS=$SECONDS_WARMUP" | tee -a "$RESULTS" >&2
  build
  BUILT_WAR=$WAR
  for round in $(seq 1 "$ROUNDS"); do
    if (( round % 2 )); then order=("${VARIANTS[@]}"); else order=("${VARIANTS[1]}" "${VARIANTS[0]}"); fi
    for variant in "${order[@]}"; do
      one_variant "$variant" "$round"
    done
  done
  report
}

trap 'stop_latchkey' EXIT
plumbing_main
