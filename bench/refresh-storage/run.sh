#!/usr/bin/env bash
# Issue 20, part 1: is refresh storage O(sessions) or O(refreshes)? Refresh throughput and p99 on
# an empty database and on one holding 1,000,000 sessions (token_family) and 10,000,000 rows of
# refresh-token history (refresh_token); the tables' and indexes' sizes; and how long housekeeping
# takes to prune one day's worth of expired sessions. Everything on PostgreSQL, one machine.
#
#   bench/refresh-storage/run.sh
#   BENCH_FAMILIES=10000 BENCH_HISTORY=100000 BENCH_SECONDS=5 bench/refresh-storage/run.sh   # a quick try
#   BENCH_WAR=/path/latchkey.war BENCH_PAYARA=/path/payara-micro.jar bench/refresh-storage/run.sh
#
# What it does, in order:
#   1. builds the WAR from a copy of the working tree in $BENCH_WORK/tree (rsync, then
#      mvn -DskipTests package there), so that it never writes the checkout's target/ while
#      someone else builds in it; BENCH_WAR and BENCH_PAYARA skip this;
#   2. recreates the database latchkey_bench_refresh (never "test"), starts Latchkey (Payara Micro)
#      on it, so Liquibase makes the schema, with housekeeping held off (once a day) and the per-IP
#      rate limits raised as in bench/load, and registers BENCH_CONNECTIONS users through the API
#      (latchkey.account.require-verified-email=false: no mail round trip);
#   3. empty database: the refresh scenario of bench/load (bench/load/wrk/refresh.lua, wrk, one
#      connection per virtual user, each rotating its own freshly logged-in session): warm-up
#      passes thrown away (more of them here, where the JVM starts cold), then one measured
#      window; commits and rows written per refresh from pg_stat_database, and rows
#      inserted/updated/deleted per refresh in token_family and refresh_token from
#      pg_stat_user_tables (BENCH_SKIP_EMPTY=1 skips this step);
#   4. seeds BENCH_SEED_USERS accounts, BENCH_FAMILIES sessions started evenly over the last 8 days
#      (7-day absolute lifetime: one eighth, a day's worth, is expired already) and, when the table
#      refresh_token exists, BENCH_HISTORY history rows (bench/refresh-storage/seed.sql,
#      generate_series), then VACUUM ANALYZE and a CHECKPOINT (so that writing out the seed does
#      not fall into the next measurement), and reports the seeding time;
#   5. reports rows, table, index and total sizes of token_family and refresh_token;
#   6. seeded database: the same refresh measurement with fresh sessions;
#   6b. the database's own ceiling for refresh (issue 20, part 3): BENCH_CEILING_ROUNDS rounds
#      (3; 0 skips) of a Latchkey refresh window and then a pgbench window of the same length with
#      the same number of connections, running the refresh's own transaction
#      (bench/refresh-storage/refresh-transaction.sql) on the same seeded database, each idle while
#      the other is measured; each round's ratio is Latchkey's refreshes/s over pgbench's
#      transactions/s (the target: at least 0.5), and the median with its spread is reported;
#   7. prunes a day's worth with the server's own housekeeping: restarts Latchkey with
#      latchkey.housekeeping.interval-seconds=10 and log_min_duration_statement=0 on the database,
#      and takes the duration of SessionService.prune's transaction (first statement to COMMIT) and
#      of each of its statements from PostgreSQL's log; the sessions and history rows it deleted
#      are counted before and after. Before it stops, 20 refreshes of one fresh session, one at a
#      time, give the SQL statements per refresh, by kind, from the same log. Then, as a cross-check, the same SQL as logged, with its time
#      parameters one day later (the next day's worth), is run by psql in a transaction with
#      \timing and ROLLED BACK; its EXPLAIN (ANALYZE, BUFFERS), also rolled back, goes to
#      $BENCH_WORK/prune-plans.txt;
#   8. stops Latchkey and prints every RESULT line, also left in $BENCH_WORK/results.txt with the
#      load averages (LOAD lines, from uptime) before and after each measured window.
#
# Knobs: BENCH_SECONDS (measured window, 30), BENCH_WARMUP_SECONDS (20), BENCH_WARMUP_PASSES (3),
# BENCH_FIRST_WARMUP_PASSES (9: the first measured phase warms the cold JVM too),
# BENCH_CONNECTIONS (16), BENCH_ALG (the signing key's algorithm, RS256; ES256 signs about 25 times
# faster, see docs/benchmarks.md), BENCH_CEILING_ROUNDS (3), BENCH_SKIP_PRUNE=1, BENCH_FAMILIES (1000000), BENCH_HISTORY (10000000), BENCH_SEED_USERS
# (250000), BENCH_PORT (8191), BENCH_HEAP (1g), BENCH_SKIP_EMPTY=1, BENCH_WORK
# (/tmp/latchkey-bench-refresh-storage), BENCH_DATABASE (latchkey_bench_refresh), BENCH_PG_LOG,
# BENCH_PRUNE_TIMEOUT (seconds to wait for housekeeping, 1800), BENCH_LATCHKEY_OPTS (extra -D
# settings for Latchkey's JVM, as in bench/load).
#
# Needs: JDK 17, Maven (with the project's dependencies in ~/.m2, unless BENCH_WAR is given),
# wrk (apt-get install wrk), pgbench (postgresql-client or the server's package), curl, psql, rsync, unzip, and PostgreSQL on 127.0.0.1:5432 accepting the user
# postgres without a password, its log (log_line_prefix starting '%m [%p] ') readable at
# $BENCH_PG_LOG. The database stays afterwards for inspection.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE="$ROOT/bench/refresh-storage"
BENCH_WORK=${BENCH_WORK:-/tmp/latchkey-bench-refresh-storage}
export BENCH_LUA_DIR="$ROOT/bench/load/wrk"
DB=${BENCH_DATABASE:-latchkey_bench_refresh}
SECONDS_MEASURED=${BENCH_SECONDS:-30}
SECONDS_WARMUP=${BENCH_WARMUP_SECONDS:-20}
WARMUP_PASSES=${BENCH_WARMUP_PASSES:-3}
FIRST_WARMUP_PASSES=${BENCH_FIRST_WARMUP_PASSES:-9}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
CEILING_ROUNDS=${BENCH_CEILING_ROUNDS:-3}
ALG=${BENCH_ALG:-RS256}
FAMILIES=${BENCH_FAMILIES:-1000000}
HISTORY=${BENCH_HISTORY:-10000000}
SEED_USERS=${BENCH_SEED_USERS:-250000}
PORT=${BENCH_PORT:-8191}
HEAP=${BENCH_HEAP:-1g}
PG_LOG=${BENCH_PG_LOG:-/var/log/postgresql/postgresql-15-main.log}
PRUNE_TIMEOUT=${BENCH_PRUNE_TIMEOUT:-1800}
URL="http://127.0.0.1:$PORT"
PASSWORD='Bench-password-0001!'
RESULTS="$BENCH_WORK/results.txt"
CREDENTIALS="$BENCH_WORK/credentials.txt"
SESSIONS="$BENCH_WORK/sessions.txt"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -U postgres)
DAY_MS=86400000

