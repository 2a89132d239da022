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
 * Runs the e-mail parser in a child process that can do little harm if
 * a hostile message takes libetpan over: limits on memory, CPU time and
 * files, no core, no new privileges, no network where the kernel lets
 * us unshare it, every descriptor closed but a pipe back.  The parent
 * reads a bounded answer and decodes it as strictly as review does.
 * Also the quarantine record, for a message the child could not parse.
 */

#define _GNU_SOURCE	/* unshare, CLONE_NEWNET, pipe2, close_range */

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "buf.h"
#include "inbox.h"
#include "log.h"
#include "mime.h"
#include "mimeint.h"
#include "record.h"

#define CHILD_AS	(256UL * 1024 * 1024)	/* RLIMIT_AS */
#define CHILD_CPU	5			/* RLIMIT_CPU, seconds */
#define CHILD_NOFILE	16			/* iconv opens its modules */
#define CHILD_WALL_MS	15000	/* wall clock, a backstop for the CPU cap */
#define WHY_MAX		256
#define FD_RESULT	3

/* The child's answer: one status byte, then a record or a reason. */
#define ANSWER_OK	0
#define ANSWER_REJECT	1
#define ANSWER_EMPTY	2	/* nothing to report: quarantine (1 byte) */

#if defined(__SANITIZE_ADDRESS__)
#define NM_ASAN	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NM_ASAN	1
#endif
#endif

static void	child(int, const char *, size_t, const struct config *)
		    __attribute__((noreturn));

/*
 * XXX For tests only (mail_set_test_hook()): run in the child once its
 * limits are set.  The one mutable file-scope variable of the parser.
 */
static void	(*test_hook)(int);
static int	write_all(int, const void *, size_t);
static int	read_answer(int, pid_t, struct buf *);
static int	reap(pid_t, int *);
static long	ms_since(const struct timespec *);

