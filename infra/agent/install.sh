#!/usr/bin/env bash
# Installs the Fleet agent as the systemd service fleet-agent. Run it as root on the Pi; running it again is safe.
#
#   sudo ./install.sh [--binary-dir DIR] [--config FILE] [--take-over-ngrok DIR] [--dry-run]
#
# Testing without a Pi: FLEET_ROOT=/tmp/x puts /opt, /etc (and rc.local) under /tmp/x and skips what would touch the
# real system (useradd, chown, kill, systemctl). FLEET_DOTNET overrides the dotnet found on PATH (portable build).
set -Eeuo pipefail
trap 'printf "install.sh: error: command failed (line %s): %s\n" "$LINENO" "$BASH_COMMAND" >&2' ERR

readonly SERVICE=fleet-agent
SCRIPT_DIR=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
readonly SCRIPT_DIR
readonly ROOT=${FLEET_ROOT:-}
# The user, directories and modes (shared with the .deb's maintainer scripts).
[ -f "$SCRIPT_DIR/layout.sh" ] || { printf 'install.sh: error: layout.sh is missing next to install.sh (%s)\n' "$SCRIPT_DIR" >&2; exit 1; }
# shellcheck source=layout.sh
. "$SCRIPT_DIR/layout.sh"
readonly OPT_DIR=$ROOT/opt/fleet-agent
ETC_DIR=$ROOT$(fleet_etc_dir)
readonly ETC_DIR
readonly PRIVATE_OWNER=$FLEET_PRIVATE_OWNER:$FLEET_PRIVATE_GROUP
readonly UNIT_DIR=$ROOT/etc/systemd/system
readonly RC_LOCAL=$ROOT/etc/rc.local
# Where the service finds things at run time (never under FLEET_ROOT): these go into agent.json.
readonly RUN_NGROK=/opt/fleet-agent/ngrok
readonly RUN_NGROK_CONFIG=/etc/fleet-agent/ngrok.yml

binary_dir=""
config=""
take_over=""
dry_run=0

usage() {
    cat <<'EOF'
Usage: sudo ./install.sh [--binary-dir DIR] [--config FILE] [--take-over-ngrok DIR] [--dry-run]

  --binary-dir DIR        the published agent (default: this script's directory)
  --config FILE           agent.json to install when /etc/fleet-agent/agent.json does not exist yet
                          (default: agent.example.json next to this script)
  --take-over-ngrok DIR   move an existing ngrok setup (binary and ngrok.yml, e.g. /home/pi/ngrok) under the
                          service, stop that ngrok, and remove its start line from /etc/rc.local
  --dry-run               print every action without doing it

Providers (Agent.Provider in agent.json): ngrok, cloudflared (a Cloudflare quick tunnel: install cloudflared from
Cloudflare's Debian repository or its .deb first, see README.md), reverse-ssh, static.
EOF
}

die() { printf 'install.sh: error: %s\n' "$*" >&2; exit 1; }
note() { printf '%s\n' "$*"; }
warn() { printf 'install.sh: warning: %s\n' "$*" >&2; }

# Prints a command so that it could be pasted back into a shell.
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

# Copies through a temporary file and a rename: a running binary is replaced, never rewritten in place (which fails
# with "Text file busy"), and a power cut leaves either the old file or the new one.
install_file() {
    local src=$1 dst=$2 mode=$3 owner=$4
    if [ -f "$dst" ] && cmp -s "$src" "$dst"; then
        note "unchanged: $dst"
    else
        run cp "$src" "$dst.fleet-new"
        run chmod "$mode" "$dst.fleet-new"
        system chown "$owner" "$dst.fleet-new"
        run mv -f "$dst.fleet-new" "$dst"
        return
    fi
    run chmod "$mode" "$dst"
    system chown "$owner" "$dst"
}

install_dir_tree() {
    local src=$1 dst=$2
    run rm -rf "$dst.fleet-new"
    run cp -R "$src" "$dst.fleet-new"
    run rm -rf "$dst"
    run mv "$dst.fleet-new" "$dst"
}

# Masks an ngrok authtoken in text about to be shown (rc.local lines can carry one).
redact() {
    sed -E 's/(authtoken|AUTHTOKEN)([=[:space:]]+)[^[:space:]"'\'']+/\1\2***/g'
}

# rc.local lines that start ngrok (not comments): "ngrok http 80", "/home/pi/ngrok/ngrok start --all", "./ngrok tcp 22".
is_ngrok_start() {
    grep -E '^[[:space:]]*[^#[:space:]]' | grep -E '(^|[^A-Za-z0-9_.-])ngrok[[:space:]]+(start|http|tcp|tls|tunnel)([[:space:]]|$)'
}

parse_args() {
    while [ $# -gt 0 ]; do
        case $1 in
            --binary-dir) [ $# -ge 2 ] || die "--binary-dir needs a directory"; binary_dir=$2; shift 2 ;;
            --binary-dir=*) binary_dir=${1#*=}; shift ;;
            --config) [ $# -ge 2 ] || die "--config needs a file"; config=$2; shift 2 ;;
            --config=*) config=${1#*=}; shift ;;
            --take-over-ngrok) [ $# -ge 2 ] || die "--take-over-ngrok needs a directory"; take_over=$2; shift 2 ;;
            --take-over-ngrok=*) take_over=${1#*=}; shift ;;
            --dry-run) dry_run=1; shift ;;
            -h | --help) usage; exit 0 ;;
            *) usage >&2; die "unknown argument: $1" ;;
        esac
    done
}

