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
 * Unit tests of lib/buf.c: the strbuf invariants (data never NULL,
 * NUL-terminated, len is the truth), growth across many sizes, embedded
 * NULs, truncate, reset, detach and addesc.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "harness.h"

/* 1 if b holds the strbuf invariants. */
static int
inv(const struct buf *b)
{
	if (b->data == NULL)
		return 0;
	if (b->data[b->len] != '\0')
		return 0;
	if (b->cap == 0)
		return b->len == 0 && b->data == buf_empty;
	return b->len < b->cap;
}

static void
test_init(void)
{
	struct buf	 a = BUF_INIT, b;

	OK(inv(&a));
	OK(a.data != NULL);
	INT_EQ(a.len, 0);
	STR_EQ(a.data, "");
	buf_init(&b);
	OK(inv(&b));
	OK(b.data == buf_empty);
	/* Freeing an empty buffer is a no-op and keeps the invariants. */
	buf_free(&b);
	OK(inv(&b));
	buf_free(&b);
	OK(inv(&b));
	/* Resetting and truncating the static empty string is safe. */
	buf_reset(&a);
	buf_truncate(&a, 0);
	OK(inv(&a));
	INT_EQ(buf_empty[0], '\0');
}

static void
test_add_sizes(void)
{
	struct buf	 b = BUF_INIT;
	char		*src;
	size_t		 n, i, total;
	int		 bad = 0;

	src = malloc(70000);
	OK(src != NULL);
	if (src == NULL)
		return;
	for (i = 0; i < 70000; i++)
		src[i] = (char)('a' + i % 26);
	/* Every size around the first growth steps, then large ones. */
	for (n = 0; n < 300; n++) {
		buf_add(&b, src, n);
		if (!inv(&b) || b.len != n || memcmp(b.data, src, n) != 0)
			bad++;
		buf_free(&b);
	}
	INT_EQ(bad, 0);
	for (n = 1000; n < 70000; n += 4099) {
		buf_add(&b, src, n);
		if (!inv(&b) || b.len != n || memcmp(b.data, src, n) != 0)
			bad++;
		buf_free(&b);
	}
	INT_EQ(bad, 0);
	/* Many small appends to one buffer. */
	total = 0;
	for (n = 0; n < 2000; n++) {
		buf_add(&b, src + total % 26, n % 7);
		total += n % 7;
		if (!inv(&b) || b.len != total)
			bad++;
	}
	INT_EQ(bad, 0);
	INT_EQ(b.len, total);
	buf_free(&b);
	OK(inv(&b));
	/* A zero-length add to an empty buffer allocates nothing. */
	buf_add(&b, "x", 0);
	OK(inv(&b));
	INT_EQ(b.cap, 0);
	free(src);
}

static void
test_addstr_addch(void)
{
	struct buf	 b = BUF_INIT;
	size_t		 i;
	int		 bad = 0;

	buf_addstr(&b, "");
	OK(inv(&b));
	INT_EQ(b.len, 0);
	buf_addstr(&b, "hello");
	buf_addch(&b, ' ');
	buf_addstr(&b, "world");
	STR_EQ(b.data, "hello world");
	INT_EQ(b.len, 11);
	OK(inv(&b));
	buf_free(&b);
	for (i = 0; i < 10000; i++) {
		buf_addch(&b, 'a' + (int)(i % 26));
		if (!inv(&b) || b.len != i + 1 ||
		    b.data[i] != (char)('a' + i % 26))
			bad++;
	}
	INT_EQ(bad, 0);
	INT_EQ(strlen(b.data), 10000);
	buf_free(&b);
	/* addch of a high byte keeps the byte. */
	buf_addch(&b, 0xe9);
	INT_EQ((unsigned char)b.data[0], 0xe9);
	INT_EQ(b.len, 1);
	buf_free(&b);
}

static void
test_nul(void)
{
	struct buf	 b = BUF_INIT;

	buf_add(&b, "a\0b\0c", 5);
	INT_EQ(b.len, 5);
	OK(inv(&b));
	OK(memcmp(b.data, "a\0b\0c", 6) == 0);
	buf_addch(&b, '\0');
	INT_EQ(b.len, 6);
	OK(inv(&b));
	buf_addstr(&b, "d");
	INT_EQ(b.len, 7);
	OK(memcmp(b.data, "a\0b\0c\0d", 8) == 0);
	/* strlen sees the first NUL only; len stays the truth. */
	INT_EQ(strlen(b.data), 1);
	buf_free(&b);
}

