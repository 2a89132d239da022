#!/bin/sh
# The whole pipeline with the real programs: a web-form submission and an
# e-mail submission go into one inbox; two reviewers list, draft, lint
# and approve them; nearmiss-gen publishes them only once both have
# approved, and the status index finds each receipt code.
# Run by tests/run.sh as: env NMREVIEW=... TOP=... sh pipeline.sh
set -u
. "$TOP/tests/lib.sh"

bin=$(dirname "$NMREVIEW")
NMINTAKE=$bin/nearmiss-intake
NMGEN=$bin/nearmiss-gen
command -v curl >/dev/null 2>&1 || { echo "pipeline: curl missing" >&2; exit 1; }

tmp=$(mktemp -d)
pid=
cleanup() {
	[ -z "$pid" ] || kill "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
chmod 711 "$tmp"

# --- Two reviewers, their keys and the content repository -------------
"$NMREVIEW" keygen --no-passphrase alice -o "$tmp/alice.key" \
    >"$tmp/rcpt" 2>/dev/null
"$NMREVIEW" keygen --no-passphrase bob -o "$tmp/bob.key" \
    >>"$tmp/rcpt" 2>/dev/null
check "two reviewers" [ "$(wc -l <"$tmp/rcpt")" -eq 2 ]

repo=$tmp/repo
C=$repo/content
mkdir -p "$C"
git init -q "$repo"
cp "$TOP/content/nearmiss.ini" "$C/nearmiss.ini"
cp "$tmp/rcpt" "$C/reviewers"
git -C "$repo" add content
git -C "$repo" -c user.name=setup -c user.email=setup@invalid \
    commit -qm 'The archive: settings and reviewers'

# The inbox belongs to the unprivileged user intake runs as.
asuser=
ib=$tmp/inbox
mkdir -p "$ib/new" "$ib/tmp" "$tmp/out"
chmod 700 "$ib"
chmod 777 "$tmp/out"
if [ "$(id -u)" -eq 0 ]; then
	asuser="-u nobody"
	chown -R nobody "$ib"
fi

# --- A web-form submission --------------------------------------------
try=0
url=
while [ $try -lt 20 ] && [ -z "$url" ]; do
	port=$((20000 + ($$ + try * 7919) % 10000))
	try=$((try + 1))
	# shellcheck disable=SC2086
	"$NMINTAKE" serve --log-stderr $asuser -l "127.0.0.1:$port" \
	    -i "$ib" -k "$tmp/rcpt" -t "$C/nearmiss.ini" \
	    2>>"$tmp/serve.log" &
	pid=$!
	n=0
	while [ $n -lt 50 ] && kill -0 "$pid" 2>/dev/null; do
		if curl -s -o /dev/null "http://127.0.0.1:$port/style.css"; then
			url=http://127.0.0.1:$port
			break
		fi
		sleep 0.1
		n=$((n + 1))
	done
	if [ -z "$url" ]; then
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		pid=
	fi
done
[ -n "$url" ] || { echo "pipeline: could not start the form server" >&2; exit 1; }

curl -s -o "$tmp/form.html" "$url/"
# The Origin is the one serve expects when it is not given -o.
tok=$(sed -n 's/.*name="token" value="\([^"]*\)".*/\1/p' "$tmp/form.html")
code=$(curl -s -o "$tmp/ok.html" -w '%{http_code}' \
    -H "Origin: http://127.0.0.1:8025" \
    --data-urlencode "token=$tok" \
    --data-urlencode "title=Backing unit parked in the line of fire at a traffic stop" \
    --data-urlencode "event_date=2026-09" \
    --data-urlencode "incident_type=traffic-stop" \
    --data-urlencode "contributing_factors=communication" \
    --data-urlencode "contributing_factors=situational-awareness" \
    --data-urlencode "loss_potential=serious-injury" \
    --data-urlencode "summary=A backing unit stopped behind the violator's car and ended up between the driver and the first officer." \
    --data-urlencode "narrative=FORMMARKER I had stopped a car on a two-lane road at night. The backing unit arrived and parked on the passenger side, so that when the driver got out quickly we were on opposite sides of him." \
    --data-urlencode "lessons=Agree on positions before the backing unit walks up." \
    --data-urlencode "consent=yes" \
    "$url/submit")
[ "$code" = 200 ] || sed -n "/<main/,/<\/main>/p" "$tmp/ok.html" >&2
check "form: 200" [ "$code" = 200 ]
fcode=$(grep -oE '[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}' \
    "$tmp/ok.html" | head -n 1)
check "form: a receipt code" [ -n "$fcode" ]
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
pid=

# --- An e-mail submission, with the automatic reply on -----------------
cat >"$tmp/sendmail" <<EOF
#!/bin/sh
cat >"$tmp/out/reply.txt"
EOF
chmod 755 "$tmp/sendmail"
cat >"$tmp/intake.ini" <<EOF
[intake]
inbox = $ib
recipients = $tmp/rcpt
taxonomy = $C/nearmiss.ini
[mail]
reply = on
sendmail = $tmp/sendmail
reply_from = intake@nearmiss.example
EOF
cat >"$tmp/mail.eml" <<'EOF'
Received: from [198.51.100.77] (helo=laptop.precinct.example)
	by mx.example.net; Tue, 3 Nov 2026 14:22:07 -0700
From: Planted Sender <planted.sender@example.org>
To: report@nearmiss.example
Subject: =?UTF-8?Q?Foot_pursuit_across_a_rail_yard?=
Date: Tue, 3 Nov 2026 14:22:07 -0700
Message-ID: <plantedmsgid@laptop.precinct.example>
X-Mailer: PlantedMailer 9.1
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Incident type: Foot pursuit
Event date: 2026-10
Contributing factors: situational-awareness
Loss potential: death
Summary: A suspect ran across a rail yard and I followed him between two lines of parked cars while a train was moving.

MAILMARKER I chased a suspect into a rail yard at dusk. I crossed a track between two strings of parked cars without looking, and a slow train passed a few feet behind me.

Lessons learned: Stop at every track and look both ways, even during a pursuit.

Contact: planted.contact@example.org
EOF
rc=0
# shellcheck disable=SC2086
"$NMINTAKE" mail $asuser -c "$tmp/intake.ini" <"$tmp/mail.eml" \
    2>"$tmp/mail.err" || rc=$?
check "mail: exit 0 (got $rc)" [ "$rc" -eq 0 ]
mcode=$(grep -oE '[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}' \
    "$tmp/out/reply.txt" 2>/dev/null | head -n 1)
check "mail: the reply carries a receipt code" [ -n "$mcode" ]
check "the inbox holds two items" [ "$(ls "$ib/new" | wc -l)" -eq 2 ]
for m in planted.sender 198.51.100.77 plantedmsgid PlantedMailer \
    FORMMARKER MAILMARKER; do
	check_not "the inbox files do not show $m" grep -rq "$m" "$ib"
done

# --- Both reviewers see both items --------------------------------------
for who in alice bob; do
	"$NMREVIEW" list -K "$tmp/$who.key" -i "$ib" -r "$repo" \
	    >"$tmp/list.$who" 2>&1
	check "$who lists two items" \
	    [ "$(grep -cE '^[0-9a-f]{32}' "$tmp/list.$who")" -eq 2 ]
done
check "list shows the e-mail's title" grep -q 'Foot pursuit across a rail yard' \
    "$tmp/list.alice"

# --- Alice drafts both; the drafts are complete but for the day ----------
today=$(date -u +%Y-%m-%d)
for id in $(ls "$ib/new"); do
	rc=0
	"$NMREVIEW" draft -K "$tmp/alice.key" -i "$ib" -r "$repo" "$id" \
	    >"$tmp/draft.out" 2>&1 || rc=$?
	check "draft $id: exit 0 (got $rc)" [ "$rc" -eq 0 ]
done
files=$(find "$C/reports" -name '*.md' | sort)
check "two drafts" [ "$(echo "$files" | wc -l)" -eq 2 ]
for f in $files; do
	sed -i "s/^published: TODO.*/published: $today/" "$f"
done
check "a draft holds the form's narrative" grep -rq FORMMARKER "$C/reports"
check "a draft holds the e-mail's narrative" grep -rq MAILMARKER "$C/reports"
check "a draft holds the e-mail's lessons" grep -rq 'Stop at every track' \
    "$C/reports"
check_not "no draft holds the contact line" grep -rq planted.contact \
    "$C/reports"
check_not "no draft holds the sender" grep -rq planted.sender "$C/reports"
# The markers are not identifiers, but lint must pass the rest.
rc=0
# shellcheck disable=SC2086
"$NMREVIEW" lint $files >"$tmp/lint.out" 2>&1 || rc=$?
check "lint: no findings on the drafts (exit $rc)" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || cat "$tmp/lint.out" >&2

# --- One approval is not enough; two publish ----------------------------
build() {
	rm -rf "$tmp/site"
	"$NMGEN" -q -r "$repo" -p content -t "$TOP/themes/default" \
	    -o "$tmp/site" >"$tmp/gen.out" 2>&1
}
rc=0
# shellcheck disable=SC2086
"$NMREVIEW" approve -K "$tmp/alice.key" -r "$repo" $files \
    >"$tmp/approve.out" 2>&1 || rc=$?
check "alice approves both (exit $rc)" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || cat "$tmp/approve.out" >&2
check "the drafts are committed" \
    [ -z "$(git -C "$repo" status --porcelain content/reports)" ]
build
rc=$?
check "gen after one approval: exit 0 ($rc)" [ "$rc" -eq 0 ]
for f in $files; do
	id=$(basename "$f" .md)
	check "one approval: $id not published" \
	    [ ! -e "$tmp/site/reports/$id/index.html" ]
done
"$NMREVIEW" approve -K "$tmp/bob.key" -r "$repo" $files \
    >"$tmp/approve.out" 2>&1 || rc=$?
check "bob approves both (exit $rc)" [ "$rc" -eq 0 ]
build
check "gen after two approvals: exit 0" [ $? -eq 0 ]
for f in $files; do
	id=$(basename "$f" .md)
	check "two approvals: $id published" \
	    [ -f "$tmp/site/reports/$id/index.html" ]
done
check "the e-mail report is on the site" grep -rq MAILMARKER "$tmp/site/reports"
check "the form report is on the site" grep -rq FORMMARKER "$tmp/site/reports"
for m in planted.sender planted.contact 198.51.100.77 plantedmsgid \
    PlantedMailer laptop.precinct; do
	check_not "the site does not show $m" grep -rq "$m" "$tmp/site"
done
check "the history has one author" \
    [ "$(git -C "$repo" log --format='%an <%ae>' -n 2 | sort -u)" = \
    "nearmiss <nearmiss@invalid>" ]
check "the reviewers' commits are dated at midnight" \
    sh -c '! git -C "$1" log -n 2 --format=%ad --date=iso-strict-local |
    grep -v "T00:00:00"' sh "$repo"

# --- The status index finds both codes ----------------------------------
# lookup CODE: the status entry of a typed code, as the page's script finds
# it (normalised as receipt_hash(): no dashes, upper case; SHA-256).
lookup() {
	h=$(printf '%s' "$1" | tr -d '-' | tr 'a-z' 'A-Z' | sha256sum |
	    cut -c1-64)
	digits=$(sed -n 's/.*"digits":\([0-9]\).*/\1/p' \
	    "$tmp/site/status/index.json")
	if [ "$digits" = 0 ]; then
		shard=all
	else
		shard=$(echo "$h" | cut -c1-"$digits")
	fi
	grep -o "\"$h\":{[^}]*}" "$tmp/site/status/$shard.json"
}
for c in "$fcode" "$mcode"; do
	entry=$(lookup "$c")
	check "status: code $c is published" \
	    sh -c 'echo "$1" | grep -q "\"published\""' sh "$entry"
done
check_not "the site holds no receipt code" grep -rq "$fcode" "$tmp/site"
check_not "the site holds no receipt code (e-mail)" grep -rq "$mcode" \
    "$tmp/site"

finish pipeline
