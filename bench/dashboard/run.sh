#!/usr/bin/env bash
# Issue 18's dashboard, from a real run: Latchkey on its embedded defaults, a real Prometheus
# (Debian's package) scraping /metrics with the documented credential (a scraper secret from
# `keytool.sh client-secret`, HTTP Basic with a password file), a few minutes of mixed traffic, and
# docs/dashboard/latchkey-dashboard.png rendered from Prometheus by the dashboard's own queries.
#
#   bench/dashboard/run.sh              # about 6 minutes
#   BENCH_TRAFFIC_SECONDS=60 bench/dashboard/run.sh
#
# Needs JDK 17, Maven, curl, prometheus and python3-matplotlib (apt-get install prometheus
# python3-matplotlib). Fails unless Prometheus reports the target up.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORK=${BENCH_WORK:-/tmp/latchkey-dashboard}
PORT=${BENCH_LATCHKEY_PORT:-8190}
PROMETHEUS_PORT=${BENCH_PROMETHEUS_PORT:-9099}
TRAFFIC_SECONDS=${BENCH_TRAFFIC_SECONDS:-240}
WAR="$ROOT/target/latchkey.war"
PAYARA="$ROOT/target/payara-micro/payara-micro.jar"
LATCHKEY_PID= PROMETHEUS_PID=

fail() { printf 'dashboard: %s\n' "$*" >&2; exit 1; }
stop() {
  [ -z "$LATCHKEY_PID" ] || kill "$LATCHKEY_PID" 2>/dev/null || true
  [ -z "$PROMETHEUS_PID" ] || kill "$PROMETHEUS_PID" 2>/dev/null || true
}
trap stop EXIT
for tool in java curl prometheus; do command -v "$tool" >/dev/null || fail "$tool is missing"; done
# Debian's python3-matplotlib lives with /usr/bin/python3, which another python3 on the PATH may hide.
PYTHON=
for candidate in python3 /usr/bin/python3; do
  if "$candidate" -c 'import matplotlib' 2>/dev/null; then PYTHON=$candidate; break; fi
done
[ -n "$PYTHON" ] || fail "python3-matplotlib is missing"

rm -rf "$WORK" && mkdir -p "$WORK"
[ -f "$WAR" ] && [ -f "$PAYARA" ] || (cd "$ROOT" && mvn -B -q -DskipTests package)

# The documented way to make a scraper's credential: the secret goes to Prometheus's password
# file, the printed entry to latchkey.metrics.scrape-clients.
"$ROOT/server-config/keytool.sh" "$WAR" client-secret prometheus > "$WORK/client-secret.txt"
sed -n '2p' "$WORK/client-secret.txt" | tr -d ' \n' > "$WORK/scrape-secret"
ENTRY=$(sed -n '4p' "$WORK/client-secret.txt" | tr -d ' ')
[[ $ENTRY == prometheus:* ]] || fail "unexpected key tool output"

(cd "$WORK" && java -Xmx768m \
  -Dlatchkey.metrics.scrape-clients="$ENTRY" \
  -Dlatchkey.account.require-verified-email=false \
  -Dlatchkey.ratelimit.login.per-ip-per-minute=1000000 \
  -Dlatchkey.ratelimit.register.per-ip-per-minute=1000000 \
  -Dlatchkey.ratelimit.refresh.per-ip-per-minute=1000000 \
  -jar "$PAYARA" --nocluster --port "$PORT" --contextroot / \
  --prebootcommandfile "$ROOT/server-config/payara/pre-boot-commands.asadmin" \
  --addlibs "$(dirname "$PAYARA")/postgresql.jar" \
  --deploy "$WAR" > "$WORK/latchkey.log" 2>&1) &
LATCHKEY_PID=$!
for _ in $(seq 1 120); do curl -fsS "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1 && break; sleep 1; done
curl -fsS "http://127.0.0.1:$PORT/health/ready" >/dev/null || fail "Latchkey is not ready; see $WORK/latchkey.log"

cat > "$WORK/prometheus.yml" <<YAML
global:
  scrape_interval: 5s
scrape_configs:
  - job_name: latchkey
    metrics_path: /metrics
    basic_auth:
      username: prometheus
      password_file: $WORK/scrape-secret
    static_configs:
      - targets: ["127.0.0.1:$PORT"]
YAML
prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/tsdb" \
  --web.listen-address="127.0.0.1:$PROMETHEUS_PORT" > "$WORK/prometheus.log" 2>&1 &
PROMETHEUS_PID=$!
PROMETHEUS="http://127.0.0.1:$PROMETHEUS_PORT"
up() { curl -fsS "$PROMETHEUS/api/v1/query?query=up%7Bjob%3D%22latchkey%22%7D" 2>/dev/null | grep -q '"value":\[[0-9.]*,"1"\]'; }
for _ in $(seq 1 60); do up && break; sleep 1; done
up || fail "Prometheus does not report the target up; see $WORK/prometheus.log and $PROMETHEUS/targets"
echo "Prometheus scrapes Latchkey with the scraper credential (up == 1)"

START=$(date +%s)
"$PYTHON" "$ROOT/bench/dashboard/traffic.py" "http://127.0.0.1:$PORT" "$TRAFFIC_SECONDS" 8
sleep 15
END=$(date +%s)
"$PYTHON" "$ROOT/bench/dashboard/render.py" "$PROMETHEUS" "$ROOT/docs/dashboard/latchkey-grafana.json" \
  "$START" "$END" "$ROOT/docs/dashboard/latchkey-dashboard.png"
echo "Rendered docs/dashboard/latchkey-dashboard.png ($START to $END)"
