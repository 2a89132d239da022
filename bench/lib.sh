# shellcheck shell=sh
#
# Copyright (c) 2026 The nearmiss authors
#
# Permission to use, copy, modify, and distribute this software for any
# purpose with or without fee is hereby granted, provided that the above
# copyright notice and this permission notice appear in all copies.
#
# THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
# WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
# MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
# ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
# WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
# ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
# OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
#
# lib.sh: the helpers the benchmarks share (sourced, not run):
#   . "$BENCH/lib.sh"
# The caller sets what a helper uses: SCRATCH (rmscratch, measure);
# ROWS, NOTES, TSV, DATE and N (measure, get, stats, note); BENCH and
# REPO (hugosite); REPO, N and SEED (corpusrepo).  A line of ROWS is
# "TOOL PHASE wall rss user sys".

# say TEXT: a line on stderr, after the script's name.
say()
{
	echo "${0##*/}: $*" >&2
}

# rmscratch: unmount the outputs' file system (outfs), then remove the
# scratch directory unless KEEP=1.
rmscratch()
{
	outfs_end
	if [ "${KEEP:-0}" = 1 ]; then
		say "kept $SCRATCH"
	else
		rm -rf "$SCRATCH"
	fi
}

# outfs DIR MB: make DIR, where the timed builds write, a new ext4 file
# system of MB megabytes made for this run (mkfs.ext4's defaults, so with
# a journal, as Debian installs it, but an inode per 8 KiB, for the many
# small files of the sites; in a sparse file in DIR's parent, on a
# loop device with direct I/O, so that no page is cached twice).  Every
# run then starts on the same ground.  On an ext4 without a journal (this
# machine's root file system is one), creating a file within a minute or
# so of many deletions makes the kernel step over each recently deleted
# inode: a full build of 10,000 reports went from 3.8 to 25.8 s of system
# time as the runs before it removed their outputs.  Needs root; without
# it, or with BENCHFS=host, DIR is an ordinary folder.  Sets OUTFS, a
# sentence for the summary.
outfs()
{
	OUTFS_DIR=$1
	OUTFS_DEV=
	mkdir -p "$1" || return 1
	OUTFS="$1 on the host's file system"
	if [ "${BENCHFS:-loop}" = host ]; then
		OUTFS="$OUTFS (BENCHFS=host)"
		return 0
	fi
	if [ "$(id -u)" -ne 0 ] || ! command -v mkfs.ext4 >/dev/null ||
	    ! command -v losetup >/dev/null; then
		OUTFS="$OUTFS (a fresh one needs root, mkfs.ext4 and losetup)"
		return 0
	fi
	o_img=$1.img
	if truncate -s "${2}M" "$o_img" &&
	    OUTFS_DEV=$(losetup -f --show --direct-io=on "$o_img") &&
	    mkfs.ext4 -q -i 8192 -E lazy_itable_init=0,lazy_journal_init=0 \
	    "$OUTFS_DEV" && mount "$OUTFS_DEV" "$1"; then
		OUTFS="$1: a new ext4 file system of $2 MB for this run"
		OUTFS="$OUTFS (journal; loop device, direct I/O)"
		return 0
	fi
	say "could not make a file system for the outputs: on the host's"
	[ -z "$OUTFS_DEV" ] || losetup -d "$OUTFS_DEV" 2>/dev/null || true
	OUTFS_DEV=
	rm -f "$o_img"
	OUTFS="$OUTFS (making a fresh one failed)"
	return 0
}

# outfs_end: unmount what outfs mounted and remove its file (KEEP=1 keeps
# the file, to mount again).
outfs_end()
{
	[ -n "${OUTFS_DEV:-}" ] || return 0
	umount "$OUTFS_DIR" 2>/dev/null || umount -l "$OUTFS_DIR" || true
	losetup -d "$OUTFS_DEV" 2>/dev/null || true
	[ "${KEEP:-0}" = 1 ] || rm -f "$OUTFS_DIR.img"
	OUTFS_DEV=
}

# Drop the page cache so full builds read cold, as on a fresh build host.
# Only root can; failure is not an error.
dropcaches()
{
	[ "$(id -u)" -eq 0 ] || return 0
	sync
	(echo 3 >/proc/sys/vm/drop_caches) 2>/dev/null || true
}

# note TEXT: a line for the summary's notes.
note()
{
	echo "$*" >>"$NOTES"
}

