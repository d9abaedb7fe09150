#!/usr/bin/env bash
# The benchmark command (issue 6): PostgreSQL, a tuned Mosquitto and the API, the simulated fleet, every scenario with
# its ceiling in the same run; writes docs/benchmarks/README.md (the table) and docs/benchmarks/results.json.
#
#   benchmarks/run.sh                 # 3 runs of every scenario, about 15 minutes
#   benchmarks/run.sh --quick         # a smoke run of a couple of minutes (short durations, 1 run)
#   benchmarks/run.sh --runs 5 --only ingest,reads --agent collect
#   benchmarks/run.sh --quick --only memory  # the API's RSS with 100,000 detectors (left out of a plain --quick run)
#
# On a fresh Debian machine as root it installs what is missing (wrk, mosquitto, PostgreSQL server binaries) and builds
# Release. Everything it starts is its own child process, stopped by PID at the end; temp files go to /tmp/fleet-bench-*.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v mosquitto >/dev/null || missing+=(mosquitto)
command -v mosquitto_passwd >/dev/null || missing+=(mosquitto-clients)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing: ${missing[*]} (apt-get install -y ${missing[*]} as root)" >&2; exit 1
  fi
  echo "installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -o DPkg::Lock::Timeout=300 >/dev/null
  apt-get install -y -o DPkg::Lock::Timeout=300 "${missing[@]}" >/dev/null
fi

echo "building Release (API published to artifacts/bench/api, simulator, orchestrator)" >&2
dotnet publish src/Fleet.Api -c Release -o artifacts/bench/api -p:UseAppHost=false --nologo -v quiet >&2
dotnet build tools/Fleet.Simulator -c Release --nologo -v quiet >&2
dotnet build tools/Fleet.Benchmarks -c Release --nologo -v quiet >&2

# 10,000 simulated connections: Mosquitto and fleet-sim each need a descriptor per connection.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 12000 ]; then
  echo "warning: open files limit $(ulimit -n) is below the 10,000 connections of the reconnect storm" >&2
fi

exec dotnet tools/Fleet.Benchmarks/bin/Release/net10.0/fleet-bench.dll run --repo "$PWD" "$@"
