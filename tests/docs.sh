#!/bin/sh
# Lints every man page with mandoc -Tlint: each page is one check.
# Warnings and errors count; style notes (such as references to pages
# not installed on this machine) do not.
set -eu
. "$TOP/tests/lib.sh"
for page in "$TOP"/docs/*.[1-8]; do
	out=$(mandoc -Tlint -Wwarning "$page" 2>&1 || true)
	if [ -z "$out" ]; then
		ok
	else
		fail "$page: $out"
	fi
done
finish docs
