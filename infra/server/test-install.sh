#!/usr/bin/env bash
# Exercises install.sh without a VM or systemd: FLEET_ROOT sandboxes /opt and /etc; a fake published API stands in for
# dotnet publish. Prints one line per check; exits non-zero on failure. Needs caddy (the written Caddyfile is validated).
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
validate() { env HOME="$work" caddy validate --config "$1" --adapter caddyfile >/dev/null 2>&1; }

command -v caddy >/dev/null 2>&1 || { echo "test-install.sh: caddy not found (apt-get install -y caddy)" >&2; exit 1; }

# A published API (portable build) and an existing, foreign Caddyfile as Debian's package leaves it.
mkdir -p "$work/publish/runtimes/linux-x64" "$work/root/etc/caddy"
printf 'dll' >"$work/publish/fleet-api.dll"
printf '{}\n' >"$work/publish/appsettings.json"
printf 'native\n' >"$work/publish/runtimes/linux-x64/libexample.so"
printf ':80 {\n\troot * /usr/share/caddy\n\tfile_server\n}\n' >"$work/root/etc/caddy/Caddyfile"
cp "$work/root/etc/caddy/Caddyfile" "$work/Caddyfile.original"
printf 'Host=db.internal;Database=fleet;Username=fleet;Password=s3cret-db-password\n' >"$work/pg.txt"

install() { FLEET_ROOT="$work/root" FLEET_DOTNET=/bin/sh "$here/install.sh" "$@"; }
root=$work/root
args=(--api-dir "$work/publish" --domain fleet.example.org --tls ops@example.org)

# 1. Dry run: prints, changes nothing.
out=$(install "${args[@]}" --dry-run 2>&1)
check "dry run says what it would copy" grep -q '^\[dry-run\] cp .*/opt/fleet-api/fleet-api.dll' <<<"$out"
check "dry run says it would write the settings" grep -q '^\[dry-run\] write .*/etc/fleet-api/fleet-api.env' <<<"$out"
check "dry run creates nothing under /opt" test ! -e "$root/opt"
check "dry run leaves the Caddyfile alone" cmp -s "$root/etc/caddy/Caddyfile" "$work/Caddyfile.original"
check "dry run ends saying nothing changed" grep -q 'Dry run complete: nothing was changed.' <<<"$out"

# 2. The real thing.
out=$(install "${args[@]}" 2>&1)
printf '%s\n' "$out" >"$work/install.txt"
check "API files installed 0644" test "$(mode_of "$root/opt/fleet-api/fleet-api.dll")" = 644
check "published subdirectories installed" test -f "$root/opt/fleet-api/runtimes/linux-x64/libexample.so"
check "portable build: wrapper execs dotnet with the dll" grep -qxF "exec \"$(readlink -f /bin/sh)\" /opt/fleet-api/fleet-api.dll \"\$@\"" "$root/opt/fleet-api/fleet-api"
check "wrapper is executable" test "$(mode_of "$root/opt/fleet-api/fleet-api")" = 755
check "/etc/fleet-api is 0750" test "$(mode_of "$root/etc/fleet-api")" = 750
env_file=$root/etc/fleet-api/fleet-api.env
check "settings written 0640" test "$(mode_of "$env_file")" = 640
check "API on loopback HTTP only" grep -qx 'ASPNETCORE_URLS=http://127.0.0.1:5000' "$env_file"
check "SQLite by default, in the state directory" grep -qx 'ConnectionStrings__Fleet=Data Source=/var/lib/fleet-api/fleet.db' "$env_file"
check "plain MQTT on loopback only" grep -qx 'Mqtt__Embedded__BindAddress=127.0.0.1' "$env_file"
check "Caddy trusted as the proxy" grep -qx 'Http__TrustedProxies__0=127.0.0.1' "$env_file"
check "admin key generated (64 hex)" grep -qE '^Auth__ApiKeys__0__Key=[0-9a-f]{64}$' "$env_file"
check "reader key generated, different" test "$(grep -c '^Auth__ApiKeys__[01]__Key=' "$env_file")" = 2 -a "$(grep '^Auth__ApiKeys__[01]__Key=' "$env_file" | cut -d= -f2 | sort -u | wc -l)" = 2
check "install never prints a key" lacks "$(grep '^Auth__ApiKeys__0__Key=' "$env_file" | cut -d= -f2)" "$out"
check "unit installed 0644" test "$(mode_of "$root/etc/systemd/system/fleet-api.service")" = 644
check "unit runs as its own user with hardening" grep -q '^User=fleet-api$' "$root/etc/systemd/system/fleet-api.service"
check "unit: ProtectSystem=strict, NoNewPrivileges" grep -q '^ProtectSystem=strict$' "$root/etc/systemd/system/fleet-api.service"
caddyfile=$root/etc/caddy/Caddyfile
check "Caddyfile names the domain" grep -q '^fleet.example.org {$' "$caddyfile"
check "Caddyfile: ACME with the e-mail" grep -qP '^\ttls ops@example.org$' "$caddyfile"
check "Caddyfile: /mqtt and the rest to the API on loopback" test "$(grep -c 'reverse_proxy 127.0.0.1:5000' "$caddyfile")" = 2
check "Caddyfile: no value left unfilled" lacks '{$FLEET_' "$(cat "$caddyfile")"
check "written Caddyfile validates" validate "$caddyfile"
check "foreign Caddyfile backed up" cmp -s "$root/etc/caddy/Caddyfile.fleet-backup" "$work/Caddyfile.original"
check "apt-get/useradd/systemctl skipped under FLEET_ROOT" grep -q 'skipped under FLEET_ROOT\] systemctl restart fleet-api' <<<"$out"
check "no temporary files left behind" test -z "$(find "$root" -name '*.fleet-new')"

