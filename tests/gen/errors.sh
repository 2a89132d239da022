#!/bin/sh
# nearmiss-gen's summary of reports with errors ("N reports with errors
# left out", "N reports with errors; nothing was published") against the
# error lines before it: N is the number of distinct report files the
# lines name, in full and incremental builds, with and without
# --keep-going.  Cases: two files with one id, two invalid reports, a
# report copied as a template without a new id, and the three at once.
# Run by tests/run.sh as: env NMGEN=/abs/nearmiss-gen TOP=/abs/top sh errors.sh
set -eu

# shellcheck source=tests/lib.sh
. "$TOP/tests/lib.sh"
. "$TOP/tests/genlib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TZ=UTC LC_ALL=C
# Keep the user's and the system's git configuration out of the scratch repo.
export HOME="$tmp" GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null

theme=$TOP/themes/default
repo=$tmp/repo
reports=$repo/content/reports

git init -q "$repo"
cp -R "$TOP/tests/gen/fixtures/content" "$repo/content"
commit "fixture content"
git -C "$repo" tag base
gen -o "$tmp/good"
check_rc "the fixture builds" 0

# summary: the number in the last gen's summary line, or "none".
summary() {
	n=$(sed -nE 's/^nearmiss-gen: ([0-9]+) reports? with errors.*/\1/p' \
	    "$tmp/stderr")
	case $(printf '%s\n' "$n" | grep -c .) in
	1)	echo "$n" ;;
	*)	echo none ;;
	esac
}

# named: the distinct report files that the last gen's error lines start
# with (a line may name a second file in its text; that one is not
# counted from it).
named() {
	grep -oE '^content/reports/[^:]+\.md:' "$tmp/stderr" | sort -u |
	    grep -c . || true
}

# agree DESC WANT: the summary says WANT, and the error lines name WANT
# distinct reports.
agree() {
	s=$(summary)
	n=$(named)
	if [ "$s" = "$2" ] && [ "$n" = "$2" ]; then
		ok
	else
		fail "$1 (summary: $s, files named: $n, expected $2; stderr:" \
		    "$(tr '\n' '|' <"$tmp/stderr"))"
	fi
}

# errcase NAME WANT: commits the work tree, then builds it four ways (full
# and incremental from the good site, each with and without
# --keep-going) and checks each summary against its error lines.
errcase() {
	commit "$1"
	for mode in full incremental; do
		for kg in "" --keep-going; do
			rm -rf "$tmp/out" "$tmp/out.index" "$tmp/out.related" \
			    "$tmp/out.lessons"
			cp -R "$tmp/good" "$tmp/out"
			# The caches of the search index and of the related
			# reports, beside the site.
			cp "$tmp/good.index" "$tmp/out.index"
			cp "$tmp/good.related" "$tmp/out.related"
			cp "$tmp/good.lessons" "$tmp/out.lessons"
			if [ "$mode" = full ]; then
				gen -o "$tmp/out" --full $kg
			else
				gen -o "$tmp/out" $kg
			fi
			d="$1 ($mode${kg:+, $kg})"
			check_rc "$d: exit 1" 1
			agree "$d: the summary counts the reports named" "$2"
			if [ "$mode" = incremental ]; then
				check_not "$d: an incremental build" grep -qE \
				    "full build|rebuilding everything" \
				    "$tmp/stderr"
			fi
			[ -n "$kg" ] || continue
			rm -rf "$tmp/kg-$mode"
			mv "$tmp/out" "$tmp/kg-$mode"
		done
	done
	check_same "$1: --keep-going, incremental equals full" \
	    "$tmp/kg-incremental" "$tmp/kg-full"
	git -C "$repo" reset -q --hard base
	git -C "$repo" clean -qfd
}

# Two files with one id: each is named once, so two, not four.
mkdir -p "$reports/2024"
cp "$reports/2025/2025-0001.md" "$reports/2024/2025-0001.md"
errcase "two files with one id" 2
check "two files with one id: neither is published" \
    [ ! -e "$tmp/kg-full/reports/2025-0001" ]

# break_two: makes 2025-0001 (an incident type not in the taxonomy) and
# 2025-0004 (a publication date that is not a date) invalid.
break_two() {
	sed 's/^incident_type: .*/incident_type: robbery/' \
	    "$reports/2025/2025-0001.md" >"$tmp/r" &&
	    mv "$tmp/r" "$reports/2025/2025-0001.md"
	sed 's/^published: .*/published: 1 Feb 2025/' \
	    "$reports/2025/2025-0004.md" >"$tmp/r" &&
	    mv "$tmp/r" "$reports/2025/2025-0004.md"
}

# Two invalid reports, each with a message of its own.
break_two
errcase "two invalid reports" 2

# A report copied as a template, its id left as it was: only the copy is
# wrong (its id does not match its name); the report it was copied from
# stays published.
cp "$reports/2025/2025-0001.md" "$reports/2025/2025-0100.md"
errcase "a copy with the old id" 1
check "a copy with the old id: the original is still published" \
    [ -f "$tmp/kg-full/reports/2025-0001/index.html" ]
check_not "a copy with the old id: the original is not named" \
    grep -q '^content/reports/2025/2025-0001\.md' "$tmp/stderr"

# All three at once: 2 + 2 + 1, with the copy made from a report that is
# itself shared by two files.
mkdir -p "$reports/2024"
cp "$reports/2025/2025-0009.md" "$reports/2024/2025-0009.md"
cp "$reports/2025/2025-0009.md" "$reports/2025/2025-0100.md"
break_two
errcase "five reports with errors" 5

finish errors
