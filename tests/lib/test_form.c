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
 * Unit tests of lib/form.c: every decoding rule and cap with its exact
 * error code, offset and field, repeated names, reuse of one struct,
 * wiping, linear time on pathological bodies, and a round-trip property
 * against a test-local encoder.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "form.h"
#include "harness.h"

static struct form	 f;

/* Parses the NUL-terminated s into the shared form f. */
static int
parse(const char *s)
{
	return form_parse(&f, s, strlen(s));
}

/* s must decode to exactly one field nm=val (val NUL-free). */
#define ONE(s, nm, val) do {						\
	INT_EQ(parse(s), 0);						\
	INT_EQ(f.nfields, 1);						\
	if (f.nfields == 1) {						\
		STR_EQ(f.fields[0].name, (nm));				\
		STR_EQ(f.fields[0].value, (val));			\
		INT_EQ(f.fields[0].value_len, strlen(val));		\
	}								\
} while (0)

/*
 * s must fail with code at body offset off, in the value of field
 * nm ("" for none), leaving the form empty.
 */
#define BAD(s, code, off, nm) do {					\
	INT_EQ(parse(s), (code));					\
	INT_EQ(f.err, (code));						\
	INT_EQ(f.err_off, (off));					\
	STR_EQ(f.err_name, (nm));					\
	INT_EQ(f.nfields, 0);						\
	INT_EQ(f.data.len, 0);						\
} while (0)

/* A deterministic PRNG (xorshift64*), so that failures reproduce. */
static uint64_t	 rng_state = 0x9e3779b97f4a7c15ULL;

static uint32_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ULL) >> 32);
}

static void
test_basic(void)
{
	INT_EQ(parse(""), 0);
	INT_EQ(f.nfields, 0);
	INT_EQ(f.err, 0);
	INT_EQ(form_parse(&f, NULL, 0), 0);
	INT_EQ(f.nfields, 0);
	ONE("a=b", "a", "b");
	ONE("a", "a", "");
	ONE("a=", "a", "");
	ONE("a=b=c", "a", "b=c");
	ONE("a==", "a", "=");
	ONE("name_64_0123456789=x", "name_64_0123456789", "x");
	ONE("a=hello+world", "a", "hello world");
	ONE("a=+", "a", " ");
	ONE("a=%2B", "a", "+");
	ONE("a=%26%3D%25", "a", "&=%");
	ONE("a=%41%4a%4A%7e%7E", "a", "AJJ~~");
	ONE("a=%20%09x", "a", " \tx");
	ONE("a=%7F", "a", "\x7f");
	/* Empty pairs are skipped wherever they are. */
	INT_EQ(parse("&&a=1&&&b=2&"), 0);
	INT_EQ(f.nfields, 2);
	STR_EQ(f.fields[0].name, "a");
	STR_EQ(f.fields[0].value, "1");
	STR_EQ(f.fields[1].name, "b");
	STR_EQ(f.fields[1].value, "2");
	INT_EQ(parse("&"), 0);
	INT_EQ(f.nfields, 0);
	/* Not NUL-terminated: only len bytes are read. */
	INT_EQ(form_parse(&f, "a=12345", 4), 0);
	STR_EQ(form_get(&f, "a"), "12");
}

static void
test_names(void)
{
	char	 s[200];

	BAD("=x", FORM_ENONAME, 0, "");
	BAD("a=1&=x", FORM_ENONAME, 4, "");
	BAD("a=1&=", FORM_ENONAME, 4, "");
	BAD("A=1", FORM_ENAME, 0, "");
	BAD("nAme=1", FORM_ENAME, 1, "");
	BAD("+a=1", FORM_ENAME, 0, "");
	BAD("a+b=1", FORM_ENAME, 1, "");
	BAD("a%62=1", FORM_ENAME, 1, "");
	BAD("a-b=1", FORM_ENAME, 1, "");
	BAD("a.b=1", FORM_ENAME, 1, "");
	BAD("a b=1", FORM_ENAME, 1, "");
	BAD("a;b=1", FORM_ENAME, 1, "");
	BAD("a[]=1", FORM_ENAME, 1, "");
	BAD("\xc3\xa9=1", FORM_ENAME, 0, "");
	BAD("ok=1&bad!", FORM_ENAME, 8, "");
	INT_EQ(form_parse(&f, "a\0b=1", 5), FORM_ENAME);
	INT_EQ(f.err_off, 1);
	/* 64 bytes are fine, 65 are not. */
	memset(s, 'n', 64);
	memcpy(s + 64, "=v", 3);
	INT_EQ(parse(s), 0);
	INT_EQ(strlen(f.fields[0].name), 64);
	STR_EQ(f.fields[0].value, "v");
	memset(s, 'n', 65);
	memcpy(s + 65, "=v", 3);
	BAD(s, FORM_ENAMELEN, 64, "");
	memset(s, 'n', 65);
	s[65] = '\0';
	BAD(s, FORM_ENAMELEN, 64, "");
	ONE("abcdefghijklmnopqrstuvwxyz_0123456789=1",
	    "abcdefghijklmnopqrstuvwxyz_0123456789", "1");
}

