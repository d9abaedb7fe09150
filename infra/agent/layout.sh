# What an installed agent is made of: its user, its directories and the modes of its private files. POSIX sh, sourced
# by install.sh (the copied-directory install) and pasted into the .deb's maintainer scripts by build-deb.sh, so both
# ways of installing create the same things. fleet-agent.service repeats the state and log modes (StateDirectoryMode=,
# LogsDirectoryMode=) because systemd creates those directories too; keep them equal to FLEET_DIRS.
#
# Every function takes the root to work in as $1 ("" for the real system, a sandbox otherwise: FLEET_ROOT for
# install.sh, DPKG_ROOT for dpkg --root). Names are looked up in that root's /etc/passwd and /etc/group, never in the
# host's, so a sandbox gets its own user.

FLEET_USER=fleet-agent
FLEET_HOME=/var/lib/fleet-agent
FLEET_SHELL=/usr/sbin/nologin
FLEET_GECOS="Fleet agent"

# path mode owner group: /etc/fleet-agent is the user's to read, not to write (the agent cannot rewrite its own
# configuration); state and logs are the user's. The first line must stay /etc/fleet-agent (fleet_etc_dir).
FLEET_DIRS="/etc/fleet-agent 0750 root fleet-agent
/var/lib/fleet-agent 0700 fleet-agent fleet-agent
/var/log/fleet-agent 0750 fleet-agent fleet-agent"

# Files in /etc/fleet-agent that hold secrets (the MQTT password, the ngrok authtoken, the ssh key) or name them:
# readable by the agent's group, never by others. mqtt-password is created empty when missing.
FLEET_PRIVATE_FILES="agent.json mqtt-password ngrok.yml id_ed25519"
FLEET_PRIVATE_MODE=0640
FLEET_PRIVATE_OWNER=root
FLEET_PRIVATE_GROUP=fleet-agent

# Files that ship next to the published binary but are not part of the agent (the installers and their inputs).
FLEET_NOT_INSTALLED=" install.sh layout.sh build-deb.sh publish.sh test-install.sh test-deb.sh deb fleet-agent.service agent.example.json README.md "

fleet_user_exists() {
    [ -n "$(fleet_uid "$1" "$FLEET_USER")" ]
}

# A system user with its own group, no login shell and no home directory made for it (the state directory is its home).
fleet_create_user() {
    useradd ${1:+--prefix "$1"} --system --user-group --home-dir "$FLEET_HOME" --no-create-home \
        --shell "$FLEET_SHELL" --comment "$FLEET_GECOS" "$FLEET_USER"
}

# Never fails a purge: a user still running a process (an agent started by hand) is left, with a word.
fleet_remove_user() {
    if fleet_user_exists "$1"; then
        userdel ${1:+--prefix "$1"} "$FLEET_USER" \
            || { echo "fleet-agent: could not remove the user $FLEET_USER (userdel failed); remove it by hand" >&2; return 0; }
    fi
    # userdel removes the group with the user (USERGROUPS_ENAB); a group left over from a half-done removal goes too.
    if [ -n "$(fleet_gid "$1" "$FLEET_USER")" ]; then
        groupdel ${1:+--prefix "$1"} "$FLEET_USER" || echo "fleet-agent: could not remove the group $FLEET_USER" >&2
    fi
}

# Numeric ids (empty when there is no such name): from NSS on the real system, from the sandbox's own files under a
# root, whose user the host's chown does not know.
fleet_uid() {
    if [ "$2" = root ]; then
        echo 0
    elif [ -z "$1" ]; then
        getent passwd "$2" | cut -d: -f3
    else
        awk -F: -v n="$2" '$1 == n { print $3 }' "$1/etc/passwd" 2>/dev/null
    fi
}

fleet_gid() {
    if [ "$2" = root ]; then
        echo 0
    elif [ -z "$1" ]; then
        getent group "$2" | cut -d: -f3
    else
        awk -F: -v n="$2" '$1 == n { print $3 }' "$1/etc/group" 2>/dev/null
    fi
}

# fleet_chown ROOT OWNER GROUP PATH
fleet_chown() {
    chown "$(fleet_uid "$1" "$2"):$(fleet_gid "$1" "$3")" "$1$4"
}

# Creates the directories with their modes and owners, and gives the private files that exist their mode and owner.
# Run again on every upgrade: dpkg unpacks an updated conffile as root:root.
fleet_apply_layout() {
    printf '%s\n' "$FLEET_DIRS" | while read -r path mode owner group; do
        mkdir -p "$1$path"
        chmod "$mode" "$1$path"
        fleet_chown "$1" "$owner" "$group" "$path"
    done
    fleet_apply_private_files "$1"
}

fleet_apply_private_files() {
    fleet_etc=$(fleet_etc_dir)
    if [ ! -e "$1$fleet_etc/mqtt-password" ]; then
        : >"$1$fleet_etc/mqtt-password"
    fi
    for fleet_name in $FLEET_PRIVATE_FILES; do
        if [ -f "$1$fleet_etc/$fleet_name" ]; then
            chmod "$FLEET_PRIVATE_MODE" "$1$fleet_etc/$fleet_name"
            fleet_chown "$1" "$FLEET_PRIVATE_OWNER" "$FLEET_PRIVATE_GROUP" "$fleet_etc/$fleet_name"
        fi
    done
}

fleet_etc_dir() {
    printf '%s\n' "$FLEET_DIRS" | head -n 1 | cut -d' ' -f1
}

# What a purge removes: configuration (with the secrets), state and logs, then the user.
fleet_purge() {
    printf '%s\n' "$FLEET_DIRS" | while read -r path mode owner group; do
        rm -rf "$1$path"
    done
    fleet_remove_user "$1"
}