# 3. Idempotent: a second run changes nothing and keeps the edited settings.
printf '# edited by the operator\n' >>"$env_file"
out=$(install "${args[@]}" 2>&1)
check "second run reports unchanged files" grep -q '^unchanged: .*/opt/fleet-api/fleet-api.dll$' <<<"$out"
check "second run reports an unchanged Caddyfile" grep -q '^unchanged: .*/etc/caddy/Caddyfile$' <<<"$out"
check "second run keeps the settings" grep -q '^# edited by the operator$' "$env_file"
check "second run copies nothing" lacks '^+ cp ' "$out"
check "second run keeps the first backup" cmp -s "$root/etc/caddy/Caddyfile.fleet-backup" "$work/Caddyfile.original"

# 4. An upgrade replaces a changed file through a rename; a lab switches to tls internal.
inode_before=$(stat -c %i "$root/opt/fleet-api/fleet-api.dll")
printf 'dll v2' >"$work/publish/fleet-api.dll"
install --api-dir "$work/publish" --domain 192.168.1.10 --tls internal >/dev/null 2>&1
check "upgrade installs the new file" grep -q 'v2' "$root/opt/fleet-api/fleet-api.dll"
check "upgrade replaced the file rather than rewriting it" test "$(stat -c %i "$root/opt/fleet-api/fleet-api.dll")" != "$inode_before"
check "lab: tls internal for the IP address" grep -qP '^\ttls internal$' "$caddyfile"
check "lab: the written Caddyfile validates" validate "$caddyfile"

# 5. PostgreSQL: the connection string from a file, never printed.
mkdir -p "$work/root2"
out=$(FLEET_ROOT="$work/root2" FLEET_DOTNET=/bin/sh "$here/install.sh" "${args[@]}" --postgres-connection-file "$work/pg.txt" 2>&1)
check "postgres: provider set" grep -qx 'Database__Provider=Postgres' "$work/root2/etc/fleet-api/fleet-api.env"
check "postgres: connection string from the file" grep -qx 'ConnectionStrings__Fleet=Host=db.internal;Database=fleet;Username=fleet;Password=s3cret-db-password' "$work/root2/etc/fleet-api/fleet-api.env"
check "postgres: the password is never printed" lacks 's3cret-db-password' "$out"

# 6. Every failure is a non-zero exit with a message.
expect_failure() {
    local what=$1 message=$2; shift 2
    local output status=0
    output=$("$@" 2>&1) || status=$?
    if [ "$status" -ne 0 ] && grep -q -- "$message" <<<"$output"; then pass "$what"; else fail "$what (exit $status: $output)"; fi
}
mkdir -p "$work/empty"
expect_failure "unknown option" "unknown argument: --bogus" install "${args[@]}" --bogus
expect_failure "no --domain" "--domain is required" install --api-dir "$work/publish" --tls internal
expect_failure "bad --tls" "--tls must be an e-mail address" install --api-dir "$work/publish" --domain fleet.example.org --tls letsencrypt
expect_failure "bad --domain" "is not a host name" install --api-dir "$work/publish" --domain 'evil.org {' --tls internal
expect_failure "no published API" "no published API in" install --api-dir "$work/empty" --domain fleet.example.org --tls internal
expect_failure "unreadable postgres file" "cannot read --postgres-connection-file" install "${args[@]}" --postgres-connection-file "$work/nope"
if [ "$(id -u)" = 0 ]; then
    expect_failure "not root without FLEET_ROOT" "run as root" runuser -u nobody -- env -u FLEET_ROOT "$here/install.sh" "${args[@]}"
else
    expect_failure "not root without FLEET_ROOT" "run as root" env -u FLEET_ROOT "$here/install.sh" "${args[@]}"
fi

echo
if [ "$failures" -eq 0 ]; then
    echo "test-install.sh: all checks passed"
else
    echo "test-install.sh: $failures check(s) failed"
    exit 1
fi
