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
 * The optional automatic reply: finding the one address to answer in
 * an untrusted header, and mailing the receipt code to it through the
 * local sendmail interface.  The address lives in the caller's memory
 * and in the pipe to sendmail only; nothing here logs it.
 */

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "buf.h"
#include "file.h"
#include "intake.h"
#include "log.h"

#define REPLY_TIMEOUT	60		/* seconds sendmail may take */
#define REPLY_HDR_MAX	(1024 * 1024)	/* bytes of header scanned */
#define REPLY_VALUE_MAX	1024		/* bytes of one unfolded field */
#define REPLY_LOCAL_MAX	64
#define REPLY_LABEL_MAX	63

/* The fields that matter here, as found in the top-level header. */
enum hdr {
	H_REPLY_TO,
	H_FROM,
	H_AUTO_SUBMITTED,
	H_PRECEDENCE,
	H_LIST_ID,
	H_RETURN_PATH,
	H_MAX
};

struct field {
	char	 value[REPLY_VALUE_MAX + 1];
	size_t	 len;
	int	 seen;		/* times the field appeared */
	int	 toolong;
};

static int	 atext(int);
static int	 local_ok(const char *, size_t);
static int	 domain_ok(const char *, size_t);
static void	 trim(const char **, size_t *);
static int	 single_address(char *, size_t, const char *, size_t);
static void	 scan_header(struct field *, const char *, size_t);
static int	 no_reply(const struct field *);
static void	 compose(struct buf *, const struct reply_cfg *, const char *,
		    const char *);
static int	 run_sendmail(const struct reply_cfg *, const struct buf *);

static const char *const hdr_names[H_MAX] = {
	"reply-to", "from", "auto-submitted", "precedence", "list-id",
	"return-path",
};

/* RFC 5322 atext. */
static int
atext(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' &&
	    strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* A dot-atom local part of 1 to 64 bytes. */
static int
local_ok(const char *s, size_t n)
{
	size_t	 i;

	if (n == 0 || n > REPLY_LOCAL_MAX || s[0] == '.' || s[n - 1] == '.')
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (s[i + 1] == '.')
				return 0;
		} else if (!atext((unsigned char)s[i]))
			return 0;
	}
	return 1;
}

/* An ASCII host name: two or more labels of [A-Za-z0-9-], no literal. */
static int
domain_ok(const char *s, size_t n)
{
	size_t	 i, lab = 0, labels = 1;

	if (n == 0 || n > 253)
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (lab == 0 || s[i - 1] == '-')
				return 0;
			labels++;
			lab = 0;
			continue;
		}
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
		if (lab == 0 && s[i] == '-')
			return 0;
		if (++lab > REPLY_LABEL_MAX)
			return 0;
	}
	return lab > 0 && s[n - 1] != '-' && labels >= 2;
}

int
reply_addr_ok(const char *s)
{
	const char	*at;
	size_t		 n = strlen(s);

	if (n < 5 || n > REPLY_ADDR_MAX || s[0] == '-')
		return 0;
	if ((at = strchr(s, '@')) == NULL || strchr(at + 1, '@') != NULL)
		return 0;
	return local_ok(s, (size_t)(at - s)) &&
	    domain_ok(at + 1, n - (size_t)(at - s) - 1);
}

