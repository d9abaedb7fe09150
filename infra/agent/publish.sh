#!/usr/bin/env bash
# Publishes the agent under artifacts/agent/<flavour>/, each with install.sh, the unit, the example configuration and
# the README next to the binary, so that one directory copied to a Pi is everything `sudo ./install.sh` needs; and, for
# the native flavours, a Debian package artifacts/agent/fleet-agent_<version>_<arch>.deb (build-deb.sh).
#
#   infra/agent/publish.sh [linux-arm64] [linux-x64-aot] [linux-x64] [portable]     (default: arm64, x64-aot, portable)
#
#   linux-arm64     64-bit Pi OS: self-contained, trimmed, single file; no .NET needed on the Pi; .deb for arm64
#   linux-x64-aot   x64 boxes: Native AOT, smallest and fastest to start; needs clang or gcc and zlib (zlib1g-dev)
#                   here (the machine that publishes), nothing on the target; .deb for amd64
#   linux-x64       x64 like linux-arm64 (self-contained, trimmed, single file), without a C toolchain; .deb for amd64
#                   (the same file name as linux-x64-aot's: publish one of the two)
#   portable        32-bit Pi OS (armv7): framework-dependent fleet-agent.dll for a Pi with .NET 10 installed
#                   (32-bit linux-arm runtime packs are not on our feed, so no self-contained 32-bit build and no
#                   armhf .deb: on armhf use install.sh)
#
# FLEET_ARTIFACTS moves the output (default: artifacts/agent in the repository). The .deb needs dpkg-deb (Debian's
# dpkg); without it publish.sh says so and makes the directories only. Its version is the project's <Version>.
set -Eeuo pipefail
trap 'printf "publish.sh: error: command failed (line %s): %s\n" "$LINENO" "$BASH_COMMAND" >&2' ERR

here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
repo=$(CDPATH='' cd -- "$here/../.." && pwd)
project=$repo/src/Fleet.Agent/Fleet.Agent.csproj
artifacts=${FLEET_ARTIFACTS:-$repo/artifacts/agent}

die() { printf 'publish.sh: error: %s\n' "$*" >&2; exit 1; }

publish() {
    local flavour=$1; shift
    local out=$artifacts/$flavour
    printf '\n== %s -> %s\n' "$flavour" "$out"
    # A clean directory: install.sh copies everything it finds there.
    rm -rf "$out"
    dotnet publish "$project" -c Release -o "$out" -p:DebugType=none "$@"
    cp "$here/install.sh" "$here/layout.sh" "$here/fleet-agent.service" "$here/agent.example.json" "$here/README.md" "$out/"
    ls -l "$out"
}

# publish_deb FLAVOUR ARCH: packages a native flavour published just before.
publish_deb() {
    if ! command -v dpkg-deb >/dev/null 2>&1; then
        printf 'publish.sh: warning: no .deb for %s: dpkg-deb not found (Debian: apt-get install -y dpkg)\n' "$1" >&2
        return
    fi
    if [ -z "${version:-}" ]; then
        version=$(dotnet msbuild "$project" -getProperty:Version)
    fi
    printf '\n== %s -> ' "$2"
    "$here/build-deb.sh" "$artifacts/$1" "$2" "$version" "$artifacts"
}

command -v dotnet >/dev/null 2>&1 || die "the .NET 10 SDK is needed (dotnet not on PATH)"
flavours=("$@")
[ ${#flavours[@]} -gt 0 ] || flavours=(linux-arm64 linux-x64-aot portable)

for flavour in "${flavours[@]}"; do
    case $flavour in
        linux-arm64)
            publish linux-arm64 -r linux-arm64 --self-contained -p:PublishTrimmed=true -p:PublishSingleFile=true
            publish_deb linux-arm64 arm64
            ;;
        linux-x64)
            publish linux-x64 -r linux-x64 --self-contained -p:PublishTrimmed=true -p:PublishSingleFile=true
            publish_deb linux-x64 amd64
            ;;
        linux-x64-aot)
            command -v clang >/dev/null 2>&1 || command -v gcc >/dev/null 2>&1 \
                || die "Native AOT links with clang or gcc: apt-get install -y clang zlib1g-dev"
            publish linux-x64-aot -r linux-x64 -p:PublishAot=true
            publish_deb linux-x64-aot amd64
            ;;
        portable)
            publish portable -p:UseAppHost=false
            ;;
        *)
            die "unknown flavour '$flavour' (linux-arm64, linux-x64-aot, linux-x64 or portable)"
            ;;
    esac
done

printf '\nOn a Pi: sudo apt install ./fleet-agent_<version>_arm64.deb, or copy %s/<flavour>/ and run sudo ./install.sh\n(see README.md there).\n' "$artifacts"
