# shellcheck shell=bash
# Shared by the benchmarks that run their own Latchkey (bench/admin, bench/refresh-storage,
# bench/load): building the WAR without touching the checkout's target/, waiting for the server,
# stopping it. Sourced; the caller defines ROOT, BENCH_WORK, log and fail, and keeps LATCHKEY_PID.

# build: sets WAR and PAYARA. BENCH_WAR and BENCH_PAYARA name a built WAR and Payara Micro jar
# (with the PostgreSQL driver beside it as postgresql.jar, as the build puts it there); otherwise
# the WAR is built from a copy of the working tree in $BENCH_WORK/tree (rsync, then
# mvn -DskipTests package there), so that it never writes the checkout's target/ while someone
# else builds in it.
# shellcheck disable=SC2034 # WAR and PAYARA are the caller's
build() {
  if [ -n "${BENCH_WAR:-}" ]; then
    WAR=$BENCH_WAR
    PAYARA=${BENCH_PAYARA:?BENCH_PAYARA must be set with BENCH_WAR}
    return
  fi
  local tool
  for tool in mvn rsync; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing" >&2; exit 1; }
  done
  log "Building the WAR from a copy of $ROOT in $BENCH_WORK/tree"
  rsync -a --delete --exclude target --exclude .git "$ROOT/" "$BENCH_WORK/tree/"
  (cd "$BENCH_WORK/tree" && mvn -B -q -DskipTests package)
  WAR="$BENCH_WORK/tree/target/latchkey.war"
  PAYARA="$BENCH_WORK/tree/target/payara-micro/payara-micro.jar"
}

# stop_pid <pid>: SIGTERM, up to 60 s to exit, then SIGKILL.
stop_pid() {
  if [ -n "$1" ] && kill -0 "$1" 2>/dev/null; then
    kill "$1"
    for _ in $(seq 1 60); do kill -0 "$1" 2>/dev/null || break; sleep 1; done
    kill -9 "$1" 2>/dev/null || true
  fi
}

LATCHKEY_PID=
stop_latchkey() {
  stop_pid "$LATCHKEY_PID"
  LATCHKEY_PID=
}

# wait_for_latchkey <base url>: until /health/ready answers, for at most 300 s.
wait_for_latchkey() {
  local started=$SECONDS
  until curl -fsS "$1/health/ready" >/dev/null 2>&1; do
    kill -0 "$LATCHKEY_PID" 2>/dev/null || fail "Latchkey stopped; see $BENCH_WORK/latchkey.log"
    [ $((SECONDS - started)) -lt 300 ] || fail "Latchkey not ready after 300 s; see $BENCH_WORK/latchkey.log"
    sleep 1
  done
  log "Latchkey ready in $((SECONDS - started)) s (pid $LATCHKEY_PID, log $BENCH_WORK/latchkey.log)"
}
