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
 * Unit tests of lib/utf8.c: every length of sequence at both ends of
 * its range, the overlong forms, the surrogates, the values above
 * U+10FFFF, stray and missing continuation bytes, and sequences cut
 * short by len.
 */

#include <stdint.h>
#include <string.h>

#include "harness.h"
#include "utf8.h"

/* utf8_decode() of the n bytes of s; *cp is set to 0xffffffff first. */
static int
dec(uint32_t *cp, const char *s, size_t n)
{
	*cp = 0xffffffff;
	return utf8_decode(cp, s, n);
}

static void
test_valid(void)
{
	uint32_t	 cp;

	INT_EQ(dec(&cp, "\0", 1), 1);
	INT_EQ(cp, 0);
	INT_EQ(dec(&cp, "A", 1), 1);
	INT_EQ(cp, 'A');
	INT_EQ(dec(&cp, "\x7f", 1), 1);
	INT_EQ(cp, 0x7f);
	INT_EQ(dec(&cp, "\xc2\x80", 2), 2);
	INT_EQ(cp, 0x80);
	INT_EQ(dec(&cp, "\xc3\xa9", 2), 2);
	INT_EQ(cp, 0xe9);
	INT_EQ(dec(&cp, "\xdf\xbf", 2), 2);
	INT_EQ(cp, 0x7ff);
	INT_EQ(dec(&cp, "\xe0\xa0\x80", 3), 3);
	INT_EQ(cp, 0x800);
	INT_EQ(dec(&cp, "\xed\x9f\xbf", 3), 3);
	INT_EQ(cp, 0xd7ff);
	INT_EQ(dec(&cp, "\xee\x80\x80", 3), 3);
	INT_EQ(cp, 0xe000);
	INT_EQ(dec(&cp, "\xe2\x80\xa8", 3), 3);
	INT_EQ(cp, 0x2028);
	INT_EQ(dec(&cp, "\xef\xbf\xbf", 3), 3);
	INT_EQ(cp, 0xffff);
	INT_EQ(dec(&cp, "\xf0\x90\x80\x80", 4), 4);
	INT_EQ(cp, 0x10000);
	INT_EQ(dec(&cp, "\xf0\x9f\x98\x80", 4), 4);
	INT_EQ(cp, 0x1f600);
	INT_EQ(dec(&cp, "\xf4\x8f\xbf\xbf", 4), 4);
	INT_EQ(cp, 0x10ffff);
	/* Only the first code point is read; what follows is not looked at. */
	INT_EQ(dec(&cp, "\xc3\xa9\xff", 3), 2);
	INT_EQ(cp, 0xe9);
	INT_EQ(dec(&cp, "ab", 2), 1);
	INT_EQ(cp, 'a');
	/* out may be NULL. */
	INT_EQ(utf8_decode(NULL, "\xe2\x82\xac", 3), 3);
	INT_EQ(utf8_decode(NULL, "\xe2\x82", 2), -1);
}

static void
test_invalid(void)
{
	static const char *const bad[] = {
		"\x80", "\xbf",			/* stray continuation */
		"\xc0\x80", "\xc1\xbf",		/* overlong 2 */
		"\xe0\x80\x80", "\xe0\x9f\xbf",	/* overlong 3 */
		"\xf0\x80\x80\x80", "\xf0\x8f\xbf\xbf", /* overlong 4 */
		"\xed\xa0\x80", "\xed\xbf\xbf",	/* surrogates */
		"\xf4\x90\x80\x80",		/* U+110000 */
		"\xf5\x80\x80\x80", "\xf7\xbf\xbf\xbf",
		"\xf8\x88\x80\x80\x80", "\xfc\x84\x80\x80\x80\x80",
		"\xfe", "\xff",
		"\xc3\x28", "\xc3\xc3",		/* no continuation */
		"\xe2\x28\xa1", "\xe2\x82\x28",
		"\xf0\x28\x8c\xbc", "\xf0\x90\x28\xbc", "\xf0\x90\x8c\x28",
	};
	uint32_t	 cp;
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (dec(&cp, bad[i], strlen(bad[i])) != -1)
			fprintf(stderr, "bad[%zu] decoded\n", i);
		INT_EQ(dec(&cp, bad[i], strlen(bad[i])), -1);
		/* *out is left alone on failure. */
		INT_EQ(cp, 0xffffffff);
	}
}

