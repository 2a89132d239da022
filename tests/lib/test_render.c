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
 * Unit tests of lib/render.c: a context starts empty with its Markdown
 * parts wired to its own buffers, renders a report body into them,
 * keeps its storage across render_reset() and frees it all.
 */

#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "harness.h"
#include "md.h"
#include "render.h"

/* 1 if b is empty and NUL-terminated. */
static int
empty(const struct buf *b)
{
	return b->data != NULL && b->len == 0 && b->data[0] == '\0';
}

int
main(void)
{
	static const char body[] = "What happened.\n\n"
	    "## Lessons learned\n\nSlow down.\n";
	struct render	 ctx;
	struct arena	*fake = (struct arena *)&ctx;	/* never used */
	size_t		 cap;

	render_init(&ctx, fake);
	OK(ctx.arena == fake);
	OK(empty(&ctx.text) && empty(&ctx.page) && empty(&ctx.narrative) &&
	    empty(&ctx.lessons) && empty(&ctx.comments));
	OK(ctx.md.narrative == &ctx.narrative);
	OK(ctx.md.lessons == &ctx.lessons);
	OK(ctx.md.comments == &ctx.comments);

	/* The parts of a body land in the context's buffers. */
	buf_addstr(&ctx.text, body);
	INT_EQ(md_render_report(&ctx.md, "t.md", 1, ctx.text.data,
	    ctx.text.len), 0);
	OK(strstr(ctx.narrative.data, "What happened.") != NULL);
	OK(strstr(ctx.lessons.data, "Slow down.") != NULL);
	OK(empty(&ctx.comments));
	buf_addstr(&ctx.page, "<p>page</p>");

	/* Reset empties every buffer but keeps its storage and the arena. */
	cap = ctx.narrative.cap;
	OK(cap > 0);
	render_reset(&ctx);
	OK(empty(&ctx.text) && empty(&ctx.page) && empty(&ctx.narrative) &&
	    empty(&ctx.lessons) && empty(&ctx.comments));
	INT_EQ(ctx.narrative.cap, cap);
	OK(ctx.arena == fake);
	OK(ctx.md.narrative == &ctx.narrative);

	/* Free leaves a zeroed context, which may be freed again. */
	render_free(&ctx);
	OK(ctx.arena == NULL && ctx.md.narrative == NULL);
	INT_EQ(ctx.text.cap + ctx.narrative.cap + ctx.page.cap, 0);
	render_free(&ctx);
	OK(ctx.text.cap == 0);
	return DONE("test_render");
}
