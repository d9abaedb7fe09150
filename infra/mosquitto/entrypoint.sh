#!/bin/sh
# Fleet: entrypoint for the eclipse-mosquitto:2 image (POSIX sh; BusyBox ash in the image).
#
# At every container start it:
#   1. copies mosquitto.conf and acl from the read-only source directory (infra/mosquitto,
#      mounted at /fleet/mosquitto) to the config directory,
#   2. builds a fresh password file there with mosquitto_passwd from environment variables,
#   3. gives the TLS listener (8883) its certificate in the certificate directory: server.crt and
#      server.key from <source>/certs if both are there (yours), else a self-signed one for
#      FLEET_DOMAIN, generated once and kept in <data>/tls (the volume), and prints the
#      certificate's public-key pin for the agents,
#   4. gives the files to the broker's user, then execs mosquitto (PID 1 gets SIGTERM and saves
#      its persistence file on `docker compose stop`).
#
# Environment:
#   FLEET_MQTT_API_PASSWORD        required: password of user `api` (the Fleet API)
#   FLEET_MQTT_MONITOR_PASSWORD    required: password of user `monitor` (read-only tools)
#   FLEET_MQTT_DETECTORS           optional: "pi-042:secret1 pi-043:secret2" (whitespace-separated
#                                  id:password pairs; the password may itself contain ':')
#   FLEET_MQTT_DETECTORS_FILE      optional: file with one id:password per line (# comments and
#                                  blank lines allowed), e.g. a Docker secret
#   FLEET_MQTT_MIN_PASSWORD_LENGTH optional: default 16
#   FLEET_DOMAIN                   the name (or IP address) detectors connect to; the generated
#                                  certificate is made for it (required without your own certificate)
# Paths (overridable for tests):
#   FLEET_MQTT_SOURCE_DIR   default /fleet/mosquitto
#   MOSQUITTO_CONFIG_DIR    default /mosquitto/config  (the conf file refers to passwd and acl here)
#   MOSQUITTO_DATA_DIR      default /mosquitto/data
#   MOSQUITTO_CERTS_DIR     default /mosquitto/certs
#   MOSQUITTO_USER          default mosquitto
#
# Passwords are never printed. Note that `mosquitto_passwd -b` takes the password as an argument,
# so it is visible in the process list inside this container for the few milliseconds each call
# runs, before any client can connect.
# Any arguments replace the final command, e.g. `entrypoint.sh mosquitto -c <conf> -v`.

set -eu
umask 077
LC_ALL=C
export LC_ALL

SOURCE_DIR=${FLEET_MQTT_SOURCE_DIR:-/fleet/mosquitto}
CONFIG_DIR=${MOSQUITTO_CONFIG_DIR:-/mosquitto/config}
DATA_DIR=${MOSQUITTO_DATA_DIR:-/mosquitto/data}
CERTS_DIR=${MOSQUITTO_CERTS_DIR:-/mosquitto/certs}
RUN_USER=${MOSQUITTO_USER:-mosquitto}
MIN_LENGTH=${FLEET_MQTT_MIN_PASSWORD_LENGTH:-16}

log() { printf 'fleet-mosquitto: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# A username must be a detector id (^[a-z0-9][a-z0-9-]{0,62}$, a whole topic level with no
# wildcard, '/', '$' or ':'), so that the %u patterns in the ACL give it exactly its own topics.
valid_id() {
  case $1 in
    '' | [!a-z0-9]* | *[!a-z0-9-]*) return 1 ;;
  esac
  [ "${#1}" -le 63 ]
}

check_password() { # user password
  [ -n "$2" ] || die "empty password for user '$1'"
  case $2 in
    change-me* | replace-with* | changeme*) die "password for user '$1' is still the placeholder from .env.example" ;;
  esac
  [ "${#2}" -ge "$MIN_LENGTH" ] || die "password for user '$1' is shorter than $MIN_LENGTH characters (use: openssl rand -hex 32)"
}

