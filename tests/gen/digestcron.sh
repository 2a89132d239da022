#!/bin/sh
# The crontab of nearmiss-gen(1)'s EXAMPLES that mails the weekly digest,
# taken from the man page as it is and read as cron(8) reads a crontab:
# one entry a line (a backslash continues nothing), NAME=value lines set
# the environment of the command, which /bin/sh runs in HOME with the
# PATH cron gives (/usr/bin:/bin) unless one of those lines sets it.  What
# is changed: /usr/sbin/sendmail, a fake that keeps its arguments and
# standard input; and the paths the admin chooses: the content repository
# (/srv/git/content.git, here the approved demo reports with a report of
# the week) and /usr/local/bin, where nearmiss-gen is installed (here a
# folder with a link to the program tested).  The mail
# must parse as MIME (Python's email), hold the report of the week, no
# remote reference, the headers of the command, and sendmail must get the
# arguments the man page shows.
# Run by tests/run.sh as: env NMGEN=/abs/nearmiss-gen TOP=/abs/top sh ...
set -eu

# shellcheck source=tests/lib.sh
. "$TOP/tests/lib.sh"
. "$TOP/tests/genlib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TZ=UTC LC_ALL=C
export HOME="$tmp" GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
umask 022

repo=$tmp/work
bare=$tmp/content.git
ID=2023-0002

# --- the crontab, from the man page -----------------------------------------

man_literal "$TOP/docs/nearmiss-gen.1" 'mail the weekly digest' \
    >"$tmp/crontab" || fail "nearmiss-gen.1: no literal block after the digest"

