#!/bin/sh
# `make deps`: installs every Debian package the build, the tests and the
# benchmarks need.  Idempotent, and quick when everything is present.
set -eu

PKGS="build-essential pkg-config git ca-certificates
libgit2-dev libcmark-dev libyaml-dev libinih-dev libsodium-dev
libmicrohttpd-dev libetpan-dev libstemmer-dev
dovecot-core dovecot-imapd openssl faketime
chromium nodejs
mandoc curl time hugo libxml2-utils wrk fiu-utils strace nginx rsync
debhelper lintian rclone openssh-server python3-jsonschema python3-yaml"

# browser_deps: the npm packages of tests/browser (playwright-core, and
# s3rver for tests/gen/rclone.sh), at the versions pinned in its
# package-lock.json (npm ci: no browser download; Debian's chromium).
browser_deps() {
	bdir=$(cd "$(dirname "$0")" && pwd)/browser
	if node -e 'const d = process.argv[1];
	    const lock = require(d + "/package-lock.json").packages;
	    for (const n of Object.keys(lock[""].dependencies || {}))
	        if (require(d + "/node_modules/" + n + "/package.json")
	            .version !== lock["node_modules/" + n].version)
	            process.exit(1);' "$bdir" 2>/dev/null; then
		echo "deps: npm packages present"
		return 0
	fi
	if ! command -v npm >/dev/null 2>&1; then
		echo "deps: npm not found (it comes with NodeSource's nodejs," \
		    "or Debian's npm package)" >&2
		exit 1
	fi
	echo "deps: npm ci --prefix tests/browser"
	npm ci --prefix "$bdir" --no-audit --no-fund
}

missing=
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
if [ -z "$missing" ]; then
	echo "deps: all Debian packages present"
	browser_deps
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
browser_deps
