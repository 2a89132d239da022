#!/bin/sh
# The open data of nearmiss-gen (data/): reports with hostile values in
# every text field (quotes, commas, newlines, tabs, leading = + - @ ',
# non-ASCII, </script>), the narrative and lessons learned too (CRLF,
# U+2028, a setext heading, reviewer comments that stay
# out).  reports.csv round-trips through Python's csv
# module, each cell equal to the front matter's value with a ' before it
# exactly where a formula (or a ') starts; reports.json equals the front
# matter and validates against reports.schema.json, a broken copy does
# not; the licence is in both files' metadata and on the data page; the
# small-count rule holds; an incremental build after adding, changing and
# removing a report, or changing only a narrative or only the lessons,
# gives the bytes of a full build, and so does one over damaged files (cut
# short, or zeros in the record of a report kept).
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

theme=$TOP/themes/default
repo=$tmp/repo
c=$repo/content
site=$tmp/site
R=$c/reports/2024

# --- fixture ----------------------------------------------------------------

mkdir -p "$R"
git init -q "$repo"
lic=https://opendatacommons.org/licenses/by/1-0/
# The demo's configuration with k = 5 (the fixture has 4 reports at first)
# and a licence of our own.
sed -e 's|^base_url = .*|base_url = https://nm.example.test/archive/|' \
    -e 's|^min_count = .*|min_count = 5|' \
    -e 's|^data_licence = .*|data_licence = ODC-By 1.0 "test"|' \
    -e 's|^data_licence_url = .*|data_licence_url = '$lic'|' \
    "$TOP/content/nearmiss.ini" >"$c/nearmiss.ini"

