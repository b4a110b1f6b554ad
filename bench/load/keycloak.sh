# shellcheck shell=bash
#
# Keycloak as the peer in Latchkey's side-by-side load benchmarks. Meant to be sourced:
#
#   source bench/load/keycloak.sh
#   keycloak_fetch                 # Maven -> $BENCH_WORK/keycloak-26.7.3 (once)
#   keycloak_start 8180            # fresh database, production mode, waits until ready
#   keycloak_setup 8180 1000       # realm bench, client bench-client, user1..user1000
#   keycloak_login 8180 user1      # password grant: prints the token JSON
#   keycloak_stop
#
# Nothing of Keycloak is committed: the distribution comes from Maven Central
# (org.keycloak:keycloak-quarkus-dist:26.7.3:zip). Needs curl, psql, unzip, mvn; no jq.
#
# Endpoints the load scenarios hit (keycloak_endpoints PORT prints them):
#   refresh   POST http://127.0.0.1:PORT/realms/bench/protocol/openid-connect/token
#             Content-Type: application/x-www-form-urlencoded
#             grant_type=refresh_token&refresh_token=<newest>&client_id=bench-client
#             -> 200 {"access_token","refresh_token",...}; a used refresh token -> 400 invalid_grant
#   userinfo  GET  http://127.0.0.1:PORT/realms/bench/protocol/openid-connect/userinfo
#             Authorization: Bearer <access_token>          (the peer of Latchkey's GET /api/me)
#   introspect POST http://127.0.0.1:PORT/realms/bench/protocol/openid-connect/token/introspect
#             Authorization: Basic bench-introspector:bench-introspector-secret, token=<access_token>
#             -> 200 {"active":true,...}                      (the peer of Latchkey's POST /auth/introspect)
#   login     POST .../token  grant_type=password&client_id=bench-client&scope=openid&username=userN&password=...
#             scope=openid is required: without it userinfo answers 403 "Missing openid scope".
#             The refresh grant keeps the scope, so refreshed access tokens work on userinfo too.
#
# Realm settings that make the comparison fair:
#   revokeRefreshToken=true, refreshTokenMaxReuse=0: every refresh token is single-use and rotated,
#     as in Latchkey; replaying a used one is refused.
#     Replaying a used refresh token also ends that Keycloak session (the newest refresh token then
#     gets 400 "Session doesn't have required client", its access token 401 on userinfo), much like
#     Latchkey's family revocation; Keycloak has no equivalent of latchkey.session.reuse-grace-seconds.
#   bench-client is a PUBLIC client: Latchkey's /auth/refresh authenticates nothing but the refresh
#     token (a first-party browser app holds no secret), so a confidential client would add a
#     client-authentication step the other side does not have.
#   Password hashing is Keycloak's default, left alone (see keycloak_setup's output, which reads
#     the stored credential: argon2id in 26.x on a non-FIPS JVM).
#
# Settings (environment, all optional):
#   BENCH_WORK              scratch directory (default /tmp/latchkey-bench)
#   KEYCLOAK_HEAP           -Xms = -Xmx (default $BENCH_HEAP, else 1g; kc.sh alone gives -Xms64m -Xmx512m). Fixed so the
#                           heap does not resize mid-run; give Latchkey the same figure.
#   KEYCLOAK_MGMT_PORT      management port serving /health/ready (default 9000)
#   KEYCLOAK_JAVA_HOME      JDK to run Keycloak with (default: `java` on PATH)
#   KEYCLOAK_START_TIMEOUT  seconds to wait for readiness (default 240)
#   KEYCLOAK_STOP_TIMEOUT   seconds between SIGTERM and SIGKILL (default 30)
#   KEYCLOAK_START_OPTS     extra options for `kc.sh start`, split on spaces (default none); bench/peers
#                           sets Keycloak's argon2 parameters with it to match Latchkey's