log() { printf '\n== %s\n' "$*" >&2; }
fail() { printf 'bench: %s\n' "$*" >&2; exit 1; }
sql() { "${PSQL[@]}" -d "$DB" -t -A -c "$1"; }
# record <line>: into the results and onto the terminal
record() { printf '%s\n' "$*" | tee -a "$RESULTS" >&2; }
# load_line <label>: the time and uptime's load averages
load_line() { record "LOAD $1 $(date -u +%FT%TZ) load average: $(uptime | sed 's/.*load average: //')"; }

for tool in java curl psql wrk unzip pgbench; do
  command -v "$tool" >/dev/null || fail "$tool is missing (wrk: apt-get install wrk)"
done
[ "$DB" != test ] || fail "the database \"test\" belongs to the test suite; choose another BENCH_DATABASE"
[[ $DB =~ ^[a-z_][a-z0-9_]*$ ]] || fail "BENCH_DATABASE must be a plain lower-case identifier"
[[ $ALG =~ ^(RS256|ES256|EdDSA)$ ]] || fail "BENCH_ALG must be RS256, ES256 or EdDSA"
for n in "$SECONDS_MEASURED" "$SECONDS_WARMUP" "$WARMUP_PASSES" "$FIRST_WARMUP_PASSES" "$CONNECTIONS" "$CEILING_ROUNDS" "$FAMILIES" "$HISTORY" "$SEED_USERS" "$PORT"; do
  [[ $n =~ ^[0-9]+$ ]] || fail "not a number: $n"
done
[ "$FAMILIES" -ge 1 ] || fail "BENCH_FAMILIES must be at least 1"
[ "$SEED_USERS" -ge 1 ] || fail "BENCH_SEED_USERS must be at least 1"
mkdir -p "$BENCH_WORK"
[ -r "$PG_LOG" ] || fail "cannot read PostgreSQL's log $PG_LOG (set BENCH_PG_LOG)"

# --- WAR and server ---------------------------------------------------------------------------

# shellcheck source=bench/lib/latchkey-war.sh
source "$ROOT/bench/lib/latchkey-war.sh"

