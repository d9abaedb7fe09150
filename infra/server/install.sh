#!/usr/bin/env bash
# Installs the Fleet API behind Caddy on a Debian/Ubuntu VM without Docker: Caddy from the distribution's packages
# (HTTPS on 443 with automatic certificates, wss://<domain>/mqtt), the API as the systemd service fleet-api (embedded
# MQTT broker, SQLite by default) listening on 127.0.0.1 only. Run it as root; running it again is safe.
#
#   sudo ./install.sh --api-dir DIR --domain NAME --tls EMAIL|internal [--postgres-connection-file FILE] [--dry-run]
#
# Testing without a VM: FLEET_ROOT=/tmp/x puts /opt, /etc and /var/lib under /tmp/x and skips what would touch the real
# system (apt-get, useradd, chown, systemctl). FLEET_DOTNET overrides the dotnet found on PATH (portable build).
set -Eeuo pipefail
trap 'printf "install.sh: error: command failed (line %s): %s\n" "$LINENO" "$BASH_COMMAND" >&2' ERR

readonly SERVICE=fleet-api
SCRIPT_DIR=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
readonly SCRIPT_DIR
readonly CADDY_TEMPLATE=$SCRIPT_DIR/../caddy/Caddyfile
readonly ROOT=${FLEET_ROOT:-}
readonly OPT_DIR=$ROOT/opt/fleet-api
readonly ETC_DIR=$ROOT/etc/fleet-api
readonly UNIT_DIR=$ROOT/etc/systemd/system
readonly CADDYFILE=$ROOT/etc/caddy/Caddyfile
# Where the API listens: loopback only, Caddy is the only way in.
readonly API_UPSTREAM=127.0.0.1:5000
# Paths at run time (never under FLEET_ROOT): these go into fleet-api.env.
readonly RUN_STATE=/var/lib/fleet-api

api_dir=""
domain=""
tls=""
postgres_file=""
dry_run=0

usage() {
    cat <<'USAGE'
Usage: sudo ./install.sh --api-dir DIR --domain NAME --tls EMAIL|internal [--postgres-connection-file FILE] [--dry-run]

  --api-dir DIR                   the published API (dotnet publish src/Fleet.Api -c Release -o DIR)
  --domain NAME                   the name operators and detectors use (fleet.example.org), or an IP address
  --tls EMAIL|internal            EMAIL: a Let's Encrypt certificate for NAME (ports 80 and 443 open to the internet);
                                  internal: Caddy's own CA (a lab; give agents its root, see infra/README.md)
  --postgres-connection-file FILE use PostgreSQL: FILE holds the Npgsql connection string (default: SQLite in
                                  /var/lib/fleet-api/fleet.db)
  --dry-run                       print every action without doing it
USAGE
}

die() { printf 'install.sh: error: %s\n' "$*" >&2; exit 1; }
note() { printf '%s\n' "$*"; }

show() {
    local prefix=$1; shift
    printf '%s' "$prefix"
    printf ' %q' "$@"
    printf '\n'
}

# Runs a command, or only shows it with --dry-run.
run() {
    if [ "$dry_run" = 1 ]; then
        show '[dry-run]' "$@"
    else
        show '+' "$@"
        "$@" || die "failed: $*"
    fi
}

# Like run, for what changes the real system rather than files: skipped under FLEET_ROOT.
system() {
    if [ -n "$ROOT" ]; then
        show '[skipped under FLEET_ROOT]' "$@"
    else
        run "$@"
    fi
}

# Through a temporary file and a rename: a running binary is never rewritten in place.
install_file() {
    local src=$1 dst=$2 mode=$3 owner=$4
    if [ -f "$dst" ] && cmp -s "$src" "$dst"; then
        note "unchanged: $dst"
        return
    fi
    run cp "$src" "$dst.fleet-new"
    run chmod "$mode" "$dst.fleet-new"
    system chown "$owner" "$dst.fleet-new"
    run mv -f "$dst.fleet-new" "$dst"
}

