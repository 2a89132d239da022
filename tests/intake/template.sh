#!/bin/sh
# The e-mail template on the public submit page (content/pages/submit.md)
# and the parser agree: every labelled line of it fills its field.
# Run by tests/run.sh as: env NMINTAKE=... NMREVIEW=... TOP=... sh template.sh
set -u
. "$TOP/tests/lib.sh"

mailx=$(dirname "$(dirname "$NMINTAKE")")/tests/nm-mailx
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

{
	printf 'Subject: test\nContent-Type: text/plain; charset=utf-8\n\n'
	sed -n '/^## A template for e-mail/,/^## /p' \
	    "$TOP/content/pages/submit.md" | sed -n '/^```$/,/^```$/p' |
	    sed '1d;$d'
} >"$tmp/tpl.eml"
check "the submit page has a template" \
    grep -q '^Incident type:' "$tmp/tpl.eml"
"$mailx" parse -t "$TOP/content/nearmiss.ini" "$tmp/tpl.eml" \
    >"$tmp/out" 2>&1
check "the template parses" grep -qx 'quarantined: 0' "$tmp/out"
for f in title event_date incident_type contributing_factors \
    loss_potential officers_on_scene time_of_day lighting weather \
    agency_type region summary; do
	check "the template fills $f" grep -qE "^$f: .+" "$tmp/out"
done
# section NAME NEXT: the lines of the output between NAME: and NEXT:.
section() {
	sed -n "/^$1:\$/,/^$2:/p" "$tmp/out" | sed '1d;$d'
}
section lessons contact >"$tmp/lessons"
section narrative lessons >"$tmp/narrative"
sed -n '/^contact:$/,$p' "$tmp/out" | sed 1d >"$tmp/contact"
check "the template's lessons go to lessons" \
    grep -q 'another officer' "$tmp/lessons"
check "the template's contact goes to contact" \
    grep -q 'kept sealed' "$tmp/contact"
check "the story goes to the narrative" grep -q 'step by step' \
    "$tmp/narrative"
check "consent by default" grep -qx 'consent: 1' "$tmp/out"
check_not "no label is left in the narrative" grep -q ':' "$tmp/narrative"
finish template
