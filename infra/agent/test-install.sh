#!/usr/bin/env bash
# Exercises install.sh without a Pi or systemd: FLEET_ROOT sandboxes /opt and /etc, a fake /home/pi/ngrok and an
# rc.local that starts it stand in for an existing installation. Prints one line per check; exits non-zero on failure.
set -euo pipefail

here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
readonly SECRET=2aBcD-not-a-real-authtoken-123
failures=0

pass() { printf 'ok    %s\n' "$*"; }
fail() { printf 'FAIL  %s\n' "$*"; failures=$((failures + 1)); }
check() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }
mode_of() { stat -c %a "$1"; }
lacks() { ! grep -q -- "$1" <<<"$2"; }

# A published agent, an ngrok installation in a home directory, and the rc.local that starts it.
mkdir -p "$work/publish/runtimes/linux-arm64" "$work/home/pi/ngrok" "$work/root/etc"
printf '#!/bin/sh\necho fleet-agent "$@"\n' >"$work/publish/fleet-agent"
chmod 755 "$work/publish/fleet-agent"
printf '{}\n' >"$work/publish/appsettings.json"
printf 'native\n' >"$work/publish/runtimes/linux-arm64/libexample.so"
printf '#!/bin/sh\necho ngrok\n' >"$work/home/pi/ngrok/ngrok"
chmod 755 "$work/home/pi/ngrok/ngrok"
printf 'version: "2"\nauthtoken: %s\ntunnels:\n  ssh:\n    proto: tcp\n    addr: 22\n' "$SECRET" >"$work/home/pi/ngrok/ngrok.yml"
cat >"$work/root/etc/rc.local" <<EOF
#!/bin/sh -e
# rc.local: commented lines stay, even this one:
# $work/home/pi/ngrok/ngrok http 80
_IP=\$(hostname -I) || true
su pi -c '$work/home/pi/ngrok/ngrok start --all --config $work/home/pi/ngrok/ngrok.yml --authtoken $SECRET > /dev/null &'
exit 0
EOF
chmod 755 "$work/root/etc/rc.local"
cp -p "$work/root/etc/rc.local" "$work/rc.local.original"

install() { FLEET_ROOT="$work/root" "$here/install.sh" "$@"; }
root=$work/root

# 1. Dry run: prints, changes nothing, never shows the authtoken.
out=$(install --binary-dir "$work/publish" --take-over-ngrok "$work/home/pi/ngrok" --dry-run 2>&1)
check "dry run succeeds and says what it would do" grep -q '^\[dry-run\] cp .*/opt/fleet-agent/fleet-agent' <<<"$out"
check "dry run shows the rc.local line it would remove" grep -q 'ngrok start --all' <<<"$out"
check "dry run never prints the authtoken" lacks "$SECRET" "$out"
check "dry run creates nothing" test ! -e "$root/opt"
check "dry run leaves rc.local alone" cmp -s "$root/etc/rc.local" "$work/rc.local.original"
printf '%s\n' "$out" >"$work/dry-run.txt"

# 2. The real thing, with the take-over.
out=$(install --binary-dir "$work/publish" --take-over-ngrok "$work/home/pi/ngrok" 2>&1)
printf '%s\n' "$out" >"$work/install.txt"
check "install never prints the authtoken" lacks "$SECRET" "$out"
check "agent binary installed 0755" test "$(mode_of "$root/opt/fleet-agent/fleet-agent")" = 755
check "other published files installed 0644" test "$(mode_of "$root/opt/fleet-agent/appsettings.json")" = 644
check "published subdirectories installed" test -f "$root/opt/fleet-agent/runtimes/linux-arm64/libexample.so"
check "installer files not copied into /opt" test ! -e "$root/opt/fleet-agent/install.sh"
check "README installed for the unit's Documentation=" test -f "$root/opt/fleet-agent/README.md"
check "/etc/fleet-agent is 0750" test "$(mode_of "$root/etc/fleet-agent")" = 750
check "agent.json installed 0640" test "$(mode_of "$root/etc/fleet-agent/agent.json")" = 640
check "agent.json points at the taken-over ngrok" grep -q '"Binary": "/opt/fleet-agent/ngrok"' "$root/etc/fleet-agent/agent.json"
check "agent.json uses the taken-over ngrok.yml" grep -q '"ConfigFiles": \["/etc/fleet-agent/ngrok.yml"\]' "$root/etc/fleet-agent/agent.json"
check "agent.json is still valid JSON" python3 -m json.tool "$root/etc/fleet-agent/agent.json" >/dev/null
check "mqtt-password created empty, 0640" test ! -s "$root/etc/fleet-agent/mqtt-password" -a "$(mode_of "$root/etc/fleet-agent/mqtt-password")" = 640
check "ngrok copied to /opt/fleet-agent/ngrok 0755" test "$(mode_of "$root/opt/fleet-agent/ngrok")" = 755
check "ngrok.yml copied 0640" test "$(mode_of "$root/etc/fleet-agent/ngrok.yml")" = 640
check "ngrok.yml content kept" cmp -s "$root/etc/fleet-agent/ngrok.yml" "$work/home/pi/ngrok/ngrok.yml"
check "unit installed 0644" test "$(mode_of "$root/etc/systemd/system/fleet-agent.service")" = 644
check "rc.local no longer starts ngrok" lacks "su pi -c" "$(cat "$root/etc/rc.local")"
check "rc.local keeps its other lines" grep -q '^_IP=' "$root/etc/rc.local"
check "rc.local keeps commented ngrok lines" grep -q '^# .*ngrok http 80' "$root/etc/rc.local"
check "rc.local stays executable" test "$(mode_of "$root/etc/rc.local")" = 755
check "rc.local backed up unchanged" cmp -s "$root/etc/rc.local.fleet-backup" "$work/rc.local.original"
check "install says what it removed, token masked" grep -q -- '--authtoken \*\*\*' <<<"$out"
check "useradd/chown/systemctl skipped under FLEET_ROOT" grep -q 'skipped under FLEET_ROOT\] systemctl enable --now fleet-agent' <<<"$out"
check "no temporary files left behind" test -z "$(find "$root" -name '*.fleet-new')"