# start_latchkey <first|again> <housekeeping interval seconds>: "first" also makes and promotes a
# signing key with the key tool (as bench/load and bench/admin do); "again" keeps the keys the
# database already holds.
start_latchkey() {
  export LATCHKEY_DATASOURCE_URL="jdbc:postgresql://127.0.0.1:5432/$DB"
  export LATCHKEY_DATASOURCE_USER=postgres
  export LATCHKEY_DATASOURCE_PASSWORD=
  export LATCHKEY_KEYS_KEK
  if [ "$1" = first ]; then
    rm -rf "$BENCH_WORK/latchkey-keys"
    "$ROOT/server-config/keytool.sh" "$WAR" generate --alg "$ALG" >&2
    "$ROOT/server-config/keytool.sh" "$WAR" promote --force >&2
  fi
  # As bench/load: the per-IP limits are raised because every virtual user shares 127.0.0.1 (the
  # limiter stays on, so its cost is in every figure), and accounts are created at once.
  # shellcheck disable=SC2086 # BENCH_LATCHKEY_OPTS is a list of -D settings
  java -Xms"$HEAP" -Xmx"$HEAP" \
    -Dlatchkey.datasource.class-name=org.postgresql.ds.PGSimpleDataSource \
    -Dlatchkey.keys.directory="$BENCH_WORK/latchkey-keys" \
    -Dlatchkey.ratelimit.login.per-ip-per-minute=100000000 \
    -Dlatchkey.ratelimit.register.per-ip-per-minute=100000000 \
    -Dlatchkey.ratelimit.refresh.per-ip-per-minute=100000000 \
    -Dlatchkey.ratelimit.account-mail.per-ip-per-minute=100000000 \
    -Dlatchkey.account.require-verified-email=false \
    -Dlatchkey.housekeeping.interval-seconds="$2" \
    ${BENCH_LATCHKEY_OPTS:-} \
    -jar "$PAYARA" --nocluster --port "$PORT" --contextroot / \
    --prebootcommandfile "$ROOT/server-config/payara/pre-boot-commands.asadmin" \
    --addlibs "$(dirname "$PAYARA")/postgresql.jar" \
    --deploy "$WAR" >> "$BENCH_WORK/latchkey.log" 2>&1 &
  LATCHKEY_PID=$!
  wait_for_latchkey "$URL"
}

json_field() { sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\"\([^\"]*\)\".*/\1/p"; }

# register_users: the $CONNECTIONS benchmark users, one "email password" line each in $CREDENTIALS.
register_users() {
  : > "$CREDENTIALS"
  for i in $(seq 1 "$CONNECTIONS"); do
    local email="bench-refresh-$i@bench.example"
    curl -fsS -o /dev/null -H 'Content-Type: application/json' \
      -d "{\"email\":\"$email\",\"password\":\"$PASSWORD\"}" "$URL/auth/register"
    echo "$email $PASSWORD" >> "$CREDENTIALS"
  done
}

# latchkey_login <email>: prints "<access token> <refresh token> <csrf token>" (as bench/load)
latchkey_login() {
  local headers body
  headers=$(mktemp)
  body=$(curl -fsS -D "$headers" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"$PASSWORD\"}" "$URL/auth/login")
  printf '%s %s %s\n' "$(json_field access_token <<< "$body")" \
    "$(sed -n 's/^[Ss]et-[Cc]ookie: __Secure-latchkey-refresh=\([^;]*\).*/\1/p' "$headers")" \
    "$(sed -n 's/^[Ss]et-[Cc]ookie: __Host-latchkey-csrf=\([^;]*\).*/\1/p' "$headers")"
  rm -f "$headers"
}

# A refresh run needs chains nobody else advanced: every run starts from fresh logins.
fresh_sessions() {
  : > "$SESSIONS"
  local email refresh csrf
  while read -r email _; do
    read -r _ refresh csrf <<< "$(latchkey_login "$email")"
    [ -n "$refresh" ] || fail "no refresh cookie in the login answer for $email"
    [ -n "$csrf" ] || fail "no CSRF cookie in the login answer for $email"
    echo "$refresh $csrf" >> "$SESSIONS"
  done < "$CREDENTIALS"
}

# --- Measurement ----------------------------------------------------------------------------

# wrk_run <scenario> <seconds>: the refresh scenario of bench/load, one wrk thread per connection.
wrk_run() {
  env BENCH_SCENARIO="$1" BENCH_FLAVOUR=latchkey BENCH_SESSIONS="$SESSIONS" \
    wrk -t "$CONNECTIONS" -c "$CONNECTIONS" -d "$2s" --timeout 10s -s "$BENCH_LUA_DIR/refresh.lua" "$URL" \
    > "$BENCH_WORK/$1.out"
}

# Committed transactions and written rows of the database so far (pg_stat_database), then rows
# inserted, updated and deleted in token_family and refresh_token (pg_stat_user_tables), all on
# one line separated by |. Statistics reach the views when a backend goes idle, so callers wait
# a moment after the load stops.
counters() {
  "${PSQL[@]}" -d "$DB" -t -A -c "SELECT pg_stat_clear_snapshot()" -c \
    "SELECT d.xact_commit, d.tup_inserted + d.tup_updated + d.tup_deleted,
            coalesce(sum(t.n_tup_ins) FILTER (WHERE t.relname = 'token_family'), 0),
            coalesce(sum(t.n_tup_upd) FILTER (WHERE t.relname = 'token_family'), 0),
            coalesce(sum(t.n_tup_del) FILTER (WHERE t.relname = 'token_family'), 0),
            coalesce(sum(t.n_tup_ins) FILTER (WHERE t.relname = 'refresh_token'), 0),
            coalesce(sum(t.n_tup_upd) FILTER (WHERE t.relname = 'refresh_token'), 0),
            coalesce(sum(t.n_tup_del) FILTER (WHERE t.relname = 'refresh_token'), 0)
     FROM pg_stat_database d LEFT JOIN pg_stat_user_tables t ON t.schemaname = 'public'
     WHERE d.datname = current_database() GROUP BY d.xact_commit, d.tup_inserted, d.tup_updated, d.tup_deleted" | tail -1
}

