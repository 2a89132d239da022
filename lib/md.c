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
 * Markdown pre-check and rendering with cmark.  CMARK_OPT_UNSAFE is never
 * passed: raw HTML is omitted and javascript:, vbscript:, file: and most
 * data: links are emptied by cmark; we also empty any link html_url_ok()
 * refuses and reject external images (tracking pixels aimed at readers).
 */

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmark.h>

#include "buf.h"
#include "html.h"
#include "log.h"
#include "md.h"

#define MD_OPTS	(CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8)

enum section { SEC_NARRATIVE, SEC_LESSONS, SEC_COMMENTS, SEC_MAX };
_Static_assert(SEC_MAX == MD_PARTS, "the parts of struct md_report");

static const char *const sec_names[SEC_MAX] = {
	"", "Lessons learned", "Reviewer comments",
};

/*
 * Skips the container markers at the start of a line; returns their
 * number, and in *indentp the indentation before the first of them.
 */
static int
line_depth(const char *p, const char *end, size_t *indentp)
{
	size_t	 indent = 0, n;
	int	 depth = 0;

	for (;;) {
		while (p < end && (*p == ' ' || *p == '\t')) {
			if (depth == 0)
				indent += *p == '\t' ? 4 : 1;
			p++;
		}
		if (p >= end)
			break;
		if (*p == '>') {
			depth++;
			p++;
			continue;
		}
		if ((*p == '-' || *p == '+' || *p == '*') && p + 1 < end &&
		    (p[1] == ' ' || p[1] == '\t')) {
			depth++;
			p++;
			continue;
		}
		for (n = 0; n < 10 && p + n < end && p[n] >= '0' &&
		    p[n] <= '9'; n++)
			;
		if (n > 0 && n < 10 && p + n + 1 < end &&
		    (p[n] == '.' || p[n] == ')') &&
		    (p[n + 1] == ' ' || p[n + 1] == '\t')) {
			depth++;
			p += n + 1;
			continue;
		}
		break;
	}
	*indentp = indent;
	return depth;
}

int
md_check(const char *path, unsigned long line0, const char *text,
    size_t len)
{
	const char	*p = text, *end = text + len, *eol;
	unsigned long	 line = line0;
	size_t		 indent, open = 0, delims = 0;
	int		 depth;

	if (len > MD_BODY_MAX) {
		log_at(path, line0, "Markdown body larger than %d KiB",
		    MD_BODY_MAX / 1024);
		return -1;
	}
	if ((eol = memchr(text, '\0', len)) != NULL) {
		for (; p < eol; p++)
			if (*p == '\n')
				line++;
		log_at(path, line, "Markdown body contains a NUL byte");
		return -1;
	}
	for (; p < end; p = eol + 1, line++) {
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		depth = line_depth(p, eol, &indent);
		/*
		 * A list item indented under another nests too: count two
		 * columns of indentation as a level on lines with a marker.
		 */
		if (depth > 0)
			depth += (int)(indent / 2);
		if (depth > MD_NEST_MAX) {
			log_at(path, line, "Markdown nested deeper than %d "
			    "levels (quotes and lists)", MD_NEST_MAX);
			return -1;
		}
		if (indent > MD_INDENT_MAX) {
			log_at(path, line, "line indented more than %d "
			    "columns", MD_INDENT_MAX);
			return -1;
		}
		/* A blank line ends a paragraph, and with it inline state. */
		if (p == eol || (eol - p == 1 && *p == '\r')) {
			open = delims = 0;
			continue;
		}
		for (; p < eol; p++) {
			if (*p == '[')
				open++;
			else if (*p == ']' && open > 0)
				open--;
			else if (*p == '*' || *p == '_')
				delims++;
			if (open > MD_BRACKETS_MAX) {
				log_at(path, line, "more than %d unclosed "
				    "brackets in one paragraph",
				    MD_BRACKETS_MAX);
				return -1;
			}
			if (delims > MD_DELIMS_MAX) {
				log_at(path, line, "more than %d emphasis "
				    "characters in one paragraph",
				    MD_DELIMS_MAX);
				return -1;
			}
		}
		if (eol == end)
			break;
	}
	return 0;
}

/* Text content of a heading (its text and code children). */
static void
node_text(struct buf *b, cmark_node *n)
{
	cmark_node	*c;
	const char	*lit;

	for (c = cmark_node_first_child(n); c != NULL;
	    c = cmark_node_next(c)) {
		switch (cmark_node_get_type(c)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			if ((lit = cmark_node_get_literal(c)) != NULL)
				buf_addstr(b, lit);
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			buf_addch(b, ' ');
			break;
		default:
			node_text(b, c);
		}
	}
}

/*
 * Appends the plain text of n and the nodes under it to b, with a
 * newline after each block (struct md_report's text).
 */