SEEN=' '
add_user() { # user password
  case $SEEN in
    *" $1 "*) die "user '$1' is listed twice" ;;
  esac
  check_password "$1" "$2"
  mosquitto_passwd -b "$PASSWD_NEW" "$1" "$2" >/dev/null || die "mosquitto_passwd failed for user '$1'"
  SEEN="$SEEN$1 "
}

add_detector() { # id:password
  id=${1%%:*}
  [ "$id" != "$1" ] || die "detector entry without ':' (expected id:password)"
  password=${1#*:}
  valid_id "$id" || die "invalid detector id '$id' (expected ^[a-z0-9][a-z0-9-]{0,62}\$)"
  # As the API's provisioning: ids starting with api, monitor or admin are service accounts. The plugin lets
  # api and api-<n> join shared subscriptions, so a detector must never be called that.
  case $id in
    api* | monitor* | admin*) die "detector id '$id' is reserved: ids starting with api, monitor or admin are service accounts" ;;
  esac
  add_user "$id" "$password"
}

[ -f "$SOURCE_DIR/mosquitto.conf" ] || die "$SOURCE_DIR/mosquitto.conf not found (is infra/mosquitto mounted?)"
[ -f "$SOURCE_DIR/acl" ] || die "$SOURCE_DIR/acl not found"
# The config loads Fleet's plugin (shared subscriptions for the API only); the stock image lacks it.
for plugin in $(sed -n 's/^[[:space:]]*plugin[[:space:]]\{1,\}\([^[:space:]]*\).*/\1/p' "$SOURCE_DIR/mosquitto.conf"); do
  [ -r "$plugin" ] || die "$plugin not found: build the broker image from infra/mosquitto/Dockerfile (docker compose build mosquitto)"
done
command -v mosquitto_passwd >/dev/null 2>&1 || die "mosquitto_passwd not found"
mkdir -p "$CONFIG_DIR"
chmod 755 "$CONFIG_DIR"

PASSWD_NEW="$CONFIG_DIR/passwd.new"
rm -f "$PASSWD_NEW"
: >"$PASSWD_NEW"
trap 'rm -f "$PASSWD_NEW"' EXIT

add_user api "${FLEET_MQTT_API_PASSWORD:-}"
add_user monitor "${FLEET_MQTT_MONITOR_PASSWORD:-}"

# No pathname expansion while splitting the list: a password may contain '*' or '?'.
set -f
for entry in ${FLEET_MQTT_DETECTORS:-}; do
  add_detector "$entry"
done
set +f

if [ -n "${FLEET_MQTT_DETECTORS_FILE:-}" ]; then
  [ -r "$FLEET_MQTT_DETECTORS_FILE" ] || die "FLEET_MQTT_DETECTORS_FILE is set but $FLEET_MQTT_DETECTORS_FILE is not readable"
  # The last line may lack a newline.
  while IFS= read -r line || [ -n "$line" ]; do
    line=$(printf '%s' "$line" | tr -d '\r' | sed 's/^[[:space:]]*//; s/[[:space:]]*$//')
    case $line in
      '' | '#'*) continue ;;
    esac
    add_detector "$line"
  done <"$FLEET_MQTT_DETECTORS_FILE"
fi

count=$(printf '%s' "$SEEN" | wc -w | tr -d ' ')
if [ "$SOURCE_DIR" != "$CONFIG_DIR" ]; then
  cp "$SOURCE_DIR/mosquitto.conf" "$CONFIG_DIR/mosquitto.conf"
  cp "$SOURCE_DIR/acl" "$CONFIG_DIR/acl"
fi
mv -f "$PASSWD_NEW" "$CONFIG_DIR/passwd"
trap - EXIT
# Mosquitto >= 2.0.16 warns about (and later versions refuse) a password or ACL file that is
# readable by others or not owned by the broker's user.
chmod 600 "$CONFIG_DIR/passwd" "$CONFIG_DIR/acl"
chmod 644 "$CONFIG_DIR/mosquitto.conf"

