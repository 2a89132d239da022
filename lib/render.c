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
 * The render context (render.h): one set of reusable buffers per
 * thread, so that rendering a report allocates nothing once the
 * buffers have grown to the largest report seen.
 */

#include <string.h>

#include "buf.h"
#include "md.h"
#include "render.h"

void
render_init(struct render *r, struct arena *arena)
{
	int	 i;

	memset(r, 0, sizeof(*r));
	buf_init(&r->text);
	buf_init(&r->narrative);
	buf_init(&r->lessons);
	buf_init(&r->comments);
	buf_init(&r->page);
	for (i = 0; i < MD_PARTS; i++)
		buf_init(&r->plain[i]);
	r->md.narrative = &r->narrative;
	r->md.lessons = &r->lessons;
	r->md.comments = &r->comments;
	r->arena = arena;
}

void
render_reset(struct render *r)
{
	int	 i;

	buf_reset(&r->text);
	buf_reset(&r->narrative);
	buf_reset(&r->lessons);
	buf_reset(&r->comments);
	buf_reset(&r->page);
	for (i = 0; i < MD_PARTS; i++)
		buf_reset(&r->plain[i]);
}

void
render_free(struct render *r)
{
	int	 i;

	buf_free(&r->text);
	buf_free(&r->narrative);
	buf_free(&r->lessons);
	buf_free(&r->comments);
	buf_free(&r->page);
	for (i = 0; i < MD_PARTS; i++)
		buf_free(&r->plain[i]);
	memset(r, 0, sizeof(*r));
}
