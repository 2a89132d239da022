#!/bin/sh
# The site as a host serves it: the demo archive (a clone of this tree) is
# built, published with the rsync commands of README.md "Publish the site"
# as written (but for the destination) into the root of Debian's nginx,
# which runs unprivileged on 127.0.0.1 with docs/examples/nginx-archive.conf
# included as shipped.  curl checks the headers that arrive (those of the
# site's _headers file, the cache of each kind of file, the 404 page);
# tests/browser/nginx.mjs loads pages, a search and a status lookup in
# Chromium through it.  Then a report is removed and a page edited at the
# same size on the same day, and the rsync commands must bring nginx's
# root to the new site exactly.  The README's git recipe is run too,
# against a local bare repository.
# Run by tests/run.sh as: env NMGEN=/abs/nearmiss-gen TOP=/abs/top sh ...
set -eu

# shellcheck source=tests/lib.sh
. "$TOP/tests/lib.sh"
. "$TOP/tests/genlib.sh"

tmp=$(mktemp -d)
ngx=
cleanup() {
	if [ -n "$ngx" ]; then
		kill "$ngx" 2>/dev/null || true
		wait "$ngx" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM
export TZ=UTC LC_ALL=C
export HOME="$tmp" GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null

conf=$TOP/docs/examples/nginx-archive.conf
repo=$tmp/repo
# shellcheck disable=SC2034 # genlib.sh's gen() reads it
theme=$TOP/themes/default
site=$tmp/site
www=$tmp/www
# nginx's workers run as nobody when the test runs as root: they must get
# through $tmp to the root.
chmod 711 "$tmp"

# bail MESSAGE: one failed check that stops the suite.
bail() {
	fail "$*"
	finish nginx
	exit 1
}

for c in nginx rsync curl git; do
	command -v "$c" >/dev/null 2>&1 ||
	    bail "$c not found (make deps installs it)"
done

# block FIRST-WORD: the commands of README.md "Publish the site" whose
# block starts with FIRST-WORD, unindented.
block() {
	awk -v w="$1" '/^## Publish the site$/ { f = 1; next } /^## / { f = 0 }
	    f && /^    / && !b && $1 == w { b = 1 }
	    b && !/^    / { b = 0; exit }
	    b { sub(/^    /, ""); print }' "$TOP/README.md"
}

# publish: the README's rsync commands, from $tmp into $www.
publish() {
	(cd "$tmp" && sh -eu "$tmp/rsync.sh") >"$tmp/rsync.out" 2>&1
}

# hdr URL NAME: the value of header NAME of a GET of URL ("" if absent).
hdr() {
	curl -s -o /dev/null -D - "$1" | tr -d '\r' |
	    awk -v n="$2" 'BEGIN { n = tolower(n) }
	    { i = index($0, ":") }
	    i && tolower(substr($0, 1, i - 1)) == n {
		    v = substr($0, i + 1); sub(/^ +/, "", v); print v; exit }'
}

# code URL: the HTTP status of a GET of URL.
code() {
	curl -s -o /dev/null -w '%{http_code}' "$1"
}

# same_tree A B: A and B hold the same files, bytes and times, but for
# gen's state file.
same_tree() {
	diff -r -x .nearmiss-state "$1" "$2" >"$tmp/diff" 2>&1 &&
	    (cd "$1" && find . -type f ! -name .nearmiss-state \
	    -exec stat -c '%Y %n' {} + | sort) >"$tmp/t1" &&
	    (cd "$2" && find . -type f -exec stat -c '%Y %n' {} + | sort) \
	    >"$tmp/t2" && cmp -s "$tmp/t1" "$tmp/t2"
}

# --- the site and its _headers ----------------------------------------------

git clone -q "$TOP" "$repo"
gen -o "$site"
check_rc "the demo archive builds" 0
check "_headers is written" [ -s "$site/_headers" ]
# The headers of "/*" in _headers, "Name: value" one a line.
awk '/^[^ #]/ { on = $0 == "/*"; next } on && /^  [^ #]/ {
    sub(/^  /, ""); print }' "$site/_headers" >"$tmp/want"
check "_headers: a CSP with frame-ancestors for /*" \
    grep -q "^Content-Security-Policy: .*frame-ancestors 'none'" "$tmp/want"
check "_headers: nosniff for /*" \
    grep -qx 'X-Content-Type-Options: nosniff' "$tmp/want"
check "_headers: no referrer for /*" \
    grep -qx 'Referrer-Policy: no-referrer' "$tmp/want"