# per_refresh <label> <before> <after> <refreshes>: as bench/load's per_refresh (commits and rows
# written per refresh), then the same per table.
per_refresh() {
  awk -F'|' -v label="$1" -v before="$2" -v after="$3" -v n="$4" 'BEGIN {
      split(before, b, "|"); split(after, a, "|")
      if (n == 0) { print "DATABASE " label " no refreshes"; exit }
      printf "DATABASE %s %.3f %.3f\n", label, (a[1] - b[1]) / n, (a[2] - b[2]) / n
      printf "TABLES %s per refresh: token_family ins/upd/del %.3f/%.3f/%.3f refresh_token ins/upd/del %.3f/%.3f/%.3f\n",
        label, (a[3] - b[3]) / n, (a[4] - b[4]) / n, (a[5] - b[5]) / n, (a[6] - b[6]) / n, (a[7] - b[7]) / n, (a[8] - b[8]) / n
    }' | tee -a "$RESULTS" >&2
}

# refresh_phase <scenario>: warm-up passes, then one measured window, with the database's work per
# refresh. The first phase of a run warms a cold JVM: it gets $FIRST_WARMUP_PASSES passes (on 2
# cores Payara keeps getting faster for minutes, see bench/load), later ones $WARMUP_PASSES. A
# pause after each pass lets the JIT compilers, which compete with the load for the 2 cores, catch up.
WARMED=
refresh_phase() {
  local scenario=$1 before after requests passes=$WARMUP_PASSES
  [ -n "$WARMED" ] || passes=$FIRST_WARMUP_PASSES
  WARMED=1
  log "$scenario: $passes warm-up passes of ${SECONDS_WARMUP}s, then ${SECONDS_MEASURED}s measured ($CONNECTIONS connections)"
  for pass in $(seq 1 "$passes"); do
    fresh_sessions
    wrk_run "$scenario-warmup-$pass" "$SECONDS_WARMUP"
    grep '^RESULT ' "$BENCH_WORK/$scenario-warmup-$pass.out" | sed 's/^/  (warm-up) /' >&2 || true
    sleep 5
  done
  fresh_sessions
  sleep 12
  before=$(counters)
  load_line "$scenario before"
  wrk_run "$scenario" "$SECONDS_MEASURED"
  load_line "$scenario after"
  grep '^RESULT ' "$BENCH_WORK/$scenario.out" | tee -a "$RESULTS" >&2 || fail "no RESULT line from wrk; see $BENCH_WORK/$scenario.out"
  sleep 12
  after=$(counters)
  requests=$(awk '$1 == "RESULT" { print $8 }' "$BENCH_WORK/$scenario.out")
  per_refresh "$scenario" "$before" "$after" "$requests"
}

# --- Ceiling --------------------------------------------------------------------------------

# pgbench_window <name>: the refresh transaction by pgbench for one measured window, with a
# per-transaction log from which the same RESULT line as wrk's is made:
# RESULT <name> <transactions/s> <p50 ms> <p95 ms> <p99 ms> <failed> <transactions>.
pgbench_window() {
  local dir="$BENCH_WORK/$1"
  rm -rf "$dir" && mkdir -p "$dir"
  (cd "$dir" && pgbench -n -M prepared -h 127.0.0.1 -U postgres -c "$CONNECTIONS" -j "$(nproc)" -T "$SECONDS_MEASURED" \
    -f "$HERE/refresh-transaction.sql" -l --log-prefix=tx "$DB" > pgbench.out 2>&1) \
    || fail "pgbench failed; see $dir/pgbench.out"
  # Log lines: client, transaction, latency in microseconds, script, epoch seconds, microseconds.
  # A failed transaction is not logged with a latency; pgbench counts them in its summary.
  cat "$dir"/tx.* | awk '{ print $3 / 1000 }' | sort -n | awk -v name="$1" -v seconds="$SECONDS_MEASURED" \
    -v failed="$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$dir/pgbench.out")" '
      { latency[NR] = $1 }
      END {
        if (NR == 0) { print "RESULT " name " no transactions"; exit }
        printf "RESULT %s %.1f %.2f %.2f %.2f %d %d\n", name, NR / seconds, latency[int(NR * 0.50) + 1],
          latency[int(NR * 0.95) + 1], latency[int(NR * 0.99) + 1], failed + 0, NR }' | tee -a "$RESULTS" >&2
}

