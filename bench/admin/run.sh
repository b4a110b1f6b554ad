#!/usr/bin/env bash
# The administrators' user list at scale: GET /admin/users?email_prefix=... over 1,000,000 users
# on PostgreSQL (target: under 50 ms per page, through the e-mail index), and the cost of a role
# change that cuts off the tokens of the role's 10,000 holders (PUT /admin/roles/{name}).
#
#   bench/admin/run.sh
#   BENCH_USERS=200000 BENCH_ROUNDS=10 bench/admin/run.sh      # smaller and shorter
#   BENCH_WAR=/path/latchkey.war BENCH_PAYARA=/path/payara-micro.jar bench/admin/run.sh
#
# What it does, in order:
#   1. builds the WAR from a copy of the working tree in $BENCH_WORK/tree (rsync, then
#      mvn -DskipTests package there), so that it never writes the checkout's target/ while
#      someone else builds in it; BENCH_WAR and BENCH_PAYARA skip this;
#   2. recreates the database latchkey_bench_admin (never "test"), with log_statement=all so the
#      SQL the server runs, with its parameters, lands in PostgreSQL's log;
#   3. starts Latchkey (Payara Micro) on it once, so Liquibase makes the schema;
#   4. seeds BENCH_USERS users (bench/admin/seed.sql: INSERT ... SELECT generate_series, each
#      with role "user"), VACUUM ANALYZE;
#   5. registers and logs in an administrator through the HTTP API (latchkey.admin.bootstrap-email,
#      latchkey.admin.require-mfa=false), bearer token, so no CSRF;
#   6. times GET /admin/users for prefixes of 1, 2, 3 and more characters, following next_cursor,
#      after warm-up rounds (bench/admin/AdminUsersLatency.java, one request at a time);
#   7. takes the search SQL the server ran from PostgreSQL's log and runs EXPLAIN (ANALYZE, BUFFERS)
#      of it with the logged parameters, as a custom plan and as the generic plan a server-side
#      prepared statement ends up with;
#   8. creates a role through the API, gives it to 10,000 seeded users by SQL, and times one
#      PUT /admin/roles/<name> that changes its permissions (and a second one, when every
#      revocation row already exists), with the revocation rows and commits it caused;
#   9. stops Latchkey. The database stays for inspection (log_statement reset).
#
# Needs: JDK 17, Maven, curl, psql, rsync, and PostgreSQL on 127.0.0.1:5432 accepting the user
# postgres without a password, with its log readable at $BENCH_PG_LOG.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE="$ROOT/bench/admin"
BENCH_WORK=${BENCH_WORK:-/tmp/latchkey-bench-admin}
DB=${BENCH_DATABASE:-latchkey_bench_admin}
USERS=${BENCH_USERS:-1000000}
HOLDERS=${BENCH_ROLE_HOLDERS:-10000}
WARMUP=${BENCH_WARMUP_ROUNDS:-5}
ROUNDS=${BENCH_ROUNDS:-30}
PAGES=${BENCH_PAGES:-5}
# 1 character (common and rare first letters), 2, 3 and more, down to a handful of matches.
PREFIXES=${BENCH_PREFIXES:-"j s m a x q jo ma an xa joh mar chr john. maria.g jessica.miller zz"}
PORT=${BENCH_PORT:-8190}
HEAP=${BENCH_HEAP:-1g}
PG_LOG=${BENCH_PG_LOG:-/var/log/postgresql/postgresql-15-main.log}
URL="http://127.0.0.1:$PORT"
ADMIN_EMAIL=bench-admin@latchkey-bench.example
PASSWORD='Bench-password-0001!'
ROLE=bench-cutoff
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -U postgres)

