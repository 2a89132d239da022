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