# hostile ID TITLE SUMMARY [EXTRA [BODY]]: a report whose YAML
# double-quoted scalars are TITLE and SUMMARY (YAML escapes allowed), its
# body BODY (by default a narrative and one lesson).
hostile() {
	cat <<EOF
---
id: $1
title: "$2"
event_date: 2024-03
published: 2024-04-0${1#2024-000}
incident_type: vehicle-pursuit
contributing_factors: [decision-making, equipment-failure]
loss_potential: death
summary: "$3"
${4:-}
---
${5:-The body.

## Lessons learned

- One lesson.}
EOF
}

# Bodies with hostile text (printf: \r, and UTF-8 for U+2028; bidi
# controls, like NUL, never get past report_parse()).
b1=$(printf '%s\r\n%s\n\n%s\n\n## Lessons learned\n\n%s\n%s\n' \
    '=SUM(A1:A9), "quoted", a comma' 'a CRLF line before it </script>' \
    "$(printf 'U+2028:\342\200\250 then \303\234n\303\257c\303\270d\303\251')" \
    '+1 lesson, with "quotes"' '- @second')
b2=$(printf '%s\n\n%s\n%s\n\n%s\n\n## Reviewer comments\n\n%s\n' \
    '-2 degrees: the narrative' 'Lessons learned' '---------------' \
    '@lessons after a setext heading' 'Never published.')

t1='=HYPERLINK(\"http://evil.test\",\"x\"), \"quoted\" </script>'
s1='+1 in the first cell, then a comma, a \"quote\"\nand a second line'
hostile 2024-0001 "$t1" "$s1\\twith a tab" \
    "officers_on_scene: 2
environment:
  time_of_day: night
  lighting: dark
  weather: rain
agency_type: county-sheriff
region: mountain" "$b1" >"$R/2024-0001.md"
hostile 2024-0002 "@SUM(A1:A9) Ünïcødé — 東京 'x'" \
    '-2 degrees; </script><script>alert(1)</script> & more' "" "$b2" \
    >"$R/2024-0002.md"
hostile 2024-0003 "'Quoted first, a ' is added" \
    '\tA tab first, then \"=inner\" text' "officers_on_scene: 999" \
    >"$R/2024-0003.md"
hostile 2024-0004 "Plain title, with a comma" \
    'Line one\n\n=Line three starts with an equals sign' >"$R/2024-0004.md"
commit "four hostile reports"

# check_data DIR STEP: the checks of the data files of the site in DIR
# against the front matter of the reports in the work tree.
check_data() {
	python3 - "$1" "$c" "$2" >"$tmp/py" 2>&1 <<'EOF' || true
import copy, csv, glob, io, json, os, re, sys
import jsonschema, yaml

site, content, step = sys.argv[1:4]
data = os.path.join(site, "data")
def ok(cond, what):
    print(("ok " if cond else "FAIL ") + step + ": " + what)

def texts(body):
    # The narrative and the lessons: the Markdown before and after the
    # "Lessons learned" heading (ATX or setext), up to the reviewer
    # comments; blank lines before and white space after cut.
    lines = body.split("\n")
    def cut(ls):
        while ls and ls[0].strip(" \t\r") == "":
            ls = ls[1:]
        return "\n".join(ls).rstrip(" \t\r\n")
    for i, l in enumerate(lines):
        if l == "## Lessons learned":
            h, b = i, i + 1
            break
        if l == "Lessons learned" and re.match(r"^-+$", lines[i + 1]):
            h, b = i, i + 2
            break
    e = lines.index("## Reviewer comments") if (
        "## Reviewer comments" in lines) else len(lines)
    return cut(lines[:h]), cut(lines[b:e])

fm = {}
for p in sorted(glob.glob(os.path.join(content, "reports", "*", "*.md"))):
    text = open(p, encoding="utf-8", newline="").read()
    y = yaml.safe_load(text.split("---\n")[1])
    y["narrative"], y["lessons"] = texts(text.split("---\n", 2)[2])
    env = y.pop("environment", {}) or {}
    y.update(env)
    y["event_date"] = str(y["event_date"]) if not isinstance(
        y["event_date"], str) else y["event_date"]
    y["published"] = str(y["published"])
    y["url"] = "https://nm.example.test/archive/reports/%s/" % y["id"]
    fm[y["id"]] = y
ids = sorted(fm)

j = json.load(open(os.path.join(data, "reports.json"), encoding="utf-8"))
sc = json.load(open(os.path.join(data, "reports.schema.json"),
    encoding="utf-8"))
V = jsonschema.Draft202012Validator
V.check_schema(sc)
v = V(sc, format_checker=V.FORMAT_CHECKER)
errs = [e.message for e in v.iter_errors(j)]
ok(not errs, "reports.json validates against its schema %r" % errs[:2])
for name, broken in (
        ("an unknown slug", lambda d: d["reports"][0].update(
            incident_type="no-such-type")),
        ("a day in event_date", lambda d: d["reports"][0].update(
            event_date="2024-03-05")),
        ("a missing title", lambda d: d["reports"][0].pop("title")),
        ("an unknown field", lambda d: d["reports"][0].update(x=1)),
        ("a count below k as a number", lambda d: d.update(count=2)),
        ("no licence", lambda d: d.pop("licence"))):
    b = copy.deepcopy(j)
    broken(b)
    ok(not v.is_valid(b), "a copy with %s does not validate" % name)

ok([r["id"] for r in j["reports"]] == ids, "JSON records ordered by id")
keys = ["id", "url", "title", "summary", "event_date", "published",
    "incident_type", "contributing_factors", "loss_potential",
    "officers_on_scene", "time_of_day", "lighting", "weather",
    "agency_type", "region", "narrative", "lessons"]
for r in j["reports"]:
    want = {k: fm[r["id"]][k] for k in keys if k in fm[r["id"]]}
    ok(r == want, "JSON record %s equals the front matter (%r != %r)"
        % (r["id"], r, want))
lic = {"name": 'ODC-By 1.0 "test"',
    "url": "https://opendatacommons.org/licenses/by/1-0/"}
ok(j["licence"] == lic, "JSON metadata has the licence")
n = len(ids)
ok(j["count"] == (n if n >= 5 else "< 5"),
    "JSON count under the small-count rule: %r" % j["count"])
ok(j["taxonomies"]["incident_type"]["vehicle-pursuit"] == "Vehicle pursuit",
    "JSON gives the labels once")
ok(j["updated"] == max(fm[i]["published"] for i in ids),
    "JSON updated is the newest publication date")

raw = open(os.path.join(data, "reports.csv"), "rb").read()
lines_ok = all(l.endswith(b"\r") for l in raw.split(b"\n")[:1])
ok(lines_ok and raw.endswith(b"\r\n"), "CSV lines end in CRLF")
rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
cols = keys[:6] + ["revised"] + keys[6:]
hostile = [t for t in ("\r\n", "\u2028", "</script>", '"', "=SUM")
    if any(t in fm[i]["narrative"] for i in ids)]
ok(len(hostile) == 5 or step != "four reports",
    "the narratives hold hostile text (%r)" % hostile)
ok(all("Never published" not in fm[i]["lessons"] for i in ids),
    "the reviewer comments are not in the lessons")
ok(rows[0] == cols, "CSV header %r" % rows[0])
ok([r[0] for r in rows[1:]] == ids, "CSV rows ordered by id")
neut = 0
for row in rows[1:]:
    ok(len(row) == len(cols), "CSV row %s has every column" % row[0])
    f = fm[row[0]]
    for col, cell in zip(cols, row):
        val = f.get(col, "")
        if isinstance(val, list):
            val = "; ".join(val)
        val = str(val)
        if val[:1] in ("=", "+", "-", "@", "\t", "\r", "'"):
            want = "'" + val
            neut += 1
        else:
            want = val
        ok(cell == want, "CSV %s %s round-trips (%r != %r)"
            % (row[0], col, cell, want))
ok(neut >= 6, "CSV neutralised the formula cells (%d)" % neut)

m = json.load(open(os.path.join(data, "reports.csv-metadata.json"),
    encoding="utf-8"))
ok(m["dc:license"] == {"@id": lic["url"]} and m["dc:rights"] == lic["name"],
    "CSVW metadata has the licence")
ok([x["name"] for x in m["tableSchema"]["columns"]] == cols,
    "CSVW columns are the CSV's")
ok(m["url"] == "reports.csv", "CSVW metadata describes reports.csv")

page = open(os.path.join(data, "index.html"), encoding="utf-8").read()
ok('href="https://opendatacommons.org/licenses/by/1-0/"' in page and
    "ODC-By 1.0 &quot;test&quot;" in page, "the data page links the licence")
ok(("Reports in the files: %s." % (n if n >= 5 else "&lt; 5")) in page,
    "the data page's count under the small-count rule")
for k in keys + ["revised"]:
    ok('<code>%s</code>' % k in page, "the data page describes %s" % k)
ok("<code>mental-health-call</code>: Mental health call" in page,
    "the data page lists the allowed values with labels")
ok("formula" in page, "the data page explains the CSV neutralisation")
for name in ("reports.json", "reports.csv"):
    m = re.search(r'>%s</a></dt><dd>[^<]*?, about ([0-9]+) kB\.' %
        re.escape(name), page)
    real = os.path.getsize(os.path.join(data, name)) / 1000
    ok(m is not None and abs(int(m.group(1)) - real) <= max(1, real / 10),
        "the data page gives the size of %s (%s kB), about %s kB" %
        (name, real, m and m.group(1)))
EOF
	if ! grep -q '^ok ' "$tmp/py"; then
		fail "$2: the checker ran: $(head -n 5 "$tmp/py" | tr '\n' '|')"
		return
	fi
	while IFS= read -r line; do
		case $line in
		"ok "*)	ok ;;
		"FAIL "*) fail "${line#FAIL }" ;;
		*)	fail "$2: checker says: $line" ;;
		esac
	done <"$tmp/py"
}

