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
 * The one way to escape text for HTML, XML, URLs in attributes and JSON.
 * Every byte of untrusted text that reaches a page, a feed or an index
 * goes through one of these.
 */

#ifndef NM_HTML_H
#define NM_HTML_H

#include <stddef.h>

struct buf;

/* Text node or double/single-quoted attribute: & < > " ' escaped. */
void	html_text(struct buf *, const char *, size_t);
/* Same escaping; named for the attribute context. */
void	html_attr(struct buf *, const char *, size_t);
/*
 * A URL in an href/src attribute: relative URLs and http, https and
 * mailto URLs are attribute-escaped; anything else (javascript:, data:,
 * control characters, whitespace) becomes "#".  Returns 0 if the URL was
 * kept, -1 if it was replaced.
 */
int	html_url(struct buf *, const char *, size_t);
/* 1 if html_url() would keep the URL. */
int	html_url_ok(const char *, size_t);
/* XML character data or attribute; also drops characters XML forbids. */
void	xml_text(struct buf *, const char *, size_t);
/* Appends <name>text</name> and a newline, text escaped by xml_text(). */
void	xml_elem(struct buf *, const char *name, const char *text);
/* A JSON string literal, quotes included; invalid UTF-8 becomes U+FFFD. */
void	json_str(struct buf *, const char *, size_t);

#endif /* NM_HTML_H */
