#!/usr/bin/env bash
# Issue 20, part 4: refresh p99 (and throughput) against the number of stored sessions. Runs
# bench/refresh-storage/run.sh once per size of BENCH_FAMILY_SWEEP (10000 100000 1000000): a
# database recreated empty, seeded with that many sessions (token_family; no history table exists
# in the current design), then the refresh scenario's warm-up and one measured window, nothing
# else (no empty-database phase, no pgbench ceiling, no prune). Then the chart, by gnuplot, from
# the runs' own RESULT lines.
#
#   bench/refresh-storage/families.sh                       # about 20 minutes on 2 cores
#   BENCH_FAMILY_SWEEP="10000 100000" bench/refresh-storage/families.sh
#
# Every knob of run.sh passes through (BENCH_SECONDS, BENCH_CONNECTIONS, BENCH_SEED_USERS, ...);
# the WAR is built once, by the first run, and reused by the others. Output: each run's results in
# $BENCH_WORK/families-<n>/results.txt, the table in $BENCH_WORK/families.dat, the chart in
# BENCH_CHARTS (docs/charts)/refresh-p99-families.png. Needs gnuplot (apt-get install gnuplot-nox).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH_WORK=${BENCH_WORK:-/tmp/latchkey-bench-refresh-storage}
SWEEP=(${BENCH_FAMILY_SWEEP:-10000 100000 1000000})
CHARTS=${BENCH_CHARTS:-$ROOT/docs/charts}
command -v gnuplot >/dev/null || { echo "bench: gnuplot is missing (apt-get install gnuplot-nox)" >&2; exit 1; }
mkdir -p "$BENCH_WORK"

DATA="$BENCH_WORK/families.dat"
# BENCH_CHART_ONLY=1 draws the chart again from the last run's families.dat, running nothing.
[ -n "${BENCH_CHART_ONLY:-}" ] || echo "# families refreshes/s p50-ms p99-ms errors load-before load-after" > "$DATA"
for families in "${SWEEP[@]}"; do
  [ -z "${BENCH_CHART_ONLY:-}" ] || break
  work="$BENCH_WORK/families-$families"
  BENCH_WORK="$work" BENCH_FAMILIES="$families" BENCH_HISTORY=0 \
    BENCH_SKIP_EMPTY=1 BENCH_SKIP_PRUNE=1 BENCH_CEILING_ROUNDS=0 \
    "$ROOT/bench/refresh-storage/run.sh"
  if [ -z "${BENCH_WAR:-}" ]; then
    export BENCH_WAR="$work/tree/target/latchkey.war" BENCH_PAYARA="$work/tree/target/payara-micro/payara-micro.jar"
  fi
  awk -v n="$families" '
    $1 == "LOAD" && $2 == "refresh-seeded" { one_minute = $(NF - 2); sub(/,$/, "", one_minute) }
    $1 == "LOAD" && $2 == "refresh-seeded" && $3 == "before" { before = one_minute }
    $1 == "LOAD" && $2 == "refresh-seeded" && $3 == "after" { after = one_minute }
    $1 == "RESULT" && $2 == "refresh-seeded" { rps = $3; p50 = $4; p99 = $6; errors = $7 }
    END { if (rps == "") exit 1; print n, rps, p50, p99, errors, before, after }' "$work/results.txt" >> "$DATA" \
    || { echo "bench: no refresh-seeded result in $work/results.txt" >&2; exit 1; }
done
cat "$DATA"

mkdir -p "$CHARTS"
gnuplot <<GNUPLOT
set terminal pngcairo size 1100,460 font "sans,10"
set output "$CHARTS/refresh-p99-families.png"
set logscale x 10
set xrange [5000:2000000]
set format x "%.0f"
set termoption noenhanced
set xlabel "stored sessions (token_family rows)"
set grid
set key top left
set style data linespoints
set multiplot layout 1,2 title "Latchkey refresh against the number of stored sessions, PostgreSQL, $(grep -h '^RUN' "$BENCH_WORK/families-${SWEEP[0]}/results.txt" | awk '{ print substr($2, 1, 10) ", " $3 " cores" }')\nbench/refresh-storage/families.sh, one ${BENCH_SECONDS:-30}s window per size, ${BENCH_CONNECTIONS:-16} connections"
set ylabel "latency (ms)"
set yrange [0:*]
plot "$DATA" using 1:4 title "p99" lw 2 pt 7, "" using 1:3 title "p50" lw 2 pt 5
set key bottom left
set ylabel "refreshes per second"
plot "$DATA" using 1:2 title "throughput" lw 2 pt 7
unset multiplot
GNUPLOT
echo "Chart: $CHARTS/refresh-p99-families.png"
