#!/usr/bin/env bash
# Sets up an OpenSSH relay for a fleet's reverse SSH tunnels on a Debian/Ubuntu server, and adds or removes one
# detector's key. Run it as root; running it again is safe.
#
#   sudo ./install.sh setup [--user NAME] [--dry-run]
#   sudo ./install.sh add-key --detector ID --port N --key FILE [--dry-run]
#   sudo ./install.sh remove-key --detector ID [--user NAME] [--dry-run]
#   ./install.sh list
#
# setup: a dedicated user (fleet-relay) with no shell and no password, and an sshd_config drop-in that lets that user do
# nothing but remote port forwarding (no shell, no TTY, no local or agent forwarding), with keep-alives. Each detector
# gets one key, restricted in authorized_keys to listening on its own port (permitlisten). The keys live in
# /etc/ssh/fleet-relay/authorized_keys, owned by root: the relay user cannot change them.
#
# Testing without a server: FLEET_ROOT=/tmp/x puts /etc under /tmp/x and skips what would touch the real system
# (apt-get, useradd, systemctl, kill).
set -Eeuo pipefail
trap 'printf "install.sh: error: command failed (line %s): %s\n" "$LINENO" "$BASH_COMMAND" >&2' ERR

readonly ROOT=${FLEET_ROOT:-}
readonly SSH_DIR=$ROOT/etc/ssh
readonly DROP_IN=$SSH_DIR/sshd_config.d/fleet-relay.conf
readonly KEYS_DIR=$SSH_DIR/fleet-relay
readonly KEYS=$KEYS_DIR/authorized_keys
# Paths at run time (never under FLEET_ROOT): these go into the drop-in.
readonly RUN_KEYS=/etc/ssh/fleet-relay/authorized_keys
readonly RUN_HOME=/var/lib/fleet-relay
# What a detector's key may do: listen on its own port on the relay, nothing else (restrict turns everything off,
# port-forwarding turns forwarding back on, permitlisten narrows it to one port, the command ends any session).
# permitopen="none" is not accepted here by OpenSSH 9.2 (the key is refused): the drop-in's PermitOpen none and
# AllowTcpForwarding remote deny local forwarding instead.
readonly KEY_OPTIONS='restrict,port-forwarding,permitlisten="%s",command="/bin/false"'
readonly MIN_PORT=1024

command=""
user=fleet-relay
detector=""
port=""
key_file=""
dry_run=0

usage() {
    cat <<'USAGE'
Usage: sudo ./install.sh setup [--user NAME] [--dry-run]
       sudo ./install.sh add-key --detector ID --port N --key FILE [--dry-run]
       sudo ./install.sh remove-key --detector ID [--user NAME] [--dry-run]
       ./install.sh list

  setup        the relay user (default fleet-relay; no shell, no password) and the sshd drop-in
               /etc/ssh/sshd_config.d/fleet-relay.conf, then reloads ssh
  add-key      authorises the detector's public key (its agent's Agent:ReverseSsh:IdentityFile .pub) to listen on
               port N (1024-65535, one detector per port) and nothing else; a detector's earlier key is replaced
  remove-key   removes the detector's key (on decommission) and ends its session, which frees its port
  list         the detectors and their ports
  --dry-run    print every action without doing it
USAGE
}

die() { printf 'install.sh: error: %s\n' "$*" >&2; exit 1; }
note() { printf '%s\n' "$*"; }
warn() { printf 'install.sh: warning: %s\n' "$*" >&2; }

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

# Through a temporary file and a rename: sshd reading the file at a login sees the old one or the new one, never half.
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
    [ $# -gt 0 ] || { usage >&2; die "a command is required: setup, add-key, remove-key or list"; }
    case $1 in
        setup | add-key | remove-key | list) command=$1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown command: $1 (setup, add-key, remove-key or list)" ;;
    esac
    while [ $# -gt 0 ]; do
        case $1 in
            --user) [ $# -ge 2 ] || die "--user needs a name"; user=$2; shift 2 ;;
            --detector) [ $# -ge 2 ] || die "--detector needs an id"; detector=$2; shift 2 ;;
            --port) [ $# -ge 2 ] || die "--port needs a number"; port=$2; shift 2 ;;
            --key) [ $# -ge 2 ] || die "--key needs a file"; key_file=$2; shift 2 ;;
            --dry-run) dry_run=1; shift ;;
            -h | --help) usage; exit 0 ;;
            *) usage >&2; die "unknown argument: $1" ;;
        esac
    done
    [[ $user =~ ^[a-z_][a-z0-9_-]{0,31}$ ]] || die "--user '$user' is not a user name"
    case $command in
        add-key | remove-key)
            [ -n "$detector" ] || die "--detector is required: the detector's id (Agent:DetectorId)"
            [[ $detector =~ ^[a-z0-9][a-z0-9-]{0,62}$ ]] || die "--detector '$detector' is not a detector id (lower-case letters, digits and '-')"
            ;;
    esac
    if [ "$command" = add-key ]; then
        [ -n "$port" ] || die "--port is required: the detector's port on the relay (its Agent:ReverseSsh:RemotePort)"
        [[ $port =~ ^[0-9]{1,5}$ ]] && [ "$port" -ge "$MIN_PORT" ] && [ "$port" -le 65535 ] \
            || die "--port '$port' must be a port from $MIN_PORT to 65535"
        [ -n "$key_file" ] || die "--key is required: the detector's public key file (id_ed25519.pub)"
        [ -r "$key_file" ] || die "cannot read --key $key_file"
    fi
}

