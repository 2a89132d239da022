#!/bin/sh
# Tests of nearmiss-review show: the whole record with the parts that
# identify the sender set apart (contact details, signature blocks),
# attachments listed with a warning, text from the record made safe for
# the terminal, --json, and --attachments DIR: names we make, mode 0600,
# never over a file, never through a link.
# Run by tests/run.sh as:
#   env NMREVIEW=/abs/bin/nearmiss-review TOP=/abs/top sh show.sh
set -eu

# shellcheck source=tests/lib.sh
. "$TOP/tests/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TZ=UTC LC_ALL=C
unset NEARMISS_PASSPHRASE NEARMISS_KEY || :
MKITEM=$(dirname "$(dirname "$NMREVIEW")")/tests/nm-mkitem

run() {
	rc=0
	"$NMREVIEW" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null || rc=$?
}

mode() {
	ls -ld "$1" | cut -c1-10
}

"$NMREVIEW" keygen --no-passphrase alice -o "$tmp/alice.key" \
    >"$tmp/alice.pub" 2>/dev/null
"$NMREVIEW" keygen --no-passphrase bob -o "$tmp/bob.key" \
    >"$tmp/bob.pub" 2>/dev/null
mkdir "$tmp/inbox"
K="-K $tmp/alice.key -i $tmp/inbox"
cd "$tmp"

printf '%%PDF-1.4\nAuthor: Sgt. Jane Roe\n' >"$tmp/a.pdf"
head -c 3000 /dev/urandom >"$tmp/blob"
esc=$(printf '\033]0;owned\007\033[2J')
E=$("$MKITEM" -i "$tmp/inbox" -R "$tmp/alice.pub" -C email \
    -d 2020-02-03 -H "$(printf '%064d' 7)" \
    -f title="Title with escapes" -f incident_type=traffic-stop \
    -f event_date=2020-01 -f region=northeast \
    -n "$(printf 'First line.\nSecond line.')" \
    -l "Wear ${esc}the vest." -s "-- Sgt. Jane Roe, Badge 4411" \
    -c "jane.roe@example.org, 555-0100" \
    -a "../../evil.sh:application/pdf:$tmp/a.pdf" \
    -a "$(printf 'caf\303\251.bin'):application/octet-stream:$tmp/blob")
Q=$("$MKITEM" -i "$tmp/inbox" -R "$tmp/alice.pub" -C email -q -x 0 \
    -a "message.eml:message/rfc822:$tmp/a.pdf")
P=$("$MKITEM" -i "$tmp/inbox" -R "$tmp/alice.pub" -f title=Plain -n "Plain.")

# --- text ----------------------------------------------------------------

run show $K "$E"
check "show: exit 0" [ "$rc" -eq 0 ]
check "show: the id" grep -qx "Item:       $E" "$tmp/out"
check "show: received and age" grep -q "^Received:   2020-02-03 ([0-9]* days ago)  \*\* at or past the 10-day target \*\*$" \
    "$tmp/out"
check "show: channel" grep -qx "Channel:    e-mail" "$tmp/out"
check "show: receipt hash" grep -qx "Receipt:    sha256 $(printf '%064d' 7)" \
    "$tmp/out"
check "show: fields" grep -qx "incident_type         traffic-stop" "$tmp/out"
check "show: region" grep -qx "region                northeast" "$tmp/out"
check "show: narrative, lines kept" grep -qx "Second line." "$tmp/out"
check "show: lessons, escapes made visible" \
    grep -qx "Wear ?\]0;owned??\[2Jthe vest\." "$tmp/out"
check "show: signature block marked" \
    grep -q "^-- Signature block (cut from the narrative; identifies the sender; NEVER PUBLISH)" \
    "$tmp/out"
check "show: contact section marked" grep -qx \
    "!! CONTACT DETAILS -- for the reviewers only; NEVER TO BE PUBLISHED" \
    "$tmp/out"
check "show: contact section ends" grep -qx "!! END OF CONTACT DETAILS" \
    "$tmp/out"