log() { printf '\n== %s\n' "$*" >&2; }
fail() { printf 'bench: %s\n' "$*" >&2; exit 1; }
sql() { "${PSQL[@]}" -d "$DB" -t -A -c "$1"; }
# Committed transactions of the bench database so far (pg_stat_database, refreshed every second or so).
commits() {
  "${PSQL[@]}" -d postgres -t -A -c "SELECT pg_stat_clear_snapshot()" \
    -c "SELECT xact_commit FROM pg_stat_database WHERE datname = '$DB'" | tail -1
}

for tool in java mvn curl psql rsync; do
  command -v "$tool" >/dev/null || fail "$tool is missing"
done
mkdir -p "$BENCH_WORK"
[ -r "$PG_LOG" ] || fail "cannot read PostgreSQL's log $PG_LOG (set BENCH_PG_LOG)"

# --- WAR and server ---------------------------------------------------------------------------

# shellcheck source=bench/lib/latchkey-war.sh
source "$ROOT/bench/lib/latchkey-war.sh"

start_latchkey() {
  rm -rf "$BENCH_WORK/latchkey-keys"
  export LATCHKEY_DATASOURCE_URL="jdbc:postgresql://127.0.0.1:5432/$DB"
  export LATCHKEY_DATASOURCE_USER=postgres
  export LATCHKEY_DATASOURCE_PASSWORD=
  LATCHKEY_KEYS_KEK=$(head -c 32 /dev/urandom | base64)
  export LATCHKEY_KEYS_KEK
  # As bench/load/run.sh: a KEK from the environment and a first signing key from the key tool.
  "$ROOT/server-config/keytool.sh" "$WAR" generate --alg RS256 >&2
  "$ROOT/server-config/keytool.sh" "$WAR" promote --force >&2
  java -Xms"$HEAP" -Xmx"$HEAP" \
    -Dlatchkey.datasource.class-name=org.postgresql.ds.PGSimpleDataSource \
    -Dlatchkey.public-url="$URL" \
    -Dlatchkey.keys.directory="$BENCH_WORK/latchkey-keys" \
    -Dlatchkey.account.require-verified-email=false \
    -Dlatchkey.admin.bootstrap-email="$ADMIN_EMAIL" \
    -Dlatchkey.admin.require-mfa=false \
    -jar "$PAYARA" --nocluster --port "$PORT" --contextroot / \
    --prebootcommandfile "$ROOT/server-config/payara/pre-boot-commands.asadmin" \
    --addlibs "$(dirname "$PAYARA")/postgresql.jar" \
    --deploy "$WAR" > "$BENCH_WORK/latchkey.log" 2>&1 &
  LATCHKEY_PID=$!
  wait_for_latchkey "$URL"
}

json_field() { sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\"\([^\"]*\)\".*/\1/p"; }

# Logs the administrator in and leaves the access token in $BENCH_WORK/admin-token.
admin_login() {
  local body
  body=$(curl -fsS -H 'Content-Type: application/json' \
    -d "{\"email\":\"$ADMIN_EMAIL\",\"password\":\"$PASSWORD\"}" "$URL/auth/login")
  json_field access_token <<< "$body" > "$BENCH_WORK/admin-token"
  [ -s "$BENCH_WORK/admin-token" ] || fail "no access token in the login answer"
}

