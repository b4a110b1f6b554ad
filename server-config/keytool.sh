#!/bin/sh
# Latchkey's key tool (dev.latchkey.keytool.KeyTool), run from a Latchkey WAR or an exploded one.
#
#   server-config/keytool.sh <latchkey.war | exploded WAR directory> <command> [arguments]
#
# Commands: list | generate [--alg RS256|ES256|EdDSA] [--rsa-bits N] | promote [<kid>] [--force]
#           | retire <kid> | revoke <kid> | client-secret <client-id>
# It reads the same settings as the server, from the environment: LATCHKEY_DATASOURCE_URL,
# LATCHKEY_DATASOURCE_USER, LATCHKEY_DATASOURCE_PASSWORD, and LATCHKEY_KEYS_KEK or
# LATCHKEY_KEYS_KEK_FILE (generate only). See docs/keys.md for the rotation runbook.
set -eu

if [ $# -lt 2 ]; then
  sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
war=$1
shift

if [ -d "$war" ]; then
  root=$war
else
  root=$(mktemp -d)
  trap 'rm -rf "$root"' EXIT
  if command -v unzip >/dev/null 2>&1; then
    unzip -q "$war" 'WEB-INF/*' -d "$root"
  else
    (cd "$root" && jar xf "$(cd "$(dirname "$war")" && pwd)/$(basename "$war")" WEB-INF)
  fi
fi

status=0
java -cp "$root/WEB-INF/classes:$root/WEB-INF/lib/*" dev.latchkey.keytool.KeyTool "$@" || status=$?
exit $status
