#!/usr/bin/env bash
# Exercises install.sh without a server: FLEET_ROOT sandboxes /etc. Prints one line per check; exits non-zero on
# failure. Needs sshd and ssh-keygen (openssh-server, openssh-client): the written drop-in is checked with `sshd -t`.
# The keys it writes are tried against a real sshd by tests/Fleet.Agent.Tests (RelayInstallerKeysTests).
set -euo pipefail

here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

pass() { printf 'ok    %s\n' "$*"; }
fail() { printf 'FAIL  %s\n' "$*"; failures=$((failures + 1)); }
check() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }
mode_of() { stat -c %a "$1"; }
lacks() { ! grep -q -- "$1" <<<"$2"; }

[ -x /usr/sbin/sshd ] || { echo "test-install.sh: /usr/sbin/sshd not found (apt-get install -y openssh-server)" >&2; exit 1; }
command -v ssh-keygen >/dev/null 2>&1 || { echo "test-install.sh: ssh-keygen not found (apt-get install -y openssh-client)" >&2; exit 1; }

relay() { FLEET_ROOT="$work/root" "$here/install.sh" "$@"; }
root=$work/root
keys=$root/etc/ssh/fleet-relay/authorized_keys
drop_in=$root/etc/ssh/sshd_config.d/fleet-relay.conf
for name in pi-1 pi-2 pi-3; do ssh-keygen -q -t ed25519 -N '' -C "$name@lab" -f "$work/$name"; done

# 1. Dry run: prints, changes nothing.
out=$(relay setup --dry-run 2>&1)
check "dry run says it would write the drop-in" grep -q '^\[dry-run\] cp .*/etc/ssh/sshd_config.d/fleet-relay.conf.fleet-new' <<<"$out"
check "dry run creates nothing" test ! -e "$root"
check "dry run ends saying nothing changed" grep -q 'Dry run complete: nothing was changed.' <<<"$out"

# 2. Setup.
out=$(relay setup 2>&1)
check "drop-in installed 0644" test "$(mode_of "$drop_in")" = 644
check "keys file installed 0644, directory 0755" test "$(mode_of "$keys")" = 644 -a "$(mode_of "$(dirname "$keys")")" = 755
check "drop-in matches the relay user only" grep -qx 'Match User fleet-relay' "$drop_in"
for setting in 'AllowTcpForwarding remote' 'GatewayPorts clientspecified' 'PermitOpen none' 'PermitTTY no' \
    'X11Forwarding no' 'AllowAgentForwarding no' 'ForceCommand /bin/false' 'ClientAliveInterval 15' 'ClientAliveCountMax 3' \
    'AuthorizedKeysFile /etc/ssh/fleet-relay/authorized_keys'; do
    check "drop-in: $setting" grep -qx "    $setting" "$drop_in"
done
check "user: no shell, no password" grep -q 'skipped under FLEET_ROOT\] useradd .*--shell /usr/sbin/nologin' <<<"$out"
check "user: not locked (usermod --password '*')" grep -q "skipped under FLEET_ROOT\] usermod --password \\\\\* fleet-relay" <<<"$out"
check "ssh reloaded" grep -q 'skipped under FLEET_ROOT\] systemctl reload ssh' <<<"$out"
# sshd -t on Debian's own main configuration shape: the drop-in included at the top, global settings after it.
ssh-keygen -q -t ed25519 -N '' -f "$work/host_key"
printf 'Include %s\nHostKey %s\nX11Forwarding yes\nPidFile none\n' "$drop_in" "$work/host_key" >"$work/sshd_config"
mkdir -p /run/sshd 2>/dev/null || true
check "sshd -t accepts the drop-in" /usr/sbin/sshd -t -f "$work/sshd_config"
effective=$(/usr/sbin/sshd -T -f "$work/sshd_config" -C user=fleet-relay,host=x,addr=203.0.113.1 2>&1)
check "sshd applies it to fleet-relay (permitopen none)" grep -qx 'permitopen none' <<<"$effective"
others=$(/usr/sbin/sshd -T -f "$work/sshd_config" -C user=admin,host=x,addr=203.0.113.1 2>&1)
check "the Match block ends with the drop-in (other users keep X11Forwarding yes)" grep -qx 'x11forwarding yes' <<<"$others"

# 3. Setup again: idempotent.
out=$(relay setup 2>&1)
check "second setup leaves the drop-in unchanged" grep -q '^unchanged: .*/fleet-relay.conf$' <<<"$out"
check "second setup keeps the keys file" grep -q '^kept: .*/authorized_keys' <<<"$out"