KEYCLOAK_VERSION=26.7.3
: "${BENCH_WORK:=/tmp/latchkey-bench}"
: "${KEYCLOAK_HEAP:=${BENCH_HEAP:-1g}}"
: "${KEYCLOAK_MGMT_PORT:=9000}"
: "${KEYCLOAK_JAVA_HOME:=}"
: "${KEYCLOAK_START_TIMEOUT:=240}"
: "${KEYCLOAK_STOP_TIMEOUT:=30}"
: "${KEYCLOAK_START_OPTS:=}"
KEYCLOAK_DB=keycloak_bench
KEYCLOAK_REALM=bench
KEYCLOAK_CLIENT=bench-client
# For the load scenarios (paths relative to http://127.0.0.1:PORT).
KEYCLOAK_CLIENT_ID=$KEYCLOAK_CLIENT
KEYCLOAK_TOKEN_PATH=/realms/$KEYCLOAK_REALM/protocol/openid-connect/token
KEYCLOAK_USERINFO_PATH=/realms/$KEYCLOAK_REALM/protocol/openid-connect/userinfo
# RFC 7662 introspection, for a confidential client (Keycloak introspects for no public one), the
# peer of Latchkey's POST /auth/introspect for a registered resource server. Since Keycloak 26.6.2
# the introspecting client must be in the token's audience, so bench-client's access tokens name it
# (an audience mapper, as a deployment with a resource server would have); without it every answer
# is {"active":false}.
KEYCLOAK_INTROSPECT_PATH=/realms/$KEYCLOAK_REALM/protocol/openid-connect/token/introspect
KEYCLOAK_INTROSPECTOR=bench-introspector
KEYCLOAK_INTROSPECTOR_SECRET=bench-introspector-secret
# The java process's PID, set by keycloak_start (also in $BENCH_WORK/keycloak.pid), cleared by keycloak_stop.
KEYCLOAK_PID=
KEYCLOAK_USER_PASSWORD='Bench-password-0001!'
KEYCLOAK_ADMIN_USER=bench-admin
KEYCLOAK_ADMIN_PASSWORD=bench-admin-password
# Options fixed at `kc.sh build` time; `start --optimized` then skips re-augmentation.
KEYCLOAK_BUILD_OPTS=(--db=postgres --health-enabled=true)

keycloak__home() { printf '%s/keycloak-%s' "$BENCH_WORK" "$KEYCLOAK_VERSION"; }
keycloak__fail() { printf 'keycloak: ERROR: %s\n' "$*" >&2; return 1; }
keycloak__info() { printf 'keycloak: %s\n' "$*" >&2; }
keycloak__now() { date +%s.%N; }
keycloak__psql() { PGOPTIONS='-c client_min_messages=warning' psql -h 127.0.0.1 -U postgres -X -q -v ON_ERROR_STOP=1 "$@"; }

keycloak__java_bin() {
  if [[ -n "$KEYCLOAK_JAVA_HOME" ]]; then printf '%s/bin/java' "$KEYCLOAK_JAVA_HOME"; else command -v java; fi
}

# True when PID is alive and is a process of this Keycloak installation (guards against PID reuse).
keycloak__ours() {
  local pid=$1
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null &&
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$(keycloak__home)"
}