# build STEP: a full build into $site, and an incremental one on top of
# the last step's output, which must be the same bytes.
build() {
	rm -rf "$site"
	gen --full -o "$site"
	check_rc "$1: full build exits 0" 0
	gen -v -o "$tmp/inc"
	check_rc "$1: incremental build exits 0" 0
	check_same "$1: incremental equals full" "$site" "$tmp/inc"
	# Patched from the last files, not a full build in disguise.
	if [ "$1" != "four reports" ] && [ "${2:-}" != full ]; then
		check "$1: the build is incremental" grep -q "(incremental" \
		    "$tmp/stderr"
	fi
	for f in reports.json reports.csv reports.schema.json \
	    reports.csv-metadata.json index.html; do
		check "$1: data/$f is published" test -s "$site/data/$f"
	done
	check_data "$site" "$1"
}

# --- the steps --------------------------------------------------------------

build "four reports"
check "the footer links the data page" grep -qF 'href="../data/"' \
    "$site/browse/index.html"
check "the sitemap lists the data page" grep -qF \
    "https://nm.example.test/archive/data/" "$site/sitemap.xml"
check "the data page has one h1" \
    test "$(grep -c '<h1>' "$site/data/index.html")" -eq 1

hostile 2024-0005 "-Minus first" '@at first\nthen more' \
    "agency_type: state-police" >"$R/2024-0005.md"
