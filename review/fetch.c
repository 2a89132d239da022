/*
 * Copyright (c) 2026 The nearmiss authors
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/*
 * nearmiss-review fetch: copies the new items of the intake host's inbox
 * into the local inbox with rsync over ssh, where the reviewer's key runs
 * "nearmiss-intake ssh" (a forced command); --purge FILE then sends the
 * ids of FILE (nearmiss-review decided) to its "purge --decided -".  The
 * items stay sealed: nothing here opens one, and nothing is written
 * outside INBOX.  rsync and ssh are exec'd, never through a shell.
 */

#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "file.h"
#include "inbox.h"
#include "log.h"
#include "nm.h"
#include "review.h"
#include "rv.h"

#define FETCH_HOST_MAX		255	/* bytes of [user@]host */
#define FETCH_SSH_MAX		1024	/* bytes of the ssh command */
#define FETCH_SSH_WORDS		32	/* words of the ssh command */
/* --purge FILE: the cap of nearmiss-intake purge --decided. */
#define FETCH_DECIDED_MAX	(8 * 1024 * 1024)
/* rsync gives up after 5 minutes without I/O. */
#define FETCH_TIMEOUT		"--timeout=300"

static void	fetch_usage(FILE *);
static int	fetch_host_ok(const char *);
static int	fetch_ssh_split(char *, char **, size_t *);
static int	fetch_dir(const char *);
static int	fetch_count(const char *, size_t *);
static int	fetch_run(char *const [], int, int);
static int	fetch_rsync(const char *, const char *, const char *);
static int	fetch_purge(const char *, const char *, const char *);

static void
fetch_usage(FILE *f)
{
	fprintf(f, "usage: nearmiss-review fetch -i inbox [-e ssh] "
	    "[--purge file] [user@]host\n");
}

/*
 * 1 if host is an ssh destination that neither ssh nor rsync can read as
 * an option or a path: letters, digits, '.', '_', '-', one '@', not
 * starting with '-'.
 */
static int
fetch_host_ok(const char *host)
{
	const char	*at;
	size_t		 n;

	n = strspn(host, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789._-@");
	if (n == 0 || host[n] != '\0' || n > FETCH_HOST_MAX ||
	    host[0] == '-' || host[0] == '@' || host[n - 1] == '@')
		return 0;
	at = strchr(host, '@');
	return at == NULL || (strchr(at + 1, '@') == NULL && at[1] != '-');
}

/*
 * Splits the ssh command s in place at blanks into w (FETCH_SSH_WORDS).
 * Quotes and backslashes are refused: rsync splits -e its own way, and
 * both splits must agree.  0, or -1 (logged).
 */
static int
fetch_ssh_split(char *s, char **w, size_t *n)
{
	char	*p;

	*n = 0;
	if (strlen(s) > FETCH_SSH_MAX || strpbrk(s, "'\"\\") != NULL) {
		log_warnx("the ssh command (-e or NEARMISS_SSH): words "
		    "separated by spaces, without quotes or backslashes");
		return -1;
	}
	for (p = strtok(s, " \t"); p != NULL; p = strtok(NULL, " \t")) {
		if (*n == FETCH_SSH_WORDS - 1) {
			log_warnx("the ssh command: more than %d words",
			    FETCH_SSH_WORDS - 1);
			return -1;
		}
		w[(*n)++] = p;
	}
	if (*n == 0) {
		log_warnx("the ssh command is empty");
		return -1;
	}
	return 0;
}

/*
 * Makes dir (mode 0700) if it is missing; refuses it if it is not a
 * directory, a symbolic link included.  0 or -1 (logged).
 */
static int
fetch_dir(const char *dir)
{
	struct stat	 st;

	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		log_warn("%s", dir);
		return -1;
	}
	if (lstat(dir, &st) == -1) {
		log_warn("%s", dir);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		log_warnx("%s: not a directory", dir);
		return -1;
	}
	return 0;
}