# measure TOOL PHASE LOG CMD...: run CMD under GNU time with its output in
# LOG.out and LOG.err.  On success record "TOOL PHASE wall rss user sys"
# in $ROWS and append a row to the TSV; return CMD's exit status.
measure()
{
	m_tool=$1
	m_phase=$2
	m_log=$3
	shift 3
	if /usr/bin/time -f '%e %M %U %S' -o "$SCRATCH/time.out" "$@" \
	    >"$m_log.out" 2>"$m_log.err"; then
		m_rc=0
	else
		m_rc=$?
	fi
	if [ "$m_rc" -ne 0 ]; then
		say "$m_tool ($m_phase) failed with exit status $m_rc;" \
		    "last lines of its stderr:"
		tail -n 20 "$m_log.err" | sed 's/^/    /' >&2
		{
			echo "$m_tool ($m_phase) FAILED, exit status $m_rc:"
			tail -n 20 "$m_log.err" | sed 's/^/    /'
		} >>"$NOTES"
		return "$m_rc"
	fi
	# GNU time's last line holds the figures.
	tail -n 1 "$SCRATCH/time.out" >"$SCRATCH/time.last"
	read -r m_wall m_rss m_user m_sys <"$SCRATCH/time.last"
	echo "$m_tool $m_phase $m_wall $m_rss $m_user $m_sys" >>"$ROWS"
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$DATE" "$N" "$m_tool" "$m_phase" \
	    "$m_wall" "$m_rss" >>"$TSV"
	say "$m_tool $m_phase: $m_wall s, $m_rss KiB"
	return 0
}

# get TOOL PHASE FIELD [NTH]: a recorded figure (FIELD 3 wall, 4 rss,
# 5 user, 6 sys) of the NTH run of TOOL PHASE, or "-" when there is none.
get()
{
	awk -v t="$1" -v p="$2" -v f="$3" -v k="${4:-1}" '
	    $1 == t && $2 == p && ++n == k { v = $f }
	    END { print (v == "" ? "-" : v) }' "$ROWS"
}

# stats TOOL PHASE FIELD: "median max" of a figure over all runs.
stats()
{
	awk -v t="$1" -v p="$2" -v f="$3" '$1 == t && $2 == p { print $f }' \
	    "$ROWS" | sort -n | awk '{ v[NR] = $1 }
	    END {
		if (NR == 0) { print "- -"; exit }
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		print m, v[NR]
	    }'
}

# verdict COND: PASS or FAIL from an awk condition, "n/a" if a figure in
# it is unmeasured ("-" or "n/a").
verdict()
{
	case " $1 " in
	*" - "*|*n/a*)
		echo "n/a"
		;;
	*)
		awk "BEGIN { print (($1) ? \"PASS\" : \"FAIL\") }"
		;;
	esac
}

# corpusrepo: commit the corpus in $REPO (N reports, seed SEED) with
# fixed dates and no user or system configuration, then pack it, so that
# the commit id is the same on every run.  GIT_CONFIG_NOSYSTEM and
# GIT_CONFIG_GLOBAL stay exported for the git commands that follow.
corpusrepo()
{
	export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
	export GIT_AUTHOR_DATE=2026-01-01T00:00:00Z
	export GIT_COMMITTER_DATE=2026-01-01T00:00:00Z
	git -c init.defaultBranch=main init -q "$REPO"
	git -C "$REPO" config user.name "nearmiss bench"
	git -C "$REPO" config user.email bench@example.org
	# No background "gc --auto" after the commit: it would race ours.
	git -C "$REPO" config gc.auto 0
	git -C "$REPO" -c core.autocrlf=false add -A
	git -C "$REPO" -c core.autocrlf=false commit -q \
	    -m "Benchmark corpus: $N reports, seed $SEED"
	git -C "$REPO" gc -q
	unset GIT_AUTHOR_DATE GIT_COMMITTER_DATE
}

# hugosite DIR: the Hugo site of the reports in $REPO, with the theme in
# hugo/ and the labels of its nearmiss.ini as TOML data, so that pages
# show the same labels.
hugosite()
{
	mkdir -p "$1/content" "$1/data" || return 1
	cp -R "$BENCH/hugo/config.toml" "$BENCH/hugo/layouts" "$1/" &&
	    cp -R "$REPO/content/reports" "$1/content/" || return 1
	printf -- '---\ntitle: "All reports"\n---\n' \
	    >"$1/content/reports/_index.md" || return 1
	awk '
	    /^[ \t]*[;#]/ { next }
	    /^\[/ { print; next }
	    /=/ {
		k = $0; sub(/[ \t]*=.*/, "", k)
		v = $0; sub(/^[^=]*=[ \t]*/, "", v); gsub(/["\\]/, "", v)
		printf "\"%s\" = \"%s\"\n", k, v
		next
	    }
	    { print }' "$REPO/content/nearmiss.ini" >"$1/data/labels.toml"
}