# ceiling: rounds of a Latchkey refresh window and a pgbench window, then each round's ratio and
# their median. The sessions pgbench rotates are copies of seeded ones (new ids and hashes), one
# per pgbench client, as each wrk connection rotates one session of its own.
ceiling() {
  [ "$CEILING_ROUNDS" -ge 1 ] || return 0
  sql "DELETE FROM token_family WHERE id LIKE 'pgbench-%'" > /dev/null
  "${PSQL[@]}" -d "$DB" >&2 <<SQL
CREATE TEMP TABLE pgbench_sessions AS
  SELECT f.* FROM token_family f
  WHERE f.revoked_at IS NULL AND f.absolute_expires_at > (extract(epoch FROM now()) * 1000)::bigint
  LIMIT $CONNECTIONS;
UPDATE pgbench_sessions s SET id = 'pgbench-' || n.client, current_token_hash = md5(random()::text)
  FROM (SELECT ctid AS row_id, row_number() OVER () - 1 AS client FROM pgbench_sessions) n WHERE s.ctid = n.row_id;
INSERT INTO token_family SELECT * FROM pgbench_sessions;
SQL
  [ "$(sql "SELECT count(*) FROM token_family WHERE id LIKE 'pgbench-%'")" = "$CONNECTIONS" ] \
    || fail "could not copy $CONNECTIONS live sessions for pgbench"
  log "Ceiling: $CEILING_ROUNDS rounds of Latchkey's refresh, then pgbench's, ${SECONDS_MEASURED}s each ($CONNECTIONS connections)"
  local round
  for round in $(seq 1 "$CEILING_ROUNDS"); do
    fresh_sessions
    sleep 5
    load_line "ceiling-latchkey-$round before"
    wrk_run "ceiling-latchkey-$round" "$SECONDS_MEASURED"
    load_line "ceiling-latchkey-$round after"
    grep '^RESULT ' "$BENCH_WORK/ceiling-latchkey-$round.out" | tee -a "$RESULTS" >&2 || fail "no RESULT line from wrk"
    sleep 5
    load_line "ceiling-pgbench-$round before"
    pgbench_window "ceiling-pgbench-$round"
    load_line "ceiling-pgbench-$round after"
  done
  awk '$1 == "RESULT" && $2 ~ /^ceiling-latchkey-/ { split($2, n, "-"); latchkey[n[3]] = $3 }
       $1 == "RESULT" && $2 ~ /^ceiling-pgbench-/ { split($2, n, "-"); pgbench[n[3]] = $3 }
       END {
         for (r in latchkey) if (pgbench[r] > 0) { ratio[++count] = latchkey[r] / pgbench[r]; line = line sprintf(" %s:%.3f", r, latchkey[r] / pgbench[r]) }
         if (count == 0) { print "RESULT ceiling-ratio none"; exit }
         for (i = 1; i <= count; i++) for (j = i + 1; j <= count; j++) if (ratio[j] < ratio[i]) { t = ratio[i]; ratio[i] = ratio[j]; ratio[j] = t }
         printf "RESULT ceiling-ratio median=%.3f min=%.3f max=%.3f rounds:%s (Latchkey refreshes/s over pgbench transactions/s; target >= 0.5)\n",
           ratio[int((count + 1) / 2)], ratio[1], ratio[count], line }' "$RESULTS" | tee -a "$RESULTS" >&2
  sql "DELETE FROM token_family WHERE id LIKE 'pgbench-%'" > /dev/null
}

has_history() { [ "$(sql "SELECT to_regclass('refresh_token') IS NOT NULL")" = t ]; }

sizes() {
  local table
  for table in token_family refresh_token; do
    if [ "$(sql "SELECT to_regclass('$table') IS NOT NULL")" != t ]; then
      record "RESULT size $table absent"
      continue
    fi
    record "RESULT size $(sql "SELECT '$table rows=' || (SELECT count(*) FROM $table)
        || ' table_bytes=' || pg_relation_size('$table') || ' indexes_bytes=' || pg_indexes_size('$table')
        || ' total_bytes=' || pg_total_relation_size('$table')
        || ' (table ' || pg_size_pretty(pg_relation_size('$table')) || ', indexes ' || pg_size_pretty(pg_indexes_size('$table'))
        || ', total ' || pg_size_pretty(pg_total_relation_size('$table')) || ')'")"
    sql "SELECT 'RESULT size-index $table ' || indexrelid::regclass || ' bytes=' || pg_relation_size(indexrelid)
           || ' (' || pg_size_pretty(pg_relation_size(indexrelid)) || ')'
         FROM pg_index WHERE indrelid = '$table'::regclass ORDER BY indexrelid::regclass::text" | tee -a "$RESULTS" >&2
  done
}

# --- Prune ----------------------------------------------------------------------------------

