#!/usr/bin/env bash
# Runs every Fleet test against real components: PostgreSQL (Testcontainers when Docker is available, else
# FLEET_TEST_POSTGRES, else a throwaway cluster from the local PostgreSQL server binaries), Mosquitto (started from
# its binary) and MQTTnet's embedded broker. A missing service fails the tests; nothing is skipped.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v mosquitto >/dev/null 2>&1 && [ ! -x /usr/sbin/mosquitto ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing mosquitto and mosquitto-clients"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mosquitto mosquitto-clients >/dev/null
  else
    echo "test.sh: the tests need Mosquitto: apt-get install -y mosquitto mosquitto-clients (or brew install mosquitto)" >&2
  fi
fi

dotnet tool restore >/dev/null
log=$(mktemp)
export FLEET_TEST_REPORT
FLEET_TEST_REPORT=$(mktemp)
trap 'rm -f "$log" "$FLEET_TEST_REPORT"' EXIT

status=0
dotnet test Fleet.sln "$@" 2>&1 | tee "$log" || status=$?
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

# One closing line in the form CI reads, summed over the per-assembly summaries VSTest prints
# ("Passed!  - Failed: 0, Passed: 454, Skipped: 0, Total: 454, ...").
read -r passed failed skipped < <(grep -E '^(Passed|Failed)! +- Failed: ' "$log" | awk -F'[:,]' '
  { f += $2; p += $4; s += $6 } END { printf "%d %d %d\n", p, f, s }')
if [ "$passed" -eq 0 ]; then
  echo "test.sh: no test ran" >&2
  status=1
fi
if [ -s "$FLEET_TEST_REPORT" ]; then
  echo "Services the tests used:"
  sort -u "$FLEET_TEST_REPORT" | sed 's/^/  /'
fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
