#!/bin/sh
# `make deps`: installs every Debian package the build, the tests and the
# benchmarks need.  Idempotent, and quick when everything is present.
set -eu

PKGS="build-essential pkg-config git ca-certificates
libgit2-dev libcmark-dev libyaml-dev libinih-dev libsodium-dev
libmicrohttpd-dev
mandoc curl time hugo libxml2-utils"

missing=
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
if [ -z "$missing" ]; then
	echo "deps: all Debian packages present"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing:$missing; run 'make deps' as root" >&2
	exit 1
fi
echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
