#!/usr/bin/env bash
# Runs every Fleet test against real components: PostgreSQL (FLEET_TEST_POSTGRES if set, else Testcontainers when
# Docker is available, else a throwaway cluster from the local PostgreSQL server binaries), Mosquitto (started from
# its binary), MQTTnet's embedded broker and Chromium. A missing service fails the tests; nothing is skipped.
set -euo pipefail
cd "$(dirname "$0")"

# What the tests need from the system; installed with apt when running as root on Debian/Ubuntu.
missing=()
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || missing+=(mosquitto)
command -v mosquitto_pub >/dev/null 2>&1 || missing+=(mosquitto-clients)
# The test brokers load infra/mosquitto/plugin (shared subscriptions for the API only), built with gcc.
command -v gcc >/dev/null 2>&1 || missing+=(gcc)
[ -f /usr/include/mosquitto_broker.h ] || missing+=(mosquitto-dev)
[ -f /usr/include/mosquitto.h ] || missing+=(libmosquitto-dev)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v faketime >/dev/null 2>&1 || missing+=(faketime)
# The deployment tests: `caddy validate` and a real Caddy in front of the API; `docker-compose config` (no engine needed).
command -v caddy >/dev/null 2>&1 || missing+=(caddy)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
command -v tcpdump >/dev/null 2>&1 || [ -x /usr/bin/tcpdump ] || missing+=(tcpdump)   # the secret scan: captures loopback traffic of a TLS session
command -v tinyproxy >/dev/null 2>&1 || [ -x /usr/bin/tinyproxy ] || missing+=(tinyproxy)
command -v websockify >/dev/null 2>&1 || missing+=(websockify)
# The alert senders' tests: an SMTP sink (Debian's interpreter, not a pyenv one) and the Standard Webhooks receiver in node.
/usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1 || missing+=(python3-aiosmtpd)
# The Home Assistant discovery tests render the configs' value templates with Jinja2, as Home Assistant does.
/usr/bin/python3 -c 'import jinja2' >/dev/null 2>&1 || missing+=(python3-jinja2)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ -x /usr/sbin/sshd ] || missing+=(openssh-server)   # the reverse-ssh relay tests: a real sshd on loopback
command -v ssh-keygen >/dev/null 2>&1 || missing+=(openssh-client)
# The agent's .deb (infra/agent/test-deb.sh): lintian checks it; dpkg installs it in a sandbox, whose user useradd makes.
command -v lintian >/dev/null 2>&1 || missing+=(lintian)
command -v useradd >/dev/null 2>&1 || [ -x /usr/sbin/useradd ] || missing+=(passwd)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "test.sh: the tests need ${missing[*]} (Debian: apt-get install -y ${missing[*]}); they fail without them" >&2
  fi
fi

# The webhook receiver's packages (tests/receivers/standard-webhooks), from its committed package-lock.json.
[ -d tests/receivers/standard-webhooks/node_modules ] || (cd tests/receivers/standard-webhooks && npm ci --no-audit --no-fund >/dev/null) \
  || echo "npm ci in tests/receivers/standard-webhooks failed: the webhook receiver tests will fail" >&2
# openapi-typescript, tsc and Redocly for the generated-client tests (tests/openapi-clients/typescript), from its lock file.
[ -d tests/openapi-clients/typescript/node_modules ] || (cd tests/openapi-clients/typescript && npm ci --no-audit --no-fund >/dev/null) \
  || echo "npm ci in tests/openapi-clients/typescript failed: GeneratedClientTests will fail" >&2
# axe-core for the dashboard's accessibility scan (tests/browser/axe), from its committed package-lock.json.
[ -d tests/browser/axe/node_modules ] || (cd tests/browser/axe && npm ci --no-audit --no-fund >/dev/null) \
  || echo "npm ci in tests/browser/axe failed: the dashboard's accessibility tests will fail" >&2

dotnet tool restore >/dev/null
log=$(mktemp)
export FLEET_TEST_REPORT
FLEET_TEST_REPORT=$(mktemp)
trap 'rm -f "$log" "$FLEET_TEST_REPORT"' EXIT

# The long suites (classes marked [Trait("Suite", "Long")]: soaks, storms, restarts of real services) run apart, so
# this command stays near 10 minutes on 2 cores: `./test.sh --long` runs only them; a --filter of your own wins.
filter=(--filter "Suite!=Long")
targets=(Fleet.sln)
if [ "${1:-}" = "--long" ]; then
  shift
  filter=(--filter "Suite=Long")
elif [ "${1:-}" = "--database-reads" ]; then
  # The API's suites again with GET /detectors reading the database (Detectors:ReadFrom=Database) instead of the
  # in-memory registry: both read paths pass the same tests.
  shift
  export FLEET_TEST_READ_FROM=Database
  targets=(tests/Fleet.Api.Tests tests/Fleet.Api.SystemTests)
fi
for arg in "$@"; do
  [ "$arg" = "--filter" ] && filter=()
done

status=0
for target in "${targets[@]}"; do
  dotnet test "$target" "${filter[@]}" "$@" 2>&1 | tee -a "$log" || status=$?
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
done

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
