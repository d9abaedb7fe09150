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
results="$(pwd)/TestResults"
rm -rf "$results"

status=0
dotnet test Fleet.sln --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" "$@" || status=$?

# One closing line in the form CI reads, summed over every test project's results.
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  value() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  p=$(value passed); f=$(value failed); t=$(value total); e=$(value executed)
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
  skipped=$((skipped + ${t:-0} - ${e:-0}))
done
if [ "$passed" -eq 0 ] && [ "$status" -eq 0 ]; then
  echo "test.sh: no test ran" >&2
  status=1
fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
