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
 * nearmiss-intake ssh: the forced command of the reviewers' keys in the
 * intake user's authorized_keys.  It reads SSH_ORIGINAL_COMMAND and runs
 * exactly one of two things: the rsync server that sends INBOX/new
 * read-only, as "nearmiss-review fetch" asks for it, or purge --decided
 * with the ids on standard input.  Everything else is refused and logged.
 * No shell ever sees the command: rsync is exec'd with an argv rebuilt
 * from the words that passed the allow-list.
 */

#include <sys/stat.h>

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
#include "intake.h"
#include "log.h"
#include "nm.h"

/* Standard input of purge --decided -: purge.c's DECIDED_MAX. */
#define SSH_DECIDED_MAX	(8 * 1024 * 1024)

static void	ssh_refuse(const char *, const char *);
static int	ssh_stdin_file(void);
static int	ssh_purge(const char *);

/*
 * Logs the refusal of cmd (escaped and cut: it is the client's text) and
 * tells the client, whose standard error this is, in one fixed line.
 */
static void
ssh_refuse(const char *cmd, const char *why)
{
	char		 esc[4 * 120 + 1];
	size_t		 i, j;

	for (i = j = 0; cmd != NULL && cmd[i] != '\0' && i < 120; i++) {
		if (cmd[i] >= ' ' && cmd[i] <= '~' && cmd[i] != '\\')
			esc[j++] = cmd[i];
		else
			j += (size_t)snprintf(esc + j, sizeof(esc) - j,
			    "\\%03o", (unsigned char)cmd[i]);
	}
	esc[j] = '\0';
	log_warnx("ssh: refused (%s): \"%s\"%s", why,
	    cmd == NULL ? "" : esc,
	    cmd != NULL && strlen(cmd) > 120 ? "..." : "");
	fprintf(stderr, "nearmiss-intake: command refused: only "
	    "nearmiss-review fetch and its --purge are allowed here\n");
}

/*
 * Standard input, at most SSH_DECIDED_MAX + 1 bytes of it, copied into
 * an unlinked temporary file: purge --decided reads a regular file.
 * Returns the descriptor, at offset 0, or -1 (logged).
 */
static int
ssh_stdin_file(void)
{
	char		 path[PATH_MAX], chunk[65536];
	const char	*dir;
	size_t		 total = 0;
	ssize_t		 n;
	int		 fd;

	if ((dir = getenv("TMPDIR")) == NULL || *dir == '\0')
		dir = "/tmp";
	if (file_path(path, sizeof(path), "%s/nearmiss-decided.XXXXXX",
	    dir) != 0)
		return -1;
	if ((fd = mkstemp(path)) == -1) {
		log_warn("mkstemp %s", path);
		return -1;
	}
	(void)unlink(path);
	for (;;) {
		if ((n = read(STDIN_FILENO, chunk, sizeof(chunk))) == -1) {
			if (errno == EINTR)
				continue;
			log_warn("ssh: standard input");
			goto fail;
		}
		if (n == 0)
			break;
		/* One byte past the cap is enough for purge to refuse. */
		if (total > SSH_DECIDED_MAX) {
			log_warnx("ssh: more than %d bytes of ids",
			    SSH_DECIDED_MAX);
			goto fail;
		}
		total += (size_t)n;
		if (file_write_all(fd, chunk, (size_t)n) != 0)
			goto fail;
	}
	if (lseek(fd, 0, SEEK_SET) == -1) {
		log_warn("ssh: lseek");
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

/*
 * purge -i inbox --decided with the ids of standard input: purge.c's
 * own command, so the same validation (every line an id, or nothing is
 * deleted) applies.
 */
static int
ssh_purge(const char *inbox)
{
	char	 path[64];
	char	*argv[6];
	int	 fd, rc;

	if ((fd = ssh_stdin_file()) == -1)
		return 1;
	/* /dev/fd/N: a regular file that file_read() opens by name. */
	if (file_path(path, sizeof(path), "/dev/fd/%d", fd) != 0) {
		close(fd);
		return 1;
	}
	argv[0] = "purge";
	argv[1] = "-i";
	argv[2] = (char *)inbox;
	argv[3] = "--decided";
	argv[4] = path;
	argv[5] = NULL;
	rc = cmd_purge(5, argv);
	close(fd);
	return rc;
}

int
cmd_ssh(int argc, char *argv[])
{
	enum { OPT_LOG_STDERR = 256, OPT_RSYNC };
	static const struct option longopts[] = {
		{ "inbox", required_argument, NULL, 'i' },
		{ "log-stderr", no_argument, NULL, OPT_LOG_STDERR },
		{ "rsync", required_argument, NULL, OPT_RSYNC },
		{ NULL, 0, NULL, 0 }
	};
	struct stat	 st;
	const char	*inbox = NULL, *rsync = NM_RSYNC, *orig;
	char		*cmd = NULL, *out[SSH_ARGV_MAX];
	int		 ch, dry = 0, to_stderr = 0, kind, i, rc = 1;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "i:n", longopts, NULL)) != -1) {
		switch (ch) {
		case 'i':
			inbox = optarg;
			break;
		case 'n':
			dry = 1;
			break;
		case OPT_LOG_STDERR:
			to_stderr = 1;
			break;
		case OPT_RSYNC:
			if (optarg[0] != '/') {
				log_warnx("--rsync: expected an absolute path");
				return 2;
			}
			rsync = optarg;
			break;
		default:
			intake_usage_of("ssh");
			return 2;
		}
	}
	if (inbox == NULL || optind != argc) {
		intake_usage_of("ssh");
		return 2;
	}
	/*
	 * The administrator reads the refusals in syslog; the client sees
	 * one fixed line (ssh_refuse()).  -n is run by hand: stderr.
	 */
	if (!to_stderr && !dry)
		log_init("nearmiss-intake", LOG_TO_SYSLOG);
	if ((orig = getenv("SSH_ORIGINAL_COMMAND")) == NULL) {
		ssh_refuse(NULL, "no command: a login");
		goto out;
	}
	cmd = xstrdup(orig);
	if ((kind = ssh_check(cmd, out)) == -1) {
		ssh_refuse(orig, "not an allowed command");
		goto out;
	}
	if (kind == SSH_RSYNC)
		out[0] = (char *)rsync;
	if (dry && kind == SSH_PURGE)
		printf("purge -i %s --decided -\n", inbox);
	else if (dry) {
		for (i = 0; out[i] != NULL; i++)
			printf("%s%s", i > 0 ? " " : "", out[i]);
		printf("\n");
	}
	if (dry) {
		rc = fflush(stdout) == 0 ? 0 : 1;
		goto out;
	}
	if (geteuid() == 0) {
		log_warnx("ssh: refusing to run as root; give the reviewers' "
		    "keys to the intake user (nearmiss-intake(8), FETCH)");
		goto out;
	}
	if (kind == SSH_PURGE) {
		log_info("ssh: purge --decided");
		rc = ssh_purge(inbox);
		goto out;
	}
	/* The inbox's new/ itself, never a link to elsewhere. */
	if (chdir(inbox) == -1) {
		log_warn("ssh: %s", inbox);
		goto out;
	}
	if (lstat("new", &st) == -1 || !S_ISDIR(st.st_mode)) {
		log_warnx("ssh: %s/new: not a directory", inbox);
		goto out;
	}
	log_info("ssh: rsync of %s/new", inbox);
	execv(out[0], out);
	log_warn("ssh: %s", out[0]);
out:
	free(cmd);
	return rc;
}
