#!/usr/bin/env bash
# Where the CPU went in a profile from bench/load/run.sh with BENCH_PROFILE=1 (async-profiler's
# collapsed stacks: one "frame;frame;...;frame count" line per distinct stack).
#   bench/load/hot-methods.sh <scenario.collapsed> [how many, default 25] [frame pattern for the
#   second list, default dev.latchkey]
set -euo pipefail
profile=$1
top=${2:-25}
pattern=${3:-dev/latchkey}
awk -v top="$top" -v pattern="$pattern" '
  {
    count = $NF
    stack = $0; sub(/ [0-9]+$/, "", stack)
    n = split(stack, frames, ";")
    samples += count
    self[frames[n]] += count
    delete seen
    for (i = 1; i <= n; i++) if (!(frames[i] in seen)) { seen[frames[i]] = 1; total[frames[i]] += count }
  }
  END {
    printf "%d samples\n\nSelf (top of stack):\n", samples
    PROCINFO["sorted_in"] = "@val_num_desc"
    k = 0
    for (f in self) { if (k++ >= top) break; printf "%6.1f%%  %s\n", 100 * self[f] / samples, f }
    printf "\nTotal (anywhere on the stack), frames matching %s:\n", pattern
    k = 0
    for (f in total) { if (f !~ pattern) continue; if (k++ >= top) break; printf "%6.1f%%  %s\n", 100 * total[f] / samples, f }
  }' "$profile"