check_system() {
    if [ -z "$ROOT" ] && [ "$dry_run" = 0 ] && [ "$command" != list ]; then
        [ "$(id -u)" = 0 ] || die "run as root (sudo), or try --dry-run"
    fi
}

# --- setup ---------------------------------------------------------------------------------------------------------

install_openssh() {
    if [ -z "$ROOT" ] && [ -x /usr/sbin/sshd ]; then
        note "openssh-server is installed"
        return
    fi
    system apt-get install -y openssh-server
}

ensure_user() {
    if [ -z "$ROOT" ] && id -u "$user" >/dev/null 2>&1; then
        note "user $user exists"
        return
    fi
    system useradd --system --user-group --home-dir "$RUN_HOME" --no-create-home \
        --shell /usr/sbin/nologin --comment "Fleet SSH relay" "$user"
    # No password, but not locked ('!'): with UsePAM no, sshd refuses a locked account even for a key.
    system usermod --password '*' "$user"
}

install_keys_file() {
    run mkdir -p "$KEYS_DIR" "$(dirname "$DROP_IN")"
    run chmod 0755 "$KEYS_DIR"
    system chown root:root "$KEYS_DIR"
    if [ -f "$KEYS" ]; then
        note "kept: $KEYS (add-key and remove-key change it)"
        return
    fi
    local empty
    empty=$(mktemp)
    printf '# Fleet relay: one line per detector, written by infra/relay/install.sh add-key and remove-key.\n' >"$empty"
    install_file "$empty" "$KEYS" 0644 root:root
    rm -f "$empty"
}

drop_in() {
    cat <<DROPIN
# Written by infra/relay/install.sh: the Fleet relay user may only hold remote port forwards (reverse SSH tunnels of
# the detectors), each key only on its own port (permitlisten in $RUN_KEYS). Run install.sh setup again to rewrite it.
Match User $user
    AuthorizedKeysFile $RUN_KEYS
    AuthenticationMethods publickey
    PasswordAuthentication no
    KbdInteractiveAuthentication no
    # -R only: the detector's port on the relay; never -L, agent, X11, stream-local or tun forwarding.
    AllowTcpForwarding remote
    PermitOpen none
    AllowAgentForwarding no
    AllowStreamLocalForwarding no
    X11Forwarding no
    PermitTunnel no
    # The agent asks for its port on every interface (-R *:port:...), so visitors reach it from outside.
    GatewayPorts clientspecified
    # No shell and no terminal: a session, if one is asked for, ends at once.
    PermitTTY no
    ForceCommand /bin/false
    # A vanished detector's forward is dropped within 45 s, so its port is free when it comes back.
    ClientAliveInterval 15
    ClientAliveCountMax 3
DROPIN
}

install_drop_in() {
    local prepared
    prepared=$(mktemp)
    drop_in >"$prepared"
    local previous=""
    if [ -z "$ROOT" ] && [ "$dry_run" = 0 ] && [ -f "$DROP_IN" ]; then
        previous=$(mktemp)
        cp -p "$DROP_IN" "$previous"
    fi
    install_file "$prepared" "$DROP_IN" 0644 root:root
    rm -f "$prepared"
    if [ -z "$ROOT" ] && [ "$dry_run" = 0 ] && ! /usr/sbin/sshd -t; then
        # A drop-in sshd refuses would stop ssh at its next restart, for every user: put the old state back.
        if [ -n "$previous" ]; then mv -f "$previous" "$DROP_IN"; else rm -f "$DROP_IN"; fi
        die "sshd -t refuses the configuration with the new $DROP_IN (see above); it was not kept"
    fi
    [ -z "$previous" ] || rm -f "$previous"
    local main=$SSH_DIR/sshd_config
    if [ -f "$main" ] && ! grep -qE '^[[:space:]]*Include[[:space:]]+/etc/ssh/sshd_config\.d/\*\.conf' "$main"; then
        warn "$main does not include /etc/ssh/sshd_config.d/*.conf: add that Include line at its top"
    fi
    system systemctl reload ssh
}

# --- keys ----------------------------------------------------------------------------------------------------------

# The lines of the keys file without the detector's own (its comment is "fleet:ID").
other_lines() {
    [ -f "$KEYS" ] || return 0
    grep -v -E " fleet:$detector\$" "$KEYS" || true
}

port_of() {
    sed -nE 's/.*permitlisten="([0-9]+)".*/\1/p' <<<"$1"
}

