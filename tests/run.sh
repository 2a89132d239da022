#!/bin/sh
# Runs every test suite against each build folder given (build, build-san)
# and ends with one line "N passed, N failed" over all of them.
# Usage: sh tests/run.sh BUILD_DIR...
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
total_pass=0
total_fail=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
export TZ=UTC LC_ALL=C
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# run LABEL COMMAND...: runs one suite and adds up its closing line.
run() {
	label=$1
	shift
	t0=$(date +%s)
	"$@" >"$log" 2>&1
	rc=$?
	secs=$(($(date +%s) - t0))
	line=$(grep -E '^[A-Za-z0-9_./-]+: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
	if [ -z "$line" ]; then
		cat "$log"
		echo "$label: crashed or printed no result (exit $rc)"
		total_fail=$((total_fail + 1))
		return
	fi
	p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed/\1/')
	f=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed/\2/')
	if [ "$f" -ne 0 ] || [ "$rc" -ne 0 ]; then
		cat "$log"
		[ "$f" -eq 0 ] && f=1
	fi
	echo "[$label] $line ($secs s)"
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
}

for b in "$@"; do
	for t in "$b"/tests/test_*; do
		[ -x "$t" ] || continue
		run "$b" "$t"
	done
	run "$b" "$b/tests/golden" "$top/tests/gen/golden"
	for fz in "$b"/tests/fuzz_*; do
		[ -x "$fz" ] || continue
		name=${fz##*/fuzz_}
		run "$b" "$fz" "$top/tests/fuzz/corpus/$name"
	done
	for s in "$top"/tests/gen/*.sh; do
		run "$b" env NMGEN="$top/$b/bin/nearmiss-gen" TOP="$top" \
		    sh "$s"
	done
	for s in "$top"/tests/intake/*.sh; do
		[ -f "$s" ] || continue
		run "$b" env NMINTAKE="$top/$b/bin/nearmiss-intake" \
		    NMREVIEW="$top/$b/bin/nearmiss-review" TOP="$top" sh "$s"
	done
	for s in "$top"/tests/review/*.sh; do
		[ -f "$s" ] || continue
		run "$b" env NMREVIEW="$top/$b/bin/nearmiss-review" \
		    TOP="$top" sh "$s"
	done
done
# The browser suite runs once, against the first build's program.
if [ $# -gt 0 ]; then
	run browser env NMGEN="$top/$1/bin/nearmiss-gen" TOP="$top" \
	    sh "$top/tests/browser/run.sh"
fi
run docs env TOP="$top" sh "$top/tests/docs.sh"
# The Debian package: built, checked with lintian, installed, used and
# purged once, with the first build's gen to compare against.
if [ $# -gt 0 ]; then
	run deb env NMGEN="$top/$1/bin/nearmiss-gen" TOP="$top" \
	    sh "$top/tests/pkg/deb.sh"
fi
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
