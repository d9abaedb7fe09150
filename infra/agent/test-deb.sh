#!/usr/bin/env bash
# Builds the amd64 .deb with build-deb.sh and installs, upgrades, removes and purges it with the real dpkg in a fresh
# root: `dpkg --root=SANDBOX --force-script-chrootless`, so the maintainer scripts run here with DPKG_ROOT=SANDBOX
# and must write only under it (checked: the host gets no fleet-agent user or directory). Lintian must report no error.
#
#   infra/agent/test-deb.sh [--no-lintian] [PUBLISH_DIR]
#
# Without PUBLISH_DIR a two-line stand-in for the binary is packaged (the packaging and the scripts in seconds); with
# one (publish.sh's linux-x64 output) the real agent is, and the installed /usr/bin/fleet-agent must run.
# --no-lintian leaves lintian out (about 20 s here, most of this script's time).
#
# Runs as root: the postinst gives files to the sandbox's fleet-agent user (chown to another uid needs root), and
# useradd/userdel --prefix edit the sandbox's shadow files. Prints one line per check; exits non-zero on a failure.
set -euo pipefail

here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
failures=0

pass() { printf 'ok    %s\n' "$*"; }
fail() { printf 'FAIL  %s\n' "$*"; failures=$((failures + 1)); }
check() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }
die() { printf 'test-deb.sh: %s\n' "$*" >&2; exit 1; }

lint=1
if [ "${1:-}" = --no-lintian ]; then
    lint=0
    shift
fi
tools="dpkg dpkg-deb dpkg-query useradd"
[ "$lint" = 0 ] || tools="$tools lintian"
for tool in $tools; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found (Debian: apt-get install -y dpkg lintian passwd)"
done
[ "$(id -u)" = 0 ] || die "run as root: the maintainer scripts chown to the sandbox's fleet-agent user"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
publish=${1:-}
if [ -z "$publish" ]; then
    publish=$work/publish
    mkdir -p "$publish"
    printf '#!/bin/sh\necho "fleet-agent 0.0.0-stand-in"\n' >"$publish/fleet-agent"
    chmod 755 "$publish/fleet-agent"
    printf '{}\n' >"$publish/appsettings.json"
fi

# What the host has before: the test fails if the scripts wrote outside the sandbox.
host_before=$(getent passwd fleet-agent || true; ls -d /etc/fleet-agent /var/lib/fleet-agent /var/log/fleet-agent /lib/systemd/system/fleet-agent.service 2>/dev/null || true)

# A fresh root: an empty dpkg database and account files with root alone.
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/etc"
: >"$root/var/lib/dpkg/status"
echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
echo 'root:x:0:' >"$root/etc/group"
echo 'root:*:20000:0:99999:7:::' >"$root/etc/shadow"
echo 'root:*::' >"$root/etc/gshadow"
chmod 0640 "$root/etc/shadow" "$root/etc/gshadow"

# --force-depends: the sandbox has no libc6 or libssl3 packages to satisfy Depends (the files are never executed there).
# --force-unsafe-io: no fsync per file; a throwaway sandbox need not survive a power cut.
sandbox_dpkg() { dpkg --root="$root" --force-script-chrootless --force-depends --force-unsafe-io --log=/dev/null "$@" >>"$work/dpkg.log" 2>&1; }
query() { dpkg-query --admindir="$root/var/lib/dpkg" -W -f="$1" fleet-agent 2>/dev/null || true; }
id_in() { awk -F: -v n=fleet-agent '$1 == n { print $3 }' "$root/etc/$1"; }
owner_mode() { stat -c '%u:%g %a' "$root$1" 2>/dev/null || echo missing; }
leftovers() { find "$root" -path "$root/var/lib/dpkg" -prune -o -name '*fleet-agent*' -print; }