static void
test_printf(void)
{
	struct buf	 b = BUF_INIT;
	char		*big;
	size_t		 n;
	int		 bad = 0;

	buf_printf(&b, "%s", "");
	OK(inv(&b));
	INT_EQ(b.len, 0);
	buf_printf(&b, "%d-%s-%c", 42, "x", 'y');
	STR_EQ(b.data, "42-x-y");
	INT_EQ(b.len, 6);
	buf_printf(&b, "%05.1f|%x", 3.14159, 255u);
	STR_EQ(b.data, "42-x-y003.1|ff");
	OK(inv(&b));
	buf_free(&b);
	/* printf growth across sizes, including exact powers of two. */
	big = malloc(20000);
	OK(big != NULL);
	if (big == NULL)
		return;
	memset(big, 'z', 19999);
	big[19999] = '\0';
	for (n = 0; n < 20000; n += n < 300 ? 1 : 977) {
		buf_addstr(&b, "<");
		buf_printf(&b, "%.*s>", (int)n, big);
		if (!inv(&b) || b.len != n + 2 || b.data[0] != '<' ||
		    b.data[n + 1] != '>' || strlen(b.data) != n + 2)
			bad++;
		buf_reset(&b);
	}
	INT_EQ(bad, 0);
	buf_free(&b);
	/* A %c of NUL is counted in len. */
	buf_printf(&b, "a%cb", 0);
	INT_EQ(b.len, 3);
	OK(memcmp(b.data, "a\0b", 4) == 0);
	buf_free(&b);
	free(big);
}

static void
test_truncate_reset(void)
{
	struct buf	 b = BUF_INIT;
	size_t		 cap;

	buf_addstr(&b, "abcdef");
	buf_truncate(&b, 3);
	STR_EQ(b.data, "abc");
	INT_EQ(b.len, 3);
	OK(inv(&b));
	/* Truncating to a longer length changes nothing. */
	buf_truncate(&b, 10);
	STR_EQ(b.data, "abc");
	INT_EQ(b.len, 3);
	buf_truncate(&b, 3);
	INT_EQ(b.len, 3);
	buf_truncate(&b, 0);
	STR_EQ(b.data, "");
	INT_EQ(b.len, 0);
	OK(inv(&b));
	buf_addstr(&b, "0123456789");
	cap = b.cap;
	buf_reset(&b);
	INT_EQ(b.len, 0);
	STR_EQ(b.data, "");
	/* reset keeps the storage. */
	INT_EQ(b.cap, cap);
	OK(inv(&b));
	buf_addstr(&b, "x");
	STR_EQ(b.data, "x");
	buf_free(&b);
	OK(inv(&b));
}

static void
test_detach(void)
{
	struct buf	 b = BUF_INIT;
	size_t		 len = 99;
	char		*s;

	buf_addstr(&b, "owned");
	s = buf_detach(&b, &len);
	STR_EQ(s, "owned");
	INT_EQ(len, 5);
	/* b is left as BUF_INIT. */
	OK(inv(&b));
	INT_EQ(b.len, 0);
	INT_EQ(b.cap, 0);
	OK(b.data == buf_empty);
	free(s);
	/* Detaching an empty buffer still gives a string to free. */
	len = 99;
	s = buf_detach(&b, &len);
	OK(s != NULL);
	OK(s != buf_empty);
	if (s != NULL)
		STR_EQ(s, "");
	INT_EQ(len, 0);
	free(s);
	/* lenp may be NULL; embedded NULs survive. */
	buf_add(&b, "a\0b", 3);
	s = buf_detach(&b, NULL);
	OK(memcmp(s, "a\0b", 4) == 0);
	free(s);
	/* The buffer is reusable after a detach. */
	buf_addstr(&b, "again");
	STR_EQ(b.data, "again");
	buf_free(&b);
}

static void
test_addesc(void)
{
	struct buf	 b = BUF_INIT;

	buf_addesc(&b, "");
	INT_EQ(b.len, 0);
	OK(inv(&b));
	buf_addesc(&b, "plain");
	STR_EQ(b.data, "plain");
	buf_reset(&b);
	buf_addesc(&b, "a\\b\tc\nd");
	STR_EQ(b.data, "a\\\\b\\tc\\nd");
	INT_EQ(b.len, 10);
	buf_reset(&b);
	buf_addesc(&b, "\\\\\n\n\t");
	STR_EQ(b.data, "\\\\\\\\\\n\\n\\t");
	buf_reset(&b);
	/* Other control characters and UTF-8 pass through. */
	buf_addesc(&b, "\r\x01\xc3\xa9");
	STR_EQ(b.data, "\r\x01\xc3\xa9");
	OK(inv(&b));
	buf_free(&b);
}

static void
test_alloc(void)
{
	char	*p, *q;
	int	*v;

	p = xmalloc(0);
	OK(p != NULL);
	free(p);
	v = xcalloc(10, sizeof(*v));
	OK(v[0] == 0 && v[9] == 0);
	v = xreallocarray(v, 1000, sizeof(*v));
	v[999] = 7;
	INT_EQ(v[999], 7);
	free(v);
	p = xstrdup("dup");
	STR_EQ(p, "dup");
	q = xstrndup("abcdef", 3);
	STR_EQ(q, "abc");
	free(p);
	free(q);
	q = xstrndup("ab", 10);
	STR_EQ(q, "ab");
	free(q);
}

int
main(void)
{
	int	rc;

	test_init();
	test_add_sizes();
	test_addstr_addch();
	test_nul();
	test_printf();
	test_truncate_reset();
	test_detach();
	test_addesc();
	test_alloc();
	rc = DONE("test_buf");
	/* Seen even if the leak checker aborts at exit. */
	fflush(stdout);
	return rc;
}
