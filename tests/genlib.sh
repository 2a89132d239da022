# Helpers shared by the nearmiss-gen suites in tests/gen (sourced after
# tests/lib.sh).  The caller sets tmp (a scratch folder), repo (the scratch
# content repository), theme and NMGEN.

# The approvals tool (tests/gen/nm-sign.c), beside the programs' build.
NMSIGN=${NMSIGN:-$(dirname "$NMGEN")/../tests/nm-sign}

# sign DIR...: the two test reviewers (test1, test2) approve every report
# of each content folder DIR as it is on disk (nm-sign writes DIR/reviewers
# and DIR/approvals/), so that it passes the two-person rule.
sign() {
	for d in "$@"; do
		"$NMSIGN" "$d" || return 1
	done
}

# sign_all: sign() on every content folder (one with a nearmiss.ini) of
# the scratch repository's work tree.
sign_all() {
	find "$repo" -name .git -prune -o -name nearmiss.ini -type f -print |
	while read -r ini; do
		sign "$(dirname "$ini")" || return 1
	done
}

# commit MESSAGE: commits everything in the scratch repository, every
# report approved by the test reviewers first (use git itself to commit
# without approvals).
commit() {
	sign_all
	git -C "$repo" add -A
	git -C "$repo" -c user.name=t -c user.email=t@example.invalid \
	    commit -q --allow-empty -m "$1"
}

# gen ARGS...: runs nearmiss-gen on the scratch repository; sets rc and
# leaves what it printed in $tmp/stdout and $tmp/stderr.  fsync is off:
# only e2e.sh's gen_sync builds exercise it (it is slow and does
# not change a byte of the output).
gen() {
	rc=0
	"$NMGEN" -r "$repo" -t "$theme" --no-sync "$@" \
	    >"$tmp/stdout" 2>"$tmp/stderr" || rc=$?
}

# check_rc DESC WANT: the last gen exited with WANT.
check_rc() {
	if [ "$rc" -eq "$2" ]; then
		ok
	else
		fail "$1 (exit $rc, expected $2; stderr: $(head -n 3 \
		    "$tmp/stderr" | tr '\n' '|'))"
	fi
}

# check_same DESC DIR1 DIR2: the two trees are identical (diff -r).
check_same() {
	if diff -r "$2" "$3" >"$tmp/diff" 2>&1; then
		ok
	else
		fail "$1 ($(grep -c '' "$tmp/diff") lines of diff -r:" \
		    "$(grep -E '^(diff|Only|Binary)' "$tmp/diff" | head -n 6 |
		    sed "s|$tmp/||g" | tr '\n' '|'))"
	fi
}

# xml_ok FILE: well-formed XML.  xmllint comes from libxml2-utils; without
# it, a plain perl check stands in (balanced tags, quoted attributes, no
# stray "<" or "&", no character XML forbids).
xml_ok() {
	if command -v xmllint >/dev/null 2>&1; then
		xmllint --noout "$1" 2>"$tmp/xmllint"
		return
	fi
	echo "xmllint missing (libxml2-utils); perl check failed" >"$tmp/xmllint"
	perl -e '
		local $/;
		my $x = <STDIN>;
		my @st;
		exit 1 if $x =~ /[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]|\xed[\xa0-\xbf]/;
		$x =~ s/^<\?xml[^>]*\?>\s*//;
		pos($x) = 0;
		while (pos($x) < length($x)) {
			next if $x =~ /\G[^<&]+/gc;
			next if $x =~ /\G&(?:#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z]+);/gc;
			if ($x =~ /\G<\/([A-Za-z][\w:.-]*)\s*>/gc) {
				exit 1 if !@st || pop(@st) ne $1;
				next;
			}
			if ($x =~ /\G<([A-Za-z][\w:.-]*)(?:\s+[\w:.-]+\s*=\s*(?:"[^"<]*"|\x27[^\x27<]*\x27))*\s*(\/?)>/gc) {
				push @st, $1 if $2 ne "/";
				next;
			}
			exit 1;
		}
		exit(@st ? 1 : 0);' <"$1"
}

# no_staging OUTDIR: no staging folder beside it, no temporary file in it.
no_staging() {
	for d in "$1".tmp-*; do
		[ -e "$d" ] && return 1
	done
	[ -z "$(find "$1" -name '*.tmp-*' 2>/dev/null)" ]
}
