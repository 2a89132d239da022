#!/bin/sh
# The README's rclone recipe ("Publish the site": an S3-compatible bucket),
# run as written against a real S3 server on 127.0.0.1: s3rver (npm, in
# tests/browser), with the bucket archive set up as a static website.  The
# demo archive is built and published into an empty bucket that holds only
# a dot file of its own; then a report is removed and a page edited at the
# same size, and the site published again.  After each command of the
# recipe the bucket must keep its order: no page or index before the new
# chunks, no old chunk deleted before the last command.  After each
# publish the bucket holds the site exactly (no gen state, no _headers),
# and curl reads every file back from the server with its Cache-Control.
# s3rver 3.7.1 leaves out of a per-folder listing a folder that holds
# only folders; the recipe's --fast-list lists without folders.
# Skipped, not failed, when rclone or s3rver is not installed (make deps).
# Run by tests/run.sh as: env NMGEN=/abs/nearmiss-gen TOP=/abs/top sh ...
set -eu

# shellcheck source=tests/lib.sh
. "$TOP/tests/lib.sh"
. "$TOP/tests/genlib.sh"

s3rver=$TOP/tests/browser/node_modules/s3rver/bin/s3rver.js
if ! command -v rclone >/dev/null 2>&1; then
	echo "rclone: rclone not found (Debian package rclone), skipped"
	finish rclone
	exit 0
fi
if ! command -v node >/dev/null 2>&1 || [ ! -f "$s3rver" ]; then
	echo "rclone: node or s3rver missing (npm ci --prefix tests/browser)," \
	    "skipped"
	finish rclone
	exit 0
fi

