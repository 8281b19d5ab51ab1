#!/usr/bin/env bash
# Check and install what building, running or testing CommonGround needs on
# Debian/Ubuntu. Go and Node.js must be recent enough already (the
# distributions' own packages are too old); everything else comes from apt.
#
# Usage: scripts/deps.sh run|test
set -euo pipefail

mode=${1:-run}
log() { printf 'deps: %s\n' "$*" >&2; }
die() { printf 'deps: %s\n' "$*" >&2; exit 1; }

version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -1)" = "$2" ]; }

command -v go >/dev/null || die "Go is not installed: install Go 1.26 or newer from https://go.dev/dl/"
gov=$(go env GOVERSION | sed 's/^go//')
version_ge "$gov" 1.21 || die "Go $gov is too old: install Go 1.26 or newer (1.21+ fetches the right toolchain by itself)"

command -v node >/dev/null || die "Node.js is not installed: install Node.js 20.19+ or 22.12+ (e.g. from https://nodejs.org or NodeSource)"
nodev=$(node --version | sed 's/^v//')
if ! { version_ge "$nodev" 20.19.0 && ! version_ge "$nodev" 21.0.0; } && ! version_ge "$nodev" 22.12.0; then
	die "Node.js $nodev is too old for Vite 8: install 20.19+ or 22.12+"
fi
command -v npm >/dev/null || die "npm is not installed"

packages=()
if [ "$mode" = test ]; then
	[ -x /usr/bin/chromium ] || packages+=(chromium)
	command -v ogrinfo >/dev/null || packages+=(gdal-bin)
fi
if [ ${#packages[@]} -gt 0 ]; then
	SUDO=""
	[ "$(id -u)" = 0 ] || SUDO=sudo
	log "installing ${packages[*]}"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${packages[@]}" >/dev/null
fi
