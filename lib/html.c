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
 * Escaping tables (the OWASP set for HTML), the URL scheme allowlist and
 * the JSON string encoder.
 */

#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "html.h"
#include "utf8.h"

/* Index into html_ent for each byte; 0 means "copy as is". */
static const unsigned char html_esc[256] = {
	['&'] = 1, ['<'] = 2, ['>'] = 3, ['"'] = 4, ['\''] = 5,
};
static const char *const html_ent[] = {
	NULL, "&amp;", "&lt;", "&gt;", "&quot;", "&#39;",
};

void
html_text(struct buf *b, const char *s, size_t len)
{
	size_t	 i, start = 0;
	unsigned char c;

	buf_grow(b, len);
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (html_esc[c] == 0 && c != '\0')
			continue;
		buf_add(b, s + start, i - start);
		/* NUL never reaches a page. */
		if (c != '\0')
			buf_addstr(b, html_ent[html_esc[c]]);
		start = i + 1;
	}
	buf_add(b, s + start, len - start);
}

void
html_attr(struct buf *b, const char *s, size_t len)
{
	html_text(b, s, len);
}

int
html_url_ok(const char *s, size_t len)
{
	static const char *const schemes[] = { "http", "https", "mailto" };
	size_t	 i, n;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f)
			return 0;
	for (n = 0; n < len; n++)
		if (strchr(":/?#", s[n]) != NULL)
			break;
	if (n == len || s[n] != ':')
		return 1;	/* no scheme: relative */
	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (strlen(schemes[i]) == n &&
		    strncasecmp(s, schemes[i], n) == 0)
			return 1;
	return 0;
}

int
html_url(struct buf *b, const char *s, size_t len)
{
	if (!html_url_ok(s, len)) {
		buf_addch(b, '#');
		return -1;
	}
	html_attr(b, s, len);
	return 0;
}

void
xml_text(struct buf *b, const char *s, size_t len)
{
	size_t	 i, start = 0;
	unsigned char c;

	buf_grow(b, len);
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		/* U+FFFE and U+FFFF (EF BF BE/BF) are not XML characters. */
		if (c == 0xef && i + 2 < len &&
		    (unsigned char)s[i + 1] == 0xbf &&
		    ((unsigned char)s[i + 2] & 0xfe) == 0xbe) {
			buf_add(b, s + start, i - start);
			i += 2;
			start = i + 1;
			continue;
		}
		if (html_esc[c] == 0 &&
		    (c >= 0x20 || c == '\t' || c == '\n' || c == '\r'))
			continue;
		buf_add(b, s + start, i - start);
		if (html_esc[c] != 0)
			buf_addstr(b, html_ent[html_esc[c]]);
		start = i + 1;
	}
	buf_add(b, s + start, len - start);
}

void
xml_elem(struct buf *b, const char *name, const char *text)
{
	buf_printf(b, "<%s>", name);
	xml_text(b, text, strlen(text));
	buf_printf(b, "</%s>\n", name);
}

void
json_str(struct buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t	 i = 0;
	int	 n;

	buf_grow(b, len + 2);
	buf_addch(b, '"');
	while (i < len) {
		/*
		 * A run of printable ASCII that needs no escape goes out in
		 * one piece: the open data files pass megabytes through here.
		 */
		for (n = 0; i + (size_t)n < len && p[i + n] >= 0x20 &&
		    p[i + n] < 0x7f && p[i + n] != '"' && p[i + n] != '\\' &&
		    p[i + n] != '<' && p[i + n] != '>' && p[i + n] != '&'; n++)
			;
		if (n > 0) {
			buf_add(b, p + i, (size_t)n);
			i += (size_t)n;
			continue;
		}
		if ((n = utf8_decode(NULL, s + i, len - i)) == -1) {
			buf_addstr(b, "\\ufffd");
			i++;
			continue;
		}
		if (n > 1) {
			buf_add(b, p + i, (size_t)n);
			i += (size_t)n;
			continue;
		}
		switch (p[i]) {
		case '"':
			buf_addstr(b, "\\\"");
			break;
		case '\\':
			buf_addstr(b, "\\\\");
			break;
		case '\n':
			buf_addstr(b, "\\n");
			break;
		case '\t':
			buf_addstr(b, "\\t");
			break;
		case '\r':
			buf_addstr(b, "\\r");
			break;
		case '<':
		case '>':
		case '&':
			/* Safe even if the JSON ends up inside a <script>. */
			buf_addstr(b, "\\u00");
			buf_addch(b, hex[p[i] >> 4]);
			buf_addch(b, hex[p[i] & 0xf]);
			break;
		default:
			if (p[i] < 0x20 || p[i] == 0x7f) {
				buf_addstr(b, "\\u00");
				buf_addch(b, hex[p[i] >> 4]);
				buf_addch(b, hex[p[i] & 0xf]);
			} else
				buf_addch(b, p[i]);
		}
		i++;
	}
	buf_addch(b, '"');
}