static void
test_escapes(void)
{
	BAD("a=%", FORM_EESCAPE, 2, "a");
	BAD("a=%4", FORM_EESCAPE, 2, "a");
	BAD("a=%4G", FORM_EESCAPE, 2, "a");
	BAD("a=%G4", FORM_EESCAPE, 2, "a");
	BAD("a=%%41", FORM_EESCAPE, 2, "a");
	BAD("a=% 1", FORM_EESCAPE, 2, "a");
	BAD("a=%-1", FORM_EESCAPE, 2, "a");
	BAD("a=%+1", FORM_EESCAPE, 2, "a");
	BAD("title=ok&x=12%", FORM_EESCAPE, 13, "x");
	/* The escape may not run into the next pair. */
	BAD("a=%4&b=1", FORM_EESCAPE, 2, "a");
	BAD("a=%&41", FORM_EESCAPE, 2, "a");
	/* A body cut after "%" or "%4" (len shorter than the string). */
	INT_EQ(form_parse(&f, "a=%41", 3), FORM_EESCAPE);
	INT_EQ(form_parse(&f, "a=%41", 4), FORM_EESCAPE);
	INT_EQ(form_parse(&f, "a=%41", 5), 0);
	ONE("a=%c3%A9", "a", "\xc3\xa9");
	ONE("a=%C3%a9t%C3%A9", "a", "\xc3\xa9t\xc3\xa9");
}

static void
test_nul_controls(void)
{
	BAD("a=%00", FORM_ENUL, 2, "a");
	BAD("a=x%00y", FORM_ENUL, 3, "a");
	INT_EQ(form_parse(&f, "a=x\0y", 5), FORM_ENUL);
	INT_EQ(f.err_off, 3);
	STR_EQ(f.err_name, "a");
	BAD("a=%01", FORM_ECONTROL, 2, "a");
	BAD("a=%08", FORM_ECONTROL, 2, "a");
	BAD("a=%0B", FORM_ECONTROL, 2, "a");
	BAD("a=%0c", FORM_ECONTROL, 2, "a");
	BAD("a=%1B[31m", FORM_ECONTROL, 2, "a");
	BAD("a=%1F", FORM_ECONTROL, 2, "a");
	BAD("a=ok&b=x\x07", FORM_ECONTROL, 8, "b");
	ONE("a=%09", "a", "\t");
	ONE("a=%0A", "a", "\n");
	ONE("a=%0D%0A", "a", "\n");
	ONE("a=%0d%0a", "a", "\n");
	ONE("a=x%0D", "a", "x\n");
	ONE("a=x%0Dy", "a", "x\ny");
	ONE("a=%0D%0D%0A", "a", "\n\n");
	ONE("a=%0A%0D", "a", "\n\n");
	ONE("a=%0A%0D%0A", "a", "\n\n");
	ONE("a=%0D%0A%0D%0A", "a", "\n\n");
	ONE("a=1%0D%0A2%0D3%0A4", "a", "1\n2\n3\n4");
	/* Raw bytes count as well, and mixed with escapes. */
	ONE("a=x\r\ny", "a", "x\ny");
	ONE("a=x%0D\ny", "a", "x\ny");
	ONE("a=x\r%0Ay", "a", "x\ny");
	ONE("a=x\r", "a", "x\n");
	/* A CR, then a non-ASCII character, then an LF: two line ends. */
	ONE("a=%0D%C3%A9%0A", "a", "\n\xc3\xa9\n");
	/* The CR state does not leak into the next field. */
	INT_EQ(parse("a=%0D&b=%0A"), 0);
	STR_EQ(form_get(&f, "a"), "\n");
	STR_EQ(form_get(&f, "b"), "\n");
}

