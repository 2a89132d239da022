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
 * Markdown through cmark in its default safe mode (raw HTML omitted,
 * dangerous links emptied), after a pre-check that keeps Debian's cmark
 * 0.30.2 away from its known quadratic inputs (CVE-2023-22486,
 * CVE-2023-24824): a size cap, a container-nesting cap and a cap on
 * unclosed brackets and emphasis delimiters.
 */

#ifndef NM_MD_H
#define NM_MD_H

#include <stddef.h>

#define MD_BODY_MAX	(64 * 1024)
#define MD_NEST_MAX	16
#define MD_INDENT_MAX	128
#define MD_BRACKETS_MAX	256
#define MD_DELIMS_MAX	2000

struct buf;

/*
 * The report body split at its "## Lessons learned" and
 * "## Reviewer comments" headings, rendered to HTML (headings dropped).
 */
#define MD_PARTS	3	/* narrative, lessons, comments */

struct md_report {
	struct buf	*narrative;
	struct buf	*lessons;
	struct buf	*comments;	/* left empty when there are none */
	/*
	 * NULL, or MD_PARTS buffers that get the plain text of the three
	 * parts (for the search index): the text of text, code, code
	 * block, link and image-description nodes and of headings, a
	 * space for a line break and a newline after each block; never a
	 * URL, and no raw HTML.
	 */
	struct buf	*text;
	/*
	 * Set by md_render_report(): each part's Markdown source as the
	 * body holds it (pointers into the text rendered, so valid as long
	 * as it is), headings left out, blank lines before and white space
	 * after cut; an absent part is empty.
	 */
	const char	*src[MD_PARTS];
	size_t		 srclen[MD_PARTS];
};

/*
 * Rejects a body that is too big, contains NUL, or nests or brackets
 * beyond the caps above.  line0 is the file line of text's first line.
 * Logs "path:line: what" and returns -1, or returns 0.
 */
int	md_check(const char *path, unsigned long line0, const char *text,
	    size_t len);
/*
 * md_check()s and renders a report body into out's buffers (appending).
 * Also rejects images with absolute URLs and a missing or misplaced
 * section heading, and empties links md html_url_ok() refuses.
 */
int	md_render_report(struct md_report *out, const char *path,
	    unsigned long line0, const char *text, size_t len);
/*
 * md_check()s and renders a page whose first line is "# Title": the
 * title's text goes to title, the rest as HTML to html.
 */
int	md_render_page(struct buf *title, struct buf *html, const char *path,
	    const char *text, size_t len);

#endif /* NM_MD_H */