# Lines of PostgreSQL's log about the database since byte $1, as
# "<ms since midnight>\t<pid>\t<duration ms>\t<verb>\t<statement or parameters>": one per
# executed statement (verb "execute" or "statement") and per parameter list (verb "parameters").
logged_statements() {
  tail -c +"$1" "$PG_LOG" | awk -v db="@$DB " '
    function millis(time,  p) { split(time, p, ":"); return (p[1] * 3600 + p[2] * 60 + p[3]) * 1000 }
    function pid_of(line) { match(line, /\[[0-9]+\]/); return substr(line, RSTART + 1, RLENGTH - 2) }
    !index($0, db) { next }
    /LOG:  duration: [0-9.]+ ms  (execute [^:]*|statement): / {
      text = $0; sub(/.*LOG:  duration: /, "", text)
      duration = text; sub(/ ms .*/, "", duration)
      verb = (text ~ /^[0-9.]+ ms  execute/) ? "execute" : "statement"
      sub(/^[0-9.]+ ms  (execute [^:]*|statement): /, "", text)
      printf "%.3f\t%s\t%s\t%s\t%s\n", millis($2), pid_of($0), duration, verb, text
      next }
    /DETAIL:  parameters: / {
      text = $0; sub(/.*DETAIL:  parameters: /, "", text)
      printf "%.3f\t%s\t0\tparameters\t%s\n", millis($2), pid_of($0), text }'
}

# The prune transaction in logged_statements output: from the first statement after the previous
# COMMIT/ROLLBACK of the connection that deleted from token_family, to its next COMMIT/ROLLBACK.
prune_transaction() {
  awk -F'\t' '
    { n++; ts[n] = $1; pid[n] = $2; dur[n] = $3; verb[n] = $4; text[n] = $5 }
    END {
      for (i = 1; i <= n; i++) if (verb[i] != "parameters" && text[i] ~ /^DELETE FROM token_family /) { hit = i; break }
      if (!hit) exit 1
      p = pid[hit]; first = hit
      for (i = hit - 1; i >= 1; i--) {
        if (pid[i] != p || verb[i] == "parameters") continue
        if (text[i] ~ /^(COMMIT|ROLLBACK)/) break
        first = i }
      for (i = first; i <= n; i++) {
        if (pid[i] != p) continue
        print ts[i] "\t" dur[i] "\t" verb[i] "\t" text[i]
        if (i > hit && verb[i] != "parameters" && text[i] ~ /^(COMMIT|ROLLBACK)/) exit 0 }
      exit 2 }'
}

# statements_per_refresh: while the server logs every statement (the prune's restart), one bench
# user's fresh session is refreshed $SAMPLE_REFRESHES times in a row with curl, and the statements
# the database ran meanwhile are counted by kind, per refresh. (The measured windows run without
# the log: logging every statement costs throughput.) It runs right after housekeeping's first
# pass, which comes back 10 s later; a DELETE among the statements says it came back too soon.
SAMPLE_REFRESHES=20
statements_per_refresh() {
  local email refresh csrf offset headers status statuses=""
  read -r email _ < "$CREDENTIALS"
  read -r _ refresh csrf <<< "$(latchkey_login "$email")"
  offset=$(( $(stat -c %s "$PG_LOG") + 1 ))
  headers=$(mktemp)
  for _ in $(seq 1 "$SAMPLE_REFRESHES"); do
    status=$(curl -sS -o /dev/null -D "$headers" -w '%{http_code}' -X POST -H 'Content-Length: 0' \
      -H "Cookie: __Secure-latchkey-refresh=$refresh; __Host-latchkey-csrf=$csrf" -H "X-CSRF-Token: $csrf" \
      "$URL/auth/refresh")
    statuses="$statuses $status"
    refresh=$(sed -n 's/^[Ss]et-[Cc]ookie: __Secure-latchkey-refresh=\([^;]*\).*/\1/p' "$headers" | tail -1)
    [ -n "$refresh" ] || break
  done
  rm -f "$headers"
  sleep 0.5
  logged_statements "$offset" | awk -F'\t' -v n="$SAMPLE_REFRESHES" -v statuses="$statuses" '
    $4 == "parameters" { next }
    { split($5, w, " ")
      if (w[1] == "SELECT") {
        # the tables read, by the aliases EclipseLink gives them (t0, t1, ...)
        rest = $5; tables = ""
        while (match(rest, /[a-z_]+ t[0-9]+[ ,)]/)) {
          table = substr(rest, RSTART, RLENGTH); sub(/ .*/, "", table)
          if (index("," tables ",", "," table ",") == 0) tables = tables (tables == "" ? "" : ",") table
          rest = substr(rest, RSTART + RLENGTH) }
        if (tables == "") { match($5, / FROM [a-z_]+/); tables = substr($5, RSTART + 6, RLENGTH - 6) }
        kind = "SELECT(" tables ")" }
      else if (w[1] == "INSERT" || w[1] == "DELETE") kind = w[1] " " w[2] " " w[3]
      else if (w[1] == "UPDATE") kind = w[1] " " w[2]
      else kind = w[1]
      count[kind]++; total++
      if (w[1] == "DELETE") overlapped = " HOUSEKEEPING OVERLAPPED, figures include it" }
    END {
      out = overlapped
      for (k in count) out = out sprintf("; %s %.2f", k, count[k] / n)
      printf "RESULT statements-per-refresh total=%.2f (from the log, %d refreshes one at a time, statuses:%s)%s\n", total / n, n, statuses, out }' \
    | tee -a "$RESULTS" >&2
}

count_sessions() { sql "SELECT count(*) FROM token_family"; }
count_history() { if has_history; then sql "SELECT count(*) FROM refresh_token"; else echo 0; fi; }