static void
block_text(struct buf *b, cmark_node *n)
{
	cmark_iter	*it;
	cmark_node	*c;
	cmark_event_type ev;
	const char	*lit;

	it = cmark_iter_new(n);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		c = cmark_iter_get_node(it);
		switch (cmark_node_get_type(c)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			if ((lit = cmark_node_get_literal(c)) != NULL)
				buf_addstr(b, lit);
			break;
		case CMARK_NODE_CODE_BLOCK:
			if ((lit = cmark_node_get_literal(c)) != NULL)
				buf_addstr(b, lit);
			buf_addch(b, '\n');
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			buf_addch(b, ' ');
			break;
		case CMARK_NODE_PARAGRAPH:
		case CMARK_NODE_HEADING:
		case CMARK_NODE_ITEM:
		case CMARK_NODE_THEMATIC_BREAK:
			if (ev == CMARK_EVENT_EXIT ||
			    cmark_node_get_type(c) ==
			    CMARK_NODE_THEMATIC_BREAK)
				buf_addch(b, '\n');
			break;
		default:
			/* Raw HTML, and the URLs of links and images. */
			break;
		}
	}
	cmark_iter_free(it);
}

/* Checks images and links everywhere under doc; returns error count. */
static int
sanitize(cmark_node *doc, const char *path, unsigned long line0)
{
	cmark_iter	*it;
	cmark_node	*n;
	cmark_event_type ev;
	const char	*url;
	int		 errors = 0;

	it = cmark_iter_new(doc);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		if (ev != CMARK_EVENT_ENTER)
			continue;
		n = cmark_iter_get_node(it);
		url = NULL;
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_IMAGE:
			url = cmark_node_get_url(n);
			if (url == NULL)
				break;
			if (!html_url_ok(url, strlen(url)) ||
			    strchr(url, ':') != NULL ||
			    strncmp(url, "//", 2) == 0) {
				log_at(path, line0 - 1 +
				    (unsigned long)cmark_node_get_start_line(n),
				    "image URL \"%.64s\" must be relative: an "
				    "external image would tell a third party "
				    "who reads the report", url);
				errors++;
			}
			break;
		case CMARK_NODE_LINK:
			url = cmark_node_get_url(n);
			if (url != NULL && !html_url_ok(url, strlen(url)))
				cmark_node_set_url(n, "");
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
	return errors;
}

static void
render(struct buf *out, cmark_node *doc)
{
	char	*html;

	html = cmark_render_html(doc, MD_OPTS);
	if (html == NULL)
		fatalx("cmark_render_html: out of memory");
	buf_addstr(out, html);
	free(html);
}

/* The offset in text of line ln (1 for the first; cmark's line ends). */
static size_t
line_off(const char *text, size_t len, unsigned long ln)
{
	size_t	 i = 0;

	while (ln > 1 && i < len) {
		if (text[i] == '\r' && i + 1 < len && text[i + 1] == '\n')
			i++;
		if (text[i] == '\r' || text[i] == '\n')
			ln--;
		i++;
	}
	return i;
}

/*
 * The offset in text of the line after the level-2 heading that starts
 * at offset off: the line itself for an ATX heading, else the line after
 * its "---" underline.  (cmark 0.30's end line of a setext heading can
 * be the line after the underline.)
 */
static size_t
heading_end(const char *text, size_t len, size_t off)
{
	size_t	 i, k;
	int	 setext = 1;

	for (i = off; i < len && i < off + 3 && text[i] == ' '; i++)
		;
	if (i < len && text[i] == '#')
		setext = 0;
	for (;;) {
		/* To the start of the next line. */
		while (off < len && text[off] != '\n' && text[off] != '\r')
			off++;
		if (off < len && text[off] == '\r' && off + 1 < len &&
		    text[off + 1] == '\n')
			off++;
		if (off < len)
			off++;
		if (!setext || off >= len)
			return off;
		/* An underline: up to 3 spaces, dashes, white space. */
		for (i = off; i < len && i < off + 3 && text[i] == ' '; i++)
			;
		for (k = i; k < len && text[k] == '-'; k++)
			;
		if (k == i)
			continue;
		while (k < len && (text[k] == ' ' || text[k] == '\t'))
			k++;
		if (k == len || text[k] == '\n' || text[k] == '\r')
			setext = 0;
	}
}

/*
 * Sets out's source of part sec to text[from..to), without the blank
 * lines it starts with and the white space it ends with.
 */
static void
set_src(struct md_report *out, int sec, const char *text, size_t from,
    size_t to)
{
	size_t	 i;

	for (i = from; i < to; i++)
		if (text[i] == '\r' || text[i] == '\n')
			from = i + 1;
		else if (text[i] != ' ' && text[i] != '\t')
			break;
	while (to > from && strchr(" \t\r\n", text[to - 1]) != NULL)
		to--;
	out->src[sec] = text + from;
	out->srclen[sec] = to - from;
}