parse_args() {
    while [ $# -gt 0 ]; do
        case $1 in
            --api-dir) [ $# -ge 2 ] || die "--api-dir needs a directory"; api_dir=$2; shift 2 ;;
            --domain) [ $# -ge 2 ] || die "--domain needs a name"; domain=$2; shift 2 ;;
            --tls) [ $# -ge 2 ] || die "--tls needs an e-mail address or internal"; tls=$2; shift 2 ;;
            --postgres-connection-file) [ $# -ge 2 ] || die "--postgres-connection-file needs a file"; postgres_file=$2; shift 2 ;;
            --dry-run) dry_run=1; shift ;;
            -h | --help) usage; exit 0 ;;
            *) usage >&2; die "unknown argument: $1" ;;
        esac
    done
    [ -n "$api_dir" ] || die "--api-dir is required: the output of dotnet publish src/Fleet.Api -c Release -o DIR"
    [ -n "$domain" ] || die "--domain is required: the server's DNS name (or its IP address with --tls internal)"
    case $domain in
        *[!A-Za-z0-9.:-]* | -* | .*) die "--domain '$domain' is not a host name or IP address" ;;
    esac
    case $tls in
        internal) ;;
        ?*@?*.?*) case $tls in *[[:space:]\{\}\#\&\\]*) die "--tls '$tls' is not an e-mail address" ;; esac ;;
        *) die "--tls must be an e-mail address (Let's Encrypt) or internal (Caddy's own CA), not '$tls'" ;;
    esac
    if [ -n "$postgres_file" ]; then
        [ -r "$postgres_file" ] || die "cannot read --postgres-connection-file $postgres_file"
        [ -s "$postgres_file" ] || die "--postgres-connection-file $postgres_file is empty"
    fi
}

check_system() {
    if [ -z "$ROOT" ] && [ "$dry_run" = 0 ]; then
        [ "$(id -u)" = 0 ] || die "run as root (sudo), or try --dry-run"
        command -v systemctl >/dev/null 2>&1 || die "systemctl not found: the API runs as a systemd service"
    fi
    [ -f "$SCRIPT_DIR/fleet-api.service" ] || die "fleet-api.service is missing next to install.sh ($SCRIPT_DIR)"
    [ -f "$CADDY_TEMPLATE" ] || die "$CADDY_TEMPLATE is missing (run install.sh from the repository's infra/server)"
}