static void
test_utf8(void)
{
	ONE("a=\xc3\xa9", "a", "\xc3\xa9");
	ONE("a=%C2%80", "a", "\xc2\x80");		/* U+0080 */
	ONE("a=%DF%BF", "a", "\xdf\xbf");		/* U+07FF */
	ONE("a=%E0%A0%80", "a", "\xe0\xa0\x80");	/* U+0800 */
	ONE("a=%ED%9F%BF", "a", "\xed\x9f\xbf");	/* U+D7FF */
	ONE("a=%EE%80%80", "a", "\xee\x80\x80");	/* U+E000 */
	ONE("a=%EF%BF%BD", "a", "\xef\xbf\xbd");	/* U+FFFD */
	ONE("a=%EF%BB%BF", "a", "\xef\xbb\xbf");	/* a BOM is text */
	ONE("a=%F0%90%80%80", "a", "\xf0\x90\x80\x80");	/* U+10000 */
	ONE("a=%F0%9F%98%80", "a", "\xf0\x9f\x98\x80");	/* emoji */
	ONE("a=\xf0\x9f\x98\x80", "a", "\xf0\x9f\x98\x80");
	ONE("a=%F4%8F%BF%BF", "a", "\xf4\x8f\xbf\xbf");	/* U+10FFFF */
	/* Overlongs. */
	BAD("a=%C0%AF", FORM_EUTF8, 2, "a");
	BAD("a=%C1%BF", FORM_EUTF8, 2, "a");
	BAD("a=%C0%80", FORM_EUTF8, 2, "a");
	BAD("a=%E0%80%AF", FORM_EUTF8, 2, "a");
	BAD("a=%E0%9F%BF", FORM_EUTF8, 2, "a");
	BAD("a=%F0%80%80%AF", FORM_EUTF8, 2, "a");
	BAD("a=%F0%8F%BF%BF", FORM_EUTF8, 2, "a");
	/* Surrogates. */
	BAD("a=%ED%A0%80", FORM_EUTF8, 2, "a");
	BAD("a=%ED%BF%BF", FORM_EUTF8, 2, "a");
	BAD("a=%ED%A0%BD%ED%B8%80", FORM_EUTF8, 2, "a");
	/* Over U+10FFFF, and bytes that never occur. */
	BAD("a=%F4%90%80%80", FORM_EUTF8, 2, "a");
	BAD("a=%F5%80%80%80", FORM_EUTF8, 2, "a");
	BAD("a=%F8%88%80%80%80", FORM_EUTF8, 2, "a");
	BAD("a=%FE", FORM_EUTF8, 2, "a");
	BAD("a=%FF", FORM_EUTF8, 2, "a");
	BAD("a=x\xff", FORM_EUTF8, 3, "a");
	/* Stray continuation bytes. */
	BAD("a=%80", FORM_EUTF8, 2, "a");
	BAD("a=%BF", FORM_EUTF8, 2, "a");
	BAD("a=%C3%A9%A9", FORM_EUTF8, 8, "a");
	/* Truncated sequences, at the end and before other bytes. */
	BAD("a=%C3", FORM_EUTF8, 2, "a");
	BAD("a=xy%E2%82", FORM_EUTF8, 4, "a");
	BAD("a=%F0%9F%98", FORM_EUTF8, 2, "a");
	BAD("a=%C3A", FORM_EUTF8, 2, "a");
	BAD("a=%C3+", FORM_EUTF8, 2, "a");
	BAD("a=%E2%82%0A", FORM_EUTF8, 2, "a");
	BAD("a=%C3&b=%A9", FORM_EUTF8, 2, "a");
	BAD("a=\xc3", FORM_EUTF8, 2, "a");
	/* A NUL inside a sequence is a UTF-8 error first. */
	BAD("a=%C3%00", FORM_EUTF8, 2, "a");
}

