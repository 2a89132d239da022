#!/bin/sh
# The report of the week: nearmiss.ini [report_of_the_week] pins on a
# scratch repository from tests/gen/fixtures/content, with publication
# dates relative to today.  The home page heads with the right pin; the
# roll-call view has the summary, questions and lessons; week/ lists the
# pins shown, newest first; week/atom.xml is Atom; a pin of an unpublished
# report is warned about; incremental builds equal full ones; and
# "nearmiss-gen digest" prints a MIME message Python's email module reads,
# with no remote reference in its HTML.
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
theme=$TOP/themes/default
R=$repo/content/reports
ini=$repo/content/nearmiss.ini
base=https://nm.example.test/archive/

# --- helpers --------------------------------------------------------------

# edit FILE SED-SCRIPT: edits a file in place (sed -i is not POSIX).
edit() {
	sed "$2" "$1" >"$tmp/edit"
	cat "$tmp/edit" >"$1"
}

# has FILE FIXED-STRING
has() {
	grep -Fq -- "$2" "$1"
}

# week_dir DATE: the roll-call folder of the ISO week of DATE.
week_dir() {
	date -u -d "$1" +%G-w%V
}

# step NAME: rebuilds $out in place, then a fresh --full build of the same
# commit; the two must be equal, and the in-place build must have
# rewritten exactly the files whose bytes changed.
step() {
	(cd "$out" && find . -type f -exec cksum {} +) >"$tmp/prev.sums"
	find "$out" -type f -exec touch -t 200001010000 {} +
	touch -t 200101010000 "$tmp/marker"
	gen -o "$out"
	cp "$tmp/stderr" "$tmp/step.stderr"
	check_rc "$1: exit 0" 0
	check "$1: incremental build" grep -q incremental "$tmp/step.stderr"
	(cd "$out" && find . -type f -newer "$tmp/marker" | sed 's|^\./||' |
	    sort) >"$tmp/rewritten"
	rm -rf "$tmp/fresh"
	gen --full -o "$tmp/fresh"
	check_rc "$1: fresh --full build exits 0" 0
	check_same "$1: equals a fresh --full build" "$out" "$tmp/fresh"
	(cd "$tmp/fresh" && find . -type f -exec cksum {} +) >"$tmp/fresh.sums"
	awk 'NR == FNR { old[$3] = $1 " " $2; next }
	    old[$3] != $1 " " $2 { sub(/^\.\//, "", $3); print $3 }' \
	    "$tmp/prev.sums" "$tmp/fresh.sums" | sort >"$tmp/changed"
	if cmp -s "$tmp/changed" "$tmp/rewritten"; then
		ok
	else
		fail "$1: rewrote [$(tr '\n' ' ' <"$tmp/rewritten")] but the" \
		    "changed files are [$(tr '\n' ' ' <"$tmp/changed")]"
	fi
}

# digest ARGS...: nearmiss-gen digest on the scratch repository; sets rc.
digest() {
	rc=0
	"$NMGEN" digest -r "$repo" "$@" >"$tmp/mail" 2>"$tmp/stderr" || rc=$?
}

# --- the content: two pins shown, one in the future, one unpublished -----

d30=$(date -u -d '30 days ago' +%F)
d2=$(date -u -d '2 days ago' +%F)
w30=$(week_dir "$d30")
w2=$(week_dir "$d2")
wfut=$(week_dir "$(date -u -d '21 days' +%F)")

git init -q "$repo"
cp -R "$fix/content" "$repo/content"
edit "$R/2025/2025-0004.md" "s/^published: .*/published: $d30/"
edit "$R/2025/2025-0009.md" "s/^published: .*/published: $d2/"
edit "$R/2025/2025-0009.md" '/^summary:/a\
discussion:\
  - "QUESTION-MARK-1 why was the plate not run?"\
  - "QUESTION-MARK-2 who checks <b>&amp; when?"\
  - QUESTION-MARK-3 what would you change?'
W30=$(echo "$w30" | tr w W)
W2=$(echo "$w2" | tr w W)
WFUT=$(echo "$wfut" | tr w W)
cat >>"$ini" <<EOF

[report_of_the_week]
$W2 = 2025-0009
$WFUT = 2024-0003
2000-W10 = 2099-0001
$W30 = 2025-0004
EOF
unpub_line=$(grep -n '^2000-W10' "$ini" | cut -d: -f1)
commit "pins"

gen -o "$out"
check_rc "build exits 0" 0
check "an unpublished pin is warned about at its line" grep -Eq \
    "nearmiss.ini:$unpub_line: \[report_of_the_week\]: 2000-W10: report 2099-0001 is not published" \
    "$tmp/stderr"

# --- the home page --------------------------------------------------------

sed -n '/class="week-home"/,/<\/section>/p' "$out/index.html" >"$tmp/home"
check "home: the report of the week heads the page" has "$tmp/home" \
    "SUMMARY-MARK-0009"
check "home: it comes before the latest reports" awk '
    /class="week-home"/ { w = NR } /id="latest-heading"/ { l = NR }
    END { exit !(w && l && w < l) }' "$out/index.html"
check "home: its questions" has "$tmp/home" "QUESTION-MARK-3"
check "home: questions escaped" has "$tmp/home" \
    "who checks &lt;b&gt;&amp;amp; when?"
check "home: link to the report" has "$tmp/home" 'href="reports/2025-0009/"'
check "home: link to the roll-call view" has "$tmp/home" \
    "href=\"week/$w2/\""
check_not "home: not the future pin" has "$tmp/home" "2024-0003"

# --- the roll-call view ---------------------------------------------------

p=$out/week/$w2/index.html
check "roll-call view of the current week" [ -f "$p" ]
check "roll-call: summary" has "$p" "SUMMARY-MARK-0009"
check "roll-call: questions" has "$p" "QUESTION-MARK-2"
check "roll-call: lessons" has "$p" "LESSON-MARK-0009"
check_not "roll-call: not the narrative" has "$p" "NARRATIVE-MARK-0009"
check "roll-call: link to the full report" has "$p" \
    'href="../../reports/2025-0009/"'
check "roll-call: past week too" has "$out/week/$w30/index.html" \
    "LESSON-MARK-0004"
check "no roll-call view of a future week" [ ! -e "$out/week/$wfut" ]
check "no roll-call view of an unpublished pin" [ ! -e "$out/week/2000-w10" ]
check "the print style sheet sizes the roll-call view" grep -q \
    '\.rollcall' "$theme/static/style.css"

# --- week/ and its feed ---------------------------------------------------

check "week/ lists the pins newest first" awk -v a="$w2/" -v b="$w30/" '
    index($0, "href=\"../week/" a "\"") || index($0, "href=\"" a "\"") {
	    if (!x) x = NR }
    index($0, "href=\"../week/" b "\"") || index($0, "href=\"" b "\"") {
	    if (!y) y = NR }
    END { exit !(x && y && x < y) }' "$out/week/index.html"
check_not "week/: no future pin" has "$out/week/index.html" "2024-0003"
check "report page: discussion questions" has \
    "$out/reports/2025-0009/index.html" "Discussion questions"
check_not "report page without: no section" has \
    "$out/reports/2025-0001/index.html" "Discussion questions"
if python3 - "$out/week/atom.xml" "$base" "$w2" "$w30" <<'EOF'
import sys
import xml.etree.ElementTree as ET
A = "{http://www.w3.org/2005/Atom}"
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == A + "feed", root.tag
assert root.find(A + "updated") is not None
e = root.findall(A + "entry")
assert len(e) == 2, len(e)
hrefs = [x.find(A + "link").get("href") for x in e]
assert hrefs == [sys.argv[2] + "week/" + w + "/" for w in sys.argv[3:]], hrefs
for x in e:
    for t in ("id", "title", "updated", "summary", "content"):
        assert x.find(A + t) is not None, t
assert "QUESTION-MARK-1" in e[0].find(A + "content").text
EOF
then ok; else fail "week/atom.xml is an Atom feed of the two weeks shown"; fi

# --- incremental builds ---------------------------------------------------

edit "$R/2025/2025-0009.md" 's/QUESTION-MARK-3/QUESTION-MARK-4/'
commit "a question changed"
step "a pinned report's question changed"
check "the home page shows the new question" has "$out/index.html" \
    "QUESTION-MARK-4"
check "the roll-call view too" has "$out/week/$w2/index.html" \
    "QUESTION-MARK-4"

# --- the digest -----------------------------------------------------------

digest --from 'Archive <digest@nm.example.test>' --to list@lists.example.test
check_rc "digest exits 0" 0
cp "$tmp/mail" "$tmp/mail.default"
digest --from digest@nm.example.test --to list@lists.example.test \
    --since "$d30" --subject 'Übung – Wochenbericht'
check_rc "digest --since exits 0" 0
if python3 - "$tmp/mail.default" "$tmp/mail" "$base" <<'EOF'
import re
import sys
from email import policy
from email.parser import BytesParser

def read(path):
    raw = open(path, "rb").read()
    for line in raw.split(b"\n"):
        assert len(line.rstrip(b"\r")) <= 78, line
    return BytesParser(policy=policy.default).parsebytes(raw)

base = sys.argv[3]
for path in sys.argv[1:3]:
    m = read(path)
    assert not m.defects, m.defects
    assert m.get_content_type() == "multipart/alternative"
    for h in ("From", "To", "Subject", "Date", "Message-ID",
              "MIME-Version"):
        assert m[h], h
    assert m["MIME-Version"] == "1.0"
    assert m["Date"].datetime is not None
    assert re.fullmatch(r"<[^<>@\s]+@[^<>@\s]+>", m["Message-ID"])
    kinds = [p.get_content_type() for p in m.iter_parts()]
    assert kinds == ["text/plain", "text/html"], kinds
    text = m.get_body(("plain",)).get_content()
    html = m.get_body(("html",)).get_content()
    for part in (text, html):
        assert "QUESTION-MARK-1" in part
        assert "Routine stop of a familiar car" in part
    # No remote content: no src=, url(), <link, and every http(s) URL
    # is the href of a link into the site.
    low = html.lower()
    for bad in ("src=", "url(", "<link", "<img", "@import", "<script"):
        assert bad not in low, bad
    for mt in re.finditer(r"https?:", html):
        before = html[:mt.start()]
        assert before.endswith('href="'), html[mt.start() - 20:mt.end()]
        assert html.startswith(base, mt.start()), html[mt.start():][:40]
    assert "who checks &lt;b&gt;&amp;amp; when?" in html
a = read(sys.argv[1])
b = read(sys.argv[2])
assert a["From"].addresses[0].addr_spec == "digest@nm.example.test"
assert a["To"] == "list@lists.example.test"
assert b["Subject"] == "Übung – Wochenbericht", b["Subject"]
ta = a.get_body(("plain",)).get_content()
tb = b.get_body(("plain",)).get_content()
# The default is 7 days back: 2025-0004 (30 days ago) is left out.
assert "reports/2025-0009/" in ta and "reports/2025-0004/" not in ta
assert "reports/2025-0004/" in tb and "reports/2025-0001/" not in tb
EOF
then ok; else fail "digest: MIME, headers, --since, no remote content"; fi
digest --from a@nm.example.test --to b@nm.example.test --since 2026-13-01
check_rc "digest: a bad --since exits 2" 2
check "digest: and says why" grep -q -- '--since: "2026-13-01" is not a date' \
    "$tmp/stderr"
check "digest: prints nothing then" [ ! -s "$tmp/mail" ]
digest --to b@nm.example.test
check_rc "digest: --from is required" 2
digest --from "$(printf 'a@b\nBcc: x@y')" --to b@nm.example.test
check_rc "digest: no header injection through --from" 2

# --- a newer publication makes a later pin current -------------------------

mkdir -p "$R/2026"
sed -e 's/^id: .*/id: 2026-0099/' \
    -e "s/^published: .*/published: $(date -u -d '21 days' +%F)/" \
    "$R/2025/2025-0001.md" >"$R/2026/2026-0099.md"
commit "a report published in the week of the later pin"
step "a later pin became current"
check "the later pin heads the home page" sh -c "sed -n \
    '/class=\"week-home\"/,/<\/section>/p' '$out/index.html' |
    grep -Fq 'href=\"reports/2024-0003/\"'"
check "its roll-call view is there" [ -f "$out/week/$wfut/index.html" ]

# --- a pinned report is removed -------------------------------------------

git -C "$repo" rm -q "content/reports/2025/2025-0004.md"
commit "a pinned report removed"
step "a pinned report removed"
check "its week is gone" [ ! -e "$out/week/$w30" ]
check "and warned about" grep -q "report 2025-0004 is not published" \
    "$tmp/step.stderr"

# --- a bad pin stops the build ---------------------------------------------

printf '2025-W53 = 2025-0009\n' >>"$ini"
bad_line=$(grep -c '' "$ini")
commit "a week that 2025 does not have"
gen -o "$out"
check_rc "a bad week in nearmiss.ini: exit 1" 1
check "and says where" grep -Fq \
    "nearmiss.ini:$bad_line: [report_of_the_week]: \"2025-W53\" is not an ISO 8601 week" \
    "$tmp/stderr"
digest --from a@nm.example.test --to b@nm.example.test
check_rc "digest: a bad nearmiss.ini exits 1" 1
check "digest: prints nothing then either" [ ! -s "$tmp/mail" ]

finish week
