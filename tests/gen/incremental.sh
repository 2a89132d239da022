#!/bin/sh
# Incremental builds of nearmiss-gen.  A scratch repository (from
# tests/gen/fixtures/content) goes through a series of commits; after each
# one the site is rebuilt in place and must equal, byte for byte and with
# nothing ignored, a fresh --full build of the same commit in another
# folder.  Incremental steps must also rewrite exactly the files whose
# bytes change (and the state file); a rebuild with nothing changed must
# touch nothing; a changed theme or nearmiss.ini rebuilds everything.
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
theme=$tmp/theme
R=$repo/content/reports

# --- helpers --------------------------------------------------------------

# edit FILE SED-SCRIPT: edits a file in place (sed -i is not POSIX).
edit() {
	sed "$2" "$1" >"$tmp/edit"
	cat "$tmp/edit" >"$1"
}

# rewrote FILE / the files the last step rewrote (or created).
rewrote() {
	grep -qx -- "$1" "$tmp/rewritten"
}

# slot_shows FILE ID: the related slot of report page FILE links report ID
# (a related report, or the previous or next of its type).
slot_shows() {
	sed -n '/<!--related-->/,/<!--\/related-->/p' "$1" |
	    grep -q "reports/$2/"
}

# related_pages LABEL ID: every other report page was rewritten exactly
# when its related slot shows report ID, whose title or date changed.
related_pages() {
	for p in "$out"/reports/*/index.html; do
		f=${p#"$out"/}
		case $f in
		reports/"$2"/index.html|reports/page/*|reports/by-event/*)
			continue ;;
		esac
		if slot_shows "$p" "$2"; then
			check "$1: rewrote $f (its related slot shows $2)" \
			    rewrote "$f"
		else
			check_not "$1: left $f alone" rewrote "$f"
		fi
	done
}

# rewritten: the list, on one line.
rewritten() {
	tr '\n' ' ' <"$tmp/rewritten"
}

# step NAME MODE [GEN-ARGS...]: rebuilds $out in place and builds the same
# commit afresh with --full into another folder; the two must be equal.
# MODE none: "up to date" and no file touched; same-content: "up to
# date" and at most the state file rewritten (a new commit, same content
# tree); incremental: an
# incremental build that rewrote exactly the files whose bytes changed;
# full: a full rebuild; fail: exit 1 and no file touched.
# Leaves the list of rewritten or new files in $tmp/rewritten.
step() {
	st_name=$1
	st_mode=$2
	shift 2
	(cd "$out" && find . -type f -exec cksum {} +) >"$tmp/prev.sums"
	# Age every file, so that whatever the build writes is newer than
	# the marker even within one tick of the clock.
	find "$out" -type f -exec touch -t 200001010000 {} +
	touch -t 200101010000 "$tmp/marker"
	(cd "$out" && find . | sort) >"$tmp/list.before"
	gen -o "$out" "$@"
	cp "$tmp/stderr" "$tmp/step.stderr"
	(cd "$out" && find . -type f -newer "$tmp/marker" | sed 's|^\./||' |
	    sort) >"$tmp/rewritten"
	check "$st_name: no staging folder or temporary file" no_staging "$out"
	case $st_mode in
	fail)
		check_rc "$st_name: exit 1" 1
		check "$st_name: no file rewritten" [ ! -s "$tmp/rewritten" ]
		(cd "$out" && find . | sort) >"$tmp/list.after"
		check "$st_name: no file added or removed" \
		    cmp -s "$tmp/list.before" "$tmp/list.after"
		(cd "$out" && find . -type f -exec cksum {} +) >"$tmp/now.sums"
		check "$st_name: site untouched" \
		    cmp -s "$tmp/prev.sums" "$tmp/now.sums"
		return 0
		;;
	none | same-content)
		check_rc "$st_name: exit 0" 0
		check "$st_name: says up to date" grep -q "up to date" \
		    "$tmp/step.stderr"
		if [ "$st_mode" = none ]; then
			check "$st_name: no file rewritten" \
			    [ ! -s "$tmp/rewritten" ]
		else
			check "$st_name: no file but the state rewritten" \
			    [ -z "$(grep -vx .nearmiss-state "$tmp/rewritten")" ]
		fi
		(cd "$out" && find . | sort) >"$tmp/list.after"
		check "$st_name: no file added or removed" \
		    cmp -s "$tmp/list.before" "$tmp/list.after"
		;;
	incremental)
		check_rc "$st_name: exit 0" 0
		check "$st_name: incremental build" grep -q "incremental" \
		    "$tmp/step.stderr"
		;;
	full)
		check_rc "$st_name: exit 0" 0
		check "$st_name: full rebuild" grep -q "full build" \
		    "$tmp/step.stderr"
		;;
	esac
	rm -rf "$tmp/fresh"
	gen --full -o "$tmp/fresh" "$@"
	check_rc "$st_name: fresh --full build exits 0" 0
	check_same "$st_name: equals a fresh --full build" "$out" "$tmp/fresh"
	if [ "$st_mode" = incremental ]; then
		# The files whose bytes differ from the previous site.
		(cd "$tmp/fresh" && find . -type f -exec cksum {} +) \
		    >"$tmp/fresh.sums"
		awk 'NR == FNR { old[$3] = $1 " " $2; next }
		    old[$3] != $1 " " $2 { sub(/^\.\//, "", $3); print $3 }' \
		    "$tmp/prev.sums" "$tmp/fresh.sums" | sort >"$tmp/changed"
		if cmp -s "$tmp/changed" "$tmp/rewritten"; then
			ok
		else
			fail "$st_name: rewrote [$(rewritten)] but the changed" \
			    "files are [$(tr '\n' ' ' <"$tmp/changed")]"
		fi
	fi
}

# --- the scratch repository and the first build ---------------------------

git init -q "$repo"
cp -R "$fix/content" "$repo/content"
printf 'scratch repository of tests/gen/incremental.sh\n' >"$repo/README"
commit "fixture content"
cp -R "$TOP/themes/default" "$theme"

gen -o "$out"
check_rc "first build exits 0" 0
check "first build is a full build" grep -q "full build" "$tmp/stderr"
check "first build made the site" [ -f "$out/reports/2024-0003/index.html" ]

# --- nothing changed ------------------------------------------------------

step "rebuild with nothing changed" none
step "second rebuild with nothing changed" none
printf 'more words\n' >>"$repo/README"
commit "outside the content folder"
step "commit outside the content folder" same-content

# --- one report's narrative -----------------------------------------------

edit "$R/2024/2024-0003.md" 's/^It was raining hard/It was raining very hard/'
commit "narrative"
step "narrative edit" incremental
# The feeds carry the whole text: those that show the report change.
: >"$tmp/feeds"
for f in $(cd "$out" && find . -name atom.xml | sed 's|^\./||' | sort); do
	grep -q 'reports/2024-0003/' "$out/$f" && echo "$f" >>"$tmp/feeds"
done
check "narrative edit: the report is in some feeds" [ -s "$tmp/feeds" ]
grep -v -x -F -f "$tmp/feeds" "$tmp/rewritten" | grep -v -e '^search/' \
    -e '^\.nearmiss-state$' -e '^reports/[^/]*/index\.html$' \
    -e '^data/reports\.json$' -e '^data/reports\.csv$' \
    >"$tmp/other" || true
check "narrative edit: only the feeds that show it, report pages (text, \
related), the open data, the state and the index (not: $(tr '\n' ' ' \
    <"$tmp/other"))" [ ! -s "$tmp/other" ]
# The open data carries the text: both files, patched.
check "narrative edit: the open data's files" sh -c \
    'grep -qx data/reports.json "$0" && grep -qx data/reports.csv "$0"' \
    "$tmp/rewritten"
check "narrative edit: the new text is in reports.json" grep -q \
    'It was raining very hard' "$out/data/reports.json"
check "narrative edit: the report page and the state" sh -c \
    'grep -qx reports/2024-0003/index.html "$0" &&
    grep -qx .nearmiss-state "$0"' "$tmp/rewritten"
while read -r f; do
	check "narrative edit: rewrote the feed $f" rewrote "$f"
done <"$tmp/feeds"
check "narrative edit: the search index's entry and a few of its files" \
    [ "$(grep -c '^search/' "$tmp/rewritten")" -ge 2 ] &&
    [ "$(grep -c '^search/' "$tmp/rewritten")" -lt \
    "$(find "$out/search" -type f | wc -l)" ] &&
    grep -qx search/index.json "$tmp/rewritten"
check "narrative edit: the new text is published" grep -q \
    "raining very hard" "$out/reports/2024-0003/index.html"

# --- one report's title ---------------------------------------------------

edit "$R/2025/2025-0004.md" \
    's/^title: .*/title: "Radio died in a dead spot during a foot chase"/'
commit "title"
step "title change" incremental
for f in .nearmiss-state reports/2025-0004/index.html index.html atom.xml \
    reports/index.html incident-type/foot-pursuit/index.html \
    incident-type/foot-pursuit/atom.xml factor/equipment-failure/index.html \
    loss-potential/serious-injury/index.html year/2025/index.html; do
	check "title change: rewrote $f" rewrote "$f"
done
for f in reports/page/2/index.html reports/page/3/index.html \
    loss-potential/serious-injury/page/2/index.html \
    incident-type/traffic-stop/index.html \
    incident-type/traffic-stop/atom.xml \
    incident-type/vehicle-pursuit/index.html factor/fatigue/index.html \
    factor/communication/index.html year/2024/index.html \
    incident-type/index.html about/index.html 404.html style.css \
    search/index.html robots.txt; do
	check_not "title change: left $f alone" rewrote "$f"
done
related_pages "title change" 2025-0004
check "title change: new title on the list" grep -q \
    "Radio died in a dead spot" "$out/incident-type/foot-pursuit/index.html"

# --- a summary that the state file must carry intact ----------------------

cat >"$R/2025/2025-0001.md" <<'EOF'
---
id: 2025-0001
title: "Passenger stepped out into traffic during a roadside stop"
event_date: 2024-12
published: 2025-01-20
incident_type: traffic-stop
contributing_factors: [training, communication]
loss_potential: minor-injury
officers_on_scene: 1
agency_type: municipal-police
region: west
summary: |
  Line one with a back\slash, a "\t" that is not a tab, a \n and a \\.
  Line two & <b>three</b>; the state file must carry all of it.
---
The passenger opened his door into the live lane. NARRATIVE-MARK-0001

## Lessons learned

- Position the patrol car to shield the traffic side. LESSON-MARK-0001
EOF
commit "multi-line summary"
step "multi-line summary" incremental
check "summary: the backslash reaches the page" grep -q 'a back\\slash' \
    "$out/reports/2025-0001/index.html"
# Lists now show that summary from the state file, not from the report.
edit "$R/2025/2025-0009.md" 's/^title: .*/title: "Familiar car, stolen plates"/'
commit "another title on the same lists"
step "lists rebuilt from the state" incremental

# --- add a report ---------------------------------------------------------

cat >"$R/2025/2025-0012.md" <<'EOF'
---
id: 2025-0012
title: "Second pursuit, called off in time"
event_date: 2025-07
published: 2025-08-01
incident_type: vehicle-pursuit
contributing_factors: [training]
loss_potential: minor-injury
summary: "A supervisor ended a pursuit before the junction. SUMMARY-MARK-0012"
---
The supervisor called it off. NARRATIVE-MARK-0012

## Lessons learned

- Supervisors can end a pursuit. LESSON-MARK-0012
EOF
commit "add a report"
step "add a report" incremental
check "add: the new page" rewrote reports/2025-0012/index.html
check "add: home lists it" grep -q SUMMARY-MARK-0012 "$out/index.html"
check "add: counted" grep -q 'Matching reports: <span class="count">6</span>\.' \
    "$out/reports/index.html"
check "add: its term list" grep -q 'Matching reports: <span class="count">2</span>\.' \
    "$out/incident-type/vehicle-pursuit/index.html"
check "add: pages shift" [ -f "$out/reports/page/3/index.html" ]
check "add: browse counts it" grep -q \
    '<a href="../incident-type/vehicle-pursuit/">Vehicle pursuit</a> <span class="count">2<' \
    "$out/browse/index.html"
check "add: first in event order" [ "$(sed -n \
    's/.*<dt>Report<\/dt><dd>\([^<]*\)<\/dd>.*/\1/p' \
    "$out/reports/by-event/index.html" | head -n 1)" = 2025-0012 ]
for f in browse/index.html reports/by-event/index.html \
    incident-type/vehicle-pursuit/by-event/index.html \
    factor/training/by-event/index.html; do
	check "add: rewrote $f" rewrote "$f"
done

# --- an event date that moves a report in event order only ----------------

edit "$R/2025/2025-0001.md" 's/^event_date: .*/event_date: 2023-01/'
commit "event date"
step "event date change" incremental
check "event date: last of its term in event order" [ "$(sed -n \
    's/.*<dt>Report<\/dt><dd>\([^<]*\)<\/dd>.*/\1/p' \
    "$out/incident-type/traffic-stop/by-event/page/2/index.html")" = \
    2025-0001 ]
check "event date: same place in publication order" grep -q 2025-0001 \
    "$out/incident-type/traffic-stop/index.html"
for f in reports/by-event/page/3/index.html browse/index.html \
    year/2023/by-event/index.html \
    incident-type/traffic-stop/by-event/index.html \
    incident-type/traffic-stop/by-event/page/2/index.html; do
	check "event date: rewrote $f" rewrote "$f"
done
for f in reports/index.html reports/by-event/index.html \
    incident-type/traffic-stop/page/2/index.html; do
	check_not "event date: left $f alone" rewrote "$f"
done
related_pages "event date" 2025-0001
edit "$R/2025/2025-0001.md" 's/^event_date: .*/event_date: 2024-12/'
commit "event date back"
step "event date back" incremental

# --- delete a report (the last of two terms) ------------------------------

git -C "$repo" rm -q content/reports/2024/2024-0007.md
commit "delete a report"
step "delete a report" incremental
check_not "delete: its folder is gone" [ -e "$out/reports/2024-0007" ]
check_not "delete: its last term's folder is gone" \
    [ -e "$out/loss-potential/death" ]
check_not "delete: its last factor's folder is gone" \
    [ -e "$out/factor/decision-making" ]
check "delete: a term it shared stays" \
    [ -f "$out/incident-type/vehicle-pursuit/index.html" ]
check_not "delete: gone from every page" grep -rq 2024-0007 "$out"
check "delete: counted" grep -q \
    'Matching reports: <span class="count">5</span>\.' \
    "$out/reports/index.html"
check "delete: its last term gone from browse" \
    [ "$(grep -c 'loss-potential/death/' "$out/browse/index.html")" -eq 0 ]
check_not "delete: its event-order list is gone" \
    [ -e "$out/loss-potential/death/by-event" ]
step "back to before the delete (--ref HEAD~1)" incremental --ref HEAD~1
check "undelete: the page is back" [ -f "$out/reports/2024-0007/index.html" ]
check "undelete: its last term is back" \
    [ -f "$out/loss-potential/death/index.html" ]
step "and the delete again" incremental

# --- change a report's incident type --------------------------------------

edit "$R/2025/2025-0001.md" 's/^incident_type: .*/incident_type: other/'
commit "incident type"
step "incident type change" incremental
check "type change: in the new term's list" grep -q "2025-0001" \
    "$out/incident-type/other/index.html"
check "type change: the new term's feed" grep -q "reports/2025-0001/" \
    "$out/incident-type/other/atom.xml"
check_not "type change: out of the old term's list" grep -rq "2025-0001" \
    "$out/incident-type/traffic-stop"
check_not "type change: the old term's page 2 is gone" \
    [ -e "$out/incident-type/traffic-stop/page/2" ]

# --- change a report's year -----------------------------------------------

edit "$R/2025/2025-0009.md" 's/^event_date: .*/event_date: 2023-05/'
commit "event year"
step "event year change" incremental
check "year change: a new year's folder" grep -q "2025-0009" \
    "$out/year/2023/index.html"
check_not "year change: out of the old year" grep -q "2025-0009" \
    "$out/year/2025/index.html"
step "back three commits (--ref HEAD~3)" incremental --ref HEAD~3
step "and forward three commits" incremental

# --- move a report file to another folder, same id ------------------------

git -C "$repo" mv content/reports/2025/2025-0004.md \
    content/reports/2024/2025-0004.md
commit "move a report file"
step "report file moved" incremental
check "move: the page stays" [ -f "$out/reports/2025-0004/index.html" ]
check "move: only the state rewritten" [ "$(rewritten)" = ".nearmiss-state " ]

# --- pages ----------------------------------------------------------------

edit "$repo/content/pages/about.md" \
    's/exists for the tests/exists for the tests only/'
commit "page text"
step "page text" incremental
check "page text: exactly that page and the state rewritten" \
    [ "$(rewritten)" = ".nearmiss-state about/index.html " ]

# Two more pages whose names start with the first one's: "about-us"
# sorts before "about" in output paths ("-" < "/"), "aboutus" after it.
cat >"$repo/content/pages/about-us.md" <<'EOF'
# Who we are

A page whose name extends another's. PAGE-MARK-US
EOF
cat >"$repo/content/pages/aboutus.md" <<'EOF'
# Who we were

Another page whose name extends another's. PAGE-MARK-WERE
EOF
commit "two more pages"
gen -o "$out"
check_rc "two more pages: exit 0" 0
rm -rf "$tmp/fresh"
gen --full -o "$tmp/fresh"
check_same "two more pages: equals a fresh --full build" "$out" "$tmp/fresh"
for p in about-us aboutus; do
	edit "$repo/content/pages/$p.md" 's/PAGE-MARK-\([A-Z]*\)/PAGE-MARK-\1-EDITED/'
	commit "text of page $p"
	step "text of page $p, whose name extends \"about\"" incremental
	check "text of page $p: exactly that page and the state rewritten" \
	    [ "$(rewritten)" = ".nearmiss-state $p/index.html " ]
	check "text of page $p: new text published" grep -q \
	    "PAGE-MARK-[A-Z]*-EDITED" "$out/$p/index.html"
done

edit "$repo/content/pages/about.md" \
    's/^# About this archive/# About the test archive/'
commit "page title"
gen -o "$out"
check_rc "page title: exit 0" 0
rm -rf "$tmp/fresh"
gen --full -o "$tmp/fresh"
check_same "page title: equals a fresh --full build" "$out" "$tmp/fresh"
check "page title: in the navigation of report pages" grep -q \
    "About the test archive" "$out/reports/2025-0012/index.html"

# --- an invalid report: nothing moves, and it stays an error --------------

edit "$R/2024/2024-0003.md" 's/^incident_type: .*/incident_type: no-such-type/'
commit "an invalid edit"
step "invalid edit" fail
check "invalid edit: names the file and line" grep -q \
    '^content/reports/2024/2024-0003\.md:6: ' "$tmp/step.stderr"
step "invalid edit, rebuilt" fail
edit "$R/2024/2024-0003.md" 's/^incident_type: .*/incident_type: foot-pursuit/'
commit "fixed"
step "invalid edit fixed" incremental

# --- many changes at once -------------------------------------------------

i=20
while [ "$i" -lt 45 ]; do
	d=$(printf '%02d' $((i - 15)))
	sed "s/2025-0012/2025-00$i/g; s/^published: .*/published: 2025-09-$d/" \
	    "$R/2025/2025-0012.md" >"$R/2025/2025-00$i.md"
	i=$((i + 1))
done
commit "25 new reports"
step "25 new reports" full
check "many changes: says it rebuilds everything" grep -q "rebuilding" \
    "$tmp/step.stderr"
check "many changes: pagination" [ -f "$out/reports/page/15/index.html" ]
check_not "many changes: no page beyond the last" \
    [ -e "$out/reports/page/16" ]
git -C "$repo" rm -q content/reports/2025/2025-002*.md
commit "10 reports fewer"
step "10 reports fewer" incremental

# --- nearmiss.ini and the theme -------------------------------------------

edit "$repo/content/nearmiss.ini" \
    's/^foot-pursuit = Foot pursuit$/foot-pursuit = Foot chase/'
commit "a label in nearmiss.ini"
step "nearmiss.ini change" full
check "nearmiss.ini change: the new label shows" grep -q "Foot chase" \
    "$out/incident-type/index.html"

printf '\n/* changed by tests/gen/incremental.sh */\n' \
    >>"$theme/static/style.css"
step "theme CSS change" full
check "theme CSS change: new style.css" cmp -s "$theme/static/style.css" \
    "$out/style.css"
edit "$theme/_footer.html" 's/Built with/Made with/'
step "theme template change" full
check "theme template change: shows" grep -q "Made with" "$out/index.html"
step "after the theme change, nothing changed" none

# --- no reports at all, then back -----------------------------------------

git -C "$repo" rm -q -r content/reports
commit "no reports"
step "every report deleted" full
check "no reports: the home page says so" grep -q \
    "No reports have been published yet" "$out/index.html"
check_not "no reports: no report folders" [ -e "$out/reports/2025-0012" ]
git -C "$repo" checkout -q HEAD~1 -- content/reports
commit "reports back"
step "every report back" full

finish incremental