static void
test_value_cap(void)
{
	form_free(&f);
	form_init(&f, 5);
	ONE("a=12345", "a", "12345");
	BAD("a=123456", FORM_EVALUELEN, 7, "a");
	ONE("a=%41%41%41%41%41", "a", "AAAAA");
	BAD("a=%41%41%41%41%41%41", FORM_EVALUELEN, 17, "a");
	/* The cap counts decoded bytes, after CRLF became LF. */
	ONE("a=1234%0D%0A", "a", "1234\n");
	BAD("a=1234%0D%0Ax", FORM_EVALUELEN, 12, "a");
	ONE("a=%C3%A9%C3%A9x", "a", "\xc3\xa9\xc3\xa9x");
	/* The byte over the cap is the fault, even inside a character. */
	BAD("a=ok&b=%C3%A9%C3%A9%C3%A9", FORM_EVALUELEN, 22, "b");
	/* Each value has the cap, not the sum. */
	INT_EQ(parse("a=12345&b=12345&a=12345"), 0);
	INT_EQ(f.nfields, 3);
	/* value_max may change between parses. */
	f.value_max = 3;
	BAD("a=1234", FORM_EVALUELEN, 5, "a");
	f.value_max = 0;
	INT_EQ(parse("a=1234"), 0);
	form_free(&f);
	form_init(&f, 0);
}

static void
test_fields(void)
{
	struct buf	 b = BUF_INIT;
	size_t		 i, off = 0;

	/* 64 fields are fine, the 65th is not, empty pairs do not count. */
	for (i = 0; i < FORM_FIELDS_MAX; i++)
		buf_printf(&b, "&&f%zu=%zu", i, i);
	buf_addstr(&b, "&&&");
	INT_EQ(form_parse(&f, b.data, b.len), 0);
	INT_EQ(f.nfields, FORM_FIELDS_MAX);
	STR_EQ(f.fields[63].name, "f63");
	STR_EQ(f.fields[63].value, "63");
	STR_EQ(form_get(&f, "f0"), "0");
	off = b.len;
	buf_addstr(&b, "f64=64");
	INT_EQ(form_parse(&f, b.data, b.len), FORM_EFIELDS);
	INT_EQ(f.err_off, off);
	STR_EQ(f.err_name, "");
	INT_EQ(f.nfields, 0);
	/* The count comes before checking the 65th pair itself. */
	buf_truncate(&b, off);
	buf_addstr(&b, "=bad");
	INT_EQ(form_parse(&f, b.data, b.len), FORM_EFIELDS);
	buf_free(&b);
	/* The same name 65 times. */
	for (i = 0; i < FORM_FIELDS_MAX + 1; i++)
		buf_addstr(&b, "contributing_factors=fatigue&");
	INT_EQ(form_parse(&f, b.data, b.len), FORM_EFIELDS);
	INT_EQ(f.err_off, 64 * strlen("contributing_factors=fatigue&"));
	buf_free(&b);
}

static void
test_body_cap(void)
{
	char	*s;

	s = xmalloc(FORM_BODY_MAX + 2);
	/* Exactly FORM_BODY_MAX: one value of FORM_BODY_MAX - 2. */
	s[0] = 'a';
	s[1] = '=';
	memset(s + 2, 'x', FORM_BODY_MAX - 2);
	INT_EQ(form_parse(&f, s, FORM_BODY_MAX), 0);
	INT_EQ(f.nfields, 1);
	INT_EQ(f.fields[0].value_len, FORM_BODY_MAX - 2);
	INT_EQ(strlen(f.fields[0].value), FORM_BODY_MAX - 2);
	/* One byte more, whatever it is. */
	s[FORM_BODY_MAX] = 'x';
	INT_EQ(form_parse(&f, s, FORM_BODY_MAX + 1), FORM_ETOOBIG);
	INT_EQ(f.err, FORM_ETOOBIG);
	INT_EQ(f.err_off, FORM_BODY_MAX);
	INT_EQ(f.nfields, 0);
	INT_EQ(FORM_ETOOBIG, NM_ETOOBIG);
	/* The size is checked before anything else. */
	memset(s, '&', FORM_BODY_MAX + 1);
	INT_EQ(form_parse(&f, s, FORM_BODY_MAX), 0);
	INT_EQ(f.nfields, 0);
	INT_EQ(form_parse(&f, s, FORM_BODY_MAX + 1), FORM_ETOOBIG);
	s[0] = '=';
	INT_EQ(form_parse(&f, s, FORM_BODY_MAX + 1), FORM_ETOOBIG);
	/* FORM_BODY_MAX of escapes, decoded to a third. */
	s[0] = 'a';
	s[1] = '=';
	memset(s + 2, 'x', FORM_BODY_MAX - 2);
	memcpy(s + FORM_BODY_MAX - 6, "%C3%A9", 6);
	INT_EQ(form_parse(&f, s, FORM_BODY_MAX), 0);
	INT_EQ(f.fields[0].value_len, FORM_BODY_MAX - 6 - 2 + 2);
	free(s);
}

