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
 * The in-house test harness: one small program per module, checks that
 * count and report, and a closing "name: N passed, N failed" line that
 * tests/run.sh adds up.  A failed check prints file:line and goes on.
 */

#ifndef NM_HARNESS_H
#define NM_HARNESS_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int harness_pass, harness_fail;

#define OK(cond) do {							\
	if (cond)							\
		harness_pass++;						\
	else {								\
		harness_fail++;						\
		fprintf(stderr, "%s:%d: FAIL: %s\n", __FILE__, __LINE__,	\
		    #cond);						\
	}								\
} while (0)

#define INT_EQ(got, want) do {						\
	long long g_ = (long long)(got), w_ = (long long)(want);	\
	if (g_ == w_)							\
		harness_pass++;						\
	else {								\
		harness_fail++;						\
		fprintf(stderr, "%s:%d: FAIL: %s is %lld, want %lld\n",	\
		    __FILE__, __LINE__, #got, g_, w_);			\
	}								\
} while (0)

#define STR_EQ(got, want) do {						\
	const char *g_ = (got), *w_ = (want);				\
	if (g_ != NULL && w_ != NULL && strcmp(g_, w_) == 0)		\
		harness_pass++;						\
	else {								\
		harness_fail++;						\
		fprintf(stderr, "%s:%d: FAIL: %s is \"%s\", want \"%s\"\n", \
		    __FILE__, __LINE__, #got, g_ ? g_ : "(null)",	\
		    w_ ? w_ : "(null)");				\
	}								\
} while (0)

/* Prints the closing line and gives main()'s exit code. */
#define DONE(name)							\
	(printf("%s: %d passed, %d failed\n", (name), harness_pass,	\
	    harness_fail), harness_fail ? 1 : 0)

/*
 * Captures what the code under test logs to stderr, so that a test can
 * check the exact "path:line: message".  cap_end() returns the text (a
 * static buffer) and passes failed checks made meanwhile to stderr.
 */
static int	 cap_saved = -1;
static FILE	*cap_fp;

static inline void
cap_start(void)
{
	fflush(stderr);
	if ((cap_fp = tmpfile()) == NULL) {
		perror("tmpfile");
		exit(1);
	}
	cap_saved = dup(2);
	dup2(fileno(cap_fp), 2);
}

static inline const char *
cap_end(void)
{
	static char	 text[16384];
	char		 line[1024];
	size_t		 n;

	fflush(stderr);
	dup2(cap_saved, 2);
	close(cap_saved);
	rewind(cap_fp);
	while (fgets(line, sizeof(line), cap_fp) != NULL)
		if (strstr(line, ": FAIL: ") != NULL)
			fputs(line, stderr);
	rewind(cap_fp);
	n = fread(text, 1, sizeof(text) - 1, cap_fp);
	text[n] = '\0';
	fclose(cap_fp);
	return text;
}

/* Formats into one of four rotating static buffers (test input). */
static inline const char *
tfmt(const char *fmt, ...)
{
	static char	 b[4][8192];
	static int	 i;
	va_list		 ap;

	i = (i + 1) % 4;
	va_start(ap, fmt);
	vsnprintf(b[i], sizeof(b[i]), fmt, ap);
	va_end(ap);
	return b[i];
}

#endif /* NM_HARNESS_H */
