#!/usr/bin/env bash
# Packages a published native agent (a directory publish.sh made) as fleet-agent_<version>_<arch>.deb:
#
#   infra/agent/build-deb.sh PUBLISH_DIR ARCH VERSION OUT_DIR        (ARCH: arm64, armhf or amd64)
#
#   /usr/lib/fleet-agent/        the published files (the binary and appsettings.json), /usr/bin/fleet-agent links there
#   /lib/systemd/system/         fleet-agent.service, ExecStart pointed at /usr/bin/fleet-agent
#   /etc/fleet-agent/agent.json  the example configuration as a conffile: dpkg keeps an edited one on upgrade and on
#                                remove, and deletes it on purge
#   /usr/share/doc/fleet-agent/  README.md.gz, examples/agent.json, copyright, changelog.gz
#   maintainer scripts           deb/postinst, prerm, postrm with layout.sh pasted in (the user, directories, modes)
#
# Needs dpkg-deb (Debian's dpkg). SOURCE_DATE_EPOCH, when set, fixes every timestamp (reproducible packages); else the
# last commit's time is used. FLEET_DEB_COMPRESSION (default xz, dpkg-deb's) can be gzip where speed beats size (tests).
set -Eeuo pipefail
trap 'printf "build-deb.sh: error: command failed (line %s): %s\n" "$LINENO" "$BASH_COMMAND" >&2' ERR

here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
# shellcheck source=layout.sh
. "$here/layout.sh"

die() { printf 'build-deb.sh: error: %s\n' "$*" >&2; exit 1; }

[ $# -eq 4 ] || die "usage: build-deb.sh PUBLISH_DIR ARCH VERSION OUT_DIR"
publish=$1 arch=$2 version=$3 out=$4
command -v dpkg-deb >/dev/null 2>&1 || die "dpkg-deb is needed (Debian package dpkg)"
[ -x "$publish/fleet-agent" ] || die "no executable fleet-agent in $publish: package a native build (linux-arm64, linux-x64-aot)"
case $arch in arm64 | armhf | amd64) ;; *) die "unknown architecture '$arch' (arm64, armhf or amd64)" ;; esac
[[ $version =~ ^[0-9][A-Za-z0-9.+~-]*$ ]] || die "'$version' is not a Debian version (digits first, then letters, digits, . + ~ -)"

if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
    SOURCE_DATE_EPOCH=$(git -C "$here" log -1 --format=%ct 2>/dev/null || date +%s)
fi
export SOURCE_DATE_EPOCH

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
pkg=$stage/fleet-agent
lib=$pkg/usr/lib/fleet-agent
doc=$pkg/usr/share/doc/fleet-agent
etc=$pkg$(fleet_etc_dir)
mkdir -p "$pkg/DEBIAN" "$lib" "$pkg/usr/bin" "$pkg/lib/systemd/system" "$doc/examples" "$etc"

# The agent: what publish.sh put next to it minus the installers (the same list install.sh skips).
for entry in "$publish"/*; do
    name=$(basename "$entry")
    case $FLEET_NOT_INSTALLED in *" $name "*) continue ;; esac
    cp -R "$entry" "$lib/"
done
find "$lib" -type d -exec chmod 0755 {} +
find "$lib" -type f -exec chmod 0644 {} +
chmod 0755 "$lib/fleet-agent"
ln -s ../lib/fleet-agent/fleet-agent "$pkg/usr/bin/fleet-agent"

# The unit as install.sh installs it, with the package's paths.
sed -e 's#^ExecStart=/opt/fleet-agent/fleet-agent #ExecStart=/usr/bin/fleet-agent #' \
    -e 's#^Documentation=file:///opt/fleet-agent/README.md$#Documentation=file:///usr/share/doc/fleet-agent/README.md.gz#' \
    "$here/fleet-agent.service" >"$pkg/lib/systemd/system/fleet-agent.service"
grep -q '^ExecStart=/usr/bin/fleet-agent run$' "$pkg/lib/systemd/system/fleet-agent.service" \
    || die "fleet-agent.service: ExecStart is no longer /opt/fleet-agent/fleet-agent run; update the rewrite here"
chmod 0644 "$pkg/lib/systemd/system/fleet-agent.service"

# The configuration: a conffile, private from the start (the postinst gives it the agent's group).
cp "$here/agent.example.json" "$etc/agent.json"
chmod "$FLEET_PRIVATE_MODE" "$etc/agent.json"
chmod 0750 "$etc"
echo "$(fleet_etc_dir)/agent.json" >"$pkg/DEBIAN/conffiles"

# Documentation, compressed as Debian policy asks (gzip -9n: no name or time stored).
cp "$here/agent.example.json" "$doc/examples/agent.json"
gzip -9nc "$here/README.md" >"$doc/README.md.gz"
cp "$here/deb/copyright" "$doc/copyright"
{
    printf 'fleet-agent (%s) unstable; urgency=medium\n\n' "$version"
    printf '  * Built from the Fleet repository by infra/agent/publish.sh.\n\n'
    printf ' -- Fleet maintainers <fleet@example.org>  %s\n' "$(date -u -R -d "@$SOURCE_DATE_EPOCH")"
} | gzip -9n >"$doc/changelog.gz"
mkdir -p "$pkg/usr/share/lintian/overrides"
grep -v '^#' "$here/deb/lintian-overrides" >"$pkg/usr/share/lintian/overrides/fleet-agent"
find "$pkg/usr/share" -type d -exec chmod 0755 {} +
find "$pkg/usr/share" -type f -exec chmod 0644 {} +

# Maintainer scripts: layout.sh pasted where they say #LAYOUT# (without its own header comments).
layout=$(grep -v '^#' "$here/layout.sh")
for script in postinst prerm postrm; do
    # ENVIRON, not awk -v: -v would turn the \n in layout.sh's printf into a line break.
    LAYOUT=$layout awk '$0 == "#LAYOUT#" { print ENVIRON["LAYOUT"]; next } { print }' "$here/deb/$script" >"$pkg/DEBIAN/$script"
    chmod 0755 "$pkg/DEBIAN/$script"
done

installed_size=$(du -k -s --apparent-size --exclude=DEBIAN "$pkg" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@INSTALLED_SIZE@/$installed_size/" \
    "$here/deb/control.in" >"$pkg/DEBIAN/control"
(cd "$pkg" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) >"$pkg/DEBIAN/md5sums"
chmod 0644 "$pkg/DEBIAN/control" "$pkg/DEBIAN/conffiles" "$pkg/DEBIAN/md5sums"

mkdir -p "$out"
deb=$out/fleet-agent_${version}_${arch}.deb
dpkg-deb --root-owner-group -Z"${FLEET_DEB_COMPRESSION:-xz}" --build "$pkg" "$deb" >/dev/null
printf '%s\n' "$deb"
