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
 * Unit tests of lib/receipts.c: a valid file, every parse error with its
 * exact "path:line: message", hostile reasons, set/find/by_report, the
 * round trip through receipts_write() and loading a missing file.
 */

#include <sys/stat.h>
#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "file.h"
#include "harness.h"
#include "log.h"
#include "nm.h"
#include "receipts.h"

#define H(c)	c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c \
		c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c
#define HA	H("a")
#define HB	H("b")
#define HC	H("c")
#define H0	H("0")

static char	 top[1024];

static void	 hash_of(unsigned char[32], int);
static void	 bad(const char *, size_t, const char *);
static void	 test_valid(void);
static void	 test_errors(void);
static void	 test_reasons(void);
static void	 test_set(void);
static void	 test_roundtrip(void);

/* A hash of 32 bytes all equal to c. */
static void
hash_of(unsigned char h[32], int c)
{
	memset(h, c, 32);
}

/* Parsing data must fail with exactly the message want. */
static void
bad(const char *data, size_t len, const char *want)
{
	struct receipts	*r = (struct receipts *)1;
	const char	*got;
	int		 rc;

	cap_start();
	rc = receipts_parse(&r, "t/receipts", data, len);
	got = cap_end();
	INT_EQ(rc, -1);
	OK(r == NULL);
	if (strcmp(got, want) != 0) {
		harness_fail++;
		fprintf(stderr, "FAIL: input \"%.80s\"\n  got  %s  want %s",
		    data, got, want);
	} else
		harness_pass++;
}

static void
test_valid(void)
{
	const char	*s = H0 " received\n" HA " draft 2026-0042\n"
	    HB " rejected\n" HC " rejected Not a near miss: no one was at "
	    "risk. \xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x9a\x93\n";
	struct receipts	*r;
	const struct receipt_entry *e;
	unsigned char	 h[32];

	INT_EQ(receipts_parse(&r, "t", s, strlen(s)), 0);
	INT_EQ(receipts_count(r), 4);
	e = receipts_at(r, 0);
	INT_EQ(e->state, RECEIPT_RECEIVED);
	OK(e->arg == NULL);
	hash_of(h, 0xaa);
	e = receipts_find(r, h);
	OK(e != NULL && e->state == RECEIPT_DRAFT);
	STR_EQ(e ? e->arg : NULL, "2026-0042");
	hash_of(h, 0xbb);
	e = receipts_find(r, h);
	OK(e != NULL && e->state == RECEIPT_REJECTED && e->arg == NULL);
	hash_of(h, 0xcc);
	e = receipts_find(r, h);
	OK(e != NULL && e->arg != NULL &&
	    strncmp(e->arg, "Not a near miss", 15) == 0);
	hash_of(h, 0xab);
	OK(receipts_find(r, h) == NULL);
	hash_of(h, 0xff);
	OK(receipts_find(r, h) == NULL);
	OK(receipts_by_report(r, "2026-0042") == receipts_at(r, 1));
	OK(receipts_by_report(r, "2026-0043") == NULL);
	OK(receipts_at(r, 4) == NULL);
	STR_EQ(receipts_state_name(RECEIPT_DRAFT), "draft");
	receipts_free(r);

	INT_EQ(receipts_parse(&r, "t", "", 0), 0);
	INT_EQ(receipts_count(r), 0);
	hash_of(h, 0);
	OK(receipts_find(r, h) == NULL);
	receipts_free(r);
	receipts_free(NULL);
}