static void
test_repeated(void)
{
	const struct form_field	*fl;
	const char		*body =
	    "contributing_factors=fatigue&title=T&"
	    "contributing_factors=communication&consent=yes&"
	    "contributing_factors=training";
	int			 n;

	INT_EQ(parse(body), 0);
	INT_EQ(f.nfields, 5);
	STR_EQ(form_get(&f, "contributing_factors"), "fatigue");
	STR_EQ(form_get(&f, "title"), "T");
	OK(form_get(&f, "missing") == NULL);
	OK(form_get(&f, "contributing") == NULL);
	OK(form_get(&f, "") == NULL);
	INT_EQ(form_count(&f, "contributing_factors"), 3);
	INT_EQ(form_count(&f, "consent"), 1);
	INT_EQ(form_count(&f, "missing"), 0);
	INT_EQ(form_count(&f, NULL), 5);
	fl = form_next(&f, NULL, "contributing_factors");
	OK(fl == &f.fields[0]);
	STR_EQ(fl->value, "fatigue");
	fl = form_next(&f, fl, "contributing_factors");
	OK(fl == &f.fields[2]);
	STR_EQ(fl->value, "communication");
	fl = form_next(&f, fl, "contributing_factors");
	STR_EQ(fl->value, "training");
	OK(form_next(&f, fl, "contributing_factors") == NULL);
	/* All fields in body order. */
	n = 0;
	for (fl = NULL; (fl = form_next(&f, fl, NULL)) != NULL; n++)
		OK(fl == &f.fields[n]);
	INT_EQ(n, 5);
	/* The same name with the same value is kept twice too. */
	INT_EQ(parse("x=1&x=1&x="), 0);
	INT_EQ(form_count(&f, "x"), 3);
	STR_EQ(f.fields[2].value, "");
	/* An empty form. */
	INT_EQ(parse(""), 0);
	OK(form_next(&f, NULL, NULL) == NULL);
	OK(form_get(&f, "x") == NULL);
}

static void
test_intake(void)
{
	const char	*body =
	    "token=1714000000.9f86d081884c7d659a2feaa0c55ad015&"
	    "website=&"
	    "title=Backup+arrived+late+%E2%80%93+radio+dead+spot&"
	    "event_date=2026-03&"
	    "incident_type=traffic-stop&"
	    "contributing_factors=fatigue&"
	    "contributing_factors=communication&"
	    "loss_potential=serious-injury&"
	    "narrative=Second+stop+of+the+night.%0D%0A%0D%0A"
	    "The+radio+showed+%22no+signal%22+at+the+bend%3B+I+waited"
	    "+100%25+sure+it+was+fine.%0D%0A%09-+caf%C3%A9+%F0%9F%9A%93&"
	    "lessons=Check+coverage+maps.&"
	    "contact=&"
	    "consent=yes";

	INT_EQ(parse(body), 0);
	INT_EQ(f.nfields, 12);
	STR_EQ(form_get(&f, "title"),
	    "Backup arrived late \xe2\x80\x93 radio dead spot");
	STR_EQ(form_get(&f, "event_date"), "2026-03");
	STR_EQ(form_get(&f, "website"), "");
	STR_EQ(form_get(&f, "narrative"),
	    "Second stop of the night.\n\n"
	    "The radio showed \"no signal\" at the bend; I waited 100% "
	    "sure it was fine.\n\t- caf\xc3\xa9 \xf0\x9f\x9a\x93");
	INT_EQ(form_count(&f, "contributing_factors"), 2);
	STR_EQ(form_get(&f, "consent"), "yes");
	STR_EQ(f.fields[11].name, "consent");
}

