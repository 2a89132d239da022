# Helpers shared by the nearmiss-intake suites in tests/intake (sourced
# after tests/lib.sh).  The caller sets tmp (a scratch folder), TOP,
# NMINTAKE and asuser ("-u nobody" when run as root, else empty), and has
# written the reviewers' public keys to $tmp/rcpt.

# serve_start DIR LOG SALT [ARGS...]: starts nearmiss-intake serve on the
# inbox DIR (made if missing, mode 700, owned by the server's user) on a
# free port of $LISTEN_ON (127.0.0.1 unless set), with ARGS after the
# usual options and its standard error appended to LOG.  SALT keeps
# suites that run side by side on different ports.  Waits until the
# server answers; sets $pid, $port and $url and adds $pid to $pids.
# Exits the suite if no port works.
serve_start() {
	ss_dir=$1
	ss_log=$2
	ss_salt=$3
	shift 3
	mkdir -p "$ss_dir/new" "$ss_dir/tmp"
	chmod 700 "$ss_dir" "$ss_dir/new" "$ss_dir/tmp"
	[ -z "$asuser" ] || chown -R nobody "$ss_dir"
	ss_try=0
	while [ $ss_try -lt 20 ]; do
		port=$((20000 + ($$ + ss_salt + ss_try * 7919) % 10000))
		ss_try=$((ss_try + 1))
		# Skip a port that another suite's server holds.
		if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
			continue
		fi
		# shellcheck disable=SC2086
		"$NMINTAKE" serve --log-stderr $asuser \
		    -l "${LISTEN_ON:-127.0.0.1}:$port" -i "$ss_dir" \
		    -k "$tmp/rcpt" -t "$TOP/content/nearmiss.ini" "$@" \
		    2>>"$ss_log" &
		pid=$!
		url=http://127.0.0.1:$port
		ss_n=0
		while [ $ss_n -lt 100 ]; do
			kill -0 "$pid" 2>/dev/null || break
			if curl -s -o /dev/null "$url/style.css"; then
				pids="$pids $pid"
				return 0
			fi
			sleep 0.05
			ss_n=$((ss_n + 1))
		done
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	echo "$(basename "$0" .sh): could not start a server" >&2
	tail "$ss_log" >&2
	exit 1
}
