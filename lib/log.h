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
 * The one way to report errors and progress.  The function that finds a
 * fault logs it once, with context ("path:line: what"); callers pass -1
 * up without logging again.  CLIs log to stderr, the intake daemon to
 * syslog (no request data is ever put in a log line).
 */

#ifndef NM_LOG_H
#define NM_LOG_H

#include <stdarg.h>

enum log_dest {
	LOG_TO_STDERR,
	LOG_TO_SYSLOG,
	LOG_DEST_MAX
};

/* Sets the program name printed in front of messages and the sink. */
void	log_init(const char *progname, enum log_dest);
/* 0 quiet (warnings only), 1 normal, 2 verbose. */
void	log_setverbose(int);
int	log_getverbose(void);

/* Warnings, with (log_warn) and without (log_warnx) strerror(errno). */
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
/* A fault in an input file: prints "path:line: message". line 0 omits it. */
void	log_at(const char *path, unsigned long line, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
/* Informational messages, shown when verbosity >= 1 (resp. 2). */
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
/* Print and exit(1), or with the status log_fatal_status() set. */
void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
/*
 * Sets the exit status of fatal() and fatalx(): an MTA's delivery agent
 * must exit 75 (try again) on a failure that is not the message's fault.
 */
void	log_fatal_status(int);
/* Number of warnings logged so far (lets a CLI decide its exit code). */
unsigned long log_nwarnings(void);

#endif /* NM_LOG_H */