static int
write_all(int fd, const void *p, size_t len)
{
	const char	*s = p;
	ssize_t		 n;

	while (len > 0) {
		if ((n = write(fd, s, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * The child: limits first, then the parse, then the answer down fd.
 * It never returns, and leaves through _exit() so that nothing the
 * parent buffered is flushed twice.
 */
static void
child(int fd, const char *msg, size_t len, const struct config *tax)
{
	struct rlimit	 rl;
	struct buf	 enc = BUF_INIT;
	char		 why[WHY_MAX];
	unsigned char	 st;
	int		 rc;

	/* The parent's handlers (a daemon's SIGTERM, say) are not ours. */
	signal(SIGPIPE, SIG_IGN);
	/* A log line to a file over RLIMIT_FSIZE fails, not kills. */
	signal(SIGXFSZ, SIG_IGN);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGALRM, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	if (fd != FD_RESULT) {
		if (dup2(fd, FD_RESULT) == -1)
			_exit(2);
		close(fd);
	}
	/* Nothing of the parent's (inbox, sockets) stays open. */
	if (close_range(FD_RESULT + 1, ~0U, 0) == -1) {
		for (rc = FD_RESULT + 1; rc < 1024; rc++)
			close(rc);
	}
	rl.rlim_cur = rl.rlim_max = 0;
	if (setrlimit(RLIMIT_CORE, &rl) == -1 ||
	    setrlimit(RLIMIT_FSIZE, &rl) == -1)
		_exit(2);
	rl.rlim_cur = rl.rlim_max = CHILD_NOFILE;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
		_exit(2);
	rl.rlim_cur = CHILD_CPU;
	rl.rlim_max = CHILD_CPU + 1;
	if (setrlimit(RLIMIT_CPU, &rl) == -1)
		_exit(2);
#ifndef NM_ASAN
	/*
	 * Not under AddressSanitizer, which reserves terabytes of shadow
	 * address space up front and would not even start the parse.
	 */
	rl.rlim_cur = rl.rlim_max = CHILD_AS;
	if (setrlimit(RLIMIT_AS, &rl) == -1)
		_exit(2);
#endif
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		_exit(2);
	/* Only root (or a user namespace) may; without it, go on. */
	(void)unshare(CLONE_NEWNET);
	if (test_hook != NULL)
		test_hook(FD_RESULT);

	rc = mail_extract(&enc, msg, len, tax, why, sizeof(why));
	if (rc == 0) {
		st = ANSWER_OK;
		if (write_all(FD_RESULT, &st, 1) == -1 ||
		    write_all(FD_RESULT, enc.data, enc.len) == -1)
			_exit(3);
	} else if (rc == MAIL_EEMPTY) {
		st = ANSWER_EMPTY;
		if (write_all(FD_RESULT, &st, 1) == -1)
			_exit(3);
	} else if (rc == MAIL_EREJECT) {
		st = ANSWER_REJECT;
		if (write_all(FD_RESULT, &st, 1) == -1 ||
		    write_all(FD_RESULT, why, strnlen(why, sizeof(why))) ==
		    -1)
			_exit(3);
	} else
		_exit(4);
	_exit(0);
}

static long
ms_since(const struct timespec *t0)
{
	struct timespec	 now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(now.tv_sec - t0->tv_sec) * 1000 +
	    (now.tv_nsec - t0->tv_nsec) / 1000000;
}

/*
 * Reads the child's answer from fd into out: at most 1 + RECORD_MAX
 * bytes, within CHILD_WALL_MS.  Kills the child if it sends more or
 * takes longer.  Returns 0 at end of file, -1 if the child was killed
 * or reading failed.
 */
static int
read_answer(int fd, pid_t pid, struct buf *out)
{
	struct pollfd	 pfd;
	struct timespec	 t0;
	char		 chunk[65536];
	ssize_t		 n;
	long		 left;
	int		 r;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	pfd.fd = fd;
	pfd.events = POLLIN;
	for (;;) {
		if ((left = CHILD_WALL_MS - ms_since(&t0)) <= 0) {
			log_warnx("mail: parser took more than %d ms: killed",
			    CHILD_WALL_MS);
			goto kill;
		}
		if ((r = poll(&pfd, 1, (int)left)) == -1) {
			if (errno == EINTR)
				continue;
			log_warn("mail: poll");
			goto kill;
		}
		if (r == 0)
			continue;
		if ((n = read(fd, chunk, sizeof(chunk))) == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			log_warn("mail: read from the parser");
			goto kill;
		}
		if (n == 0)
			return 0;
		if (out->len + (size_t)n > 1 + (size_t)RECORD_MAX) {
			log_warnx("mail: parser answer longer than %d bytes: "
			    "killed", RECORD_MAX + 1);
			goto kill;
		}
		buf_add(out, chunk, (size_t)n);
	}
kill:
	kill(pid, SIGKILL);
	return -1;
}

/* Waits for pid; *statusp gets its status.  Returns 0 or -1 (logged). */
static int
reap(pid_t pid, int *statusp)
{
	while (waitpid(pid, statusp, 0) == -1) {
		if (errno == EINTR)
			continue;
		log_warn("mail: waitpid");
		return -1;
	}
	return 0;
}

int
mail_parse(struct record *out, const char *msg, size_t len,
    const struct config *tax, char *why, size_t whysz)
{
	struct buf	 ans = BUF_INIT, q = BUF_INIT;
	pid_t		 pid;
	size_t		 i, n;
	int		 p[2] = { -1, -1 }, status, got, rc = MAIL_ECHILD;

	memset(out, 0, sizeof(*out));
	if (mail_precheck(msg, len, why, whysz) == -1)
		return MAIL_EREJECT;
	if (pipe2(p, O_CLOEXEC) == -1) {
		log_warn("mail: pipe");
		return INBOX_ETEMP;
	}
	fflush(NULL);
	if ((pid = fork()) == -1) {
		log_warn("mail: fork");
		close(p[0]);
		close(p[1]);
		return INBOX_ETEMP;
	}
	if (pid == 0) {
		close(p[0]);
		child(p[1], msg, len, tax);
	}
	close(p[1]);
	got = read_answer(p[0], pid, &ans);
	close(p[0]);
	if (reap(pid, &status) == -1)
		goto out;
	if (got == -1)
		goto out;
	if (WIFSIGNALED(status)) {
		log_warnx("mail: parser killed by signal %d",
		    WTERMSIG(status));
		goto out;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		log_warnx("mail: parser exited with status %d",
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		goto out;
	}
	if (ans.len == 0) {
		log_warnx("mail: parser gave no answer");
		goto out;
	}
	if ((unsigned char)ans.data[0] == ANSWER_REJECT) {
		/* One line of printable ASCII, whatever the child sent. */
		rc = MAIL_EREJECT;
		if (whysz == 0)
			goto out;
		n = ans.len - 1 < whysz ? ans.len - 1 : whysz - 1;
		for (i = 0; i < n; i++) {
			why[i] = ans.data[1 + i];
			if (why[i] < 0x20 || why[i] > 0x7e)
				why[i] = '?';
		}
		why[n] = '\0';
		if (n == 0)
			snprintf(why, whysz, "message refused by the parser");
		goto out;
	}
	if ((unsigned char)ans.data[0] == ANSWER_EMPTY && ans.len == 1) {
		/* Nothing to report: kept, opaque, for the reviewers. */
		if (mail_quarantine(&q, msg, len) == -1 ||
		    record_decode(out, NULL, q.data, q.len) == -1)
			goto out;
		rc = 0;
		goto out;
	}
	if ((unsigned char)ans.data[0] != ANSWER_OK ||
	    record_decode(out, NULL, ans.data + 1, ans.len - 1) == -1) {
		log_warnx("mail: parser sent an answer that does not decode");
		goto out;
	}
	if (out->channel != RECORD_EMAIL || out->quarantined) {
		log_warnx("mail: parser sent a record that is not a parsed "
		    "e-mail");
		record_free(out);
		goto out;
	}
	rc = 0;
out:
	sodium_memzero(ans.data, ans.len);
	buf_free(&ans);
	sodium_memzero(q.data, q.len);
	buf_free(&q);
	return rc;
}

int
mail_quarantine(struct buf *enc, const char *msg, size_t len)
{
	struct record			 r;
	struct record_attachment	 a;
	struct buf			 eml = BUF_INIT;
	int				 rc = -1;

	if (len > MAIL_MAX) {
		log_warnx("mail: a message of %zu bytes is more than %d", len,
		    MAIL_MAX);
		return -1;
	}
	mail_header_reduce(&eml, msg, len);
	/* The reduced header adds an empty line at most. */
	if (eml.len > RECORD_ATTACH_TOTAL)
		buf_truncate(&eml, RECORD_ATTACH_TOTAL);
	memset(&r, 0, sizeof(r));
	a.name = "message.eml";
	a.type = "message/rfc822";
	a.data = (const unsigned char *)eml.data;
	a.len = eml.len;
	r.narrative = "";
	r.consent = 0;
	r.channel = RECORD_EMAIL;
	r.quarantined = 1;
	r.attach = &a;
	r.nattach = 1;
	if (record_day(r.received, time(NULL)) == -1)
		goto out;
	rc = record_encode(enc, &r);
out:
	sodium_memzero(eml.data, eml.len);
	buf_free(&eml);
	return rc;
}

void
mail_set_test_hook(void (*fn)(int))
{
	test_hook = fn;
}