# The TLS listener's certificate. Only these two names are copied: a CA key left in certs/ stays outside.
if [ -f "$SOURCE_DIR/certs/server.crt" ] && [ -f "$SOURCE_DIR/certs/server.key" ]; then
  CERT_SOURCE="$SOURCE_DIR/certs"
  log "TLS listener: your certificate from certs/server.crt"
else
  # Generated once and kept in the data volume, so its key (and the pin the agents hold) survives restarts
  # and image upgrades. A new FLEET_DOMAIN makes a new one (and a new pin).
  CERT_SOURCE="$DATA_DIR/tls"
  [ -n "${FLEET_DOMAIN:-}" ] || die "no certificate for the TLS listener: put server.crt and server.key in infra/mosquitto/certs/, or set FLEET_DOMAIN in .env so that one is generated"
  if [ ! -f "$CERT_SOURCE/server.crt" ] || [ ! -f "$CERT_SOURCE/server.key" ] || [ "$(cat "$CERT_SOURCE/domain" 2>/dev/null)" != "$FLEET_DOMAIN" ]; then
    command -v openssl >/dev/null 2>&1 || die "openssl not found: build the broker image from infra/mosquitto/Dockerfile (docker compose build mosquitto)"
    case $FLEET_DOMAIN in
      *[!0-9.]* | '') case $FLEET_DOMAIN in *:*) SAN="IP:$FLEET_DOMAIN" ;; *) SAN="DNS:$FLEET_DOMAIN" ;; esac ;;
      *) SAN="IP:$FLEET_DOMAIN" ;;
    esac
    mkdir -p "$CERT_SOURCE"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
      -subj "/CN=$FLEET_DOMAIN" -addext "subjectAltName=$SAN" \
      -keyout "$CERT_SOURCE/server.key" -out "$CERT_SOURCE/server.crt" 2>/dev/null \
      || die "openssl could not make a certificate for '$FLEET_DOMAIN'"
    printf '%s\n' "$FLEET_DOMAIN" >"$CERT_SOURCE/domain"
    log "TLS listener: generated a self-signed certificate for $FLEET_DOMAIN ($SAN), valid 10 years"
  else
    log "TLS listener: the self-signed certificate for $FLEET_DOMAIN generated earlier"
  fi
fi
mkdir -p "$CERTS_DIR"
for name in server.crt server.key; do
  cp "$CERT_SOURCE/$name" "$CERTS_DIR/$name"
  chmod 600 "$CERTS_DIR/$name"
done
if command -v openssl >/dev/null 2>&1; then
  # SHA-256 of the certificate's public key (SubjectPublicKeyInfo), what an agent pins instead of a CA file.
  PIN_BASE64=$(openssl x509 -in "$CERTS_DIR/server.crt" -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64)
  PIN_HEX=$(openssl x509 -in "$CERTS_DIR/server.crt" -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -r | cut -d' ' -f1)
  log "TLS listener: public-key pin sha256 base64 $PIN_BASE64 hex $PIN_HEX"
fi

# Mosquitto starts as root and drops to $RUN_USER right after parsing its config: it reads the
# password file, ACL and TLS files, and writes persistence, as that user (also on every SIGHUP).
if [ "$(id -u)" = 0 ]; then
  chown "$RUN_USER:$RUN_USER" "$CONFIG_DIR/passwd" "$CONFIG_DIR/acl" "$CONFIG_DIR/mosquitto.conf"
  mkdir -p "$DATA_DIR"
  chown -R "$RUN_USER:$RUN_USER" "$DATA_DIR"
  if [ -d "$CERTS_DIR" ]; then chown -R "$RUN_USER:$RUN_USER" "$CERTS_DIR"; fi
  if [ -d /mosquitto/log ]; then chown -R "$RUN_USER:$RUN_USER" /mosquitto/log; fi
fi

log "password file written: api, monitor and $((count - 2)) detector account(s)"
unset FLEET_MQTT_API_PASSWORD FLEET_MQTT_MONITOR_PASSWORD FLEET_MQTT_DETECTORS

if [ "$#" -gt 0 ]; then
  exec "$@"
fi
exec mosquitto -c "$CONFIG_DIR/mosquitto.conf"