# replay_prune <file of "statement<TAB>parameters" lines> <mode: timing|explain>: in one transaction, rolled back.
replay_prune() {
  local i=0 statement parameters
  {
    echo "BEGIN;"
    if [ "$2" = timing ]; then printf '%s\n' '\timing on'; fi
    while IFS=$'\t' read -r statement parameters; do
      i=$((i + 1))
      echo "PREPARE bench_prune_$i AS $statement;"
      if [ "$2" = explain ]; then
        echo "EXPLAIN (ANALYZE, BUFFERS) EXECUTE bench_prune_$i${parameters:+($parameters)};"
      else
        echo "EXECUTE bench_prune_$i${parameters:+($parameters)};"
      fi
    done < "$1"
    echo "ROLLBACK;"
  } | psql -X -v ON_ERROR_STOP=1 -h 127.0.0.1 -U postgres -d "$DB"
}

prune() {
  local sessions_before history_before sessions_after history_after expired offset found transaction started restarted_ms passes
  sessions_before=$(count_sessions)
  history_before=$(count_history)
  expired=$(sql "SELECT count(*) FROM token_family WHERE absolute_expires_at <= (extract(epoch FROM now()) * 1000)::bigint")
  log "Prune: $expired of $sessions_before sessions past their absolute expiry now; restarting Latchkey with housekeeping every 10 s"
  stop_latchkey
  "${PSQL[@]}" -d postgres -c "ALTER DATABASE $DB SET log_min_duration_statement = 0"
  offset=$(( $(stat -c %s "$PG_LOG") + 1 ))
  load_line "prune before"
  restarted_ms=$(date +%s%3N)
  start_latchkey again 10
  started=$SECONDS
  found=
  while [ $((SECONDS - started)) -lt "$PRUNE_TIMEOUT" ]; do
    if transaction=$(logged_statements "$offset" | prune_transaction); then found=1; break; fi
    kill -0 "$LATCHKEY_PID" 2>/dev/null || fail "Latchkey stopped; see $BENCH_WORK/latchkey.log"
    sleep 0.5
  done
  load_line "prune after"
  [ -n "$found" ] || fail "no finished prune transaction in PostgreSQL's log after ${PRUNE_TIMEOUT}s; see $BENCH_WORK/latchkey.log"
  statements_per_refresh
  stop_latchkey
  "${PSQL[@]}" -d postgres -c "ALTER DATABASE $DB RESET log_min_duration_statement"
  printf '%s\n' "$transaction" > "$BENCH_WORK/prune-transaction.tsv"
  # Deleted: what was there before, less what is left of it (the sample's new session and its
  # history, made after the restart, do not count).
  sessions_after=$(sql "SELECT count(*) FROM token_family WHERE created_at < $restarted_ms")
  if has_history; then history_after=$(sql "SELECT count(*) FROM refresh_token WHERE issued_at < $restarted_ms"); else history_after=0; fi
  passes=$(logged_statements "$offset" | awk -F'\t' '$4 != "parameters" && $5 ~ /^DELETE FROM token_family / { n++ } END { print n + 0 }')
  [ "$passes" -le 1 ] || record "NOTE housekeeping pruned $passes times before Latchkey stopped: the deleted counts below include the later passes (a few sessions each)"

  # The transaction as logged: wall time from the first statement's start to the end, and each statement.
  awk -F'\t' -v sessions=$((sessions_before - sessions_after)) -v history=$((history_before - history_after)) '
    $3 == "parameters" { next }
    !started { start = $1 - $2; started = 1 }
    { end = $1; last = $4; sum += $2 }
    END {
      wall = end - start; if (wall < 0) wall += 86400000
      printf "RESULT prune-housekeeping wall_ms=%.1f statements_ms=%.1f sessions_deleted=%d history_deleted=%d ended_with=%s\n",
        wall, sum, sessions, history, last }' "$BENCH_WORK/prune-transaction.tsv" | tee -a "$RESULTS" >&2
  # One line per statement, with the parameters logged after it (PostgreSQL logs them after the
  # bind too, before the statement: those are skipped). The whole SQL is in prune-transaction.tsv.
  awk -F'\t' 'function flush() { if (line != "") print line; line = "" }
    $3 != "parameters" { flush(); line = sprintf("RESULT prune-statement ms=%s sql=%s", $2, substr($4, 1, 200)); with = 0; next }
    line != "" && !with { line = line " | " $4; with = 1 }
    END { flush() }' "$BENCH_WORK/prune-transaction.tsv" | tee -a "$RESULTS" >&2

  # Cross-check: the logged DELETE and UPDATE statements again, by psql, for the next day's worth
  # (every epoch-millisecond parameter one day later), in a transaction that is rolled back.
  awk -F'\t' -v day=$DAY_MS -v q="'" '
    $3 != "parameters" && $4 ~ /^(DELETE|UPDATE) / { if (pending) print pending "\t"; pending = $4; next }
    $3 == "parameters" && pending {
      p = $4; out = ""
      while (match(p, "[$][0-9]+ = (" q "[^" q "]*" q "|[^,]*)")) {
        value = substr(p, RSTART, RLENGTH); sub(/^[$][0-9]+ = /, "", value)
        bare = value; gsub(q, "", bare)
        if (bare ~ /^[0-9]+$/ && length(bare) == 13) value = sprintf("%.0f", bare + day)
        out = out (out == "" ? "" : ", ") value
        p = substr(p, RSTART + RLENGTH) }
      print pending "\t" out; pending = ""; next }
    END { if (pending) print pending "\t" }' "$BENCH_WORK/prune-transaction.tsv" > "$BENCH_WORK/prune-next-day.tsv"
  if [ ! -s "$BENCH_WORK/prune-next-day.tsv" ]; then
    record "RESULT prune-next-day skipped: no DELETE or UPDATE in the logged transaction"
    return
  fi
  log "Prune cross-check: the next day's worth by psql, rolled back"
  local replay
  load_line "prune-next-day before"
  replay=$(replay_prune "$BENCH_WORK/prune-next-day.tsv" timing 2>&1) || fail "replaying the prune failed: $replay"
  load_line "prune-next-day after"
  printf '%s\n' "$replay" > "$BENCH_WORK/prune-next-day.txt"
  # psql prints each statement's tag (DELETE n, UPDATE n) and then its Time: line.
  awk '/^(DELETE|UPDATE) [0-9]+$/ { tag = $0; next }
       /^Time: / && tag != "" { printf "RESULT prune-next-day-psql %s ms=%s (rolled back)\n", tag, $2; total += $2; tag = "" }
       END { printf "RESULT prune-next-day-psql total_ms=%.1f (rolled back)\n", total }' \
    "$BENCH_WORK/prune-next-day.txt" | tee -a "$RESULTS" >&2
  replay_prune "$BENCH_WORK/prune-next-day.tsv" explain > "$BENCH_WORK/prune-plans.txt" 2>&1 \
    || log "EXPLAIN of the prune failed: see $BENCH_WORK/prune-plans.txt"
}