static void
trim(const char **s, size_t *n)
{
	while (*n > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

/*
 * The one address of a From or Reply-To value: "addr" or
 * "Display Name <addr>" (the display name may be quoted; it is not
 * kept).  Anything else (two addresses, groups, comments, routes) gives
 * -1.  Returns 0 with the address in out.
 */
static int
single_address(char *out, size_t outsz, const char *v, size_t n)
{
	size_t	 i, lt = 0, gt = 0, an;
	int	 inq = 0, haslt = 0, hasgt = 0;

	trim(&v, &n);
	for (i = 0; i < n; i++) {
		unsigned char	 c = (unsigned char)v[i];

		if (c < 0x20 && c != '\t')
			return -1;
		if (c >= 0x7f && !inq)
			return -1;
		if (inq) {
			if (c == '\\' && i + 1 < n)
				i++;
			else if (c == '"')
				inq = 0;
			continue;
		}
		if (hasgt) {
			if (c != ' ' && c != '\t')
				return -1;
			continue;
		}
		if (haslt) {
			if (c == '>') {
				hasgt = 1;
				gt = i;
			} else if (c == '<' || c == '"')
				return -1;
			continue;
		}
		switch (c) {
		case '"':
			inq = 1;
			break;
		case '<':
			haslt = 1;
			lt = i;
			break;
		case '>': case ',': case ';': case ':': case '(': case ')':
		case '[': case ']': case '\\':
			return -1;
		default:
			/*
			 * '@' too: a bare address, or a display name
			 * such as "j@example.org <j@example.org>".
			 */
			break;
		}
	}
	if (inq || haslt != hasgt)
		return -1;
	if (haslt) {
		v += lt + 1;
		an = gt - lt - 1;
	} else {
		an = n;
		for (i = 0; i < n; i++)
			if (v[i] == ' ' || v[i] == '\t' || v[i] == '"')
				return -1;
	}
	if (an == 0 || an >= outsz || an > REPLY_ADDR_MAX)
		return -1;
	memcpy(out, v, an);
	out[an] = '\0';
	if (!reply_addr_ok(out)) {
		sodium_memzero(out, an);
		return -1;
	}
	return 0;
}

/*
 * Unfolds the fields of hdr_names in the top-level header (up to the
 * first empty line, at most REPLY_HDR_MAX bytes): the first occurrence
 * of each is kept, later ones only counted.
 */
static void
scan_header(struct field *f, const char *msg, size_t len)
{
	size_t	 i = 0, ls, le, nl, k, colon;
	int	 cur = -1;

	if (len > REPLY_HDR_MAX)
		len = REPLY_HDR_MAX;
	while (i < len) {
		ls = i;
		while (i < len && msg[i] != '\n')
			i++;
		le = i;
		nl = i < len ? i + 1 : i;
		if (le > ls && msg[le - 1] == '\r')
			le--;
		i = nl;
		if (le == ls)
			break;		/* the empty line: end of header */
		if (msg[ls] == ' ' || msg[ls] == '\t') {
			/* A continuation: append, folding into one space. */
			if (cur < 0 || f[cur].seen > 1)
				continue;
			if (f[cur].len + (le - ls) > REPLY_VALUE_MAX) {
				f[cur].toolong = 1;
				continue;
			}
			memcpy(f[cur].value + f[cur].len, msg + ls, le - ls);
			f[cur].len += le - ls;
			f[cur].value[f[cur].len] = '\0';
			continue;
		}
		cur = -1;
		for (colon = ls; colon < le && msg[colon] != ':'; colon++)
			;
		if (colon == le)
			continue;
		for (k = 0; k < H_MAX; k++)
			if (strlen(hdr_names[k]) == colon - ls &&
			    strncasecmp(msg + ls, hdr_names[k],
			    colon - ls) == 0)
				break;
		if (k == H_MAX)
			continue;
		cur = (int)k;
		if (f[k].seen++ > 0)
			continue;
		if (le - colon - 1 > REPLY_VALUE_MAX) {
			f[k].toolong = 1;
			continue;
		}
		memcpy(f[k].value, msg + colon + 1, le - colon - 1);
		f[k].len = le - colon - 1;
		f[k].value[f[k].len] = '\0';
	}
}

/* 1 if the message must not be answered automatically (RFC 3834). */
static int
no_reply(const struct field *f)
{
	const char	*v;
	size_t		 n;

	if (f[H_LIST_ID].seen)
		return 1;
	if (f[H_AUTO_SUBMITTED].seen) {
		v = f[H_AUTO_SUBMITTED].value;
		n = f[H_AUTO_SUBMITTED].len;
		trim(&v, &n);
		if (!(n == 2 && strncasecmp(v, "no", 2) == 0) &&
		    !(n > 2 && strncasecmp(v, "no", 2) == 0 &&
		    (v[2] == ';' || v[2] == ' ' || v[2] == '\t' ||
		    v[2] == '(')))
			return 1;
	}
	if (f[H_PRECEDENCE].seen) {
		v = f[H_PRECEDENCE].value;
		n = f[H_PRECEDENCE].len;
		trim(&v, &n);
		if ((n == 4 && (strncasecmp(v, "bulk", 4) == 0 ||
		    strncasecmp(v, "junk", 4) == 0 ||
		    strncasecmp(v, "list", 4) == 0)))
			return 1;
	}
	if (f[H_RETURN_PATH].seen) {
		v = f[H_RETURN_PATH].value;
		n = f[H_RETURN_PATH].len;
		trim(&v, &n);
		if (n == 2 && v[0] == '<' && v[1] == '>')
			return 1;
	}
	return 0;
}

int
reply_address(char *out, size_t outsz, const char *msg, size_t len)
{
	struct field	*f;
	const char	*at;
	int		 k, rc = -1;

	f = xcalloc(H_MAX, sizeof(*f));
	scan_header(f, msg, len);
	if (no_reply(f))
		goto out;
	/* Reply-To if there is one (and only one), else From. */
	k = f[H_REPLY_TO].seen ? H_REPLY_TO : H_FROM;
	if (f[k].seen != 1 || f[k].toolong)
		goto out;
	if (single_address(out, outsz, f[k].value, f[k].len) != 0)
		goto out;
	at = strchr(out, '@');
	if ((at - out == 13 && strncasecmp(out, "mailer-daemon", 13) == 0) ||
	    (at - out == 10 && strncasecmp(out, "postmaster", 10) == 0)) {
		sodium_memzero(out, strlen(out));
		goto out;
	}
	rc = 0;
out:
	sodium_memzero(f, H_MAX * sizeof(*f));
	free(f);
	return rc;
}

/* The reply: headers of our own only, and the code. */
static void
compose(struct buf *b, const struct reply_cfg *rc, const char *addr,
    const char *code)
{
	if (rc->from != NULL)
		buf_printf(b, "From: %s\n", rc->from);
	buf_printf(b, "To: %s\n", addr);
	buf_addstr(b, "Subject: Your near-miss report was received\n"
	    "Auto-Submitted: auto-replied\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=us-ascii\n"
	    "Content-Transfer-Encoding: 7bit\n"
	    "\n"
	    "Your report is stored, encrypted for the reviewers.\n"
	    "This is your receipt code:\n\n");
	buf_printf(b, "    %s\n\n", code);
	buf_addstr(b, "With it you can check the status of your report on "
	    "the public site");
	/*
	 * gen's status page; base_url always ends with '/'.  On a line of
	 * its own, so that no mail reader takes a '.' into the link.
	 */
	if (rc->base_url != NULL)
		buf_printf(b, ", at\n\n    %sstatus/\n", rc->base_url);
	else
		buf_addstr(b, ".\n");
	buf_addstr(b, "\n"
	    "Your address was used for this reply only and is not kept\n"
	    "with your report.  This reply itself stays in your mailbox:\n"
	    "write the code down and delete it if that matters to you.\n");
}

/*
 * Runs sendmail -i -t [-f FROM] with b on its standard input and its
 * output thrown away; kills it after REPLY_TIMEOUT seconds.
 */
static int
run_sendmail(const struct reply_cfg *rc, const struct buf *b)
{
	char *const	 env[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	const char	*argv[6];
	struct timespec	 ts = { 0, 20 * 1000 * 1000 };
	pid_t		 pid, w;
	int		 p[2] = { -1, -1 }, null, st = 0, n = 0, ret = -1;
	long		 waited = 0;

	argv[n++] = rc->sendmail;
	argv[n++] = "-i";
	argv[n++] = "-t";
	if (rc->from != NULL) {
		argv[n++] = "-f";
		argv[n++] = rc->from;
	}
	argv[n] = NULL;
	if (pipe(p) == -1) {
		log_warn("auto-reply: pipe");
		goto out;
	}
	if ((pid = fork()) == -1) {
		log_warn("auto-reply: fork");
		goto out;
	}
	if (pid == 0) {
		if ((null = open("/dev/null", O_RDWR)) == -1 ||
		    dup2(p[0], 0) == -1 || dup2(null, 1) == -1 ||
		    dup2(null, 2) == -1)
			_exit(127);
		closefrom(3);
		signal(SIGPIPE, SIG_DFL);
		execve(rc->sendmail, (char *const *)argv, env);
		_exit(127);
	}
	close(p[0]);
	p[0] = -1;
	if (file_write_all(p[1], b->data, b->len) != 0)
		log_warnx("auto-reply: could not hand the reply to %s",
		    rc->sendmail);
	close(p[1]);
	p[1] = -1;
	for (;;) {
		w = waitpid(pid, &st, WNOHANG);
		if (w == pid)
			break;
		if (w == -1 && errno != EINTR) {
			log_warn("auto-reply: waitpid");
			goto out;
		}
		if (waited >= REPLY_TIMEOUT * 50L) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			log_warnx("auto-reply: %s took over %d seconds and "
			    "was killed", rc->sendmail, REPLY_TIMEOUT);
			goto out;
		}
		nanosleep(&ts, NULL);
		waited++;
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		ret = 0;
	else if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
		log_warnx("auto-reply: could not run %s", rc->sendmail);
	else if (WIFEXITED(st))
		log_warnx("auto-reply: %s exited %d", rc->sendmail,
		    WEXITSTATUS(st));
	else
		log_warnx("auto-reply: %s was killed by signal %d",
		    rc->sendmail, WTERMSIG(st));
out:
	if (p[0] != -1)
		close(p[0]);
	if (p[1] != -1)
		close(p[1]);
	return ret;
}

int
reply_send(const struct reply_cfg *rc, const char *addr, const char *code)
{
	struct buf	 b = BUF_INIT;
	int		 ret;

	/* Re-checked here: nothing but a plain address reaches a header. */
	if (!reply_addr_ok(addr) ||
	    (rc->from != NULL && !reply_addr_ok(rc->from))) {
		log_warnx("auto-reply: not a usable address; no reply sent");
		return -1;
	}
	/* One allocation of the final size: no stray copies. */
	buf_grow(&b, 2048 + strlen(addr) + strlen(code) +
	    (rc->from != NULL ? strlen(rc->from) : 0) +
	    (rc->base_url != NULL ? strlen(rc->base_url) : 0));
	compose(&b, rc, addr, code);
	ret = run_sendmail(rc, &b);
	sodium_memzero(b.data, b.len);
	buf_free(&b);
	return ret;
}