# 1. Two versions from the same publish (gzip: xz takes long on a 20 MB binary); lintian on the first.
export FLEET_DEB_COMPRESSION=${FLEET_DEB_COMPRESSION:-gzip}
deb1=$("$here/build-deb.sh" "$publish" amd64 0.1.0 "$work/out")
deb2=$("$here/build-deb.sh" "$publish" amd64 0.2.0 "$work/out")
check "build-deb.sh made fleet-agent_0.1.0_amd64.deb" test -f "$work/out/fleet-agent_0.1.0_amd64.deb"
check "the package is amd64 fleet-agent 0.1.0" test "$(dpkg-deb -f "$deb1" Package Version Architecture | tr '\n' ' ')" = "Package: fleet-agent Version: 0.1.0 Architecture: amd64 "
check "agent.json is the package's only conffile" test "$(dpkg-deb -I "$deb1" conffiles)" = /etc/fleet-agent/agent.json
if [ "$lint" = 1 ]; then
    lint_status=0
    (cd "$work" && lintian --fail-on error "$deb1") >"$work/lintian.txt" 2>&1 || lint_status=$?
    check "lintian reports no error" test "$lint_status" = 0
    sed -n 's/^\([EW]\): /lintian \1: /p' "$work/lintian.txt"
fi

# 2. Install: files, user, directories, modes, the unit enabled.
sandbox_dpkg -i "$deb1" || fail "dpkg -i 0.1.0 failed: $(cat "$work/dpkg.log")"
uid=$(id_in passwd) gid=$(id_in group)
check "installed: dpkg says 0.1.0 is installed" test "$(query '${Status} ${Version}')" = "install ok installed 0.1.0"
check "user fleet-agent in the sandbox's /etc/passwd, system uid, nologin, home the state directory" \
    grep -qE "^fleet-agent:x:$uid:$gid:Fleet agent:/var/lib/fleet-agent:/usr/sbin/nologin$" "$root/etc/passwd"
check "user is a system user (uid < 1000)" test -n "$uid" -a "${uid:-1000}" -lt 1000
check "group fleet-agent in the sandbox's /etc/group" test -n "$gid"
check "user has a locked password in the sandbox's /etc/shadow" grep -qE '^fleet-agent:[!*]' "$root/etc/shadow"
check "binary /usr/lib/fleet-agent/fleet-agent root 0755" test "$(owner_mode /usr/lib/fleet-agent/fleet-agent)" = "0:0 755"
check "binary is what was published" cmp -s "$root/usr/lib/fleet-agent/fleet-agent" "$publish/fleet-agent"
check "/usr/bin/fleet-agent links to it" test "$(readlink "$root/usr/bin/fleet-agent")" = ../lib/fleet-agent/fleet-agent
check "installers not packaged" test ! -e "$root/usr/lib/fleet-agent/install.sh" -a ! -e "$root/usr/lib/fleet-agent/layout.sh"
check "unit in /lib/systemd/system runs /usr/bin/fleet-agent" grep -qx 'ExecStart=/usr/bin/fleet-agent run' "$root/lib/systemd/system/fleet-agent.service"
check "unit enabled (multi-user.target.wants)" test -L "$root/etc/systemd/system/multi-user.target.wants/fleet-agent.service"
check "/etc/fleet-agent root:fleet-agent 0750" test "$(owner_mode /etc/fleet-agent)" = "0:$gid 750"
check "agent.json root:fleet-agent 0640" test "$(owner_mode /etc/fleet-agent/agent.json)" = "0:$gid 640"
check "agent.json is the example" cmp -s "$root/etc/fleet-agent/agent.json" "$here/agent.example.json"
check "example in /usr/share/doc/fleet-agent/examples" cmp -s "$root/usr/share/doc/fleet-agent/examples/agent.json" "$here/agent.example.json"
check "mqtt-password created empty, root:fleet-agent 0640" test "$(owner_mode /etc/fleet-agent/mqtt-password)" = "0:$gid 640" -a ! -s "$root/etc/fleet-agent/mqtt-password"
check "/var/lib/fleet-agent fleet-agent 0700" test "$(owner_mode /var/lib/fleet-agent)" = "$uid:$gid 700"
check "/var/log/fleet-agent fleet-agent 0750" test "$(owner_mode /var/log/fleet-agent)" = "$uid:$gid 750"
if [ -n "${1:-}" ]; then
    check "the installed agent runs (fleet-agent version)" grep -q '^fleet-agent ' <<<"$("$root/usr/bin/fleet-agent" version 2>&1 || true)"