# Sets flavour: native (an executable fleet-api) or portable (fleet-api.dll for an installed .NET).
find_api() {
    [ -d "$api_dir" ] || die "--api-dir $api_dir is not a directory"
    api_dir=$(CDPATH='' cd -- "$api_dir" && pwd)
    if [ -f "$api_dir/fleet-api" ] && [ -x "$api_dir/fleet-api" ]; then
        flavour=native
    elif [ -f "$api_dir/fleet-api.dll" ]; then
        flavour=portable
        dotnet=${FLEET_DOTNET:-$(command -v dotnet || true)}
        [ -n "$dotnet" ] || die "the portable build (fleet-api.dll) needs the ASP.NET Core 10 runtime installed system-wide (no dotnet on PATH)"
        dotnet=$(readlink -f "$dotnet")
        case $dotnet in
            /home/* | /root/*) die "dotnet is under $dotnet, which the service cannot see (ProtectHome): install .NET under /usr/share/dotnet or /opt/dotnet" ;;
        esac
    else
        die "no published API in $api_dir (neither fleet-api nor fleet-api.dll): dotnet publish src/Fleet.Api -c Release -o DIR"
    fi
    note "API: $api_dir ($flavour build)"
}

install_caddy() {
    if [ -z "$ROOT" ] && command -v caddy >/dev/null 2>&1; then
        note "caddy is installed"
        return
    fi
    system apt-get install -y caddy
}

ensure_user() {
    if [ -z "$ROOT" ] && id -u "$SERVICE" >/dev/null 2>&1; then
        note "user $SERVICE exists"
        return
    fi
    system useradd --system --user-group --home-dir "$RUN_STATE" --no-create-home \
        --shell /usr/sbin/nologin --comment "Fleet API" "$SERVICE"
}

install_api() {
    run mkdir -p "$OPT_DIR" "$ETC_DIR" "$UNIT_DIR" "$(dirname "$CADDYFILE")"
    run chmod 0755 "$OPT_DIR"
    run chmod 0750 "$ETC_DIR"
    system chown "root:$SERVICE" "$ETC_DIR"

    # The published folder as a whole: unchanged files are left alone, changed ones replaced through a rename.
    local file relative mode
    while IFS= read -r -d '' file; do
        relative=${file#"$api_dir"/}
        [ "$dry_run" = 1 ] || mkdir -p "$(dirname "$OPT_DIR/$relative")"
        mode=0644
        [ -x "$file" ] && mode=0755
        install_file "$file" "$OPT_DIR/$relative" "$mode" root:root
    done < <(find "$api_dir" -type f -print0 | sort -z)

    if [ "$flavour" = portable ]; then
        # exec keeps the PID, so systemd sees the API as its main process.
        local wrapper
        wrapper=$(mktemp)
        printf '#!/bin/sh\n# Written by install.sh: runs the portable build on the installed .NET.\nexec "%s" /opt/fleet-api/fleet-api.dll "$@"\n' "$dotnet" >"$wrapper"
        install_file "$wrapper" "$OPT_DIR/fleet-api" 0755 root:root
        rm -f "$wrapper"
    fi
}

# fleet-api.env: written once with generated keys, never overwritten (it is the operator's from then on).
install_settings() {
    local target=$ETC_DIR/fleet-api.env
    if [ -f "$target" ]; then
        note "kept: $target (never overwritten; edit it and: systemctl restart $SERVICE)"
        return
    fi
    if [ "$dry_run" = 1 ]; then
        printf '[dry-run] write %s (0640, generated admin and reader keys)\n' "$target"
        return
    fi
    local prepared database
    prepared=$(mktemp)
    if [ -n "$postgres_file" ]; then
        database="Database__Provider=Postgres
ConnectionStrings__Fleet=$(head -n 1 "$postgres_file")"
    else
        database="Database__Provider=Sqlite
ConnectionStrings__Fleet=Data Source=$RUN_STATE/fleet.db"
    fi
    cat >"$prepared" <<SETTINGS
# Fleet API settings (README "Configuration": Section:Key is written Section__Key here). Written by install.sh once;
# it never overwrites this file. After a change: systemctl restart $SERVICE
ASPNETCORE_ENVIRONMENT=Production
# Plain HTTP on loopback only: Caddy terminates TLS on 443 and is the only way in.
ASPNETCORE_URLS=http://$API_UPSTREAM
$database
DataProtection__CertificatePath=$RUN_STATE/key-ring-encryption.pfx
# Caddy on this host: its X-Forwarded-For/-Proto are believed (rate limits per real client).
Http__TrustedProxies__0=127.0.0.1
# The embedded broker's plain MQTT listener stays on loopback; detectors use wss://$domain/mqtt through Caddy.
Mqtt__Mode=Embedded
Mqtt__Embedded__BindAddress=127.0.0.1
# MQTT over WebSockets on the API's own port at this path (the default); Caddy forwards wss://$domain/mqtt to it.
Mqtt__Embedded__WebSocketPath=/mqtt
Provisioning__BrokerHost=$domain
# API keys (X-Api-Key): admin may change and decommission detectors, reader only reads.
Auth__ApiKeys__0__Name=admin
Auth__ApiKeys__0__Role=admin
Auth__ApiKeys__0__Key=$(openssl rand -hex 32)
Auth__ApiKeys__1__Name=reader
Auth__ApiKeys__1__Role=reader
Auth__ApiKeys__1__Key=$(openssl rand -hex 32)
SETTINGS
    install_file "$prepared" "$target" 0640 "root:$SERVICE"
    rm -f "$prepared"
}

# /etc/caddy/Caddyfile from infra/caddy/Caddyfile with the values written in (the package's caddy.service has no
# environment of its own). An existing file that is not Fleet's is kept as Caddyfile.fleet-backup.
install_caddyfile() {
    local prepared
    prepared=$(mktemp)
    sed -e "s#{\$FLEET_DOMAIN}#$domain#g" \
        -e "s#{\$FLEET_TLS}#$tls#g" \
        -e "s#{\$FLEET_API_UPSTREAM:[^}]*}#$API_UPSTREAM#g" \
        -e "s#{\$FLEET_MQTT_UPSTREAM:[^}]*}#$API_UPSTREAM#g" \
        -e "s#^\# Check it: .*#\# Written by infra/server/install.sh for $domain; run it again to change the values.#" \
        "$CADDY_TEMPLATE" >"$prepared"
    if grep -q '{\$FLEET_' "$prepared"; then
        rm -f "$prepared"
        die "$CADDY_TEMPLATE has a value install.sh does not fill in: $(grep -o '{\$FLEET_[A-Z_]*' "$CADDY_TEMPLATE" | sort -u | tr '\n' ' ')"
    fi
    if command -v caddy >/dev/null 2>&1; then
        HOME=$(mktemp -d) caddy validate --config "$prepared" --adapter caddyfile >/dev/null 2>&1 \
            || { rm -f "$prepared"; die "the Caddyfile for $domain does not validate (caddy validate --config $CADDY_TEMPLATE)"; }
    fi
    if [ -f "$CADDYFILE" ] && ! cmp -s "$prepared" "$CADDYFILE" && ! grep -q 'infra/server/install.sh' "$CADDYFILE" \
        && [ ! -e "$CADDYFILE.fleet-backup" ]; then
        run cp -p "$CADDYFILE" "$CADDYFILE.fleet-backup"
    fi
    install_file "$prepared" "$CADDYFILE" 0644 root:root
    rm -f "$prepared"
}

install_unit() {
    install_file "$SCRIPT_DIR/fleet-api.service" "$UNIT_DIR/fleet-api.service" 0644 root:root
    system systemctl daemon-reload
    system systemctl enable "$SERVICE"
    # restart, not start: an upgrade must run the new binary and a changed unit.
    system systemctl restart "$SERVICE"
    system systemctl reload-or-restart caddy
}

next_steps() {
    note ""
    if [ "$dry_run" = 1 ]; then
        note "Dry run complete: nothing was changed."
        return
    fi
    note "Installed. Next:"
    note "  - the API keys are in $ETC_DIR/fleet-api.env (Auth__ApiKeys__*__Key)"
    note "  - curl -s -H \"X-Api-Key: <reader key>\" https://$domain/detectors"
    note "  - provision a detector: curl -s -X POST -H \"X-Api-Key: <admin key>\" https://$domain/detectors/pi-042/credentials"
    note "  - detectors connect to wss://$domain/mqtt (port 443 only)"
    if [ "$tls" = internal ]; then
        note "  - tls internal: give agents Caddy's root, /var/lib/caddy/.local/share/caddy/pki/authorities/local/root.crt"
    fi
    note "  - systemctl status $SERVICE caddy; journalctl -u $SERVICE -f"
}

main() {
    parse_args "$@"
    check_system
    find_api
    [ "$dry_run" = 1 ] && note "dry run: nothing is changed"
    install_caddy
    ensure_user
    install_api
    install_settings
    install_caddyfile
    install_unit
    next_steps
}

main "$@"
