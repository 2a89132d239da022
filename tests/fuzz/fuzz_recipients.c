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
 * Fuzz target for the recipients file: recipients_parse(), the parser
 * that the intake host runs on its recipients file and the review tool
 * on the content repository's reviewers list.
 */

#include <stdint.h>
#include <stdlib.h>

#include <sodium.h>

#include "recipients.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int		 ready;
	struct recipient	*r = NULL;
	size_t			 n = 0, i;

	if (!ready) {
		if (sodium_init() == -1)
			abort();
		ready = 1;
	}
	if (recipients_parse(&r, &n, "fuzz", (const char *)data, size) == 0) {
		/* A success gives 1 to RECIPIENTS_MAX named entries. */
		if (r == NULL || n == 0 || n > RECIPIENTS_MAX)
			abort();
		for (i = 0; i < n; i++)
			if (r[i].name[0] == '\0')
				abort();
	} else if (r != NULL || n != 0)
		abort();
	free(r);
	return 0;
}