/* A sequence cut short by len is invalid, even if the bytes go on. */
static void
test_short(void)
{
	uint32_t	 cp;

	INT_EQ(dec(&cp, "\xc3\xa9", 1), -1);
	INT_EQ(dec(&cp, "\xe2\x82\xac", 1), -1);
	INT_EQ(dec(&cp, "\xe2\x82\xac", 2), -1);
	INT_EQ(dec(&cp, "\xf0\x9f\x98\x80", 1), -1);
	INT_EQ(dec(&cp, "\xf0\x9f\x98\x80", 2), -1);
	INT_EQ(dec(&cp, "\xf0\x9f\x98\x80", 3), -1);
	INT_EQ(dec(&cp, "\xf0\x9f\x98\x80", 4), 4);
}

/* Every two-byte lead and every four-byte lead against the ranges. */
static void
test_ranges(void)
{
	uint32_t	 cp;
	char		 s[4];
	unsigned int	 c, bad = 0;

	for (c = 0; c < 256; c++) {
		s[0] = (char)c;
		s[1] = (char)0x80;
		s[2] = (char)0x80;
		s[3] = (char)0x80;
		if (c < 0x80) {
			if (dec(&cp, s, 4) != 1 || cp != c)
				bad++;
		} else if (c >= 0xc2 && c <= 0xdf) {
			if (dec(&cp, s, 4) != 2 || cp != (c & 0x1f) << 6)
				bad++;
		} else if (c >= 0xe1 && c <= 0xef) {
			if (dec(&cp, s, 4) != 3 || cp != (c & 0x0f) << 12)
				bad++;
		} else if (c >= 0xf1 && c <= 0xf4) {
			if (dec(&cp, s, 4) != 4 || cp != (c & 0x07) << 18)
				bad++;
		} else if (dec(&cp, s, 4) != -1)
			bad++;	/* 80-C1, E0 80, F0 80, F5-FF */
	}
	INT_EQ(bad, 0);
}

/* Bidirectional controls: found, stripped, and nothing else touched. */
static void
test_bidi(void)
{
	char		 s[64];
	uint32_t	 cp;
	size_t		 n;

	for (cp = 0x2000; cp < 0x2100; cp++)
		INT_EQ(utf8_is_bidi(cp), (cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069));
	INT_EQ(utf8_is_bidi(0x200f), 0);	/* RLM is a mark, kept */
	INT_EQ(utf8_find_bidi("plain", 5), -1);
	INT_EQ(utf8_find_bidi("ab\xe2\x80\xae" "cd", 7), 2);
	INT_EQ(utf8_find_bidi("\xe2\x81\xa6", 3), 0);
	INT_EQ(utf8_find_bidi("\xe2\x81\xa9", 3), 0);
	INT_EQ(utf8_find_bidi("\xe2\x81\xaa", 3), -1);
	INT_EQ(utf8_find_bidi("\xe2\x80\xa9", 3), -1);	/* U+2029 */
	INT_EQ(utf8_find_bidi("\xe2\x80", 2), -1);	/* cut short */
	INT_EQ(utf8_find_bidi("\xff\xe2\x80\xab", 4), 1);
	strcpy(s, "x\xe2\x80\xaay\xe2\x81\xa7z\xc3\xa9\xe2\x80\x94");
	n = utf8_strip_bidi(s, strlen(s));
	INT_EQ(n, 8);
	STR_EQ(s, "xyz\xc3\xa9\xe2\x80\x94");
	strcpy(s, "\xe2\x80\xae\xe2\x80\xae");
	INT_EQ(utf8_strip_bidi(s, 6), 0);
	STR_EQ(s, "");
	strcpy(s, "keep \xff\xe2\x80");
	INT_EQ(utf8_strip_bidi(s, 8), 8);
	STR_EQ(s, "keep \xff\xe2\x80");
	INT_EQ(utf8_chars("", 0), 0);
	INT_EQ(utf8_chars("abc", 3), 3);
	INT_EQ(utf8_chars("\xc3\xa9t\xc3\xa9", 5), 3);
	INT_EQ(utf8_chars("\xf0\x9f\x9a\x93", 4), 1);
	INT_EQ(utf8_chars("\xff\xfe", 2), 2);
	INT_EQ(utf8_prefix("abc", 3, 2), 2);
	INT_EQ(utf8_prefix("abc", 3, 5), 3);
	INT_EQ(utf8_prefix("\xc3\xa9t\xc3\xa9", 5, 2), 3);
	INT_EQ(utf8_prefix("\xc3\xa9t\xc3\xa9", 5, 0), 0);
	INT_EQ(utf8_prefix("\xf0\x9f\x9a\x93x", 5, 1), 4);
	INT_EQ(utf8_prefix("\xffx", 2, 1), 1);
}

int
main(void)
{
	test_valid();
	test_invalid();
	test_short();
	test_ranges();
	test_bidi();
	return DONE("test_utf8");
}
