#!/usr/bin/env bash
# Publishes the agent under artifacts/agent/<flavour>/, each with install.sh, the unit, the example configuration and
# the README next to the binary, so that one directory copied to a Pi is everything `sudo ./install.sh` needs.
#
#   infra/agent/publish.sh [linux-arm64] [linux-x64-aot] [portable]     (default: all three)
#
#   linux-arm64     64-bit Pi OS: self-contained, trimmed, single file; no .NET needed on the Pi
#   linux-x64-aot   x64 boxes: Native AOT, smallest and fastest to start; needs clang or gcc and zlib (zlib1g-dev)
#                   here (the machine that publishes), nothing on the target
#   portable        32-bit Pi OS (armv7): framework-dependent fleet-agent.dll for a Pi with .NET 10 installed
#                   (32-bit linux-arm runtime packs are not on our feed, so no self-contained 32-bit build)
set -Eeuo pipefail
trap 'printf "publish.sh: error: command failed (line %s): %s\n" "$LINENO" "$BASH_COMMAND" >&2' ERR

here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
repo=$(CDPATH='' cd -- "$here/../.." && pwd)
project=$repo/src/Fleet.Agent/Fleet.Agent.csproj
artifacts=$repo/artifacts/agent

die() { printf 'publish.sh: error: %s\n' "$*" >&2; exit 1; }

publish() {
    local flavour=$1; shift
    local out=$artifacts/$flavour
    printf '\n== %s -> %s\n' "$flavour" "$out"
    # A clean directory: install.sh copies everything it finds there.
    rm -rf "$out"
    dotnet publish "$project" -c Release -o "$out" -p:DebugType=none "$@"
    cp "$here/install.sh" "$here/fleet-agent.service" "$here/agent.example.json" "$here/README.md" "$out/"
    ls -l "$out"
}

command -v dotnet >/dev/null 2>&1 || die "the .NET 10 SDK is needed (dotnet not on PATH)"
flavours=("$@")
[ ${#flavours[@]} -gt 0 ] || flavours=(linux-arm64 linux-x64-aot portable)

for flavour in "${flavours[@]}"; do
    case $flavour in
        linux-arm64)
            publish linux-arm64 -r linux-arm64 --self-contained -p:PublishTrimmed=true -p:PublishSingleFile=true
            ;;
        linux-x64-aot)
            command -v clang >/dev/null 2>&1 || command -v gcc >/dev/null 2>&1 \
                || die "Native AOT links with clang or gcc: apt-get install -y clang zlib1g-dev"
            publish linux-x64-aot -r linux-x64 -p:PublishAot=true
            ;;
        portable)
            publish portable -p:UseAppHost=false
            ;;
        *)
            die "unknown flavour '$flavour' (linux-arm64, linux-x64-aot or portable)"
            ;;
    esac
done

printf '\nCopy artifacts/agent/<flavour>/ to the Pi and run: sudo ./install.sh (see README.md there).\n'