# The same ones, always, in the nginx snippet.
while IFS= read -r l; do
	n=${l%%: *}
	v=${l#*: }
	check "nginx-archive.conf sends $n as _headers does" \
	    grep -qxF -e "add_header $n \"$v\" always;" \
	    -e "add_header $n $v always;" "$conf"
done <"$tmp/want"

# --- README: rsync into nginx's root -----------------------------------------

block rsync >"$tmp/rsync.readme"
check "README: the rsync recipe has two commands" \
    [ "$(grep -c '^rsync ' "$tmp/rsync.readme")" -eq 2 ]
sed "s|web:/var/www/nearmiss/|$www/|g" "$tmp/rsync.readme" >"$tmp/rsync.sh"
check "README: the rsync recipe uploads to web:/var/www/nearmiss/" \
    [ "$(grep -c "$www/" "$tmp/rsync.sh")" -eq 2 ]
# $www does not exist yet: a new server.
if publish; then ok; else fail "README: rsync: $(cat "$tmp/rsync.out")"; fi
check "rsync: the server has the site, with its times" same_tree "$site" "$www"
check "rsync: gen's state file stays here" [ ! -e "$www/.nearmiss-state" ]

# --- nginx --------------------------------------------------------------------

mkdir "$tmp/ngx"
port=
for _ in 1 2 3 4 5; do
	p=$(($(od -An -N2 -tu2 /dev/urandom) % 40000 + 20000))
	cat >"$tmp/ngx/nginx.conf" <<EOF
worker_processes 1;
pid $tmp/ngx/nginx.pid;
error_log $tmp/ngx/error.log;
events {
	worker_connections 64;
}
http {
	include /etc/nginx/mime.types;
	default_type application/octet-stream;
	client_body_temp_path $tmp/ngx/body;
	proxy_temp_path $tmp/ngx/proxy;
	fastcgi_temp_path $tmp/ngx/fastcgi;
	uwsgi_temp_path $tmp/ngx/uwsgi;
	scgi_temp_path $tmp/ngx/scgi;
	server {
		listen 127.0.0.1:$p;
		root $www;
		include $conf;
	}
}
EOF
	nginx -p "$tmp/ngx" -c "$tmp/ngx/nginx.conf" -e "$tmp/ngx/error.log" \
	    -g 'daemon off;' 2>>"$tmp/ngx/start.log" &
	ngx=$!
	i=0
	while [ "$i" -le 50 ] && kill -0 "$ngx" 2>/dev/null; do
		if [ "$(code "http://127.0.0.1:$p/")" = 200 ]; then
			port=$p
			break
		fi
		i=$((i + 1))
		sleep 0.1
	done
	[ -n "$port" ] && break
	kill "$ngx" 2>/dev/null || true
	wait "$ngx" 2>/dev/null || true
	ngx=
done
[ -n "$port" ] || bail "nginx did not start: $(cat "$tmp/ngx/start.log" \
    "$tmp/ngx/error.log" 2>/dev/null | tail -n 3)"
B=http://127.0.0.1:$port

# --- the headers that arrive ------------------------------------------------

rep=$(cd "$site/reports" && ls -d ./*[0-9]* | sed 's|^\./||' | head -n 1)
chunk=$(cd "$site/search/x" && ls | head -n 1)
mchunk=$(cd "$site/search/m" && ls | head -n 1)
for u in / "/reports/$rep/" /search/ /status/ /search/index.json \
    "/search/x/$chunk" "/search/m/$mchunk" /status/index.json /style.css \
    /search.js /atom.xml /no-such-page/; do
	curl -s -o /dev/null -D - "$B$u" | tr -d '\r' >"$tmp/h"
	miss=
	while IFS= read -r l; do
		grep -qixF "$l" "$tmp/h" || miss="$miss ${l%%:*}"
	done <"$tmp/want"
	check "$u: the headers of _headers arrive (missing:${miss:- none})" \
	    [ -z "$miss" ]
done
check "a page: cached for a few minutes" \
    [ "$(hdr "$B/reports/$rep/" Cache-Control)" = "public, max-age=300" ]
check "a page: text/html in UTF-8" \
    [ "$(hdr "$B/" Content-Type)" = "text/html; charset=utf-8" ]
check "a page: no ETag (gen's times are days)" \
    [ -z "$(hdr "$B/" ETag)" ]
check "a page: If-Modified-Since gets the page again" [ "$(curl -s -o \
    /dev/null -w '%{http_code}' -H "If-Modified-Since: $(hdr "$B/" \
    Last-Modified)" "$B/")" = 200 ]
want=$(awk '$1 == "/search/x/*" { getline; sub(/^  Cache-Control: /, "");
    print; exit }' "$site/_headers")
check "a search chunk: immutable, as _headers says" \
    [ "$(hdr "$B/search/x/$chunk" Cache-Control)" = "$want" ]
check "a search month chunk: immutable" \
    [ "$(hdr "$B/search/m/$mchunk" Cache-Control)" = "$want" ]
check "search/index.json: revalidated on each use" \
    [ "$(hdr "$B/search/index.json" Cache-Control)" = no-cache ]
check "search/index.json: application/json in UTF-8" \
    [ "$(hdr "$B/search/index.json" Content-Type)" = \
    "application/json; charset=utf-8" ]
check "status/index.json: revalidated on each use" \
    [ "$(hdr "$B/status/index.json" Cache-Control)" = no-cache ]
check "JSON is sent gzipped to who asks" [ "$(curl -s -o /dev/null -D - \
    -H 'Accept-Encoding: gzip' "$B/search/index.json" | tr -d '\r' |
    grep -i '^Content-Encoding:')" = "Content-Encoding: gzip" ]
check "a missing page: status 404" [ "$(code "$B/no-such-page/")" = 404 ]
check "a missing page: the site's 404 page" \
    sh -c 'curl -s "$1" | cmp -s - "$2"' sh "$B/no-such-page/" \
    "$site/404.html"
check "a folder without its slash: redirected to the path with it" \
    [ "$(hdr "$B/reports/$rep" Location)" = "/reports/$rep/" ]
cp "$site/.nearmiss-state" "$www/.nearmiss-state"
check "a dot file is not served" [ "$(code "$B/.nearmiss-state")" = 404 ]
rm "$www/.nearmiss-state"
check "_headers is not served" [ "$(code "$B/_headers")" = 404 ]

# --- in the browser -----------------------------------------------------------

bdir=$TOP/tests/browser
chromium=${CHROMIUM:-/usr/bin/chromium}
if ! command -v node >/dev/null 2>&1 || [ ! -x "$chromium" ] ||
    [ ! -f "$bdir/node_modules/playwright-core/package.json" ]; then
	fail "browser: node, $chromium or playwright-core missing (make deps)"
else
	mkdir "$tmp/t"
	rc=0
	TMPDIR=$tmp/t BASE_URL="$B/" SITE="$www" RESULT="$tmp/result" \
	    CHROMIUM="$chromium" timeout 120 node "$bdir/nginx.mjs" || rc=$?
	bp=$(awk '{ print $2 }' "$tmp/result" 2>/dev/null || echo 0)
	bf=$(awk '{ print $4 }' "$tmp/result" 2>/dev/null || echo 1)
	PASS=$((PASS + ${bp:-0}))
	FAIL=$((FAIL + ${bf:-1}))
	[ "$rc" -eq 0 ] || [ "${bf:-1}" -ne 0 ] ||
	    fail "browser: nginx.mjs exited $rc"
fi

# --- README: a Pages branch in git ------------------------------------------

block git >"$tmp/git.sh"
check "README: the git recipe pushes a branch pages" \
    grep -q 'push .*HEAD:refs/heads/pages' "$tmp/git.sh"
git init -q --bare "$tmp/remote.git"
# pages: runs the recipe with origin set to the local bare repository.
pages() {
	(cd "$tmp" && GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=remote.origin.url \
	    GIT_CONFIG_VALUE_0="$tmp/remote.git" sh -eu "$tmp/git.sh") \
	    >"$tmp/git.out" 2>&1
}
# tree_is: the branch pages holds the files of the site but the state.
tree_is() {
	git --git-dir="$tmp/remote.git" ls-tree -r --name-only pages |
	    sort >"$tmp/tree"
	(cd "$site" && find . -type f ! -name .nearmiss-state |
	    sed 's|^\./||' | sort) >"$tmp/files"
	cmp -s "$tmp/tree" "$tmp/files"
}
if pages; then ok; else fail "README: git: $(cat "$tmp/git.out")"; fi
check "git: the branch pages holds the site, _headers and no state" tree_is

# --- a second build, published over the first ------------------------------

old=$(cd "$www/search/x" && ls | sort)
git -C "$repo" rm -q "content/reports/${rep%%-*}/$rep.md"
# A page edited without a change of size: rsync's usual check, size and
# time, would miss it (gen gives both builds today's date).
sed 's/e/E/' "$repo/content/pages/about.md" >"$tmp/about"
cat "$tmp/about" >"$repo/content/pages/about.md"
git -C "$repo" -c user.name=t -c user.email=t@example.invalid \
    commit -q -am "Remove $rep; edit about"
cp "$site/about/index.html" "$tmp/about.before"
gen -o "$site"
check_rc "the second build" 0
check "the second build: about/ changed at the same size" \
    [ "$(wc -c <"$site/about/index.html")" -eq \
    "$(wc -c <"$tmp/about.before")" ]
check_not "the second build: about/ changed" \
    cmp -s "$site/about/index.html" "$tmp/about.before"
new=$(cd "$site/search/x" && ls | sort)
check "the second build: new search chunks" [ "$old" != "$new" ]
if publish; then ok; else fail "README: rsync again: $(cat "$tmp/rsync.out")"; fi
check "rsync again: the server has the new site, with its times" \
    same_tree "$site" "$www"
check "rsync again: nginx serves the edited page" \
    sh -c 'curl -s "$1" | cmp -s - "$2"' sh "$B/about/" \
    "$site/about/index.html"
check "rsync again: the removed report is gone" \
    [ "$(code "$B/reports/$rep/")" = 404 ]
gone=$(printf '%s\n' "$old" | grep -vxF "$new" | head -n 1)
check "rsync again: an old chunk is gone" \
    [ "$(code "$B/search/x/${gone:-x}")" = 404 ]
check "rsync again: some chunk was replaced" [ -n "$gone" ]
if pages; then ok; else fail "README: git again: $(cat "$tmp/git.out")"; fi
check "git again: the branch pages holds the new site" tree_is
check "git again: two commits" [ "$(git --git-dir="$tmp/remote.git" \
    rev-list --count pages)" -eq 2 ]

finish nginx
