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
 * ssh_check() (intake/sshcmd.c): the allow-list of nearmiss-intake ssh,
 * fed SSH_ORIGINAL_COMMAND strings.  Aborts when an accepted command
 * would run anything but the two allowed forms: purge with an empty
 * argv, or NM_RSYNC --server --sender FLAGS [--timeout=N] . new/ with
 * FLAGS free of recursion, links, protected arguments and compression.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intake.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		 cmd[2 * SSH_CMD_MAX];
	char		*out[SSH_ARGV_MAX];
	const char	*p;
	size_t		 n, k;
	int		 kind;

	n = size < sizeof(cmd) - 1 ? size : sizeof(cmd) - 1;
	memcpy(cmd, data, n);
	cmd[n] = '\0';
	kind = ssh_check(cmd, out);
	if (kind == -1)
		return 0;
	if (kind == SSH_PURGE) {
		if (out[0] != NULL)
			abort();
		return 0;
	}
	if (kind != SSH_RSYNC)
		abort();
	for (k = 0; k < SSH_ARGV_MAX && out[k] != NULL; k++)
		;
	if (k < 6 || k > 7 || strcmp(out[0], NM_RSYNC) != 0 ||
	    strcmp(out[1], "--server") != 0 ||
	    strcmp(out[2], "--sender") != 0 || out[3][0] != '-' ||
	    strcmp(out[k - 2], ".") != 0 || strcmp(out[k - 1], "new/") != 0)
		abort();
	/* The short options before "e.": d, t and v only. */
	for (p = out[3] + 1; *p != '\0' && *p != 'e'; p++)
		if (strchr("dtv", *p) == NULL)
			abort();
	if (k == 7 && strncmp(out[4], "--timeout=", 10) != 0)
		abort();
	return 0;
}
