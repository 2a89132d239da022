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
 * Fuzz target for report bodies and pages: md_check(), then
 * md_render_report() and md_render_page() (cmark in safe mode behind the
 * pre-check caps of md.h).
 */

#include <stdint.h>
#include <stdlib.h>

#include "buf.h"
#include "md.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf	 n = BUF_INIT, l = BUF_INIT, c = BUF_INIT;
	struct buf	 title = BUF_INIT, html = BUF_INIT;
	struct md_report md;
	const char	*text = (const char *)data;

	md.narrative = &n;
	md.lessons = &l;
	md.comments = &c;
	md_check("fuzz.md", 1, text, size);
	md_render_report(&md, "fuzz.md", 1, text, size);
	md_render_page(&title, &html, "fuzz.md", text, size);
	buf_free(&n);
	buf_free(&l);
	buf_free(&c);
	buf_free(&title);
	buf_free(&html);
	return 0;
}