check_system() {
    if [ -z "$ROOT" ] && [ "$dry_run" = 0 ]; then
        [ "$(id -u)" = 0 ] || die "run as root (sudo), or try --dry-run"
        command -v systemctl >/dev/null 2>&1 || die "systemctl not found: the agent runs as a systemd service"
    fi
    [ -f "$SCRIPT_DIR/fleet-agent.service" ] || die "fleet-agent.service is missing next to install.sh ($SCRIPT_DIR)"
}

# Sets flavour to native (an executable fleet-agent) or portable (fleet-agent.dll for an installed .NET).
find_binary() {
    if [ -z "$binary_dir" ]; then
        binary_dir=$SCRIPT_DIR
    fi
    [ -d "$binary_dir" ] || die "--binary-dir $binary_dir is not a directory"
    if [ -f "$binary_dir/fleet-agent" ]; then
        flavour=native
    elif [ -f "$binary_dir/fleet-agent.dll" ]; then
        flavour=portable
        dotnet=${FLEET_DOTNET:-$(command -v dotnet || true)}
        [ -n "$dotnet" ] || die "the portable build (fleet-agent.dll) needs .NET 10 installed system-wide (no dotnet on PATH)"
        dotnet=$(readlink -f "$dotnet")
        case $dotnet in
            /home/* | /root/*) die "dotnet is under $dotnet, which the service cannot see (ProtectHome): install .NET under /usr/share/dotnet or /opt/dotnet" ;;
        esac
    else
        die "no published agent in $binary_dir (neither fleet-agent nor fleet-agent.dll): run publish.sh or pass --binary-dir"
    fi
    note "agent: $binary_dir ($flavour build)"
}

check_config() {
    if [ -z "$config" ]; then
        config=$SCRIPT_DIR/agent.example.json
    fi
    [ -r "$config" ] || die "cannot read the configuration $config"
    if command -v python3 >/dev/null 2>&1; then
        python3 -m json.tool "$config" >/dev/null 2>&1 || die "$config is not valid JSON"
    fi
}

# Sets ngrok_binary, ngrok_config and rc_lines (the rc.local lines to remove) from --take-over-ngrok.
find_ngrok() {
    [ -n "$take_over" ] || return 0
    [ -d "$take_over" ] || die "--take-over-ngrok $take_over is not a directory"
    take_over=$(CDPATH='' cd -- "$take_over" && pwd)

    ngrok_binary=""
    if [ -f "$take_over/ngrok" ]; then
        ngrok_binary=$take_over/ngrok
    else
        ngrok_binary=$(find "$take_over" -maxdepth 2 -type f -name ngrok | sort | head -n 1)
    fi
    [ -n "$ngrok_binary" ] || die "no ngrok binary in $take_over"

    rc_lines=""
    if [ -f "$RC_LOCAL" ]; then
        rc_lines=$(is_ngrok_start <"$RC_LOCAL" || true)
    fi

    # The configuration: the one the rc.local line names, else ngrok.yml in the directory, else ngrok's defaults.
    local parent candidate named
    parent=$(dirname "$take_over")
    named=$(printf '%s\n' "$rc_lines" | sed -nE 's/.*[[:space:]]--?config[=[:space:]]+([^[:space:]"'\'']+).*/\1/p' | head -n 1)
    ngrok_config=""
    for candidate in "$named" "$take_over/ngrok.yml" "$take_over/ngrok.yaml" \
        "$(find "$take_over" -maxdepth 2 -type f \( -name ngrok.yml -o -name ngrok.yaml \) | sort | head -n 1)" \
        "$parent/.config/ngrok/ngrok.yml" "$parent/.ngrok2/ngrok.yml"; do
        if [ -n "$candidate" ] && [ -f "$candidate" ]; then
            ngrok_config=$candidate
            break
        fi
    done
    [ -n "$ngrok_config" ] || die "no ngrok.yml found in $take_over (nor in $parent/.config/ngrok or $parent/.ngrok2).
  If the authtoken was given on the command line, create one first:
    $ngrok_binary config add-authtoken <token> --config $take_over/ngrok.yml
  then describe the tunnels in it and run install.sh again."
    [ -r "$ngrok_config" ] || die "cannot read $ngrok_config (run as root)"
    note "ngrok to take over: $ngrok_binary with $ngrok_config"
}