static void
test_errors(void)
{
	static const char nul[] = H0 " rec\0eived\n";
	char		 big[200];

	bad(H0 " received", 73, "t/receipts:1: no newline at the end of "
	    "the line\n");
	bad(H0 " received\r\n", 75, "t/receipts:1: carriage return at the "
	    "end of the line (the file must use LF only)\n");
	bad(nul, sizeof(nul) - 1, "t/receipts:1: NUL byte in the line\n");
	bad("\n", 1, "t/receipts:1: expected 64 lowercase hex digits (the "
	    "SHA-256 of a receipt code), a space and a state\n");
	bad(H0 " received\n\n", 75, "t/receipts:2: expected 64 lowercase hex "
	    "digits (the SHA-256 of a receipt code), a space and a state\n");
	bad(H("A") " received\n", 74, "t/receipts:1: expected 64 lowercase "
	    "hex digits (the SHA-256 of a receipt code), a space and a "
	    "state\n");
	bad(H("g") " received\n", 74, "t/receipts:1: expected 64 lowercase "
	    "hex digits (the SHA-256 of a receipt code), a space and a "
	    "state\n");
	/* 63 digits. */
	bad(H0 " received\n" "000000000000000000000000000000000000000000000"
	    "000000000000000000 received\n", 148, "t/receipts:2: expected 64 "
	    "lowercase hex digits (the SHA-256 of a receipt code), a space "
	    "and a state\n");
	bad(H0 "\treceived\n", 74, "t/receipts:1: expected 64 lowercase hex "
	    "digits (the SHA-256 of a receipt code), a space and a state\n");
	bad(H0 " \n", 66, "t/receipts:1: unknown state \"\" (expected "
	    "received, draft or rejected)\n");
	bad(H0 " Received\n", 74, "t/receipts:1: unknown state \"Received\" "
	    "(expected received, draft or rejected)\n");
	bad(H0 " published 2026-0001\n", 85, "t/receipts:1: unknown state "
	    "\"published\" (expected received, draft or rejected)\n");
	bad(H0 "  received\n", 75, "t/receipts:1: unknown state \"\" "
	    "(expected received, draft or rejected)\n");
	bad(H0 " received \n", 75, "t/receipts:1: received takes nothing "
	    "after it\n");
	bad(H0 " received x\n", 76, "t/receipts:1: received takes nothing "
	    "after it\n");
	bad(H0 " draft\n", 71, "t/receipts:1: draft needs a report id\n");
	bad(H0 " draft \n", 72, "t/receipts:1: draft: \"\" is not a valid "
	    "report id\n");
	bad(H0 " draft 2026-0001 \n", 82, "t/receipts:1: draft: \"2026-0001 \" "
	    "is not a valid report id\n");
	bad(H0 " draft ../2026\n", 79, "t/receipts:1: draft: \"../2026\" is "
	    "not a valid report id\n");
	bad(H0 " draft reports\n", 79, "t/receipts:1: draft: \"reports\" is "
	    "not a valid report id\n");
	bad(H0 " rejected \n", 75, "t/receipts:1: rejected: empty reason\n");
	bad(HA " received\n" H0 " received\n", 148, "t/receipts:2: hash out "
	    "of order (the lines must be sorted by hash)\n");
	bad(H0 " received\n" H0 " draft 2026-0001\n", 155, "t/receipts:2: "
	    "the same hash again\n");
	/* A long unknown state is cut in the message. */
	memset(big, 'x', sizeof(big));
	memcpy(big, H0 " ", 65);
	big[sizeof(big) - 1] = '\n';
	bad(big, sizeof(big), "t/receipts:1: unknown state "
	    "\"xxxxxxxxxxxxxxxxxxxx\" (expected received, draft or "
	    "rejected)\n");
}

static void
test_reasons(void)
{
	static const struct {
		const char	*reason, *want;
	} t[] = {
		{ " leading", "reason starts or ends with a space" },
		{ "trailing ", "reason starts or ends with a space" },
		{ "tab\there", "control character in the reason" },
		{ "del\x7fhere", "control character in the reason" },
		{ "esc\x1b[31m", "control character in the reason" },
		{ "c1 \xc2\x85 nel", "control character in the reason" },
		{ "ls \xe2\x80\xa8 sep", "control character in the reason" },
		{ "ps \xe2\x80\xa9 sep", "control character in the reason" },
		{ "overlong \xc0\xaf", "reason is not valid UTF-8" },
		{ "overlong3 \xe0\x80\xaf", "reason is not valid UTF-8" },
		{ "surrogate \xed\xa0\x80", "reason is not valid UTF-8" },
		{ "too high \xf4\x90\x80\x80", "reason is not valid UTF-8" },
		{ "cut \xe2\x82", "reason is not valid UTF-8" },
		{ "lone \x80 cont", "reason is not valid UTF-8" },
		{ "\xff", "reason is not valid UTF-8" },
	};
	struct receipts	*r;
	struct buf	 b = BUF_INIT;
	unsigned char	 h[32];
	size_t		 i;
	const char	*got;

	for (i = 0; i < NM_NELEM(t); i++) {
		buf_reset(&b);
		buf_printf(&b, "%s rejected %s\n", H0, t[i].reason);
		bad(b.data, b.len, tfmt("t/receipts:1: rejected: %s\n",
		    t[i].want));
		/* receipts_set() refuses the same. */
		r = receipts_new();
		hash_of(h, 1);
		cap_start();
		INT_EQ(receipts_set(r, h, RECEIPT_REJECTED, t[i].reason), -1);
		got = cap_end();
		OK(strstr(got, t[i].want) != NULL);
		INT_EQ(receipts_count(r), 0);
		receipts_free(r);
	}

	/* 500 bytes is fine, 501 is not; 2-byte characters count twice. */
	buf_reset(&b);
	buf_printf(&b, "%s rejected ", H0);
	for (i = 0; i < 250; i++)
		buf_addstr(&b, "\xc3\xa9");
	buf_addch(&b, '\n');
	INT_EQ(receipts_parse(&r, "t", b.data, b.len), 0);
	OK(r != NULL && strlen(receipts_at(r, 0)->arg) == 500);
	receipts_free(r);
	buf_truncate(&b, b.len - 1);
	buf_addstr(&b, "x\n");
	bad(b.data, b.len, "t/receipts:1: rejected: reason longer than 500 "
	    "bytes\n");
	buf_free(&b);
}