# admin_request <method> <path> [body]: prints the status and the time in ms, body to $BENCH_WORK/last-body
admin_request() {
  local args=(-sS -o "$BENCH_WORK/last-body" -w '%{http_code} %{time_total}' -X "$1"
    -H "Authorization: Bearer $(cat "$BENCH_WORK/admin-token")" --max-time 600)
  [ $# -lt 3 ] || args+=(-H 'Content-Type: application/json' --data-binary "$3")
  curl "${args[@]}" "$URL$2" | awk '{ printf "%s %.1f\n", $1, $2 * 1000 }'
}

# --- Plans ----------------------------------------------------------------------------------

# explain_logged <label> <awk condition on `statement` and `parameters` (the logged list)>: the last search statement the server
# ran whose parameters match, EXPLAIN (ANALYZE, BUFFERS)'d as a custom and as a generic plan.
explain_logged() {
  local label=$1 condition=$2 found statement parameters
  found=$(tail -c +"$LOG_OFFSET" "$PG_LOG" | awk -v db="@$DB " '
    function pid_of(line) { match(line, /\[[0-9]+\]/); return substr(line, RSTART, RLENGTH) }
    index($0, db) && /LOG:  execute [^:]*: SELECT/ && /[Ff][Rr][Oo][Mm] [Uu][Ss][Ee][Rr]_[Aa][Cc][Cc][Oo][Uu][Nn][Tt]/ && / LIKE / {
      statement = $0; sub(/.*LOG:  execute [^:]*: /, "", statement); pid = pid_of($0); next }
    pid != "" && index($0, db) && /DETAIL:  parameters: / && pid_of($0) == pid {
      parameters = $0; sub(/.*DETAIL:  parameters: /, "", parameters)
      if ('"$condition"') { last_statement = statement; last_parameters = parameters }
      pid = "" }
    END { print last_statement; print last_parameters }')
  statement=$(sed -n 1p <<< "$found")
  parameters=$(sed -n 2p <<< "$found" | sed -E 's/\$[0-9]+ = //g')
  [ -n "$statement" ] || { echo "(no logged search statement for: $label)"; return; }
  printf '\n#### %s\n\nSQL as the server ran it (from the PostgreSQL log):\n\n    %s\n    parameters: %s\n' \
    "$label" "$statement" "$parameters"
  for mode in auto force_generic_plan; do
    printf '\nEXPLAIN (ANALYZE, BUFFERS), plan_cache_mode=%s:\n\n' "$mode"
    "${PSQL[@]}" -d "$DB" -t -A <<SQL | sed 's/^/    /'
SET plan_cache_mode = $mode;
PREPARE bench_search AS $statement;
EXPLAIN (ANALYZE, BUFFERS) EXECUTE bench_search($parameters);
SQL
  done
}

# --- Run ------------------------------------------------------------------------------------

main() {
  log "Machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo); $(date -u '+%Y-%m-%d %H:%M UTC'); uptime:$(uptime)"
  build
  log "Database $DB (recreated), log_statement=all while the bench runs"
  "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB" \
    -c "ALTER DATABASE $DB SET log_statement = 'all'"
  LOG_OFFSET=$(( $(stat -c %s "$PG_LOG") + 1 ))
  start_latchkey

  log "Seeding $USERS users"
  local started=$SECONDS
  "${PSQL[@]}" -d "$DB" -v users="$USERS" -f "$HERE/seed.sql"
  log "Seeded in $((SECONDS - started)) s"

  log "Administrator $ADMIN_EMAIL: register, log in (bootstrap grants admin at this login)"
  curl -fsS -o /dev/null -H 'Content-Type: application/json' \
    -d "{\"email\":\"$ADMIN_EMAIL\",\"password\":\"$PASSWORD\"}" "$URL/auth/register"
  admin_login
  read -r status _ <<< "$(admin_request GET '/admin/users?email_prefix=j&limit=1')"
  [ "$status" = 200 ] || fail "GET /admin/users answered $status: $(cat "$BENCH_WORK/last-body"); see $BENCH_WORK/latchkey.log"

  log "Prefix selectivity (users matching, of $(sql "SELECT count(*) FROM user_account"))"
  echo "| Prefix | users matching |"
  echo "|---|---:|"
  for prefix in $PREFIXES; do
    printf '| `%s` | %s |\n' "$prefix" "$(sql "SELECT count(*) FROM user_account WHERE email LIKE '$prefix%'")"
  done

  log "GET /admin/users: $WARMUP warm-up rounds, then $ROUNDS measured rounds of up to $PAGES pages per prefix"
  echo "uptime before the measured requests:$(uptime)"
  java "$HERE/AdminUsersLatency.java" "$URL" "$BENCH_WORK/admin-token" "$WARMUP" "$ROUNDS" "$PAGES" $PREFIXES \
    | tee "$BENCH_WORK/latency.md"
  echo "uptime after:$(uptime)"

  log "Plans of the search SQL the server ran"
  {
    explain_logged "first page, prefix 'j' (1 character, ~11% of users)" "parameters ~ /= 'j%',/ && statement !~ /> [\$]/"
    explain_logged "a following page (cursor), prefix 'j'" "parameters ~ /= 'j%',/ && statement ~ /> [\$]/"
    explain_logged "first page, prefix 'john.' (~0.3% of users)" "parameters ~ /= 'john[.]%',/ && statement !~ /> [\$]/"
  } | tee "$BENCH_WORK/plans.md"

  log "Role cut-off: role $ROLE held by $HOLDERS users"
  admin_login
  read -r status ms <<< "$(admin_request PUT "/admin/roles/$ROLE" '{"description":"bench: cut-off cost","permissions":["reports:read"]}')"
  [ "$status" = 201 ] || fail "creating the role answered $status: $(cat "$BENCH_WORK/last-body")"
  sql "INSERT INTO user_role (user_id, role_name)
       SELECT id, '$ROLE' FROM user_account WHERE password_hash = '!seeded-by-bench-admin'
       ORDER BY md5(id) LIMIT $HOLDERS" >/dev/null
  sql "ANALYZE user_role" >/dev/null
  echo "holders: $(sql "SELECT count(*) FROM user_role WHERE role_name = '$ROLE'")"
  local permissions=('["reports:read","reports:export"]' '["reports:read"]')
  local labels=('first change (every revocation row new)' 'second change (every row exists, widened)')
  echo "| PUT /admin/roles/$ROLE | status | wall ms | sub: revocation rows before -> after | commits in $DB | SQL statements the server ran |"
  echo "|---|---:|---:|---:|---:|---|"
  for i in 0 1; do
    local before_rows before_commits after_rows after_commits offset statements
    before_rows=$(sql "SELECT count(*) FROM revocation WHERE revocation_key LIKE 'sub:%'")
    sleep 1
    before_commits=$(commits)
    offset=$(( $(stat -c %s "$PG_LOG") + 1 ))
    read -r status ms <<< "$(admin_request PUT "/admin/roles/$ROLE" "{\"description\":\"bench: cut-off cost\",\"permissions\":${permissions[$i]}}")"
    sleep 2
    after_commits=$(commits)
    after_rows=$(sql "SELECT count(*) FROM revocation WHERE revocation_key LIKE 'sub:%'")
    # What the server sent PostgreSQL meanwhile, by kind (log_statement=all): one line per kind.
    statements=$(tail -c +"$offset" "$PG_LOG" | grep -a "@$DB LOG:  execute" | sed -E 's/.*LOG:  execute [^:]*: //' \
      | awk '{ if ($1 == "SELECT") { match($0, / FROM [a-z_.]+/); kind = "SELECT ..." substr($0, RSTART, RLENGTH) }
               else if ($1 == "INSERT" || $1 == "DELETE") kind = $1 " " $2 " " $3
               else if ($1 == "UPDATE") kind = $1 " " $2
               else kind = $1
               n[kind]++ }
             END { for (k in n) printf "%s %d; ", k, n[k] }')
    echo "| ${labels[$i]} | $status | $ms | $before_rows -> $after_rows | ~$((after_commits - before_commits)) | $statements |"
    [ "$status" = 200 ] || echo "answer: $(cat "$BENCH_WORK/last-body")"
  done
  echo "uptime at the end:$(uptime)"
}

trap 'stop_latchkey; "${PSQL[@]}" -d postgres -c "ALTER DATABASE $DB RESET log_statement" >/dev/null 2>&1 || true' EXIT
exec > >(tee "$BENCH_WORK/run.txt") 2>&1
main