tmp=$(mktemp -d)
srv=
cleanup() {
	if [ -n "$srv" ]; then
		kill "$srv" 2>/dev/null || true
		wait "$srv" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM
export TZ=UTC LC_ALL=C
export HOME="$tmp" GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null

# rclone reads the AWS SDK's variables (AWS_CA_BUNDLE makes rclone 1.60
# fail on a plain http endpoint) and its own RCLONE_*: none of the caller's
# may reach it.  The remote s3 of the README is the loopback server, with
# s3rver's fixed test keys.
for v in $(env | sed -n -e 's/^\(AWS_[A-Za-z0-9_]*\)=.*/\1/p' \
    -e 's/^\(RCLONE_[A-Za-z0-9_]*\)=.*/\1/p'); do
	unset "$v"
done
: >"$tmp/rclone.conf"
export RCLONE_CONFIG="$tmp/rclone.conf" RCLONE_CONFIG_S3_TYPE=s3 \
    RCLONE_CONFIG_S3_PROVIDER=Other RCLONE_CONFIG_S3_ACCESS_KEY_ID=S3RVER \
    RCLONE_CONFIG_S3_SECRET_ACCESS_KEY=S3RVER

repo=$tmp/repo
# shellcheck disable=SC2034 # genlib.sh's gen() reads it
theme=$TOP/themes/default
site=$tmp/site

# bail MESSAGE: one failed check that stops the suite.
bail() {
	fail "$*"
	finish rclone
	exit 1
}

command -v curl >/dev/null 2>&1 || bail "curl not found (make deps installs it)"

# block FIRST-WORD: the commands of README.md "Publish the site" whose
# block starts with FIRST-WORD, unindented.
block() {
	awk -v w="$1" '/^## Publish the site$/ { f = 1; next } /^## / { f = 0 }
	    f && /^    / && !b && $1 == w { b = 1 }
	    b && !/^    / { b = 0; exit }
	    b { sub(/^    /, ""); print }' "$TOP/README.md"
}

# code PATH: the HTTP status of a GET of PATH in the bucket's website.
code() {
	curl -s -o /dev/null -w '%{http_code}' "$B/archive/$1"
}

# site_list: "path;md5" of each file of the site that belongs in the
# bucket: all but gen's state file and _headers, which no bucket reads.
# Sorted as bucket_list() sorts, whole lines ("a.csv;" after "a.csv-x").
site_list() {
	(cd "$site" && find . -type f ! -name .nearmiss-state ! -name _headers |
	    sed 's|^\./||' | while IFS= read -r f; do
		printf '%s;%s\n' "$f" "$(md5sum <"$f" | cut -d' ' -f1)"
	done | sort)
}

# bucket_list: "path;md5" of each object of the bucket, as the server
# lists it, but for the bucket's own dot files.
bucket_list() {
	rclone lsf -R --files-only --format ph --separator ';' s3:archive |
	    grep -v '^\.' | sort
}

# chunks / others: the lines of a list on stdin for the search index's
# chunks, and all the other ones.
chunks() {
	grep '^search/[xm]/' || true
}
others() {
	grep -v '^search/[xm]/' || true
}

# contains BIG SMALL: every line of file SMALL is in file BIG.
contains() {
	[ -z "$(comm -13 "$1" "$2")" ]
}

# publish LABEL: runs the recipe's commands one by one, from the folder
# that holds site/.  After each, the bucket must have every new chunk as
# soon as anything else has changed, and every old chunk until the last
# command has run.  Then the bucket must hold the site exactly.
publish() {
	site_list >"$tmp/want"
	chunks <"$tmp/want" >"$tmp/want.chunks"
	bucket_list >"$tmp/before"
	chunks <"$tmp/before" >"$tmp/old.chunks"
	others <"$tmp/before" >"$tmp/before.others"
	early=
	lost=
	i=1
	while [ "$i" -le "$ncmd" ]; do
		if ! (cd "$tmp" && sh -eu "$tmp/cmd.$i") >"$tmp/out" 2>&1
		then
			fail "$1: README command $i: $(tail -n 3 "$tmp/out" |
			    tr '\n' '|')"
		fi
		bucket_list >"$tmp/now"
		others <"$tmp/now" >"$tmp/now.others"
		if ! cmp -s "$tmp/now.others" "$tmp/before.others" &&
		    ! contains "$tmp/now" "$tmp/want.chunks"; then
			early="$early $i"
		fi
		if [ "$i" -lt "$ncmd" ] &&
		    ! contains "$tmp/now" "$tmp/old.chunks"; then
			lost="$lost $i"
		fi
		i=$((i + 1))
	done
	m="the new chunks are up before any other file changes"
	check "$1: $m (broken after command:${early:- none})" [ -z "$early" ]
	m="no old chunk is deleted before the last command"
	check "$1: $m (deleted after command:${lost:- none})" [ -z "$lost" ]
	if [ -s "$tmp/want" ] && cmp -s "$tmp/now" "$tmp/want"; then
		ok
	else
		fail "$1: the bucket holds the site ($(diff "$tmp/want" \
		    "$tmp/now" | grep '^[<>]' | head -n 4 | tr '\n' '|'))"
	fi
	check "$1: the bucket's own dot file is left alone" \
	    [ "$(rclone cat s3:archive/.well-known/security.txt)" = "$dot" ]
}