# 4. Keys.
relay add-key --detector pi-1 --port 22001 --key "$work/pi-1.pub" >/dev/null
relay add-key --detector pi-2 --port 22002 --key "$work/pi-2.pub" >/dev/null
line=$(grep ' fleet:pi-1$' "$keys")
check "key restricted to its port" grep -q '^restrict,port-forwarding,permitlisten="22001",command="/bin/false" ssh-ed25519 ' <<<"$line"
check "key comment replaced by the detector id" lacks 'pi-1@lab' "$line"
readable() { ssh-keygen -l -f "$1" >/dev/null 2>&1; }
check "the written lines are keys ssh-keygen reads" readable "$keys"
out=$(relay list 2>&1)
check "list shows detectors and ports" grep -qE '^pi-2 +22002$' <<<"$out"
out=$(relay add-key --detector pi-1 --port 22001 --key "$work/pi-1.pub" 2>&1)
check "adding the same key again changes nothing" grep -q '^unchanged: ' <<<"$out"
relay add-key --detector pi-1 --port 22011 --key "$work/pi-3.pub" >/dev/null
check "re-keying a detector replaces its line" test "$(grep -c ' fleet:pi-1$' "$keys")" = 1
check "re-keying moves it to the new port" grep -q 'permitlisten="22011"' <<<"$(grep ' fleet:pi-1$' "$keys")"
out=$(relay add-key --detector pi-1 --port 22001 --key "$work/pi-1.pub" --dry-run 2>&1)
check "dry-run add-key leaves the keys alone" grep -q 'permitlisten="22011"' <<<"$(grep ' fleet:pi-1$' "$keys")"
out=$(relay remove-key --detector pi-1 2>&1)
check "remove-key removes the line" lacks ' fleet:pi-1$' "$(cat "$keys")"
check "remove-key keeps the others" grep -q ' fleet:pi-2$' "$keys"
check "remove-key says the port is free" grep -q 'port 22011 is free' <<<"$out"
check "remove-key would end the session" grep -q 'skipped under FLEET_ROOT\] end the session listening on port 22011' <<<"$out"
out=$(relay remove-key --detector pi-1 2>&1)
check "remove-key again is a no-op" grep -q 'no key for detector pi-1' <<<"$out"

# 5. Refusals: a non-zero exit with a message.
expect_failure() {
    local what=$1 message=$2; shift 2
    local output status=0
    output=$("$@" 2>&1) || status=$?
    if [ "$status" -ne 0 ] && grep -q -- "$message" <<<"$output"; then pass "$what"; else fail "$what (exit $status: $output)"; fi
}
printf 'not a key\n' >"$work/bad.pub"
cat "$work/pi-1.pub" "$work/pi-3.pub" >"$work/two.pub"
expect_failure "port taken by another detector" "port 22002 is already assigned to detector pi-2" relay add-key --detector pi-3 --port 22002 --key "$work/pi-3.pub"
expect_failure "one key for two detectors" "already authorised for another detector" relay add-key --detector pi-3 --port 22003 --key "$work/pi-2.pub"
expect_failure "privileged port" "must be a port from 1024" relay add-key --detector pi-3 --port 22 --key "$work/pi-3.pub"
expect_failure "not a key" "is not an OpenSSH public key" relay add-key --detector pi-3 --port 22003 --key "$work/bad.pub"
expect_failure "a private key" "is a private key: give the .pub file" relay add-key --detector pi-3 --port 22003 --key "$work/pi-3"
expect_failure "two keys" "exactly one public key" relay add-key --detector pi-3 --port 22003 --key "$work/two.pub"
expect_failure "bad detector id" "is not a detector id" relay add-key --detector 'Pi 3' --port 22003 --key "$work/pi-3.pub"
expect_failure "no command" "a command is required" relay
expect_failure "unknown command" "unknown command: install" relay install
expect_failure "unknown option" "unknown argument: --bogus" relay setup --bogus
expect_failure "keys before setup" "run install.sh setup first" env FLEET_ROOT="$work/empty" "$here/install.sh" add-key --detector pi-3 --port 22003 --key "$work/pi-3.pub"
if [ "$(id -u)" = 0 ]; then
    expect_failure "not root without FLEET_ROOT" "run as root" runuser -u nobody -- env -u FLEET_ROOT "$here/install.sh" setup
else
    expect_failure "not root without FLEET_ROOT" "run as root" env -u FLEET_ROOT "$here/install.sh" setup
fi
check "no temporary files left behind" test -z "$(find "$root" -name '*.fleet-new')"

echo
if [ "$failures" -eq 0 ]; then
    echo "test-install.sh: all checks passed"
else
    echo "test-install.sh: $failures check(s) failed"
    exit 1
fi
