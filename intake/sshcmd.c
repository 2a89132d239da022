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
 * The allow-list of nearmiss-intake ssh (ssh.c): the client's command,
 * SSH_ORIGINAL_COMMAND, checked word by word and turned into the argv to
 * run.  No system call here, so that tests/fuzz/fuzz_sshcmd.c can call it.
 */

#include <stdlib.h>
#include <string.h>

#include "intake.h"

#define SSH_WORDS_MAX	8	/* words of an allowed command */
#define SSH_CAPS_MAX	32	/* letters after "-...e." */

static int	ssh_flags_ok(const char *);
static int	ssh_timeout_ok(const char *);
static int	ssh_split(char *, char **, size_t *);

/*
 * The short options of the rsync server that fetch runs, "-dt" or
 * "-vdt" and so on, then the "e." of a client of protocol 30 or later
 * and its capability letters: 1 if flags is that, else 0.  Refused among
 * others: r (recursion), l, L, k, K (links), s (arguments sent after the
 * command, past this check), z, and every long option.
 */
static int
ssh_flags_ok(const char *flags)
{
	const char	*p;
	size_t		 n;

	if (flags[0] != '-' || flags[1] == '-' || flags[1] == '\0')
		return 0;
	for (p = flags + 1; *p != '\0' && *p != 'e'; p++)
		if (strchr("dtv", *p) == NULL)
			return 0;
	if (*p == '\0')
		return 1;
	if (p[1] != '.')
		return 0;
	p += 2;
	n = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
	return p[n] == '\0' && n <= SSH_CAPS_MAX;
}

/* 1 if w is "--timeout=N", N from 1 to 86400 without a leading 0. */
static int
ssh_timeout_ok(const char *w)
{
	const char	*v;
	size_t		 n;

	if (strncmp(w, "--timeout=", 10) != 0)
		return 0;
	v = w + 10;
	n = strspn(v, "0123456789");
	return n > 0 && n <= 5 && v[n] == '\0' && v[0] != '0' &&
	    atol(v) <= 86400;
}

/*
 * Splits s in place into at most SSH_WORDS_MAX words at single spaces;
 * every other byte must be printable ASCII other than a space, and
 * there is no empty word (so no leading, trailing or double space).  0,
 * or -1 if s is not like that.
 */
static int
ssh_split(char *s, char **w, size_t *n)
{
	char	*p;

	*n = 0;
	if (strlen(s) > SSH_CMD_MAX)
		return -1;
	for (p = s; *p != '\0'; p++)
		if (*p < ' ' || *p > '~')
			return -1;
	for (p = s;;) {
		if (*p == '\0' || *p == ' ' || *n == SSH_WORDS_MAX)
			return -1;
		w[(*n)++] = p;
		if ((p = strchr(p, ' ')) == NULL)
			return 0;
		*p++ = '\0';
	}
}

/*
 * Checks the command cmd (changed in place) against the two allowed
 * forms and writes the argv to run to out (the rsync server's, with
 * NM_RSYNC first; purge's is empty).  Returns an enum ssh_kind, or -1
 * if the command is not allowed.
 */
int
ssh_check(char *cmd, char *out[SSH_ARGV_MAX])
{
	char	*w[SSH_WORDS_MAX];
	size_t	 n, i = 3, k = 0;

	if (ssh_split(cmd, w, &n) != 0)
		return -1;
	if (n == 3 && strcmp(w[0], "purge") == 0 &&
	    strcmp(w[1], "--decided") == 0 && strcmp(w[2], "-") == 0) {
		out[0] = NULL;
		return SSH_PURGE;
	}
	/* rsync --server --sender FLAGS [--timeout=N] . new/ */
	if (n < 6 || strcmp(w[0], "rsync") != 0 ||
	    strcmp(w[1], "--server") != 0 || strcmp(w[2], "--sender") != 0)
		return -1;
	out[k++] = NM_RSYNC;
	out[k++] = "--server";
	out[k++] = "--sender";
	if (!ssh_flags_ok(w[i]))
		return -1;
	out[k++] = w[i++];
	if (ssh_timeout_ok(w[i]))
		out[k++] = w[i++];
	if (n != i + 2 || strcmp(w[i], ".") != 0 ||
	    strcmp(w[i + 1], "new/") != 0)
		return -1;
	out[k++] = ".";
	out[k++] = "new/";
	out[k] = NULL;
	return SSH_RSYNC;
}
