#!/usr/bin/env bash
# Measures the agent's footprint: peak memory (VmHWM) and CPU use while idle, for each build flavour, with one
# static tunnel and a 60 s heartbeat, publishing to a local Mosquitto, with the reachability checks on (the default)
# and off (Agent:Checks:Enabled=false). Writes docs/benchmarks/agent-footprint.md.
#
#   benchmarks/agent-footprint.sh            # 60 s per flavour
#   DURATION=20 benchmarks/agent-footprint.sh
#
# Needs: the .NET SDK, mosquitto (apt-get install -y mosquitto), gcc and zlib1g-dev for the Native AOT flavour.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
duration=${DURATION:-60}
work=$(mktemp -d)
chmod 755 "$work"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

port=$((20000 + RANDOM % 20000))
password=$(head -c 24 /dev/urandom | base64 | tr -dc 'a-zA-Z0-9')
printf '%s' "$password" > "$work/mqtt-password"; chmod 600 "$work/mqtt-password"
mosquitto_passwd -b -c "$work/passwd" bench-pi "$password" >/dev/null 2>&1
chmod 644 "$work/passwd"
cat > "$work/mosquitto.conf" <<CONF
listener $port 127.0.0.1
allow_anonymous false
password_file $work/passwd
persistence false
CONF
mosquitto -c "$work/mosquitto.conf" >/dev/null 2>&1 &

publish() { # flavour, output dir, extra publish args...
  local flavour=$1 out=$2; shift 2
  if dotnet publish src/Fleet.Agent -c Release -o "$out" "$@" >"$work/publish-$flavour.log" 2>&1; then
    echo "$out"
  else
    echo "publish of $flavour failed: see below" >&2; tail -5 "$work/publish-$flavour.log" >&2
    echo ""
  fi
}

measure() { # flavour, checks (on|off), command...
  local flavour=$1 checks=$2; shift 2
  local run="$work/$flavour-$checks"
  mkdir -p "$run"
  cat > "$run/agent.json" <<JSON
{"Agent": {"DetectorId": "bench-pi", "StateDirectory": "$run/state", "LogDirectory": "$run/log",
  "Heartbeat": "00:01:00", "Provider": "static",
  "Static": {"Tunnels": [{"Name": "web", "Url": "https://203.0.113.5", "Proto": "https"}]},
  "Mqtt": {"Host": "127.0.0.1", "Port": $port, "PasswordFile": "$work/mqtt-password"}}}
JSON
  Agent__Checks__Enabled=$([ "$checks" = on ] && echo true || echo false) FLEET_AGENT_CONFIG="$run/agent.json" \
    DOTNET_ENVIRONMENT=Production "$@" run >"$run/out.log" 2>&1 &
  local pid=$! ticks=$(getconf CLK_TCK)
  # Start-up is not idle: measure from 5 s after the first state is out (on a loaded host start-up takes longer than 5 s).
  for _ in $(seq 120); do grep -q "Published state" "$run/out.log" && break; sleep 0.5; done
  sleep 5
  local start_cpu start_time
  start_cpu=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  start_time=$(date +%s.%N)
  sleep "$duration"
  local end_cpu end_time hwm rss
  end_cpu=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  end_time=$(date +%s.%N)
  hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  local cpu
  cpu=$(awk -v c=$((end_cpu - start_cpu)) -v t="$ticks" -v s="$start_time" -v e="$end_time" 'BEGIN { printf "%.2f", 100 * c / t / (e - s) }')
  grep -q "Published state" "$run/out.log" || { echo "$flavour did not publish" >&2; cat "$run/out.log" >&2; }
  awk -v f="$flavour" -v k="$checks" -v h="$hwm" -v r="$rss" -v c="$cpu" 'BEGIN { printf "| %s | %s | %.1f | %.1f | %s |\n", f, k, h / 1024, r / 1024, c }'
}

rows=()
if out=$(publish framework-dependent "$work/fdd" -p:UseAppHost=false) && [ -n "$out" ]; then
  for checks in on off; do rows+=("$(measure framework-dependent "$checks" dotnet "$out/fleet-agent.dll")"); done
fi
if out=$(publish self-contained-trimmed "$work/trimmed" -r linux-x64 --self-contained -p:PublishTrimmed=true) && [ -n "$out" ]; then
  for checks in on off; do rows+=("$(measure self-contained-trimmed "$checks" "$out/fleet-agent")"); done
fi
if out=$(publish native-aot "$work/aot" -r linux-x64 -p:PublishAot=true) && [ -n "$out" ]; then
  for checks in on off; do rows+=("$(measure native-aot "$checks" "$out/fleet-agent")"); done
fi

mkdir -p docs/benchmarks
{
  echo "# Agent footprint"
  echo
  echo "Measured by \`benchmarks/agent-footprint.sh\` (DURATION=$duration s per flavour and setting, from 5 s after the first published state) on"
  echo "$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m), $(dotnet --version) SDK, $(date -u +%Y-%m-%d), load average $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "One static tunnel, 60 s heartbeat, publishing to a local Mosquitto. Peak memory is VmHWM; CPU is"
  echo "(user + system time) / wall time while idle; with checks on, the window holds the first check of the tunnel, an"
  echo "https URL on a documentation address (a connect that times out after 10 s where nothing answers; where a sandbox"
  echo "intercepts outgoing connections, as on the host of the 2026-12-05 runs, a TLS handshake that fails: tls-error)."
  echo "Goals: under 40 MB trimmed, under 25 MB Native AOT, under 1% CPU."
  echo
  echo "| flavour | checks | peak memory (MB) | memory at the end (MB) | idle CPU (%) |"
  echo "|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
} > docs/benchmarks/agent-footprint.md
cat docs/benchmarks/agent-footprint.md