static void
test_set(void)
{
	struct receipts	*r;
	unsigned char	 h[32];
	const char	*got;
	int		 i;

	r = receipts_new();
	/* Insert out of order: the set stays sorted. */
	for (i = 0; i < 256; i++) {
		hash_of(h, (i * 37) & 0xff);
		INT_EQ(receipts_set(r, h, RECEIPT_RECEIVED, NULL), 0);
	}
	INT_EQ(receipts_count(r), 256);
	for (i = 0; i < 256; i++)
		OK(receipts_at(r, i)->hash[0] == i);
	/* Replace: same count, new state. */
	hash_of(h, 0x42);
	INT_EQ(receipts_set(r, h, RECEIPT_DRAFT, "2026-0001"), 0);
	INT_EQ(receipts_set(r, h, RECEIPT_DRAFT, "2026-0002"), 0);
	INT_EQ(receipts_count(r), 256);
	OK(receipts_find(r, h)->state == RECEIPT_DRAFT);
	STR_EQ(receipts_find(r, h)->arg, "2026-0002");
	OK(receipts_by_report(r, "2026-0002") == receipts_find(r, h));
	OK(receipts_by_report(r, "2026-0001") == NULL);
	INT_EQ(receipts_set(r, h, RECEIPT_REJECTED, ""), 0);
	OK(receipts_find(r, h)->arg == NULL);
	INT_EQ(receipts_set(r, h, RECEIPT_REJECTED, "Duplicate."), 0);
	STR_EQ(receipts_find(r, h)->arg, "Duplicate.");
	INT_EQ(receipts_set(r, h, RECEIPT_RECEIVED, ""), 0);
	OK(receipts_find(r, h)->arg == NULL);
	/* Bad arguments change nothing. */
	cap_start();
	INT_EQ(receipts_set(r, h, RECEIPT_DRAFT, NULL), -1);
	INT_EQ(receipts_set(r, h, RECEIPT_DRAFT, "Bad Id"), -1);
	INT_EQ(receipts_set(r, h, RECEIPT_RECEIVED, "x"), -1);
	INT_EQ(receipts_set(r, h, (enum receipt_state)7, NULL), -1);
	got = cap_end();
	OK(strstr(got, "not a valid report id") != NULL);
	OK(receipts_find(r, h)->state == RECEIPT_RECEIVED);
	INT_EQ(receipts_count(r), 256);
	receipts_free(r);
}

static void
test_roundtrip(void)
{
	const char	*s = H0 " received\n" HA " draft 2026-0042\n"
	    HB " rejected\n" HC " rejected Out of scope \xe2\x80\x94 sorry.\n";
	struct receipts	*r, *r2;
	struct buf	 b = BUF_INIT;
	char		 path[1100];
	unsigned char	 h[32];
	struct stat	 st;

	snprintf(path, sizeof(path), "%s/receipts", top);
	INT_EQ(receipts_load(&r, path), 0);
	OK(r != NULL && receipts_count(r) == 0);
	receipts_free(r);

	INT_EQ(receipts_parse(&r, "t", s, strlen(s)), 0);
	INT_EQ(receipts_write(r, path), 0);
	INT_EQ(file_read(&b, path, 1 << 20), 0);
	STR_EQ(b.data, s);
	OK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0644);
	hash_of(h, 0x01);
	INT_EQ(receipts_set(r, h, RECEIPT_DRAFT, "2026-0007"), 0);
	INT_EQ(receipts_write(r, path), 0);
	INT_EQ(receipts_load(&r2, path), 0);
	INT_EQ(receipts_count(r2), 5);
	STR_EQ(receipts_at(r2, 1)->arg, "2026-0007");
	receipts_free(r2);
	receipts_free(r);

	/* A bad file is named in the message. */
	buf_reset(&b);
	INT_EQ(file_write(path, "x\n", 2, 0644, FILE_ATOMIC), 0);
	cap_start();
	INT_EQ(receipts_load(&r, path), -1);
	STR_EQ(cap_end(), tfmt("%s:1: expected 64 lowercase hex digits (the "
	    "SHA-256 of a receipt code), a space and a state\n", path));
	OK(r == NULL);
	buf_free(&b);
}

int
main(void)
{
	char	 tmpl[] = "/tmp/test_receipts.XXXXXX";

	log_init("test_receipts", LOG_TO_STDERR);
	if (mkdtemp(tmpl) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(top, sizeof(top), "%s", tmpl);
	test_valid();
	test_errors();
	test_reasons();
	test_set();
	test_roundtrip();
	file_remove_tree(top);
	return DONE("test_receipts");
}
