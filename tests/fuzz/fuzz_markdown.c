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
 * md_render_report() (also with the parts' plain text, which must be
 * valid UTF-8 without NUL) and md_render_page() (cmark in safe mode
 * behind the pre-check caps of md.h).
 */

#include <stdint.h>
#include <stdlib.h>

#include "buf.h"
#include "md.h"
#include "utf8.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf	 n = BUF_INIT, l = BUF_INIT, c = BUF_INIT;
	struct buf	 title = BUF_INIT, html = BUF_INIT;
	struct buf	 plain[MD_PARTS] = { BUF_INIT, BUF_INIT, BUF_INIT };
	struct md_report md;
	const char	*text = (const char *)data;
	int		 i;

	md.narrative = &n;
	md.lessons = &l;
	md.comments = &c;
	md.text = NULL;
	md_check("fuzz.md", 1, text, size);
	md_render_report(&md, "fuzz.md", 1, text, size);
	/* Again with the parts' plain text, the search index's. */
	buf_reset(&n);
	buf_reset(&l);
	buf_reset(&c);
	md.text = plain;
	/* It is text: valid UTF-8 (cmark validates), no NUL. */
	if (md_render_report(&md, "fuzz.md", 1, text, size) == 0)
		for (i = 0; i < MD_PARTS; i++) {
			const char *p = plain[i].data;
			size_t	 left = plain[i].len;
			uint32_t cp;
			int	 k;

			while (left > 0) {
				if ((k = utf8_decode(&cp, p, left)) <= 0 ||
				    cp == 0)
					abort();
				p += k;
				left -= (size_t)k;
			}
		}
	for (i = 0; i < MD_PARTS; i++)
		buf_free(&plain[i]);
	md_render_page(&title, &html, "fuzz.md", text, size);
	buf_free(&n);
	buf_free(&l);
	buf_free(&c);
	buf_free(&title);
	buf_free(&html);
	return 0;
}
