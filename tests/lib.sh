# Shared helpers for the shell test suites (sourced, not run).
# Each check calls ok or fail; finish prints "NAME: N passed, N failed".
PASS=0
FAIL=0

ok() {
	PASS=$((PASS + 1))
}

fail() {
	FAIL=$((FAIL + 1))
	echo "FAIL: $*" >&2
}

# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() {
	desc=$1
	shift
	if "$@"; then ok; else fail "$desc"; fi
}

# check_not DESCRIPTION COMMAND...: passes when the command fails.
check_not() {
	desc=$1
	shift
	if "$@"; then fail "$desc"; else ok; fi
}

finish() {
	echo "$1: $PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
}

# readme_section TITLE: the commands of README.md's section "## TITLE",
# its indented lines, unindented: what a reader types, for a test to run.
readme_section() {
	awk -v t="## $1" '$0 == t { f = 1; next } /^## / { f = 0 }
	    f && /^    / { sub(/^ +/, ""); print }' "$TOP/README.md"
}

# snapshot DIR: every path under DIR with its type and mode, and the
# checksum of each file.
snapshot() {
	(cd "$1" && find . -print | sort | while IFS= read -r f; do
		if [ -f "$f" ] && [ ! -L "$f" ]; then
			printf '%s %s %s\n' "$f" "$(ls -ld "$f" | cut -c1-10)" \
			    "$(cksum <"$f")"
		else
			printf '%s %s\n' "$f" "$(ls -ld "$f" | cut -c1-10)"
		fi
	done)
}

# man_literal PAGE ERE: the text of the first .Bd -literal block of the
# man page PAGE after its first line matching ERE, as the reader sees it
# ("\e" a backslash, "\&" nothing); fails if there is none, or on a macro
# or another escape in it, which a copy from the page would not hold.
man_literal() {
	awk -v re="$2" '
	function text(s,   out, c) {
		out = ""
		while ((i = index(s, "\\")) > 0) {
			out = out substr(s, 1, i - 1)
			c = substr(s, i + 1, 1)
			if (c == "e")
				out = out "\\"
			else if (c != "&")
				bad = 1
			s = substr(s, i + 2)
		}
		return out s
	}
	st == 0 && $0 ~ re { st = 1; next }
	st == 1 && /^\.Bd -literal/ { st = 2; next }
	st == 2 && /^\.Ed/ { st = 3; exit }
	st == 2 && /^[.\047]/ { bad = 1; exit }
	st == 2 { print text($0) }
	END { exit !(st == 3 && !bad) }' "$1"
}