# served LABEL: curl gets every file of the site from the server as it
# was built, with the Cache-Control of its kind: immutable for the chunks
# (as _headers has it), no-cache for the JSON that the scripts fetch first
# (as nginx-archive.conf has it), a few minutes for every other file.
served() {
	bad=
	badcc=
	while IFS=';' read -r f _; do
		case $f in
		search/x/* | search/m/*)
			want=$immutable ;;
		search/index.json | status/*.json)
			want=no-cache ;;
		*)
			want="public, max-age=300" ;;
		esac
		curl -s -D "$tmp/h" -o "$tmp/body" "$B/archive/$f" || true
		cmp -s "$tmp/body" "$site/$f" || bad="$bad $f"
		cc=$(tr -d '\r' <"$tmp/h" |
		    sed -n 's/^[Cc]ache-[Cc]ontrol: //p')
		[ "$cc" = "$want" ] || badcc="$badcc $f($cc)"
	done <"$tmp/want"
	check "$1: every file of the site is served as built (not:$(echo \
	    "${bad:- none}" | cut -c1-200))" [ -z "$bad" ]
	check "$1: each file has the Cache-Control of its kind (not:$(echo \
	    "${badcc:- none}" | cut -c1-300))" [ -z "$badcc" ]
	check "$1: _headers is not in the bucket" [ "$(code _headers)" = 404 ]
	check "$1: gen's state file is not in the bucket" \
	    [ "$(code .nearmiss-state)" = 404 ]
}

# --- the recipe ---------------------------------------------------------------

block rclone >"$tmp/rclone.readme"
awk -v d="$tmp" '!/^ / { n++ } { print > (d "/cmd." n) }
    END { print n + 0 > (d "/ncmd") }' "$tmp/rclone.readme"
ncmd=$(cat "$tmp/ncmd")
check "README: the rclone recipe has commands ($ncmd)" [ "$ncmd" -ge 3 ]
bad=
i=1
while [ "$i" -le "$ncmd" ]; do
	{ [ "$(awk 'NR == 1 { print $1 }' "$tmp/cmd.$i")" = rclone ] &&
	    grep -q ' s3:archive' "$tmp/cmd.$i"; } || bad="$bad $i"
	i=$((i + 1))
done
check "README: each command is an rclone to s3:archive (not:${bad:- none})" \
    [ -z "$bad" ]
check "README: the first command uploads the chunks, immutable" \
    grep -q "Cache-Control: public, max-age=31536000, immutable" "$tmp/cmd.1"

# --- the site ---------------------------------------------------------------

git clone -q "$TOP" "$repo"
gen -o "$site"
check_rc "the demo archive builds" 0
immutable=$(awk '$1 == "/search/x/*" { getline; sub(/^  Cache-Control: /, "");
    print; exit }' "$site/_headers")
check "_headers: the chunks are immutable" \
    [ "$immutable" = "public, max-age=31536000, immutable" ]

# --- s3rver -------------------------------------------------------------------

cat >"$tmp/website.xml" <<'EOF'
<WebsiteConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <IndexDocument><Suffix>index.html</Suffix></IndexDocument>
  <ErrorDocument><Key>404.html</Key></ErrorDocument>
</WebsiteConfiguration>
EOF
mkdir "$tmp/s3"
: >"$tmp/s3.log"
# Port 0: the server picks a free one and prints it.
node "$s3rver" -d "$tmp/s3" -a 127.0.0.1 -p 0 -s \
    --configure-bucket archive "$tmp/website.xml" >"$tmp/s3.log" 2>&1 &
srv=$!
port=
i=0
while [ "$i" -le 100 ] && kill -0 "$srv" 2>/dev/null; do
	port=$(sed -n 's/^S3rver listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' \
	    "$tmp/s3.log")
	[ -n "$port" ] && break
	i=$((i + 1))
	sleep 0.1
done
[ -n "$port" ] || bail "s3rver did not start: $(tail -n 3 "$tmp/s3.log")"
B=http://127.0.0.1:$port
export RCLONE_CONFIG_S3_ENDPOINT="$B"

# A file of the bucket's own, beside the site, as a host's .well-known/.
dot="Contact: mailto:security@example.invalid"
printf '%s\n' "$dot" | rclone rcat s3:archive/.well-known/security.txt ||
    bail "rclone cannot write to s3rver"

# --- the first publish --------------------------------------------------------

publish "first publish"
served "first publish"
check "the website: the front page at /" sh -c \
    'curl -s "$1" | cmp -s - "$2"' sh "$B/archive/" "$site/index.html"
check "the website: a missing page gets 404" \
    [ "$(code no-such-page/)" = 404 ]
check "the website: a missing page gets the site's 404 page" sh -c \
    'curl -s "$1" | cmp -s - "$2"' sh "$B/archive/no-such-page/" \
    "$site/404.html"

# --- a second build, published over the first ------------------------------

rep=$(cd "$site/reports" && ls -d ./*[0-9]* | sed 's|^\./||' | head -n 1)
old=$(cd "$site/search/x" && ls | sort)
git -C "$repo" rm -q "content/reports/${rep%%-*}/$rep.md"
# A page edited without a change of size: only --checksum sees it (gen
# gives both builds today's date).
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
gone=$(printf '%s\n' "$old" | grep -vxF "$new" | head -n 1 || true)
check "the second build: some chunk was replaced" [ -n "$gone" ]

publish "second publish"
served "second publish"
check "second publish: the removed report is gone" \
    [ "$(code "reports/$rep/index.html")" = 404 ]
check "second publish: an old chunk is gone" \
    [ "$(code "search/x/${gone:-x}")" = 404 ]

finish rclone
