#!/bin/sh
# The theme's static/ files in the site: copied as they are, but a .js
# file loses its comments that fill whole lines, all but the first (its
# licence), so that the search client is sent in fewer bytes.  A comment
# that shares a line with code, a line inside a comment opened on a line
# of code, and everything else stay byte for byte; the default theme's
# search.js still runs and is under 15 KB gzipped.
# Run by tests/run.sh as: env NMGEN=/abs/nearmiss-gen TOP=/abs/top sh ...
set -eu

# shellcheck source=tests/lib.sh
. "$TOP/tests/lib.sh"
. "$TOP/tests/genlib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TZ=UTC LC_ALL=C
export HOME="$tmp" GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null

fix=$TOP/tests/gen/fixtures
repo=$tmp/repo
out=$tmp/out
theme=$tmp/theme
cp -R "$TOP/themes/default" "$theme"

# A script with every kind of comment, and what the site must get.
cat >"$theme/static/t.js" <<'EOF'
/*
 * The licence.
 */

/* One line, gone. */
var a = 1;	/* after code: kept */
	/*
	 * Indented, over lines: gone.
	 */
var b = '/* in a string';
/* before code */ var c = 2;
var d = 3; /* opened on a line of code
/* a line inside it, kept */
   still inside */
var s = "*/";
/* gone again */   
var e = 4;
/* unclosed, kept
EOF
cat >"$tmp/want.js" <<'EOF'
/*
 * The licence.
 */

var a = 1;	/* after code: kept */
var b = '/* in a string';
/* before code */ var c = 2;
var d = 3; /* opened on a line of code
/* a line inside it, kept */
   still inside */
var s = "*/";
var e = 4;
/* unclosed, kept
EOF
printf '/* no newline at the end */' >"$theme/static/end.js"
printf '/* l */\n/**/\n/*/ closed on its line */\n/*' >"$theme/static/edge.js"
printf '/' >"$theme/static/slash.js"
: >"$theme/static/empty.js"
printf 'body { color: red; }\n/* not a script: kept */\n' \
    >"$theme/static/t.css"
mkdir "$theme/static/sub"
printf '/* first */\n/* second */\nx();\n' >"$theme/static/sub/u.js"

git init -q "$repo"
cp -R "$fix/content" "$repo/content"
commit "fixture content"
gen -o "$out"
check_rc "build: exit 0" 0

check "t.js: whole-line comments gone, the first and the rest kept" \
    cmp -s "$out/t.js" "$tmp/want.js"
check "a comment alone without a newline is kept (it is the first)" \
    cmp -s "$out/end.js" "$theme/static/end.js"
check "the shortest comments go, one left open stays" \
    [ "$(cat "$out/edge.js")" = "$(printf '/* l */\n/*')" ]
check "a lone slash: as it is" [ "$(cat "$out/slash.js")" = / ]
check "an empty file: empty" \
    sh -c '[ -f "$1" ] && [ ! -s "$1" ]' sh "$out/empty.js"
check "not a .js file: copied as it is" \
    cmp -s "$out/t.css" "$theme/static/t.css"
check "a .js file in a folder of static/ too" \
    [ "$(cat "$out/sub/u.js")" = "$(printf '/* first */\nx();')" ]

# The default theme's own scripts.
for f in search.js status.js; do
	check "$f: smaller than the theme's" \
	    [ "$(wc -c <"$out/$f")" -lt "$(wc -c <"$theme/static/$f")" ]
	check "$f: starts with its licence" \
	    [ "$(head -n 2 "$out/$f" | tail -n 1)" = \
	    " * Copyright (c) 2026 The nearmiss authors" ]
	# Only whole lines left out: every line sent is one of the theme's.
	check "$f: every line is one of the theme's, in order" \
	    awk 'NR == FNR { t[++n] = $0; next }
		{ while (i < n && t[++i] != $0) ; if (t[i] != $0) exit 1 }' \
	    "$theme/static/$f" "$out/$f"
	if command -v node >/dev/null 2>&1; then
		check "$f: still JavaScript (node --check)" \
		    node --check "$out/$f"
	fi
done
if command -v node >/dev/null 2>&1; then
	gz=$(node -e 'process.stdout.write(String(require("zlib").gzipSync(
	    require("fs").readFileSync(process.argv[1]), { level: 6 }).length))' \
	    "$out/search.js")
	check "search.js: at most 15,000 bytes gzipped (has $gz)" \
	    [ "$gz" -le 15000 ]
fi

finish static