ensure_user() {
    if [ -z "$ROOT" ] && id -u "$FLEET_USER" >/dev/null 2>&1; then
        note "user $FLEET_USER exists"
        return
    fi
    # layout.sh's fleet_create_user: useradd --system --user-group, home $FLEET_HOME, shell $FLEET_SHELL.
    system fleet_create_user ""
}

# /etc/fleet-agent, /var/lib/fleet-agent and /var/log/fleet-agent with layout.sh's modes and owners (systemd would
# create the last two at the first start; creating them here makes the modes visible before it).
install_dirs() {
    local path mode owner group
    while read -r path mode owner group; do
        run mkdir -p "$ROOT$path"
        run chmod "$mode" "$ROOT$path"
        system chown "$owner:$group" "$ROOT$path"
    done <<<"$FLEET_DIRS"
}

install_agent() {
    install_dirs
    run mkdir -p "$OPT_DIR" "$UNIT_DIR"
    run chmod 0755 "$OPT_DIR"

    local entry name mode
    for entry in "$binary_dir"/*; do
        name=$(basename "$entry")
        case $FLEET_NOT_INSTALLED in *" $name "*) continue ;; esac
        if [ -d "$entry" ]; then
            install_dir_tree "$entry" "$OPT_DIR/$name"
        else
            mode=0644
            [ -x "$entry" ] && mode=0755
            install_file "$entry" "$OPT_DIR/$name" "$mode" root:root
        fi
    done
    [ -f "$SCRIPT_DIR/README.md" ] && install_file "$SCRIPT_DIR/README.md" "$OPT_DIR/README.md" 0644 root:root

    if [ "$flavour" = portable ]; then
        # exec keeps the PID, so systemd still sees the agent as its main process (READY=1 is accepted).
        local wrapper
        wrapper=$(mktemp)
        cat >"$wrapper" <<WRAPPER
#!/bin/sh
# Written by install.sh: runs the portable build on the installed .NET.
exec "$dotnet" /opt/fleet-agent/fleet-agent.dll "\$@"
WRAPPER
        install_file "$wrapper" "$OPT_DIR/fleet-agent" 0755 root:root
        rm -f "$wrapper"
    fi
}

install_config() {
    local target=$ETC_DIR/agent.json prepared
    prepared=$(mktemp)
    cp "$config" "$prepared"
    if [ -n "$take_over" ]; then
        sed -E -i \
            -e 's#("Provider"[[:space:]]*:[[:space:]]*)("[^"]*"|null)#\1"ngrok"#' \
            -e "s#(\"Binary\"[[:space:]]*:[[:space:]]*)(\"[^\"]*\"|null)#\\1\"$RUN_NGROK\"#" \
            -e "s#(\"ConfigFiles\"[[:space:]]*:[[:space:]]*)(\\[[^]]*\\]|null)#\\1[\"$RUN_NGROK_CONFIG\"]#" \
            "$prepared"
        if ! grep -q "\"Binary\"[[:space:]]*:[[:space:]]*\"$RUN_NGROK\"" "$prepared" \
            || ! grep -q "\"ConfigFiles\"[[:space:]]*:[[:space:]]*\\[\"$RUN_NGROK_CONFIG\"\\]" "$prepared"; then
            rm -f "$prepared"
            die "could not set Agent.Ngrok.Binary and ConfigFiles in $config: set them by hand ($RUN_NGROK, [\"$RUN_NGROK_CONFIG\"]) and run again"
        fi
    fi

    if [ -f "$target" ]; then
        if cmp -s "$prepared" "$target"; then
            note "unchanged: $target"
        else
            note "kept: $target (never overwritten; it differs from $config)"
            if [ -n "$take_over" ] && ! grep -q "$RUN_NGROK_CONFIG" "$target"; then
                warn "$target does not mention $RUN_NGROK_CONFIG: set Agent.Ngrok.Binary to $RUN_NGROK and Agent.Ngrok.ConfigFiles to [\"$RUN_NGROK_CONFIG\"]"
            fi
        fi
    else
        note "agent.json: from $config${take_over:+, with the ngrok paths set}"
        install_file "$prepared" "$target" "$FLEET_PRIVATE_MODE" "$PRIVATE_OWNER"
    fi
    rm -f "$prepared"

    local password=$ETC_DIR/mqtt-password
    if [ ! -e "$password" ]; then
        run touch "$password"
        run chmod "$FLEET_PRIVATE_MODE" "$password"
        system chown "$PRIVATE_OWNER" "$password"
    fi
}

take_over_ngrok() {
    [ -n "$take_over" ] || return 0
    install_file "$ngrok_binary" "$OPT_DIR/ngrok" 0755 root:root

    local target=$ETC_DIR/ngrok.yml
    if [ -f "$target" ] && ! cmp -s "$ngrok_config" "$target" && [ ! -e "$target.fleet-backup" ]; then
        run cp -p "$target" "$target.fleet-backup"
    fi
    install_file "$ngrok_config" "$target" "$FLEET_PRIVATE_MODE" "$PRIVATE_OWNER"

    if [ -n "$rc_lines" ]; then
        note "removing from $RC_LOCAL (backup: $RC_LOCAL.fleet-backup):"
        printf '%s\n' "$rc_lines" | redact | sed 's/^/    /'
        if [ ! -e "$RC_LOCAL.fleet-backup" ]; then
            run cp -p "$RC_LOCAL" "$RC_LOCAL.fleet-backup"
        fi
        if [ "$dry_run" = 0 ]; then
            local kept
            kept=$(mktemp)
            grep -vxF -- "$rc_lines" "$RC_LOCAL" >"$kept" || true
            # cat > keeps rc.local's owner and mode (it must stay executable).
            cat "$kept" >"$RC_LOCAL"
            rm -f "$kept"
        else
            printf '[dry-run] rewrite %s without those lines\n' "$RC_LOCAL"
        fi
    else
        note "no ngrok start line in $RC_LOCAL"
    fi

    # The old ngrok still holds the account's agent session (ERR_NGROK_108 on the free plan): stop it.
    local pid exe source
    source=$(readlink -f "$ngrok_binary")
    for pid in $(pgrep -x ngrok || true); do
        exe=$(readlink -f "/proc/$pid/exe" 2>/dev/null || true)
        if [ "$exe" = "$source" ]; then
            system kill "$pid"
        fi
    done
    if [ -z "$ROOT" ] && systemctl is-enabled --quiet ngrok 2>/dev/null; then
        warn "an ngrok.service (ngrok service install) is enabled too: systemctl disable --now ngrok"
    fi
}

install_unit() {
    install_file "$SCRIPT_DIR/fleet-agent.service" "$UNIT_DIR/fleet-agent.service" 0644 root:root
    local was_active=0
    if [ -z "$ROOT" ] && systemctl is-active --quiet "$SERVICE" 2>/dev/null; then
        was_active=1
    fi
    system systemctl daemon-reload
    system systemctl enable --now "$SERVICE"
    if [ "$was_active" = 1 ]; then
        # An upgrade: the running agent still has the old binary.
        system systemctl restart "$SERVICE"
    fi
}

next_steps() {
    local password=$ETC_DIR/mqtt-password
    note ""
    if [ "$dry_run" = 1 ]; then
        note "Dry run complete: nothing was changed."
        return
    fi
    note "Installed. Next:"
    if [ ! -s "$password" ]; then
        note "  - put this detector's MQTT password in $password (it is empty):"
        note "      sudo tee $password >/dev/null     # paste the password, Enter, then Ctrl-D"
        note "      sudo systemctl restart $SERVICE"
    fi
    note "  - check $ETC_DIR/agent.json (DetectorId, Mqtt.Host, Provider: ngrok, cloudflared, reverse-ssh or static)"
    note "    (cloudflared is not installed by this script: see README.md, \"cloudflared quick tunnels\")"
    note "  - systemctl status $SERVICE; journalctl -u $SERVICE -f; sudo -u $SERVICE /opt/fleet-agent/fleet-agent check"
}

main() {
    parse_args "$@"
    check_system
    find_binary
    check_config
    find_ngrok
    [ "$dry_run" = 1 ] && note "dry run: nothing is changed"

    ensure_user
    install_agent
    install_config
    take_over_ngrok
    install_unit
    next_steps
}

main "$@"