int
md_render_report(struct md_report *out, const char *path,
    unsigned long line0, const char *text, size_t len)
{
	cmark_node	*doc = NULL, *part[SEC_MAX] = { NULL }, *n, *next;
	struct buf	 h = BUF_INIT;
	unsigned long	 line_of[SEC_MAX] = { 0 };
	size_t		 head[SEC_MAX] = { 0 }, body[SEC_MAX] = { 0 };
	int		 sec = SEC_NARRATIVE, nchild[SEC_MAX] = { 0 };
	int		 errors = 0, rc = -1, i, s;

	if (md_check(path, line0, text, len) == -1)
		return -1;
	if ((doc = cmark_parse_document(text, len, MD_OPTS)) == NULL)
		fatalx("cmark_parse_document: out of memory");
	errors += sanitize(doc, path, line0);
	for (i = 0; i < SEC_MAX; i++)
		part[i] = cmark_node_new(CMARK_NODE_DOCUMENT);
	for (n = cmark_node_first_child(doc); n != NULL; n = next) {
		next = cmark_node_next(n);
		if (cmark_node_get_type(n) == CMARK_NODE_HEADING &&
		    cmark_node_get_heading_level(n) == 2) {
			buf_reset(&h);
			node_text(&h, n);
			for (s = SEC_LESSONS; s < SEC_MAX; s++)
				if (strcasecmp(h.data, sec_names[s]) == 0)
					break;
			if (s < SEC_MAX) {
				unsigned long ln = line0 - 1 + (unsigned long)
				    cmark_node_get_start_line(n);

				if (line_of[s] != 0) {
					log_at(path, ln, "\"## %s\" appears "
					    "twice", sec_names[s]);
					errors++;
				} else if (s <= sec) {
					log_at(path, ln, "\"## %s\" must come "
					    "before \"## %s\"", sec_names[s],
					    sec_names[sec]);
					errors++;
				}
				line_of[s] = ln;
				/* Where its heading starts, its text starts. */
				head[s] = line_off(text, len, (unsigned long)
				    cmark_node_get_start_line(n));
				body[s] = heading_end(text, len, head[s]);
				sec = s;
				continue;
			}
		}
		cmark_node_unlink(n);
		cmark_node_append_child(part[sec], n);
		nchild[sec]++;
	}
	if (line_of[SEC_LESSONS] == 0) {
		log_at(path, line0, "the \"## Lessons learned\" section is "
		    "missing");
		errors++;
	} else if (nchild[SEC_LESSONS] == 0) {
		log_at(path, line_of[SEC_LESSONS], "the \"## Lessons "
		    "learned\" section is empty");
		errors++;
	}
	if (nchild[SEC_NARRATIVE] == 0) {
		log_at(path, line0, "the narrative (the text before \"## "
		    "Lessons learned\") is empty");
		errors++;
	}
	if (errors)
		goto out;
	/* The sections are in order: each ends where the next begins. */
	for (i = 0; i < SEC_MAX; i++) {
		for (s = i + 1; s < SEC_MAX && line_of[s] == 0; s++)
			;
		if (i > 0 && line_of[i] == 0)
			set_src(out, i, text, 0, 0);
		else
			set_src(out, i, text, body[i], s < SEC_MAX ? head[s] :
			    len);
	}
	if (out->text != NULL)
		for (i = 0; i < SEC_MAX; i++)
			block_text(&out->text[i], part[i]);
	render(out->narrative, part[SEC_NARRATIVE]);
	render(out->lessons, part[SEC_LESSONS]);
	if (nchild[SEC_COMMENTS] > 0)
		render(out->comments, part[SEC_COMMENTS]);
	rc = 0;
out:
	for (i = 0; i < SEC_MAX; i++)
		cmark_node_free(part[i]);
	cmark_node_free(doc);
	buf_free(&h);
	return rc;
}

int
md_render_page(struct buf *title, struct buf *html, const char *path,
    const char *text, size_t len)
{
	cmark_node	*doc, *first;
	int		 rc = -1;

	if (md_check(path, 1, text, len) == -1)
		return -1;
	if ((doc = cmark_parse_document(text, len, MD_OPTS)) == NULL)
		fatalx("cmark_parse_document: out of memory");
	if (sanitize(doc, path, 1) != 0)
		goto out;
	first = cmark_node_first_child(doc);
	if (first == NULL || cmark_node_get_type(first) != CMARK_NODE_HEADING ||
	    cmark_node_get_heading_level(first) != 1) {
		log_at(path, 1, "a page must start with a \"# Title\" line");
		goto out;
	}
	node_text(title, first);
	cmark_node_free(first);	/* unlinks it */
	render(html, doc);
	rc = 0;
out:
	cmark_node_free(doc);
	return rc;
}
