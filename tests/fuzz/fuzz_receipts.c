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
 * Fuzz target for the receipts file: receipts_parse(), which nearmiss-gen
 * runs on content/receipts of the content repository and nearmiss-review
 * on the reviewer's copy.  The format is canonical, so a file that parses
 * must come back byte for byte when its entries are written out again.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "receipts.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	struct receipts	*r = (struct receipts *)1;
	const struct receipt_entry *e;
	struct buf	 b = BUF_INIT;
	size_t		 i, k;

	if (receipts_parse(&r, "fuzz", (const char *)data, size) != 0) {
		if (r != NULL)
			abort();
		return 0;
	}
	for (i = 0; i < receipts_count(r); i++) {
		e = receipts_at(r, i);
		if (i > 0 && memcmp(receipts_at(r, i - 1)->hash, e->hash,
		    32) >= 0)
			abort();
		if (receipts_find(r, e->hash) != e)
			abort();
		for (k = 0; k < 32; k++) {
			buf_addch(&b, hex[e->hash[k] >> 4]);
			buf_addch(&b, hex[e->hash[k] & 0xf]);
		}
		buf_addch(&b, ' ');
		buf_addstr(&b, receipts_state_name(e->state));
		if (e->arg != NULL) {
			buf_addch(&b, ' ');
			buf_addstr(&b, e->arg);
		}
		buf_addch(&b, '\n');
	}
	if (b.len != size || memcmp(b.data, data, size) != 0)
		abort();
	buf_free(&b);
	receipts_free(r);
	return 0;
}
