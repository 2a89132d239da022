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
 * utf8_decode(): a lead byte in C2-DF, E0-EF or F0-F4, then continuation
 * bytes, with the code point checked against the shortest form, the
 * surrogates and U+10FFFF; and the few questions asked of whole strings
 * (bidirectional controls, length in code points).
 */

#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "utf8.h"

int
utf8_decode(uint32_t *out, const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint32_t		 cp, min;
	size_t			 i, n;

	assert(len > 0);
	if (p[0] < 0x80) {
		if (out != NULL)
			*out = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		cp = p[0] & 0x1f;
		min = 0x80;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		cp = p[0] & 0x0f;
		min = 0x800;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		cp = p[0] & 0x07;
		min = 0x10000;
	} else
		return -1;	/* a continuation byte, C0, C1, F5-FF */
	if (len < n)
		return -1;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return -1;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	if (out != NULL)
		*out = cp;
	return (int)n;
}

int
utf8_is_bidi(uint32_t cp)
{
	return (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069);
}

long
utf8_find_bidi(const char *s, size_t len)
{
	uint32_t	 cp;
	size_t		 i;
	int		 n;

	for (i = 0; i < len; i += (size_t)n) {
		/* Every bidi control is E2 80 AA-AE or E2 81 A6-A9. */
		if ((unsigned char)s[i] != 0xe2) {
			n = 1;
			continue;
		}
		if ((n = utf8_decode(&cp, s + i, len - i)) < 0)
			n = 1;
		else if (utf8_is_bidi(cp))
			return (long)i;
	}
	return -1;
}

size_t
utf8_strip_bidi(char *s, size_t len)
{
	uint32_t	 cp;
	size_t		 r, w;
	int		 n;

	for (r = w = 0; r < len; ) {
		if ((unsigned char)s[r] == 0xe2 &&
		    (n = utf8_decode(&cp, s + r, len - r)) == 3 &&
		    utf8_is_bidi(cp)) {
			r += 3;
			continue;
		}
		s[w++] = s[r++];
	}
	if (w < len)
		s[w] = '\0';
	return w;
}

size_t
utf8_chars(const char *s, size_t len)
{
	size_t	 i, count = 0;
	int	 n;

	for (i = 0; i < len; i += (size_t)n, count++)
		if ((n = utf8_decode(NULL, s + i, len - i)) < 0)
			n = 1;
	return count;
}

size_t
utf8_prefix(const char *s, size_t len, size_t max)
{
	size_t	 i, count = 0;
	int	 n;

	for (i = 0; i < len && count < max; i += (size_t)n, count++)
		if ((n = utf8_decode(NULL, s + i, len - i)) < 0)
			n = 1;
	return i;
}