commit "a fifth report"
build "a report added"

hostile 2024-0002 "=Changed title" 'Changed summary, \"quoted\"' \
    >"$R/2024-0002.md"
commit "a report changed"
build "a report changed"

git -C "$repo" rm -q "$R/2024-0004.md"
commit "a report removed"
build "a report removed"

# Only a narrative (after the CRLF and quoted cells of 2024-0001, which
# the CSV's record splitter must step over), then only the lessons.
sed 's/^The body\.$/The body, told again: "=quoted", a, b./' \
    "$R/2024-0003.md" >"$tmp/x"
mv "$tmp/x" "$R/2024-0003.md"
commit "a narrative changed"
build "a narrative changed"
check "a narrative changed: data/reports.json has it" grep -qF \
    'told again: \"=quoted\"' "$site/data/reports.json"
sed 's/^- One lesson\.$/- One lesson, learned again./' \
    "$R/2024-0005.md" >"$tmp/x"
mv "$tmp/x" "$R/2024-0005.md"
commit "lessons changed"
build "lessons changed"
check "lessons changed: data/reports.csv has them" grep -qF \
    'learned again' "$site/data/reports.csv"

# Files someone edited: the build goes full, and gives the same bytes.
for f in reports.json reports.csv; do
	head -c 300 "$tmp/inc/data/$f" >"$tmp/x"
	mv "$tmp/x" "$tmp/inc/data/$f"
	sed 's/^The body.*$/The body, a third time./' "$R/2024-0003.md" \
	    >"$tmp/x"
	printf '%s\n' "$f" >>"$tmp/x"
	mv "$tmp/x" "$R/2024-0003.md"
	commit "a narrative changed over a damaged $f"
	build "damaged $f" full
	check "damaged $f: a full build instead" grep -q "full build" \
	    "$tmp/stderr"
done

# Zeros (a damaged disk's) inside the record of a report kept, the file
# the same size: not copied into the new file, a full build instead.
n=0
for df in reports.json reports.csv; do
	n=$((n + 1))
	python3 - "$tmp/inc/data/$df" <<'EOF'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
i = b.index(b"2024-0005", b.index(b"2024-0005") + 1)
b[i + 12:i + 16] = b"\0" * 4
open(p, "wb").write(b)
EOF
	sed "s/^The body.*$/The body, zeros $n./" "$R/2024-0003.md" >"$tmp/x"
	mv "$tmp/x" "$R/2024-0003.md"
	commit "a narrative changed over zeros in $df"
	build "zeros in $df" full
	check "zeros in $df: a full build instead" grep -q "full build" \
	    "$tmp/stderr"
done

finish opendata