/* The number of regular files with item names in dir.  0 or -1 (logged). */
static int
fetch_count(const char *dir, size_t *n)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;

	*n = 0;
	if ((d = opendir(dir)) == NULL) {
		log_warn("%s", dir);
		return -1;
	}
	while ((de = readdir(d)) != NULL)
		if (rv_id_ok(de->d_name) && fstatat(dirfd(d), de->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
			(*n)++;
	closedir(d);
	return 0;
}

/*
 * Runs argv (execvp, no shell) with standard input from fd if it is not
 * -1, and its standard output on standard error if quiet is set; waits.
 * 0 if it exited 0, else -1 (logged).
 */
static int
fetch_run(char *const argv[], int fd, int quiet)
{
	pid_t	 pid;
	int	 status;

	if ((pid = fork()) == -1) {
		log_warn("fork");
		return -1;
	}
	if (pid == 0) {
		if (fd != -1 && dup2(fd, STDIN_FILENO) == -1)
			_exit(127);
		if (quiet && dup2(STDERR_FILENO, STDOUT_FILENO) == -1)
			_exit(127);
		/* Items are 0600 on the host; keep them so here. */
		umask(077);
		/*
		 * Arguments sent after the command (rsync -s) would pass
		 * the host's check unseen, so the host refuses them.
		 */
		unsetenv("RSYNC_PROTECT_ARGS");
		execvp(argv[0], argv);
		fprintf(stderr, "nearmiss-review: %s: %s\n", argv[0],
		    strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR) {
			log_warn("waitpid");
			return -1;
		}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		log_warnx("%s exited with %d", argv[0], WEXITSTATUS(status));
	else
		log_warnx("%s killed by signal %d", argv[0],
		    WTERMSIG(status));
	return -1;
}

/*
 * rsync -e ssh of host:new/ (the forced command maps it to the inbox)
 * into inbox/new: only files named as items (32 lowercase hex digits),
 * no directories, no links (neither copied nor followed), none larger
 * than an item can be, never one that exists here already; through
 * inbox/tmp, renamed into new/ when complete.  Nothing local is deleted.
 * 0 or -1 (logged).
 */
static int
fetch_rsync(const char *ssh, const char *inbox, const char *host)
{
	struct buf	 inc = BUF_INIT;
	char		 maxsz[64], src[FETCH_HOST_MAX + 8], dst[PATH_MAX];
	char		 abs[PATH_MAX], tmpd[PATH_MAX + 16];
	char		*argv[24];
	size_t		 k = 0, i;
	int		 rc;

	snprintf(maxsz, sizeof(maxsz), "--max-size=%d", INBOX_ITEM_MAX);
	snprintf(src, sizeof(src), "%s:new/", host);
	/* "./" keeps a relative inbox with a ':' from being a host. */
	if (file_path(dst, sizeof(dst), "%s%s/new/",
	    inbox[0] == '/' ? "" : "./", inbox) != 0)
		return -1;
	/*
	 * Each file is written in inbox/tmp, then renamed into new/.  The
	 * path is absolute: rsync refuses a relative one that leaves the
	 * destination.
	 */
	if (realpath(inbox, abs) == NULL) {
		log_warn("%s", inbox);
		return -1;
	}
	if (file_path(tmpd, sizeof(tmpd), "--temp-dir=%s/tmp", abs) != 0)
		return -1;
	/* rsync's patterns have no repetition: 32 times the class. */
	buf_addstr(&inc, "--filter=+ /");
	for (i = 0; i < INBOX_NAME_LEN; i++)
		buf_addstr(&inc, "[0-9a-f]");
	argv[k++] = "rsync";
	argv[k++] = "-e";
	argv[k++] = (char *)ssh;
	argv[k++] = "--dirs";
	argv[k++] = "--times";
	argv[k++] = "--ignore-existing";
	argv[k++] = maxsz;
	argv[k++] = FETCH_TIMEOUT;
	argv[k++] = tmpd;
	argv[k++] = "--chmod=F600";
	argv[k++] = "--filter=- */";
	argv[k++] = inc.data;
	argv[k++] = "--filter=- *";
	argv[k++] = "--";
	argv[k++] = src;
	argv[k++] = dst;
	argv[k] = NULL;
	/* rsync's notes (a file skipped) are no output of fetch. */
	rc = fetch_run(argv, -1, 1);
	buf_free(&inc);
	return rc;
}

/*
 * Sends the ids of file to the host's "purge --decided -", after
 * checking here that every line is an item id.  0 or -1 (logged).
 */
static int
fetch_purge(const char *ssh, const char *host, const char *file)
{
	struct buf	 b = BUF_INIT;
	char		*s = NULL, *w[FETCH_SSH_WORDS + 4];
	char		*p, *nl, *end;
	size_t		 n, lines = 0;
	int		 e, fd = -1, rc = -1;

	if ((e = file_read(&b, file, FETCH_DECIDED_MAX)) != 0) {
		if (e == NM_ENOTFOUND)
			log_warnx("%s: not found", file);
		goto out;
	}
	end = b.data + b.len;
	for (p = b.data; p < end; p = nl + 1) {
		lines++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL) {
			log_at(file, lines, "the last line has no newline; "
			    "nothing sent");
			goto out;
		}
		*nl = '\0';
		if (!rv_id_ok(p)) {
			log_at(file, lines, "not an item id; nothing sent");
			goto out;
		}
	}
	if (lines == 0) {
		log_info("%s: no ids; nothing to purge", file);
		rc = 0;
		goto out;
	}
	s = xstrdup(ssh);
	if (fetch_ssh_split(s, w, &n) != 0)
		goto out;
	w[n++] = "--";
	w[n++] = (char *)host;
	w[n++] = "purge --decided -";
	w[n] = NULL;
	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) == -1) {
		log_warn("%s", file);
		goto out;
	}
	log_info("%s: %zu id%s sent to %s", file, lines,
	    lines == 1 ? "" : "s", host);
	if (fetch_run(w, fd, 1) != 0)
		goto out;
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	free(s);
	buf_free(&b);
	return rc;
}