# The contact details are between the two markers, and only there.
check "show: the contact inside its section" [ "$(sed -n \
    '/^!! CONTACT DETAILS/,/^!! END OF CONTACT/p' "$tmp/out" |
    grep -c 'jane.roe@example.org')" -eq 1 ]
check "show: the contact nowhere else" [ "$(grep -c 'jane.roe@example.org' \
    "$tmp/out")" -eq 1 ]
check "show: attachments listed" grep -q '^ 1\. 31  *application/pdf  *"../../evil.sh"$' \
    "$tmp/out"
check "show: second attachment" grep -q "^ 2\. 3000  *application/octet-stream  *\"caf" \
    "$tmp/out"
check "show: metadata warning" grep -q "Attachments can carry metadata" "$tmp/out"
check_not "show: no escape character reaches the terminal" \
    grep -q "$(printf '\033')" "$tmp/out"
check_not "show: no BEL either" grep -q "$(printf '\007')" "$tmp/out"
check "show: consent" grep -q "^Consent:    yes" "$tmp/out"

run show $K "$Q"
check "show quarantined: exit 0" [ "$rc" -eq 0 ]
check "show quarantined: the banner" grep -q "^\*\* QUARANTINED" "$tmp/out"
check "show quarantined: no consent" grep -q "^Consent:    NO consent" "$tmp/out"
run show $K "$P"
check "show plain: no attachments section" sh -c "! grep -q Attachments '$tmp/out'"
check "show plain: no contact section" sh -c "! grep -q 'CONTACT DETAILS' '$tmp/out'"
check "show plain: not late" sh -c "! grep -q 'target' '$tmp/out'"

# --- json ----------------------------------------------------------------

run show $K --json "$E"
check "show --json: exit 0" [ "$rc" -eq 0 ]
if command -v node >/dev/null 2>&1; then
	check "show --json: the record" node -e '
	    const r = JSON.parse(require("fs").readFileSync(process.argv[1]));
	    const ok = r.id === process.argv[2] && r.channel === "email" &&
		r.received === "2020-02-03" && r.fields.region === "northeast" &&
		r.lessons.includes("\u001b") &&
		r.narrative === "First line.\nSecond line." &&
		r.lessons.startsWith("Wear ") &&
		r.never_publish.contact === "jane.roe@example.org, 555-0100" &&
		r.never_publish.signature.startsWith("-- Sgt.") &&
		r.contact === undefined && r.attachments.length === 2 &&
		r.attachments[0].name === "../../evil.sh" &&
		r.attachments[0].size === 31 &&
		r.attachments[1].type === "application/octet-stream" &&
		r.attachments[0].data === undefined && r.consent === true &&
		r.quarantined === false && r.state === "unknown";
	    process.exit(ok ? 0 : 1);' "$tmp/out" "$E"
else
	check "show --json: an object" grep -q "^{\"id\":\"$E\"" "$tmp/out"
fi
check_not "show --json: no raw escape" grep -q "$(printf '\033')" "$tmp/out"

# --- attachments -----------------------------------------------------------

run show $K --attachments "$tmp/att" "$E"
check "--attachments: exit 0" [ "$rc" -eq 0 ]
check "--attachments: folder made, 0700" [ "$(mode "$tmp/att")" = "drwx------" ]
check "--attachments: the pdf under our name" cmp -s "$tmp/a.pdf" \
    "$tmp/att/$E-01.pdf"
check "--attachments: the unknown type as .bin" cmp -s "$tmp/blob" \
    "$tmp/att/$E-02.bin"
check "--attachments: mode 0600" [ "$(mode "$tmp/att/$E-01.pdf")" = "-rw-------" ]
check "--attachments: mode 0600 (2)" [ "$(mode "$tmp/att/$E-02.bin")" = "-rw-------" ]
check "--attachments: only those two" [ "$(ls "$tmp/att" | wc -l)" -eq 2 ]
check "--attachments: not the sender's names" [ ! -e "$tmp/evil.sh" ]
check "--attachments: says where" grep -q "wrote $tmp/att/$E-01.pdf (31 bytes, application/pdf)" \
    "$tmp/err"