# --- Run ------------------------------------------------------------------------------------

main() {
  : > "$RESULTS"
  : > "$BENCH_WORK/latchkey.log"
  record "RUN $(date -u +%FT%TZ) $(nproc) cores $(awk '/MemTotal/ { printf "%.0fGiB", $2 / 1048576 }' /proc/meminfo)" \
    "BENCH_SECONDS=$SECONDS_MEASURED BENCH_WARMUP_SECONDS=$SECONDS_WARMUP BENCH_WARMUP_PASSES=$WARMUP_PASSES BENCH_FIRST_WARMUP_PASSES=$FIRST_WARMUP_PASSES" \
    "BENCH_CONNECTIONS=$CONNECTIONS BENCH_FAMILIES=$FAMILIES BENCH_HISTORY=$HISTORY BENCH_SEED_USERS=$SEED_USERS" \
    "BENCH_SKIP_EMPTY=${BENCH_SKIP_EMPTY:-} BENCH_SKIP_PRUNE=${BENCH_SKIP_PRUNE:-} BENCH_CEILING_ROUNDS=$CEILING_ROUNDS BENCH_ALG=$ALG BENCH_LATCHKEY_OPTS=${BENCH_LATCHKEY_OPTS:-}"
  build
  record "WAR $WAR ($(sha256sum "$WAR" | cut -c1-16)) $(java -version 2>&1 | head -1) $("${PSQL[@]}" -d postgres -t -A -c 'SHOW server_version')"

  log "Database $DB (recreated)"
  "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
  start_latchkey first 86400
  register_users

  if [ -z "${BENCH_SKIP_EMPTY:-}" ]; then
    refresh_phase refresh-empty
  fi

  log "Seeding $SEED_USERS accounts, $FAMILIES sessions and $HISTORY history rows (refresh_token $(has_history && echo present || echo absent))"
  local started=$SECONDS
  load_line "seed before"
  "${PSQL[@]}" -d "$DB" -v users="$SEED_USERS" -v families="$FAMILIES" -v history="$HISTORY" -f "$HERE/seed.sql" >&2
  load_line "seed after"
  record "RESULT seed seconds=$((SECONDS - started)) users=$SEED_USERS families=$FAMILIES history=$(has_history && echo "$HISTORY" || echo "0 (no refresh_token)") (with VACUUM ANALYZE and CHECKPOINT)"
  sizes

  refresh_phase refresh-seeded
  ceiling

  if [ -z "${BENCH_SKIP_PRUNE:-}" ]; then
    prune
    sizes
  fi

  log "Results ($RESULTS)"
  cat "$RESULTS"
}

LATCHKEY_KEYS_KEK=$(head -c 32 /dev/urandom | base64)
trap 'stop_latchkey; "${PSQL[@]}" -d postgres -c "ALTER DATABASE $DB RESET log_min_duration_statement" >/dev/null 2>&1 || true' EXIT
exec > >(tee "$BENCH_WORK/run.txt") 2>&1
main