int
review_fetch(int argc, char *argv[])
{
	enum { OPT_PURGE = 256 };
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "purge", required_argument, NULL, OPT_PURGE },
		{ NULL, 0, NULL, 0 }
	};
	char		 dir[PATH_MAX];
	const char	*inbox = NULL, *ssh = NULL, *purge = NULL, *host;
	size_t		 before, after;
	int		 ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "he:i:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'h':
			fetch_usage(stdout);
			return 0;
		case 'e':
			ssh = optarg;
			break;
		case 'i':
			inbox = optarg;
			break;
		case OPT_PURGE:
			purge = optarg;
			break;
		default:
			fetch_usage(stderr);
			return 2;
		}
	}
	if (inbox == NULL || optind != argc - 1) {
		fetch_usage(stderr);
		return 2;
	}
	host = argv[optind];
	if (!fetch_host_ok(host)) {
		log_warnx("%s: not a host name ([user@]host: letters, digits, "
		    "'.', '_', '-')", host);
		return 2;
	}
	if (ssh == NULL && ((ssh = getenv("NEARMISS_SSH")) == NULL ||
	    *ssh == '\0'))
		ssh = "ssh";
	if (strpbrk(ssh, "'\"\\") != NULL || strlen(ssh) > FETCH_SSH_MAX) {
		log_warnx("the ssh command (-e or NEARMISS_SSH): words "
		    "separated by spaces, without quotes or backslashes");
		return 2;
	}
	if (fetch_dir(inbox) != 0)
		return 1;
	if (file_path(dir, sizeof(dir), "%s/tmp", inbox) != 0 ||
	    fetch_dir(dir) != 0)
		return 1;
	if (file_path(dir, sizeof(dir), "%s/new", inbox) != 0 ||
	    fetch_dir(dir) != 0)
		return 1;
	if (fetch_count(dir, &before) != 0)
		return 1;
	if (fetch_rsync(ssh, inbox, host) != 0)
		return 1;
	if (fetch_count(dir, &after) != 0)
		return 1;
	log_info("%s: %zu new item%s from %s, %zu in all", inbox,
	    after - before, after - before == 1 ? "" : "s", host, after);
	if (purge != NULL && fetch_purge(ssh, host, purge) != 0)
		return 1;
	return 0;
}