static void
test_reuse(void)
{
	struct form	 g;
	char		*p;
	size_t		 cap;

	/* One struct for many bodies: each parse starts afresh. */
	INT_EQ(parse("a=first&b=2"), 0);
	INT_EQ(parse("c=second"), 0);
	INT_EQ(f.nfields, 1);
	OK(form_get(&f, "a") == NULL);
	STR_EQ(form_get(&f, "c"), "second");
	BAD("a=%00", FORM_ENUL, 2, "a");
	INT_EQ(parse("d=third"), 0);
	INT_EQ(f.err, 0);
	INT_EQ(f.err_off, 0);
	STR_EQ(f.err_name, "");
	STR_EQ(form_get(&f, "d"), "third");
	/* A smaller body reuses the storage. */
	p = f.data.data;
	cap = f.data.cap;
	INT_EQ(parse("e=4"), 0);
	OK(f.data.data == p);
	INT_EQ(f.data.cap, cap);
	form_reset(&f);
	INT_EQ(f.nfields, 0);
	INT_EQ(f.data.len, 0);
	OK(form_get(&f, "e") == NULL);
	/* A failed parse leaves no error from before, only its own. */
	BAD("A=1", FORM_ENAME, 0, "");
	BAD("a=%ZZ", FORM_EESCAPE, 2, "a");
	BAD("A=1", FORM_ENAME, 0, "");
	/* form_free leaves the form usable; NULL is a no-op. */
	form_init(&g, 0);
	form_free(&g);
	INT_EQ(form_parse(&g, "x=1", 3), 0);
	STR_EQ(form_get(&g, "x"), "1");
	form_free(&g);
	form_free(&g);
	OK(g.data.cap == 0);
	INT_EQ(form_parse(&g, "y=2", 3), 0);
	STR_EQ(form_get(&g, "y"), "2");
	form_free(&g);
	form_free(NULL);
}

/* 1 if the n bytes at p contain the string s. */
static int
contains(const char *p, size_t n, const char *s)
{
	size_t	 i, k = strlen(s);

	for (i = 0; i + k <= n; i++)
		if (memcmp(p + i, s, k) == 0)
			return 1;
	return 0;
}

static void
test_wipe(void)
{
	char	 big[300];

	/*
	 * Storage big enough for what follows, so that it is reused, and
	 * defined to its end, so that valgrind lets contains() read it.
	 */
	memset(big, 'x', sizeof(big));
	big[0] = 'a';
	big[1] = '=';
	INT_EQ(form_parse(&f, big, sizeof(big)), 0);
	memset(f.data.data, 0, f.data.cap);
	/* After a failure the decoded bytes are gone from the storage. */
	INT_EQ(parse("narrative=my+secret+story&x=%00"), FORM_ENUL);
	OK(f.data.cap > 0);
	OK(!contains(f.data.data, f.data.cap, "secret"));
	OK(!contains(f.data.data, f.data.cap, "narrative"));
	/* Also a value cut short by its fault. */
	INT_EQ(parse("narrative=my+secret+story%FF"), FORM_EUTF8);
	OK(!contains(f.data.data, f.data.cap, "secret"));
	/* And after a reset. */
	INT_EQ(parse("narrative=my+secret+story"), 0);
	OK(contains(f.data.data, f.data.cap, "secret"));
	form_reset(&f);
	OK(!contains(f.data.data, f.data.cap, "secret"));
	INT_EQ(parse("narrative=my+secret+story"), 0);
	INT_EQ(parse("a=1"), 0);
	OK(!contains(f.data.data, f.data.cap, "secret"));
}

static void
test_strerror(void)
{
	static const int	 codes[] = {
		FORM_ETOOBIG, FORM_EFIELDS, FORM_ENONAME, FORM_ENAME,
		FORM_ENAMELEN, FORM_EVALUELEN, FORM_EESCAPE, FORM_ENUL,
		FORM_EUTF8, FORM_ECONTROL,
	};
	const char		*unknown, *m, *m2;
	size_t			 i, j;

	unknown = form_strerror(-999);
	OK(unknown != NULL && *unknown != '\0');
	OK(form_strerror(-1) == unknown);
	OK(form_strerror(1) == unknown);
	OK(form_strerror(0) != unknown);
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		m = form_strerror(codes[i]);
		OK(m != NULL && *m != '\0' && m != unknown);
		OK(codes[i] < 0 && codes[i] != -1 && codes[i] != NM_ENOTFOUND);
		for (j = 0; j < i; j++) {
			m2 = form_strerror(codes[j]);
			OK(codes[i] != codes[j] && strcmp(m, m2) != 0);
		}
	}
}

/* Nothing about a body ever reaches stderr (or any log). */
static void
test_silent(void)
{
	static const char *const bodies[] = {
		"secret=%00", "secret=%", "SECRET=1", "secret=%C0%AF",
		"secret=%01", "=secret", "secret=ok",
	};
	const char	*err;
	size_t		 i;

	cap_start();
	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++)
		parse(bodies[i]);
	err = cap_end();
	STR_EQ(err, "");
}