# 3. Idempotent: a second run changes nothing and keeps a hand-edited agent.json.
sed -i 's/"pi-042"/"pi-007"/' "$root/etc/fleet-agent/agent.json"
printf 'secret-password' >"$root/etc/fleet-agent/mqtt-password"
cp -p "$root/etc/rc.local" "$work/rc.local.after-first"
out=$(install --binary-dir "$work/publish" --take-over-ngrok "$work/home/pi/ngrok" 2>&1)
check "second run succeeds and reports unchanged files" grep -q '^unchanged: .*/opt/fleet-agent/fleet-agent$' <<<"$out"
check "second run keeps the edited agent.json" grep -q '"pi-007"' "$root/etc/fleet-agent/agent.json"
check "second run keeps the MQTT password" test "$(cat "$root/etc/fleet-agent/mqtt-password")" = secret-password
check "second run leaves rc.local alone" cmp -s "$root/etc/rc.local" "$work/rc.local.after-first"
check "second run keeps the first backup" cmp -s "$root/etc/rc.local.fleet-backup" "$work/rc.local.original"
check "second run finds no ngrok line" grep -q 'no ngrok start line' <<<"$out"

# 4. An upgrade replaces the binary through a rename (a running binary is never written in place).
inode_before=$(stat -c %i "$root/opt/fleet-agent/fleet-agent")
printf '#!/bin/sh\necho fleet-agent v2\n' >"$work/publish/fleet-agent"
install --binary-dir "$work/publish" >/dev/null 2>&1
check "upgrade installs the new binary" grep -q v2 "$root/opt/fleet-agent/fleet-agent"
check "upgrade replaced the file rather than rewriting it" test "$(stat -c %i "$root/opt/fleet-agent/fleet-agent")" != "$inode_before"

# 5. A portable build gets a wrapper that execs the system's dotnet.
mkdir -p "$work/portable" "$work/root2"
printf 'dll' >"$work/portable/fleet-agent.dll"
out=$(FLEET_ROOT="$work/root2" FLEET_DOTNET=/bin/sh "$here/install.sh" --binary-dir "$work/portable" 2>&1)
check "portable build: wrapper execs dotnet with the dll" grep -qxF "exec \"$(readlink -f /bin/sh)\" /opt/fleet-agent/fleet-agent.dll \"\$@\"" "$work/root2/opt/fleet-agent/fleet-agent"
check "portable build: wrapper is executable" test -x "$work/root2/opt/fleet-agent/fleet-agent"

# 6. A given --config gets the ngrok paths too; an invalid one is refused.
mkdir -p "$work/root3/etc"
printf '{"Agent":{"DetectorId":"pi-1","Provider":"reverse-ssh","Ngrok":{"Binary":null,"ConfigFiles":[]}}}\n' >"$work/own.json"
FLEET_ROOT="$work/root3" "$here/install.sh" --binary-dir "$work/publish" --config "$work/own.json" --take-over-ngrok "$work/home/pi/ngrok" >/dev/null 2>&1
check "--config with take-over: provider and paths set" grep -q '"Provider":"ngrok".*"Binary":"/opt/fleet-agent/ngrok","ConfigFiles":\["/etc/fleet-agent/ngrok.yml"\]' "$work/root3/etc/fleet-agent/agent.json"

# 7. Every failure is a non-zero exit with a message.
expect_failure() {
    local what=$1 message=$2; shift 2
    local output status=0
    output=$("$@" 2>&1) || status=$?
    if [ "$status" -ne 0 ] && grep -q -- "$message" <<<"$output"; then pass "$what"; else fail "$what (exit $status: $output)"; fi
}
mkdir -p "$work/empty" "$work/no-config/ngrok"
cp "$work/home/pi/ngrok/ngrok" "$work/no-config/ngrok/"
printf '{ not json' >"$work/bad.json"
expect_failure "unknown option" "unknown argument: --bogus" install --bogus
expect_failure "missing binary" "no published agent in" install --binary-dir "$work/empty"
expect_failure "missing take-over directory" "is not a directory" install --binary-dir "$work/publish" --take-over-ngrok "$work/nope"
expect_failure "no ngrok binary to take over" "no ngrok binary in" install --binary-dir "$work/publish" --take-over-ngrok "$work/empty"
expect_failure "no ngrok.yml to take over" "no ngrok.yml found" install --binary-dir "$work/publish" --take-over-ngrok "$work/no-config/ngrok"
expect_failure "invalid JSON config" "is not valid JSON" install --binary-dir "$work/publish" --config "$work/bad.json"
# Without FLEET_ROOT this would install for real, so it runs as an unprivileged user whatever runs the test.
if [ "$(id -u)" = 0 ]; then
    expect_failure "not root without FLEET_ROOT" "run as root" runuser -u nobody -- env -u FLEET_ROOT "$here/install.sh"
else
    expect_failure "not root without FLEET_ROOT" "run as root" env -u FLEET_ROOT "$here/install.sh"
fi

echo
if [ "$failures" -eq 0 ]; then
    echo "test-install.sh: all checks passed"
else
    echo "test-install.sh: $failures check(s) failed"
    exit 1
fi
