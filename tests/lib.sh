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