/*
 * CPU seconds for reps parses of body (len bytes); checks that each
 * returns want.
 */
static double
time_parse(const char *body, size_t len, int reps, int want)
{
	clock_t	 t0;
	int	 i, rc = want;

	t0 = clock();
	for (i = 0; i < reps; i++)
		if ((rc = form_parse(&f, body, len)) != want)
			break;
	INT_EQ(rc, want);
	return (double)(clock() - t0) / CLOCKS_PER_SEC;
}

/*
 * Pathological bodies parse in linear time.  A quadratic pass over 64
 * KiB costs about a second per parse; these 20 parses take milliseconds
 * (well under the bound even under valgrind).
 */
static void
test_linear(void)
{
	struct buf	 b = BUF_INIT;
	double		 t = 0;
	size_t		 i;

	for (i = 0; i < FORM_BODY_MAX; i++)
		buf_addch(&b, '&');
	t += time_parse(b.data, b.len, 20, 0);
	buf_reset(&b);
	/* One field "a" with the value "Aa=Aa=A...". */
	for (i = 0; i < 10000; i++)
		buf_addstr(&b, "a=%41");
	t += time_parse(b.data, b.len, 20, 0);
	INT_EQ(f.fields[0].value_len, 1 + 3 * 9999);
	buf_reset(&b);
	for (i = 0; i < 10000; i++)
		buf_addstr(&b, "a=%41&");
	t += time_parse(b.data, b.len, 20, FORM_EFIELDS);
	buf_reset(&b);
	buf_addstr(&b, "a=");
	while (b.len + 3 <= FORM_BODY_MAX)
		buf_addstr(&b, "%41");
	t += time_parse(b.data, b.len, 20, 0);
	INT_EQ(f.fields[0].value_len, (FORM_BODY_MAX - 2) / 3);
	buf_reset(&b);
	buf_addstr(&b, "a=");
	while (b.len + 6 <= FORM_BODY_MAX)
		buf_addstr(&b, "%0D%0A");
	t += time_parse(b.data, b.len, 20, 0);
	buf_reset(&b);
	for (i = 0; i < 63; i++)
		buf_addstr(&b, "a&");
	buf_addch(&b, 'b');
	while (b.len < FORM_BODY_MAX)
		buf_addch(&b, '=');
	t += time_parse(b.data, b.len, 20, 0);
	buf_reset(&b);
	while (b.len < FORM_BODY_MAX)
		buf_addch(&b, 'a');
	t += time_parse(b.data, b.len, 20, FORM_ENAMELEN);
	OK(t < 5.0);
	buf_free(&b);
}

