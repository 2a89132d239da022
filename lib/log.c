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
 * Logging to stderr or syslog.  The state is process-wide by nature, as
 * in OpenSMTPD's log.c; it is set once by main() before any thread runs,
 * and the warning counter is atomic.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "log.h"

static const char	*log_progname = "nearmiss";
static enum log_dest	 log_dest = LOG_TO_STDERR;
static int		 log_verbose = 1;
static atomic_ulong	 log_nwarn;

static void	log_vmsg(int, const char *, const char *, va_list)
		    __attribute__((format(printf, 3, 0)));

static void
log_vmsg(int prio, const char *suffix, const char *fmt, va_list ap)
{
	char	 msg[2048];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_dest == LOG_TO_SYSLOG) {
		if (suffix != NULL)
			syslog(prio, "%s: %s", msg, suffix);
		else
			syslog(prio, "%s", msg);
		return;
	}
	flockfile(stderr);
	if (suffix != NULL)
		fprintf(stderr, "%s: %s: %s\n", log_progname, msg, suffix);
	else
		fprintf(stderr, "%s: %s\n", log_progname, msg);
	funlockfile(stderr);
}

/* What fatal() and fatalx() exit with (log_fatal_status()). */
static int	fatal_status = 1;

void
log_init(const char *progname, enum log_dest dest)
{
	const char	*p;

	if (progname != NULL) {
		p = strrchr(progname, '/');
		log_progname = p != NULL ? p + 1 : progname;
	}
	log_dest = dest;
	if (dest == LOG_TO_SYSLOG)
		openlog(log_progname, LOG_NDELAY, LOG_DAEMON);
}

void
log_setverbose(int v)
{
	log_verbose = v;
}

int
log_getverbose(void)
{
	return log_verbose;
}

unsigned long
log_nwarnings(void)
{
	return atomic_load(&log_nwarn);
}

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	atomic_fetch_add(&log_nwarn, 1);
	va_start(ap, fmt);
	log_vmsg(LOG_ERR, strerror(saved), fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;

	atomic_fetch_add(&log_nwarn, 1);
	va_start(ap, fmt);
	log_vmsg(LOG_ERR, NULL, fmt, ap);
	va_end(ap);
}

void
log_at(const char *path, unsigned long line, const char *fmt, ...)
{
	char	 msg[1536];
	va_list	 ap;

	atomic_fetch_add(&log_nwarn, 1);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (log_dest == LOG_TO_SYSLOG) {
		syslog(LOG_ERR, "%s", msg);
		return;
	}
	/* The conventional compiler format, without the program name. */
	flockfile(stderr);
	if (line > 0)
		fprintf(stderr, "%s:%lu: %s\n", path, line, msg);
	else
		fprintf(stderr, "%s: %s\n", path, msg);
	funlockfile(stderr);
}

void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	if (log_verbose < 1)
		return;
	va_start(ap, fmt);
	log_vmsg(LOG_INFO, NULL, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	 ap;

	if (log_verbose < 2)
		return;
	va_start(ap, fmt);
	log_vmsg(LOG_DEBUG, NULL, fmt, ap);
	va_end(ap);
}

void
log_fatal_status(int status)
{
	fatal_status = status;
}

void
fatal(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	log_vmsg(LOG_CRIT, strerror(saved), fmt, ap);
	va_end(ap);
	exit(fatal_status);
}

void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vmsg(LOG_CRIT, NULL, fmt, ap);
	va_end(ap);
	exit(fatal_status);
}
