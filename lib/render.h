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
 * The render context: the buffers one thread reuses from report to
 * report (the file's text, its Markdown parts, the page) and the arena
 * of the page's template values.  gen renders pages with it; review's
 * approve makes the same checks with it and renders no page.
 */

#ifndef NM_RENDER_H
#define NM_RENDER_H

#include "buf.h"
#include "md.h"

struct arena;

struct render {
	struct buf	 text;		/* the report file as read */
	struct buf	 narrative;	/* the body's parts as HTML */
	struct buf	 lessons;
	struct buf	 comments;
	struct buf	 plain[MD_PARTS];	/* their text, if md.text */
	struct md_report md;		/* points at the three above */
	struct buf	 page;		/* the HTML of the page */
	struct arena	*arena;		/* template values, or NULL */
};

/*
 * Sets up every buffer empty; md.text is NULL (set it to plain to have
 * the parts' text too).  arena (gen: arena_new(); NULL where no
 * page is rendered) is borrowed: the caller frees it after
 * render_free(), which lib/ cannot do as the arena lives in gen/tmpl.c.
 */
void	render_init(struct render *, struct arena *arena);
/* Empties the buffers for the next report, keeping their storage. */
void	render_reset(struct render *);
/* Frees the buffers; render_free() of a zeroed context is a no-op. */
void	render_free(struct render *);

#endif /* NM_RENDER_H */