check "--attachments: the record still shown" grep -q "^Item:" "$tmp/out"
# Never over a file: nothing is written if one name exists.
rm "$tmp/att/$E-02.bin"
printf 'mine\n' >"$tmp/att/$E-01.pdf"
run show $K --attachments "$tmp/att" "$E"
check "--attachments over a file: exit 1" [ "$rc" -eq 1 ]
check "--attachments over a file: says so" \
    grep -q "$E-01.pdf: already exists; not overwriting it (nothing written)" \
    "$tmp/err"
check "--attachments over a file: unchanged" [ "$(cat "$tmp/att/$E-01.pdf")" = "mine" ]
check "--attachments over a file: nothing else written" [ ! -e "$tmp/att/$E-02.bin" ]
# A link in place of a name, and a link as the folder.
rm -rf "$tmp/att"
mkdir "$tmp/att" "$tmp/elsewhere"
ln -s "$tmp/elsewhere/x" "$tmp/att/$E-02.bin"
run show $K --attachments "$tmp/att" "$E"
check "--attachments, a dangling link in the way: exit 1" [ "$rc" -eq 1 ]
check "--attachments, a dangling link in the way: not followed" \
    [ ! -e "$tmp/elsewhere/x" ]
ln -s "$tmp/elsewhere" "$tmp/attlink"
run show $K --attachments "$tmp/attlink" "$E"
check "--attachments into a link: exit 1" [ "$rc" -eq 1 ]
check "--attachments into a link: nothing written" \
    [ -z "$(ls "$tmp/elsewhere")" ]
: >"$tmp/afile"
run show $K --attachments "$tmp/afile" "$E"
check "--attachments into a file: exit 1" [ "$rc" -eq 1 ]
check "--attachments into a file: says so" grep -q "afile: not a folder" "$tmp/err"
run show $K --json --attachments "$tmp/att2" "$Q"
check "--attachments with --json: exit 0" [ "$rc" -eq 0 ]
check "--attachments with --json: stdout is only the JSON" \
    [ "$(grep -c '' "$tmp/out")" -eq 1 ]
check "--attachments: the quarantined message as .eml" \
    cmp -s "$tmp/a.pdf" "$tmp/att2/$Q-01.eml"
run show $K --attachments "$tmp/att3" "$P"
check "--attachments, none: exit 0" [ "$rc" -eq 0 ]
check "--attachments, none: no folder" [ ! -e "$tmp/att3" ]

# --- errors -----------------------------------------------------------------

run show $K 0123456789abcdef0123456789abcdef
check "show an unknown id: exit 1" [ "$rc" -eq 1 ]
check "show an unknown id: says so" grep -q "no such item in $tmp/inbox/new" \
    "$tmp/err"
run show $K "$(echo "$E" | tr a-f A-F)"
check "show an uppercase id: exit 2" [ "$rc" -eq 2 ]
run show $K "../inbox/new/$E"
check "show a path: exit 2" [ "$rc" -eq 2 ]
check "show a path: says so" grep -q "not an item id" "$tmp/err"
run show -K "$tmp/bob.key" -i "$tmp/inbox" "$E"
check "show another reviewer's item: exit 1" [ "$rc" -eq 1 ]
check "show another reviewer's item: says so" \
    grep -q "item $E: not sealed to this key (bob)" "$tmp/err"
check "show another reviewer's item: nothing shown" [ ! -s "$tmp/out" ]
run show $K
check "show without an id: exit 2" [ "$rc" -eq 2 ]
run show $K "$E" "$P"
check "show with two ids: exit 2" [ "$rc" -eq 2 ]
run show -K "$tmp/alice.key" "$E"
check "show without -i: exit 2" [ "$rc" -eq 2 ]
run show $K --attachments "" "$E"
check "show --attachments '': exit 2" [ "$rc" -eq 2 ]
run show --help
check "show --help: exit 0" [ "$rc" -eq 0 ]
check "show --help: usage" grep -q "^usage: nearmiss-review show" "$tmp/out"

finish show