/* Appends a random code point to b, UTF-8 encoded. */
static void
rand_char(struct buf *b)
{
	static const char	 special[] = "&=+%;#?/ \t\n\r\"'<>~*._-";
	uint32_t		 cp, r = rng() % 100;

	if (r < 40)
		cp = 0x20 + rng() % 0x5f;
	else if (r < 60)
		cp = (unsigned char)special[rng() % (sizeof(special) - 1)];
	else if (r < 75)
		cp = 0x80 + rng() % (0x800 - 0x80);
	else if (r < 90) {
		do
			cp = 0x800 + rng() % (0x10000 - 0x800);
		while (cp >= 0xd800 && cp <= 0xdfff);
	} else
		cp = 0x10000 + rng() % (0x110000 - 0x10000);
	if (cp < 0x80)
		buf_addch(b, (int)cp);
	else if (cp < 0x800) {
		buf_addch(b, (int)(0xc0 | cp >> 6));
		buf_addch(b, (int)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		buf_addch(b, (int)(0xe0 | cp >> 12));
		buf_addch(b, (int)(0x80 | (cp >> 6 & 0x3f)));
		buf_addch(b, (int)(0x80 | (cp & 0x3f)));
	} else {
		buf_addch(b, (int)(0xf0 | cp >> 18));
		buf_addch(b, (int)(0x80 | (cp >> 12 & 0x3f)));
		buf_addch(b, (int)(0x80 | (cp >> 6 & 0x3f)));
		buf_addch(b, (int)(0x80 | (cp & 0x3f)));
	}
}

/*
 * The test-local encoder, as a browser would do it (and then some):
 * unreserved bytes raw or escaped, space as "+" or "%20", the rest
 * "%XX" in either case.
 */
static void
encode(struct buf *out, const char *s, size_t n)
{
	static const char	 up[] = "0123456789ABCDEF";
	static const char	 low[] = "0123456789abcdef";
	const char		*hex;
	unsigned char		 c;
	size_t			 i;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		hex = rng() % 2 ? up : low;
		if (((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-._*", c) != NULL) &&
		    rng() % 8 != 0)
			buf_addch(out, c);
		else if (c == ' ' && rng() % 2)
			buf_addch(out, '+');
		else {
			buf_addch(out, '%');
			buf_addch(out, hex[c >> 4]);
			buf_addch(out, hex[c & 15]);
		}
	}
}

/* What the decoder makes of s: CRLF and lone CR become LF. */
static void
normalize(struct buf *out, const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (s[i] == '\r') {
			buf_addch(out, '\n');
			if (i + 1 < n && s[i + 1] == '\n')
				i++;
		} else
			buf_addch(out, s[i]);
	}
}

/*
 * Round trip: random fields (names with repeats, values of any valid
 * text), encoded and decoded, come back as they were.
 */
static void
test_roundtrip(void)
{
	struct buf	 body = BUF_INIT, want[FORM_FIELDS_MAX];
	char		 names[FORM_FIELDS_MAX][FORM_NAME_MAX + 1];
	static const char namech[] = "abcdefghijklmnopqrstuvwxyz0123456789_";
	struct buf	 raw = BUF_INIT;
	size_t		 i, k, nf, nl, nv;
	int		 iter, bad = 0, rc;

	for (i = 0; i < FORM_FIELDS_MAX; i++)
		buf_init(&want[i]);
	for (iter = 0; iter < 3000; iter++) {
		buf_reset(&body);
		nf = rng() % (FORM_FIELDS_MAX + 1);
		for (i = 0; i < nf; i++) {
			if (i > 0 && rng() % 4 == 0)
				memcpy(names[i], names[rng() % i],
				    sizeof(names[i]));
			else {
				nl = 1 + (rng() % 4 ? rng() % 20 :
				    rng() % FORM_NAME_MAX);
				for (k = 0; k < nl; k++)
					names[i][k] = namech[rng() %
					    (sizeof(namech) - 1)];
				names[i][nl] = '\0';
			}
			buf_reset(&raw);
			nv = rng() % 8 == 0 ? 0 : rng() % (iter % 50 ? 40 :
			    400);
			for (k = 0; k < nv; k++)
				rand_char(&raw);
			buf_reset(&want[i]);
			normalize(&want[i], raw.data, raw.len);
			if (i > 0 || rng() % 4 == 0)
				buf_addstr(&body, rng() % 8 ? "&" : "&&");
			buf_addstr(&body, names[i]);
			if (raw.len > 0 || rng() % 2) {
				buf_addch(&body, '=');
				encode(&body, raw.data, raw.len);
			}
		}
		if (body.len > FORM_BODY_MAX)
			continue;
		rc = form_parse(&f, body.data, body.len);
		if (rc != 0 || f.nfields != nf) {
			bad++;
			fprintf(stderr, "roundtrip %d: rc %d (%s), %zu fields, "
			    "want %zu\n", iter, rc, form_strerror(rc),
			    f.nfields, nf);
			continue;
		}
		for (i = 0; i < nf; i++)
			if (strcmp(f.fields[i].name, names[i]) != 0 ||
			    f.fields[i].value_len != want[i].len ||
			    memcmp(f.fields[i].value, want[i].data,
			    want[i].len + 1) != 0) {
				bad++;
				fprintf(stderr, "roundtrip %d: field %zu\n",
				    iter, i);
			}
	}
	INT_EQ(bad, 0);
	for (i = 0; i < FORM_FIELDS_MAX; i++)
		buf_free(&want[i]);
	buf_free(&raw);
	buf_free(&body);
}

int
main(void)
{
	int	 rc;

	form_init(&f, 0);
	test_basic();
	test_names();
	test_escapes();
	test_nul_controls();
	test_utf8();
	test_value_cap();
	test_fields();
	test_body_cap();
	test_repeated();
	test_intake();
	test_reuse();
	test_wipe();
	test_strerror();
	test_silent();
	test_linear();
	test_roundtrip();
	form_free(&f);
	rc = DONE("test_form");
	/* Seen even if the leak checker aborts at exit. */
	fflush(stdout);
	return rc;
}