keycloak__port_busy() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Body to stdout; fails (with the body on stderr) unless the HTTP status is the expected one.
keycloak__curl() {
  local expect=$1; shift
  local out status
  out=$(curl -sS -w '\n%{http_code}' "$@") || { keycloak__fail "curl failed: $*"; return 1; }
  status=${out##*$'\n'}
  out=${out%$'\n'*}
  if [[ "$status" != "$expect" ]]; then
    printf '%s\n' "$out" >&2
    keycloak__fail "HTTP $status (expected $expect) from: ${*: -1}"
    return 1
  fi
  printf '%s' "$out"
}

json_field() { # FIELD < json   (flat string fields only: tokens, ids); run.sh uses it too
  sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\"\([^\"]*\)\".*/\1/p"
}

keycloak_fetch() {
  local home dl zip tmp
  home=$(keycloak__home)
  if [[ -x "$home/bin/kc.sh" ]] && grep -qF "Version $KEYCLOAK_VERSION" "$home/version.txt" 2>/dev/null; then
    keycloak__info "already unpacked: $home"
    return 0
  fi
  command -v mvn >/dev/null || { keycloak__fail "mvn not on PATH"; return 1; }
  command -v unzip >/dev/null || { keycloak__fail "unzip not on PATH"; return 1; }
  dl="$BENCH_WORK/download"
  mkdir -p "$dl/mvn-cwd" || { keycloak__fail "cannot create $dl"; return 1; }
  zip="$dl/keycloak-quarkus-dist-$KEYCLOAK_VERSION.zip"
  if [[ ! -s "$zip" ]]; then
    keycloak__info "downloading keycloak-quarkus-dist $KEYCLOAK_VERSION with Maven"
    # Run from an empty directory so no project's pom.xml is picked up.
    (cd "$dl/mvn-cwd" && mvn -q -B org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
        "-Dartifact=org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:zip" \
        "-DoutputDirectory=$dl" -Dmdep.overWriteIfNewer=true) ||
      { keycloak__fail "Maven could not fetch org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:zip"; return 1; }
    [[ -s "$zip" ]] || { keycloak__fail "Maven reported success but $zip is missing"; return 1; }
  fi
  tmp=$(mktemp -d "$BENCH_WORK/unzip.XXXXXX") || { keycloak__fail "mktemp failed"; return 1; }
  unzip -q "$zip" -d "$tmp" || { rm -rf "$tmp"; keycloak__fail "unzip of $zip failed"; return 1; }
  [[ -x "$tmp/keycloak-$KEYCLOAK_VERSION/bin/kc.sh" ]] ||
    { rm -rf "$tmp"; keycloak__fail "$zip does not contain keycloak-$KEYCLOAK_VERSION/bin/kc.sh"; return 1; }
  rm -rf "$home"
  mv "$tmp/keycloak-$KEYCLOAK_VERSION" "$home" && rmdir "$tmp" ||
    { keycloak__fail "cannot move the distribution to $home"; return 1; }
  keycloak__info "unpacked to $home"
}

# `kc.sh build` once per set of build options and JDK; `start --optimized` relies on it.
keycloak__build() {
  local home stamp want
  home=$(keycloak__home)
  stamp="$home/.latchkey-build"
  want="${KEYCLOAK_BUILD_OPTS[*]} java=$(keycloak__java_bin)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    return 0
  fi
  keycloak__info "kc.sh build ${KEYCLOAK_BUILD_OPTS[*]}"
  if ! env -u JAVA_OPTS -u JAVA_OPTS_APPEND JAVA="$(keycloak__java_bin)" "$home/bin/kc.sh" build "${KEYCLOAK_BUILD_OPTS[@]}" \
      >"$BENCH_WORK/keycloak-build.log" 2>&1; then
    tail -n 30 "$BENCH_WORK/keycloak-build.log" >&2
    keycloak__fail "kc.sh build failed (log: $BENCH_WORK/keycloak-build.log)"
    return 1
  fi
  printf '%s' "$want" >"$stamp"
}

keycloak_start() {
  local port=${1:-} home log launcher pid t0 t1 deadline
  [[ "$port" =~ ^[0-9]+$ ]] || { keycloak__fail "usage: keycloak_start PORT"; return 1; }
  home=$(keycloak__home)
  [[ -x "$home/bin/kc.sh" ]] || { keycloak__fail "$home missing: run keycloak_fetch first"; return 1; }
  if keycloak__ours "$(cat "$BENCH_WORK/keycloak.pid" 2>/dev/null)"; then
    keycloak__info "a Keycloak is already running: stopping it for a fresh start"
    keycloak_stop || return 1
  fi
  local p
  for p in "$port" "$KEYCLOAK_MGMT_PORT"; do
    ! keycloak__port_busy "$p" || { keycloak__fail "port $p is already in use"; return 1; }
  done
  keycloak__build || return 1

  keycloak__psql -d postgres -c "DROP DATABASE IF EXISTS $KEYCLOAK_DB WITH (FORCE)" &&
    keycloak__psql -d postgres -c "CREATE DATABASE $KEYCLOAK_DB" ||
    { keycloak__fail "cannot recreate database $KEYCLOAK_DB"; return 1; }

  log="$BENCH_WORK/keycloak.log"
  : >"$log"
  keycloak__info "starting on http://127.0.0.1:$port (management :$KEYCLOAK_MGMT_PORT, heap $KEYCLOAK_HEAP, java $(keycloak__java_bin)); log $log"
  t0=$(keycloak__now)
  # kc.sh runs java as its child and forwards SIGTERM to it; we record both PIDs.
  # JAVA pins the JDK (kc.sh would otherwise prefer an inherited JAVA_HOME); JAVA_OPTS from the
  # caller is dropped because it would replace kc.sh's defaults wholesale.
  env -u JAVA_OPTS -u JAVA_OPTS_APPEND JAVA="$(keycloak__java_bin)" \
    JAVA_OPTS_KC_HEAP="-Xms$KEYCLOAK_HEAP -Xmx$KEYCLOAK_HEAP" \
    KC_BOOTSTRAP_ADMIN_USERNAME="$KEYCLOAK_ADMIN_USER" \
    KC_BOOTSTRAP_ADMIN_PASSWORD="$KEYCLOAK_ADMIN_PASSWORD" \
    "$home/bin/kc.sh" start --optimized \
      --http-enabled=true --http-host=127.0.0.1 --http-port="$port" \
      --hostname-strict=false \
      --http-management-port="$KEYCLOAK_MGMT_PORT" \
      --cache=local \
      --db-url="jdbc:postgresql://127.0.0.1:5432/$KEYCLOAK_DB" --db-username=postgres \
      $KEYCLOAK_START_OPTS \
      >>"$log" 2>&1 </dev/null &
  launcher=$!
  printf '%s\n' "$launcher" >"$BENCH_WORK/keycloak-launcher.pid"

  pid=
  deadline=$(( $(date +%s) + KEYCLOAK_START_TIMEOUT ))
  while :; do
    [[ -n "$pid" ]] || pid=$(pgrep -P "$launcher" -f QuarkusEntryPoint 2>/dev/null | head -n 1 || true)
    if [[ -n "$pid" ]] && curl -fsS -o /dev/null "http://127.0.0.1:$KEYCLOAK_MGMT_PORT/health/ready" 2>/dev/null; then
      break
    fi
    if ! kill -0 "$launcher" 2>/dev/null; then
      tail -n 40 "$log" >&2
      keycloak__fail "Keycloak exited during startup (log: $log)"
      return 1
    fi
    if (( $(date +%s) >= deadline )); then
      tail -n 40 "$log" >&2
      keycloak__fail "not ready after ${KEYCLOAK_START_TIMEOUT}s (log: $log); still running, call keycloak_stop"
      [[ -z "$pid" ]] || printf '%s\n' "$pid" >"$BENCH_WORK/keycloak.pid"
      return 1
    fi
    sleep 0.5   # every probe of a not-ready server adds a line to the log
  done
  printf '%s\n' "$pid" >"$BENCH_WORK/keycloak.pid"
  KEYCLOAK_PID=$pid
  keycloak__curl 200 -o /dev/null "http://127.0.0.1:$port/realms/master" >/dev/null ||
    { keycloak__fail "ready on the management port but http://127.0.0.1:$port/realms/master fails"; return 1; }
  t1=$(keycloak__now)
  keycloak__info "ready: pid $pid, startup $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}') s (Keycloak's own figure: $(grep -o 'started in [0-9.]*s' "$log" | tail -n 1 || true))"
}

keycloak__admin_token() {
  local port=$1
  keycloak__curl 200 "http://127.0.0.1:$port/realms/master/protocol/openid-connect/token" \
      --data-urlencode grant_type=password --data-urlencode client_id=admin-cli \
      --data-urlencode "username=$KEYCLOAK_ADMIN_USER" --data-urlencode "password=$KEYCLOAK_ADMIN_PASSWORD" |
    json_field access_token
}

keycloak_setup() {
  local port=${1:-} users=${2:-} base token i from to batch json n stored
  [[ "$port" =~ ^[0-9]+$ && "$users" =~ ^[0-9]+$ ]] || { keycloak__fail "usage: keycloak_setup PORT USERS"; return 1; }
  base="http://127.0.0.1:$port"
  token=$(keycloak__admin_token "$port") && [[ -n "$token" ]] || { keycloak__fail "no admin token"; return 1; }

  # Recreate the realm so setup is idempotent.
  if curl -fsS -o /dev/null -H "Authorization: Bearer $token" "$base/admin/realms/$KEYCLOAK_REALM" 2>/dev/null; then
    keycloak__info "realm $KEYCLOAK_REALM exists: deleting it"
    keycloak__curl 204 -X DELETE -H "Authorization: Bearer $token" "$base/admin/realms/$KEYCLOAK_REALM" >/dev/null || return 1
  fi
  # Lifespans in seconds. SSO idle/max 8 h so no benchmark run meets them; client sessions inherit.
  json=$(cat <<JSON
{
  "realm": "$KEYCLOAK_REALM",
  "enabled": true,
  "sslRequired": "none",
  "revokeRefreshToken": true,
  "refreshTokenMaxReuse": 0,
  "bruteForceProtected": false,
  "accessTokenLifespan": 900,
  "ssoSessionIdleTimeout": 28800,
  "ssoSessionMaxLifespan": 28800,
  "clientSessionIdleTimeout": 0,
  "clientSessionMaxLifespan": 0,
  "eventsEnabled": false,
  "adminEventsEnabled": false,
  "clients": [{
    "clientId": "$KEYCLOAK_CLIENT",
    "enabled": true,
    "protocol": "openid-connect",
    "publicClient": true,
    "standardFlowEnabled": false,
    "implicitFlowEnabled": false,
    "directAccessGrantsEnabled": true,
    "serviceAccountsEnabled": false,
    "attributes": { "use.refresh.tokens": "true" },
    "protocolMappers": [{
      "name": "introspector-audience",
      "protocol": "openid-connect",
      "protocolMapper": "oidc-audience-mapper",
      "config": { "included.client.audience": "$KEYCLOAK_INTROSPECTOR", "access.token.claim": "true",
                  "id.token.claim": "false", "introspection.token.claim": "true" }
    }]
  }, {
    "clientId": "$KEYCLOAK_INTROSPECTOR",
    "enabled": true,
    "protocol": "openid-connect",
    "publicClient": false,
    "secret": "$KEYCLOAK_INTROSPECTOR_SECRET",
    "standardFlowEnabled": false,
    "implicitFlowEnabled": false,
    "directAccessGrantsEnabled": false,
    "serviceAccountsEnabled": false
  }]
}
JSON
)
  keycloak__curl 201 -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      --data-binary "$json" "$base/admin/realms" >/dev/null || { keycloak__fail "realm creation failed"; return 1; }
  keycloak__info "realm $KEYCLOAK_REALM and client $KEYCLOAK_CLIENT created"

  # Users through partialImport in batches; each batch gets a fresh admin token (master's
  # access tokens live 60 s and hashing thousands of passwords takes longer than that).
  from=1
  while (( from <= users )); do
    to=$(( from + 199 )); (( to <= users )) || to=$users
    batch=
    for (( i = from; i <= to; i++ )); do
      batch+="${batch:+,}{\"username\":\"user$i\",\"enabled\":true,\"emailVerified\":true,"
      batch+="\"firstName\":\"Bench\",\"lastName\":\"User$i\",\"email\":\"user$i@bench.example\","
      batch+="\"requiredActions\":[],\"credentials\":[{\"type\":\"password\",\"value\":\"$KEYCLOAK_USER_PASSWORD\",\"temporary\":false}]}"
    done
    token=$(keycloak__admin_token "$port") && [[ -n "$token" ]] || { keycloak__fail "no admin token"; return 1; }
    keycloak__curl 200 -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
        --data-binary "{\"ifResourceExists\":\"FAIL\",\"users\":[$batch]}" \
        "$base/admin/realms/$KEYCLOAK_REALM/partialImport" >/dev/null ||
      { keycloak__fail "user import user$from..user$to failed"; return 1; }
    from=$(( to + 1 ))
  done
  token=$(keycloak__admin_token "$port") && [[ -n "$token" ]] || { keycloak__fail "no admin token"; return 1; }
  n=$(keycloak__curl 200 -H "Authorization: Bearer $token" "$base/admin/realms/$KEYCLOAK_REALM/users/count") || return 1
  [[ "$n" == "$users" ]] || { keycloak__fail "realm has $n users, expected $users"; return 1; }
  keycloak__info "$n users created (user1..user$users, password $KEYCLOAK_USER_PASSWORD)"

  # Report the hashing actually used (the realm's password policy is left empty = Keycloak's default).
  stored=$(keycloak__psql -d "$KEYCLOAK_DB" -At -c "
      SELECT c.credential_data FROM credential c JOIN user_entity u ON u.id = c.user_id
      JOIN realm r ON r.id = u.realm_id WHERE r.name = '$KEYCLOAK_REALM' AND u.username = 'user1'
      AND c.type = 'password'") || true
  keycloak__info "realm passwordPolicy: '$(keycloak__psql -d "$KEYCLOAK_DB" -At -c \
      "SELECT coalesce(password_policy, '') FROM realm WHERE name = '$KEYCLOAK_REALM'" 2>/dev/null)'; user1's stored hash parameters: ${stored:-unknown}"
  if (( users > 0 )); then
    keycloak_login "$port" user1 >/dev/null || { keycloak__fail "user1 cannot log in after setup"; return 1; }
    keycloak__info "user1 logs in"
  fi
}

keycloak_login() {
  local port=${1:-} user=${2:-}
  [[ "$port" =~ ^[0-9]+$ && -n "$user" ]] || { keycloak__fail "usage: keycloak_login PORT USER"; return 1; }
  keycloak__curl 200 "http://127.0.0.1:$port/realms/$KEYCLOAK_REALM/protocol/openid-connect/token" \
      --data-urlencode grant_type=password --data-urlencode "client_id=$KEYCLOAK_CLIENT" \
      --data-urlencode scope=openid \
      --data-urlencode "username=$user" --data-urlencode "password=$KEYCLOAK_USER_PASSWORD" || return 1
  echo
}

# One refresh with the given refresh token; prints the JSON (new access and refresh token).
keycloak_refresh() {
  local port=${1:-} refresh=${2:-}
  [[ "$port" =~ ^[0-9]+$ && -n "$refresh" ]] || { keycloak__fail "usage: keycloak_refresh PORT REFRESH_TOKEN"; return 1; }
  keycloak__curl 200 "http://127.0.0.1:$port/realms/$KEYCLOAK_REALM/protocol/openid-connect/token" \
      --data-urlencode grant_type=refresh_token --data-urlencode "client_id=$KEYCLOAK_CLIENT" \
      --data-urlencode "refresh_token=$refresh" || return 1
  echo
}

keycloak_endpoints() {
  local port=${1:-}
  [[ "$port" =~ ^[0-9]+$ ]] || { keycloak__fail "usage: keycloak_endpoints PORT"; return 1; }
  printf 'token    POST http://127.0.0.1:%s%s\n' "$port" "$KEYCLOAK_TOKEN_PATH"
  printf '         refresh body: grant_type=refresh_token&refresh_token=<newest>&client_id=%s\n' "$KEYCLOAK_CLIENT"
  printf 'userinfo GET  http://127.0.0.1:%s%s  (Authorization: Bearer)\n' "$port" "$KEYCLOAK_USERINFO_PATH"
}

keycloak_pid() { cat "$BENCH_WORK/keycloak.pid" 2>/dev/null; }

keycloak_stop() {
  local pid launcher waited
  pid=$(cat "$BENCH_WORK/keycloak.pid" 2>/dev/null || true)
  launcher=$(cat "$BENCH_WORK/keycloak-launcher.pid" 2>/dev/null || true)
  if ! keycloak__ours "$pid" && ! keycloak__ours "$launcher"; then
    keycloak__info "not running"
    KEYCLOAK_PID=
    rm -f "$BENCH_WORK/keycloak.pid" "$BENCH_WORK/keycloak-launcher.pid"
    return 0
  fi
  # SIGTERM to java (Quarkus shuts down gracefully); kc.sh exits with it.
  if keycloak__ours "$pid"; then kill -TERM "$pid" 2>/dev/null || true
  else kill -TERM "$launcher" 2>/dev/null || true; fi
  waited=0
  while { keycloak__ours "$pid" || keycloak__ours "$launcher"; } && (( waited < KEYCLOAK_STOP_TIMEOUT * 4 )); do
    sleep 0.25; waited=$(( waited + 1 ))
  done
  if keycloak__ours "$pid" || keycloak__ours "$launcher"; then
    keycloak__info "still alive after ${KEYCLOAK_STOP_TIMEOUT}s: SIGKILL"
    keycloak__ours "$pid" && kill -KILL "$pid" 2>/dev/null
    keycloak__ours "$launcher" && kill -KILL "$launcher" 2>/dev/null
    sleep 1
    if keycloak__ours "$pid" || keycloak__ours "$launcher"; then
      keycloak__fail "could not stop pid $pid / launcher $launcher"; return 1
    fi
  fi
  rm -f "$BENCH_WORK/keycloak.pid" "$BENCH_WORK/keycloak-launcher.pid"
  KEYCLOAK_PID=
  keycloak__info "stopped (database $KEYCLOAK_DB kept for inspection)"
}