fi

# 3. Upgrade: the edited configuration, the password, the state and the user stay.
sed -i 's/"pi-042"/"pi-007"/g' "$root/etc/fleet-agent/agent.json"
printf 'secret-password' >"$root/etc/fleet-agent/mqtt-password"
echo 42 >"$root/var/lib/fleet-agent/epoch"
sandbox_dpkg -i "$deb2" || fail "dpkg -i 0.2.0 failed: $(cat "$work/dpkg.log")"
check "upgraded: dpkg says 0.2.0 is installed" test "$(query '${Status} ${Version}')" = "install ok installed 0.2.0"
check "upgrade keeps the edited agent.json" grep -q '"pi-007"' "$root/etc/fleet-agent/agent.json"
check "upgrade keeps agent.json root:fleet-agent 0640" test "$(owner_mode /etc/fleet-agent/agent.json)" = "0:$gid 640"
check "upgrade keeps the MQTT password" test "$(cat "$root/etc/fleet-agent/mqtt-password")" = secret-password
check "upgrade keeps the state" test "$(cat "$root/var/lib/fleet-agent/epoch")" = 42
check "upgrade keeps the user's uid" test "$(id_in passwd)" = "$uid"
check "upgrade leaves one fleet-agent user" test "$(grep -c '^fleet-agent:' "$root/etc/passwd")" = 1

# 4. Remove: the program goes, configuration, state and logs stay.
sandbox_dpkg -r fleet-agent || fail "dpkg -r failed: $(cat "$work/dpkg.log")"
check "removed: dpkg keeps only the configuration" test "$(query '${Status}')" = "deinstall ok config-files"
check "remove deletes the binary and the link" test ! -e "$root/usr/lib/fleet-agent/fleet-agent" -a ! -L "$root/usr/bin/fleet-agent"
# The enablement stays until purge, as with every debhelper-built service: a reinstall keeps the admin's choice.
check "remove deletes the unit" test ! -e "$root/lib/systemd/system/fleet-agent.service"
check "remove keeps the edited agent.json" grep -q '"pi-007"' "$root/etc/fleet-agent/agent.json"
check "remove keeps the MQTT password" test "$(cat "$root/etc/fleet-agent/mqtt-password")" = secret-password
check "remove keeps the state" test -f "$root/var/lib/fleet-agent/epoch"
check "remove keeps the user" test "$(id_in passwd)" = "$uid"

# 5. Purge: nothing of the agent is left.
sandbox_dpkg -P fleet-agent || fail "dpkg -P failed: $(cat "$work/dpkg.log")"
check "purged: dpkg no longer knows the package" test -z "$(query '${Status}')"
check "purge leaves no fleet-agent file or directory" test -z "$(leftovers)"
check "purge removes the user and group" test -z "$(grep -h '^fleet-agent:' "$root/etc/passwd" "$root/etc/group" "$root/etc/shadow" "$root/etc/gshadow")"

# 6. Installing again after a purge starts over.
sandbox_dpkg -i "$deb2" || fail "dpkg -i after purge failed: $(cat "$work/dpkg.log")"
check "reinstall after purge: fresh example configuration" cmp -s "$root/etc/fleet-agent/agent.json" "$here/agent.example.json"
check "reinstall after purge: user again" test -n "$(id_in passwd)"

host_after=$(getent passwd fleet-agent || true; ls -d /etc/fleet-agent /var/lib/fleet-agent /var/log/fleet-agent /lib/systemd/system/fleet-agent.service 2>/dev/null || true)
check "the host is untouched (no user, no directories)" test "$host_before" = "$host_after"

echo
if [ "$failures" -eq 0 ]; then
    echo "test-deb.sh: all checks passed"
else
    echo "test-deb.sh: $failures check(s) failed; dpkg's output:"
    sed 's/^/    /' "$work/dpkg.log"
    exit 1
fi