add_key() {
    [ -f "$KEYS" ] || die "$KEYS does not exist: run install.sh setup first"
    local line type blob
    ! grep -q 'PRIVATE KEY' "$key_file" || die "--key $key_file is a private key: give the .pub file (the private key stays on the Pi)"
    line=$(grep -vE '^[[:space:]]*(#|$)' "$key_file" | head -n 2 || true)
    [ "$(grep -c . <<<"$line")" = 1 ] || die "--key $key_file must hold exactly one public key"
    read -r type blob _ <<<"$line"
    case $type in
        ssh-ed25519 | ecdsa-sha2-nistp256 | ecdsa-sha2-nistp384 | ecdsa-sha2-nistp521 | ssh-rsa | sk-ssh-ed25519@openssh.com | sk-ecdsa-sha2-nistp256@openssh.com) ;;
        *) die "--key $key_file is not an OpenSSH public key (it starts with '${type:0:30}'): give the .pub file" ;;
    esac
    [[ $blob =~ ^[A-Za-z0-9+/]+=*$ ]] || die "--key $key_file: the key's base64 part is damaged"
    if command -v ssh-keygen >/dev/null 2>&1; then
        printf '%s %s\n' "$type" "$blob" | ssh-keygen -l -f - >/dev/null 2>&1 || die "--key $key_file: ssh-keygen does not accept it as a public key"
    fi

    local owner
    owner=$(other_lines | grep -E "permitlisten=\"$port\"" | sed -nE 's/.* fleet:([a-z0-9-]+)$/\1/p' | head -n 1 || true)
    [ -z "$owner" ] || die "port $port is already assigned to detector $owner (remove-key --detector $owner first, or pick another port)"
    if other_lines | grep -qF " $type $blob "; then
        die "this key is already authorised for another detector: each detector needs its own key"
    fi

    local prepared new_line
    prepared=$(mktemp)
    # shellcheck disable=SC2059 # the options are the format: one %s for the port
    new_line=$(printf "$KEY_OPTIONS %s %s fleet:%s" "$port" "$type" "$blob" "$detector")
    # The detector's line is replaced where it stands (a re-key), else the new one goes at the end.
    awk -v id="fleet:$detector" -v line="$new_line" \
        '$NF == id { if (!done) print line; done = 1; next } { print } END { if (!done) print line }' "$KEYS" >"$prepared"
    install_file "$prepared" "$KEYS" 0644 root:root
    rm -f "$prepared"
    note "detector $detector may listen on port $port of the relay (Agent:ReverseSsh:RemotePort=$port)"
}

remove_key() {
    [ -f "$KEYS" ] || { note "no keys file ($KEYS): nothing to remove"; return; }
    local line
    line=$(grep -E " fleet:$detector\$" "$KEYS" || true)
    if [ -z "$line" ]; then
        note "no key for detector $detector: nothing to remove"
        return
    fi
    local prepared
    prepared=$(mktemp)
    other_lines >"$prepared"
    install_file "$prepared" "$KEYS" 0644 root:root
    rm -f "$prepared"
    local freed
    freed=$(port_of "$line")
    end_session "$freed"
    note "detector $detector removed; port $freed is free"
}

# A removed key only stops the next login: the session holding the port is ended here, so the port is free now.
end_session() {
    local listen_port=$1 pid
    if [ -n "$ROOT" ]; then
        show '[skipped under FLEET_ROOT] end the session listening on port' "$listen_port"
        return
    fi
    command -v ss >/dev/null 2>&1 || { warn "ss not found (iproute2): the session on port $listen_port ends when it drops"; return; }
    for pid in $(ss -Hltnp "( sport = :$listen_port )" | grep -oE 'pid=[0-9]+' | cut -d= -f2 | sort -u); do
        # Only the relay user's sshd: another program that took the port meanwhile is not ours to stop.
        if [ "$(ps -o user= -p "$pid" | tr -d ' ')" = "$user" ]; then
            run kill "$pid"
        fi
    done
}

list_keys() {
    [ -f "$KEYS" ] || die "$KEYS does not exist: run install.sh setup first"
    printf '%-40s %s\n' DETECTOR PORT
    sed -nE 's/.*permitlisten="([0-9]+)".* fleet:([a-z0-9-]+)$/\2 \1/p' "$KEYS" | sort | while read -r id listen_port; do
        printf '%-40s %s\n' "$id" "$listen_port"
    done
}

main() {
    parse_args "$@"
    check_system
    [ "$dry_run" = 1 ] && note "dry run: nothing is changed"
    case $command in
        setup)
            install_openssh
            ensure_user
            install_keys_file
            install_drop_in
            if [ "$dry_run" = 1 ]; then
                note ""
                note "Dry run complete: nothing was changed."
            else
                note ""
                note "Relay ready. Next: open the detectors' ports in the firewall, then for each detector:"
                note "  sudo ./install.sh add-key --detector pi-042 --port 22042 --key pi-042.pub"
                note "  and on the Pi: Agent:Provider reverse-ssh, Agent:ReverseSsh:Relay=<this host>, User=$user, RemotePort=22042"
            fi
            ;;
        add-key) add_key ;;
        remove-key) remove_key ;;
        list) list_keys ;;
    esac
}

main "$@"