# Read as cron does: comments and blank lines skipped, NAME=value lines
# into env, each entry one line of five time fields and a command.
# Prints the environment lines, then "CMD <time fields>", then the command.
awk -v env="$tmp/env" -v cmd="$tmp/cmd" '
	/^[ \t]*(#|$)/ { next }
	/^[ \t]*[A-Za-z_][A-Za-z0-9_]*[ \t]*=/ {
		sub(/^[ \t]*/, ""); print >env; next
	}
	NF >= 6 && $1 ~ /^[0-9*]/ {
		n++
		when = $1 " " $2 " " $3 " " $4 " " $5
		c = $0
		for (i = 1; i <= 5; i++)
			sub(/^[ \t]*[^ \t]+/, "", c)
		sub(/^[ \t]*/, "", c)
		print c >cmd
		print when
		next
	}
	{ print "not a crontab line: " $0 >"/dev/stderr"; bad = 1 }
	END { exit bad || n != 1 }' "$tmp/crontab" >"$tmp/when" 2>"$tmp/err" ||
    fail "the man page's crontab is not one valid entry: $(cat "$tmp/err")"
touch "$tmp/env" "$tmp/cmd"
check "the entry runs on Mondays at 06:00" \
    test "$(cat "$tmp/when")" = "0 6 * * 1"
check "the entry pipes the digest to /usr/sbin/sendmail" \
    grep -q '^nearmiss-gen digest .*| /usr/sbin/sendmail ' "$tmp/cmd"
check "the entry reads /srv/git/content.git" \
    grep -q ' -r /srv/git/content\.git ' "$tmp/cmd"
# The arguments the page gives sendmail, each on a line.
sed -n 's#.* /usr/sbin/sendmail ##p' "$tmp/cmd" | tr ' ' '\n' |
    sed '/^$/d' >"$tmp/want.argv"
check "the page gives sendmail -t (recipients from the headers)" \
    grep -qx -- -t "$tmp/want.argv"

# --- what the admin has: content, nearmiss-gen, sendmail --------------------

# The demo reports, approved, with one published 2 days ago and pinned as
# the report of this week.
git init -q "$repo"
cp -R "$TOP/content/." "$repo/"
d2=$(date -u -d '2 days ago' +%F)
week=$(date -u +%G-W%V)
sed "s/^published: .*/published: $d2/" "$repo/reports/2023/$ID.md" \
    >"$tmp/x"
mv "$tmp/x" "$repo/reports/2023/$ID.md"
printf '\n[report_of_the_week]\n%s = %s\n' "$week" "$ID" >>"$repo/nearmiss.ini"
commit "the demo reports, one of this week"
git clone -q --bare "$repo" "$bare"
title=$(sed -n 's/^title: "\(.*\)"$/\1/p' "$repo/reports/2023/$ID.md")

mkdir -p "$tmp/local/bin" "$tmp/sbin" "$tmp/home"
ln -s "$NMGEN" "$tmp/local/bin/nearmiss-gen"
cat >"$tmp/sbin/sendmail" <<EOF
#!/bin/sh
for a; do printf '%s\n' "\$a"; done >"$tmp/argv"
cat >"$tmp/mail"
EOF
chmod 755 "$tmp/sbin/sendmail"

# --- cron runs it -------------------------------------------------------------

sub() {
	sed -e "s|/usr/sbin/sendmail|$tmp/sbin/sendmail|g" \
	    -e "s|/srv/git/content\.git|$bare|g" \
	    -e "s|/usr/local/bin|$tmp/local/bin|g" "$1"
}
sub "$tmp/cmd" >"$tmp/cmd.run"
set -- HOME="$tmp/home" LOGNAME=root SHELL=/bin/sh PATH=/usr/bin:/bin
while IFS= read -r line; do
	set -- "$@" "$(printf '%s\n' "$line" | sub /dev/stdin)"
done <"$tmp/env"
rc=0
(cd "$tmp/home" && env -i "$@" /bin/sh -c "$(cat "$tmp/cmd.run")") \
    >"$tmp/stderr" 2>&1 || rc=$?
check_rc "the cron command exits 0" 0
check "it prints nothing (cron would mail it): $(head -c 300 "$tmp/stderr")" \
    test ! -s "$tmp/stderr"
check "sendmail ran" test -f "$tmp/argv"
touch "$tmp/argv" "$tmp/mail"
check "sendmail got the man page's arguments" cmp -s "$tmp/want.argv" \
    "$tmp/argv"

# From and To as the command gives them.
from=$(sed -n "s/.* --from '\\([^']*\\)'.*/\\1/p" "$tmp/cmd")
to=$(sed -n 's/.* --to \([^ ]*\) .*/\1/p' "$tmp/cmd")
base=$(sed -n 's/^base_url *= *//p' "$repo/nearmiss.ini")
if python3 - "$tmp/mail" "$from" "$to" "$title" "$ID" "$base" <<'EOF'
import re
import sys
from email import policy
from email.parser import BytesParser

path, frm, to, title, rid, base = sys.argv[1:]
raw = open(path, "rb").read()
assert raw, "no mail"
m = BytesParser(policy=policy.default).parsebytes(raw)
assert not m.defects, m.defects
assert m.get_content_type() == "multipart/alternative"
assert m["MIME-Version"] == "1.0"
assert str(m["From"]) == frm, (str(m["From"]), frm)
assert str(m["To"]) == to, (str(m["To"]), to)
for h in ("Subject", "Date", "Message-ID"):
    assert m[h], h
kinds = [p.get_content_type() for p in m.iter_parts()]
assert kinds == ["text/plain", "text/html"], kinds
text = m.get_body(("plain",)).get_content()
html = m.get_body(("html",)).get_content()
# The report of the week heads the text (lines wrapped) and the HTML.
flat = " ".join(text.split())
week = flat.split("REPORT OF THE WEEK", 1)[1].split("NEW REPORTS", 1)[0]
assert title in week, "the report of the week's title: " + week[:200]
assert "Read it: " + base + "reports/" + rid + "/" in week
low = html.lower()
assert "report of the week" in low
assert title.lower() in " ".join(low.split())
for bad in ("src=", "url(", "<link", "<img", "@import", "<script",
            "<iframe", "<object", "<embed", "srcset", "background="):
    assert bad not in low, bad
for mt in re.finditer(r"(?i)(https?:|//)", html):
    before = html[:mt.start()]
    if mt.group(0) == "//" and before.endswith(("http:", "https:")):
        continue
    assert before.endswith('href="'), html[max(0, mt.start() - 20):mt.end()]
    assert html.startswith(base, mt.start()), html[mt.start():][:60]
EOF
then ok; else fail "the mail: MIME, headers, report of the week," \
    "no remote reference"; fi

finish digestcron
