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
 * Unit tests of the e-mail parser (intake/precheck.c, extract.c,
 * html2text.c, sandbox.c): the pre-check's accept and reject cases with
 * their reasons, the known-bad inputs of the research notes through the
 * sandboxed parser (their CPU time is printed, not asserted), charsets,
 * RFC 2047 subjects, HTML, template lines, signatures, attachments and
 * their caps; that nothing a submitter wrote is lost or turned around
 * (consent, base64 in padded chunks, lone CR line ends, parts kept as
 * they came when their text did not decode in full, messages with
 * nothing to report, paths in file names, bidirectional controls in
 * one-line fields, U+FFFD per maximal invalid subpart); the header
 * allowlist with planted identifiers, the quarantine record, and the
 * 107-message corpus of tests/mime-corpus against the parse results of
 * an independent parser.
 */

#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libetpan/libetpan.h>
#include <sodium.h>

#include "buf.h"
#include "config.h"
#include "file.h"
#include "harness.h"
#include "inbox.h"
#include "mime.h"
#include "mimeint.h"
#include "nm.h"
#include "record.h"

#define MIB	(1024 * 1024)
/* The note at the end of a narrative whose part n was kept raw. */
#define RAW1(n)	"\n\n" RAWNOTE(n)
#define RAWNOTE(n)	"[Not all of the text could be read (a bad " \
	"transfer encoding, invalid bytes or a charset that does not " \
	"convert). The part as it came is attached as " n ".]"

static struct config	 cfg;
static const char	*top = ".";

/* ---- helpers ---- */

/* Appends s to dst (size sz), which has room (checked by the caller). */
static void
strlcat_(char *dst, const char *s, size_t sz)
{
	size_t	 n = strlen(dst);

	snprintf(dst + n, sz - n, "%s", s);
}

/* The pre-check's verdict on s: "ok" or its reason. */
static const char *
pre(const char *s, size_t len)
{
	static char	 why[256];

	if (mail_precheck(s, len, why, sizeof(why)) == 0)
		return "ok";
	return why;
}

#define PRE(s)	pre((s), strlen(s))
/* For literals with NUL bytes in them. */
#define PREN(s)	pre((s), sizeof(s) - 1)

/* mail_extract() then record_decode(): 0, or the extract's code. */
static int
extract(struct record *r, const char *msg, size_t len, char *why,
    size_t whysz)
{
	struct buf	 enc = BUF_INIT;
	int		 rc;

	memset(r, 0, sizeof(*r));
	rc = mail_extract(&enc, msg, len, &cfg, why, whysz);
	if (rc == 0 && record_decode(r, NULL, enc.data, enc.len) != 0)
		rc = -2;
	buf_free(&enc);
	return rc;
}

#define EX(r, s)	extract((r), (s), strlen(s), why, sizeof(why))

/* CPU seconds (user + system) of this process and its children. */
static double
cpu_now(void)
{
	struct rusage	 a, b;

	getrusage(RUSAGE_SELF, &a);
	getrusage(RUSAGE_CHILDREN, &b);
	return a.ru_utime.tv_sec + a.ru_utime.tv_usec / 1e6 +
	    a.ru_stime.tv_sec + a.ru_stime.tv_usec / 1e6 +
	    b.ru_utime.tv_sec + b.ru_utime.tv_usec / 1e6 +
	    b.ru_stime.tv_sec + b.ru_stime.tv_usec / 1e6;
}

/* 1 if needle occurs in the len bytes at hay. */
static int
has(const void *hay, size_t len, const char *needle)
{
	size_t	 n = strlen(needle), i;

	for (i = 0; i + n <= len; i++)
		if (memcmp((const char *)hay + i, needle, n) == 0)
			return 1;
	return 0;
}

/* A multipart nested depth deep, each level one part, text inside. */
static void
nested(struct buf *b, int depth, int same)
{
	int	 i;

	buf_reset(b);
	buf_addstr(b, "Subject: deep\r\nMIME-Version: 1.0\r\n");
	for (i = 0; i < depth; i++) {
		buf_printf(b, "Content-Type: multipart/mixed; "
		    "boundary=\"b%d\"\r\n\r\n--b%d\r\n", same ? 0 : i,
		    same ? 0 : i);
	}
	buf_addstr(b, "Content-Type: text/plain\r\n\r\ndeep text\r\n");
	for (i = depth - 1; i >= 0; i--)
		buf_printf(b, "--b%d--\r\n", same ? 0 : i);
}

/*
 * Multipart and message levels of the tree libetpan builds for msg (the
 * header reduced, as mail_extract() hands it over), as the pre-check
 * counts them: the differential check of the pre-check.
 */
static int
etpan_depth(const struct mailmime *m, int d)
{
	clistiter	*it;
	int		 best, x;

	if (m == NULL || d > 4 * MAIL_DEPTH_MAX)
		return d;
	if (m->mm_type == MAILMIME_MESSAGE)
		return etpan_depth(m->mm_data.mm_message.mm_msg_mime, d + 1);
	if (m->mm_type != MAILMIME_MULTIPLE)
		return d;
	best = d + 1;
	for (it = clist_begin(m->mm_data.mm_multipart.mm_mp_list); it != NULL;
	    it = clist_next(it))
		if ((x = etpan_depth(clist_content(it), d + 1)) > best)
			best = x;
	return best;
}

static int
libetpan_depth(const char *msg, size_t len)
{
	struct buf	 red = BUF_INIT;
	struct mailmime	*mime = NULL;
	size_t		 idx = 0;
	int		 d = -1;

	mail_header_reduce(&red, msg, len);
	if (mailmime_parse(red.data, red.len, &idx, &mime) ==
	    MAILIMF_NO_ERROR && mime != NULL) {
		d = etpan_depth(mime->mm_data.mm_message.mm_msg_mime, 0);
		mailmime_free(mime);
	}
	buf_free(&red);
	return d;
}

/* ---- the pre-check ---- */

static void
test_precheck(void)
{
	struct buf	 b = BUF_INIT;
	char		 why[256], bnd[80];
	int		 i;

	STR_EQ(PRE("Subject: hi\r\n\r\nbody\r\n"), "ok");
	STR_EQ(PRE("Subject: hi\n\nbody"), "ok");
	STR_EQ(PRE("no header at all"), "ok");
	STR_EQ(pre("", 0), "empty message");
	INT_EQ(mail_precheck("x", 1, NULL, 0), 0);

	/* The 97 bytes that crash Debian's libetpan 1.9.4. */
	STR_EQ(PRE("From: a@b.c\r\nMIME-Version: 1.0\r\nContent-Type: "
	    "multipart/mixed; boundary=\"\\\"\"\r\n\r\n--\"\r\n\r\nx\r\n"
	    "--\"--\r\n"), "invalid MIME boundary (RFC 2046: 1 to 70 "
	    "letters, digits or '()+_,-./:=? , not ending in a space)");
	/* Any boundary parameter, in any Content-Type, is checked. */
	STR_EQ(PRE("Content-Type: text/plain; boundary=\"\\\"\"\r\n\r\nx"),
	    "invalid MIME boundary (RFC 2046: 1 to 70 letters, digits or "
	    "'()+_,-./:=? , not ending in a space)");
	STR_EQ(PRE("Content-Type: multipart/mixed; boundary=\"\"\r\n\r\nx"),
	    "invalid MIME boundary (RFC 2046: 1 to 70 letters, digits or "
	    "'()+_,-./:=? , not ending in a space)");
	STR_EQ(PRE("Content-Type: multipart/mixed; boundary=\"ab \"\r\n\r\n"),
	    "invalid MIME boundary (RFC 2046: 1 to 70 letters, digits or "
	    "'()+_,-./:=? , not ending in a space)");
	STR_EQ(PRE("Content-Type: multipart/mixed; boundary=\"a@b\"\r\n\r\n"),
	    "invalid MIME boundary (RFC 2046: 1 to 70 letters, digits or "
	    "'()+_,-./:=? , not ending in a space)");
	STR_EQ(PRE("Content-Type: multipart/mixed; boundary=\"a\\\"b\"\r\n"
	    "\r\n"),
	    "invalid MIME boundary (RFC 2046: 1 to 70 letters, digits or "
	    "'()+_,-./:=? , not ending in a space)");
	memset(bnd, 'x', 71);
	bnd[71] = '\0';
	buf_reset(&b);
	buf_printf(&b, "Content-Type: multipart/mixed; boundary=%s\r\n\r\n",
	    bnd);
	STR_EQ(pre(b.data, b.len), "invalid MIME boundary (RFC 2046: 1 to "
	    "70 letters, digits or '()+_,-./:=? , not ending in a space)");
	bnd[70] = '\0';
	buf_reset(&b);
	buf_printf(&b, "Content-Type: multipart/mixed; boundary=%s\r\n\r\n"
	    "--%s\r\n\r\nx\r\n--%s--\r\n", bnd, bnd, bnd);
	STR_EQ(pre(b.data, b.len), "ok");
	STR_EQ(PRE("Content-Type: multipart/mixed; boundary=\"a b'()+_,-./:"
	    "=?\"\r\n\r\n"), "ok");
	STR_EQ(PRE("Content-Type: multipart/mixed; boundary=\"abc\r\n\r\n"),
	    "malformed Content-Type header with a MIME boundary");
	STR_EQ(PRE("Content-Type: multipart/mixed boundary=abc\r\n\r\n"),
	    "malformed Content-Type header with a MIME boundary");
	STR_EQ(PRE("Content-Type: multipart/mixed; boundary=a; "
	    "boundary=b\r\n\r\n"),
	    "more than one MIME boundary in a Content-Type header");
	STR_EQ(PRE("Content-Type: multipart/mixed; boundary*=us-ascii''a"
	    "\r\n\r\n"), "MIME boundary in RFC 2231 form is not accepted");
	STR_EQ(PRE("Content-Type: multipart/mixed; boundary*0=a\r\n\r\n"),
	    "MIME boundary in RFC 2231 form is not accepted");
	/* Comments, folding, case, trailing garbage after a good one. */
	STR_EQ(PRE("content-type: Multipart/Mixed; (a (nested) comment)\r\n"
	    " BOUNDARY=\"x y\"; charset=us-ascii;\r\n\r\n--x y\r\n\r\n"
	    "t\r\n--x y--\r\n"), "ok");
	STR_EQ(PRE("Content-Type: multipart/mixed; boundary=\"fo\r\n o\""
	    "\r\n\r\n"), "ok");
	STR_EQ(PRE("Content-Type: multipart/mixed; boundary=1; c=\"\"\r\n"
	    "  c=\"x\"\r\n\r\n"), "ok");
	STR_EQ(PRE("Content-Type: multipart/mixed; boundary=1; c=\"\"\r\n"
	    "  c=\"x\" boundary=\"\\\"\"\r\n\r\n"),
	    "malformed Content-Type header with a MIME boundary");

	/*
	 * Bare values are read as far as libetpan 1.9.4 reads them (it
	 * takes '.', '=', '/', '?', '(' and '@' in): dots are fine, an '@'
	 * is not a bchar, a comment before the value is refused.
	 */
	STR_EQ(PRE("Content-Type: multipart/mixed; boundary=1660914.94FE=C6"
	    "\r\n\r\n--1660914.94FE=C6\r\n\r\nx\r\n--1660914.94FE=C6--"
	    "\r\n"), "ok");
	STR_EQ(PRE("Content-Type: multipart/mixed; boundary=ab@cd\r\n\r\n"),
	    "invalid MIME boundary (RFC 2046: 1 to 70 letters, digits or "
	    "'()+_,-./:=? , not ending in a space)");
	STR_EQ(PRE("Content-Type: multipart/mixed; boundary=(c)abc\r\n\r\n"),
	    "invalid MIME boundary (RFC 2046: 1 to 70 letters, digits or "
	    "'()+_,-./:=? , not ending in a space)");
	STR_EQ(PRE("Content-Type: multipart/mixed; boundary=abc\"x\"\r\n\r\n"),
	    "malformed Content-Type header with a MIME boundary");
	buf_reset(&b);
	buf_addstr(&b, "Subject: deep\r\n");
	for (i = 0; i < MAIL_DEPTH_MAX + 1; i++)
		buf_printf(&b, "Content-Type: multipart/mixed; boundary=a.%d/b?"
		    "\r\n\r\n--a.%d/b?\r\n", i, i);
	STR_EQ(pre(b.data, b.len), "MIME parts nested more than 16 deep");

	/* Two Content-Types: fine unless one could nest. */
	STR_EQ(PRE("Content-Type: text/plain\r\nContent-Type: text/html\r\n"
	    "\r\nx"), "ok");
	STR_EQ(PRE("Content-Type: garbage\r\nContent-Type: multipart/mixed; "
	    "boundary=b\r\n\r\nx"),
	    "more than one Content-Type header in a MIME part");
	STR_EQ(PRE("Content-Type: text/plain\r\nContent-Type: message/rfc822"
	    "\r\n\r\nx"), "more than one Content-Type header in a MIME part");

	/* NUL bytes: refused in any header, fine in a body. */
	STR_EQ(PREN("Subject: a\0b\r\n\r\nx"), "NUL byte in a header");
	STR_EQ(PREN("Subject: ab\r\n\r\nx\0y"), "ok");
	STR_EQ(PREN("Content-Type: multipart/mixed; boundary=z\r\n\r\n--z\r\n"
	    "X-A: \0\r\n\r\nx\r\n--z--\r\n"), "NUL byte in a header");
	STR_EQ(PREN("Content-Type: multipart/mixed; boundary=z\r\n\r\n--z\r\n"
	    "\r\nx\0\r\n--z--\r\n"), "ok");

	/* Header caps. */
	buf_reset(&b);
	buf_addstr(&b, "Subject: ");
	for (i = 0; i < 64 * 1024; i++)
		buf_addch(&b, 'a');
	buf_addstr(&b, "\r\n\r\nbody\r\n");
	STR_EQ(pre(b.data, b.len), "header line longer than 65536 bytes");
	buf_reset(&b);
	buf_addstr(&b, "Subject: ");
	for (i = 0; i < 64 * 1024 - 11; i++)
		buf_addch(&b, 'a');
	buf_addstr(&b, "\r\n\r\nbody\r\n");
	STR_EQ(pre(b.data, b.len), "ok");
	buf_reset(&b);
	for (i = 0; i < 20000; i++)
		buf_addstr(&b, "Received: from a.example.net by b\r\n");
	buf_addstr(&b, "\r\nbody\r\n");
	STR_EQ(pre(b.data, b.len), "header section longer than 524288 bytes");
	/* A body line may be long. */
	buf_reset(&b);
	buf_addstr(&b, "Subject: x\r\n\r\n");
	for (i = 0; i < 2 * MIB; i++)
		buf_addch(&b, 'b');
	STR_EQ(pre(b.data, b.len), "ok");
	/* Size: 10 MiB, not a byte more. */
	buf_reset(&b);
	buf_addstr(&b, "Subject: x\r\n\r\n");
	while (b.len < MAIL_MAX)
		buf_addch(&b, 'b');
	STR_EQ(pre(b.data, b.len), "ok");
	buf_addch(&b, 'b');
	STR_EQ(pre(b.data, b.len), "message larger than 10485760 bytes "
	    "(10 MiB)");

	/* Depth: 16 levels pass, 17 do not; libetpan agrees. */
	nested(&b, MAIL_DEPTH_MAX, 0);
	STR_EQ(pre(b.data, b.len), "ok");
	INT_EQ(libetpan_depth(b.data, b.len), MAIL_DEPTH_MAX);
	nested(&b, MAIL_DEPTH_MAX + 1, 0);
	STR_EQ(pre(b.data, b.len), "MIME parts nested more than 16 deep");
	INT_EQ(libetpan_depth(b.data, b.len), MAIL_DEPTH_MAX + 1);
	/* One boundary for all: the outer parser cuts first, no depth. */
	nested(&b, 40, 1);
	STR_EQ(pre(b.data, b.len), "ok");
	OK(libetpan_depth(b.data, b.len) <= 2);
	/* Messages count as levels, unless encoded (a leaf then). */
	buf_reset(&b);
	for (i = 0; i < MAIL_DEPTH_MAX + 1; i++)
		buf_addstr(&b, "Content-Type: message/rfc822\r\n\r\n");
	buf_addstr(&b, "\r\nx\r\n");
	STR_EQ(pre(b.data, b.len), "MIME parts nested more than 16 deep");
	buf_reset(&b);
	for (i = 0; i < MAIL_DEPTH_MAX + 1; i++)
		buf_addstr(&b, "Content-Type: message/rfc822\r\n"
		    "Content-Transfer-Encoding: base64\r\n\r\n");
	STR_EQ(pre(b.data, b.len), "ok");
	/* multipart/digest parts are messages by default. */
	buf_reset(&b);
	buf_addstr(&b, "Content-Type: multipart/digest; boundary=d\r\n\r\n"
	    "--d\r\n\r\n");
	for (i = 0; i < MAIL_DEPTH_MAX / 2 - 2; i++)
		buf_printf(&b, "Content-Type: multipart/digest; boundary=d%d"
		    "\r\n\r\n--d%d\r\n\r\n", i, i);
	STR_EQ(pre(b.data, b.len), "ok");
	/* 14 levels so far: a digest, its message part, and a third. */
	buf_addstr(&b, "Content-Type: multipart/digest; boundary=dx\r\n\r\n"
	    "--dx\r\n\r\n");
	STR_EQ(pre(b.data, b.len), "ok");
	buf_addstr(&b, "Content-Type: multipart/mixed; boundary=dy\r\n\r\n");
	STR_EQ(pre(b.data, b.len), "MIME parts nested more than 16 deep");
	/* Part count. */
	buf_reset(&b);
	buf_addstr(&b, "Content-Type: multipart/mixed; boundary=p\r\n\r\n");
	for (i = 0; i < 999; i++)
		buf_addstr(&b, "--p\r\n\r\nx\r\n");
	buf_addstr(&b, "--p--\r\n");
	STR_EQ(pre(b.data, b.len), "ok");
	buf_reset(&b);
	buf_addstr(&b, "Content-Type: multipart/mixed; boundary=p\r\n\r\n");
	for (i = 0; i < 1000; i++)
		buf_addstr(&b, "--p\r\n\r\nx\r\n");
	STR_EQ(pre(b.data, b.len), "more than 1000 MIME parts");
	/* Delimiters: "--p x" is text, "--p  " and "--p--x" are not. */
	buf_reset(&b);
	buf_addstr(&b, "Content-Type: multipart/mixed; boundary=p\r\n\r\n");
	for (i = 0; i < 2000; i++)
		buf_addstr(&b, "--p x\r\n--px\r\n");
	STR_EQ(pre(b.data, b.len), "ok");
	(void)why;
	buf_free(&b);
}

/* ---- the known-bad inputs, through the sandboxed parser ---- */

/*
 * Runs msg through mail_parse(); checks the result code (and reason,
 * unless NULL) and prints the CPU time it took, parent and child.
 */
static void
bad_input(const char *what, const char *msg, size_t len, int want,
    const char *wantwhy)
{
	struct record	 r;
	char		 why[256];
	double		 t0, t1;
	int		 rc;

	t0 = cpu_now();
	rc = mail_parse(&r, msg, len, &cfg, why, sizeof(why));
	t1 = cpu_now();
	INT_EQ(rc, want);
	if (wantwhy != NULL)
		STR_EQ(rc == MAIL_EREJECT ? why : "", wantwhy);
	printf("known-bad: %-34s %9zu bytes  rc %3d  cpu %.3f s\n", what, len,
	    rc, t1 - t0);
	if (rc == 0)
		record_free(&r);
}

static void
test_known_bad(void)
{
	static const char crash[] = "From: a@b.c\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: multipart/mixed; boundary=\"\\\"\"\r\n\r\n--\"\r\n"
	    "\r\nx\r\n--\"--\r\n";
	struct buf	 b = BUF_INIT;
	struct record	 r;
	char		 why[256];
	size_t		 i;

	bad_input("boundary=\"\\\"\"", crash, sizeof(crash) - 1, MAIL_EREJECT,
	    "invalid MIME boundary (RFC 2046: 1 to 70 letters, digits or "
	    "'()+_,-./:=? , not ending in a space)");
	nested(&b, 20000, 0);
	bad_input("multipart nested 20,000 deep", b.data, b.len,
	    MAIL_EREJECT, "MIME parts nested more than 16 deep");
	nested(&b, MAIL_DEPTH_MAX, 0);
	bad_input("multipart nested 16 deep", b.data, b.len, 0, NULL);

	/* A 100 MiB header line, made in memory. */
	buf_reset(&b);
	buf_grow(&b, 100 * MIB + 64);
	buf_addstr(&b, "Subject: ");
	memset(b.data + b.len, 'h', 100 * MIB);
	b.len += 100 * MIB;
	b.data[b.len] = '\0';
	buf_addstr(&b, "\r\n\r\nbody\r\n");
	bad_input("100 MiB header line", b.data, b.len, MAIL_EREJECT,
	    "message larger than 10485760 bytes (10 MiB)");
	/* And 9 MiB of it, under the size cap. */
	buf_truncate(&b, 9 * MIB);
	buf_addstr(&b, "\r\n\r\nbody\r\n");
	bad_input("9 MiB header line", b.data, b.len, MAIL_EREJECT,
	    "header line longer than 65536 bytes");

	bad_input("NUL byte in a header",
	    "Subject: a\0b\r\n\r\nbody\r\n", 20, MAIL_EREJECT,
	    "NUL byte in a header");

	/* Broken base64: garbage, bad padding, a cut group. */
	buf_reset(&b);
	buf_addstr(&b, "Content-Type: multipart/mixed; boundary=q\r\n\r\n"
	    "--q\r\nContent-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n"
	    "SGVsbG8g!!d29y*bGQ=== junk\r\nQUJD\r\n"
	    "--q\r\nContent-Type: image/png\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n=====\r\nA\r\n"
	    "--q\r\nContent-Type: application/pdf\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\nQUJDR\r\n--q--\r\n");
	bad_input("broken base64", b.data, b.len, 0, NULL);
	INT_EQ(mail_parse(&r, b.data, b.len, &cfg, why, sizeof(why)), 0);
	/* All that decodes, and each part as it came, for the reviewer. */
	OK(strncmp(r.narrative, "Hello world", 11) == 0);
	OK(strstr(r.narrative, "ABC\n\n") != NULL);
	OK(strstr(r.narrative, " The parts as they came are attached as "
	    "part-1.base64.txt, part-2.base64.txt, part-3.base64.txt.]") !=
	    NULL);
	INT_EQ(r.nattach, 5);
	if (r.nattach == 5) {
		INT_EQ(r.attach[0].len, 0);
		INT_EQ(r.attach[1].len, 3);
		OK(memcmp(r.attach[1].data, "ABC", 3) == 0);
		STR_EQ(r.attach[2].name, "part-1.base64.txt");
		STR_EQ(r.attach[2].type, "text/plain");
		OK(has(r.attach[2].data, r.attach[2].len,
		    "SGVsbG8g!!d29y*bGQ=== junk\r\nQUJD"));
		STR_EQ(r.attach[3].name, "part-2.base64.txt");
		OK(has(r.attach[3].data, r.attach[3].len, "=====\r\nA"));
		STR_EQ(r.attach[4].name, "part-3.base64.txt");
		OK(has(r.attach[4].data, r.attach[4].len, "QUJDR"));
	}
	record_free(&r);

	/* Lying charsets. */
	buf_reset(&b);
	buf_addstr(&b, "Content-Type: text/plain; charset=utf-8\r\n\r\n"
	    "Caf\xe9 \xff\xfe ok \xed\xa0\x80 \xc3\xa9\r\n");
	bad_input("charset utf-8, bytes latin-1", b.data, b.len, 0, NULL);
	INT_EQ(mail_parse(&r, b.data, b.len, &cfg, why, sizeof(why)), 0);
	STR_EQ(r.narrative, "Caf\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd ok "
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd \xc3\xa9" RAW1("part-1.txt"));
	INT_EQ(r.nattach, 1);
	if (r.nattach == 1) {
		STR_EQ(r.attach[0].type, "text/plain");
		OK(has(r.attach[0].data, r.attach[0].len,
		    "Caf\xe9 \xff\xfe ok \xed\xa0\x80 \xc3\xa9"));
	}
	record_free(&r);
	buf_reset(&b);
	buf_addstr(&b, "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
	    "Caf\xe9 \x80\r\n");
	bad_input("charset us-ascii, bytes cp1252", b.data, b.len, 0, NULL);
	INT_EQ(mail_parse(&r, b.data, b.len, &cfg, why, sizeof(why)), 0);
	STR_EQ(r.narrative, "Caf\xc3\xa9 \xe2\x82\xac");
	record_free(&r);
	buf_reset(&b);
	buf_addstr(&b, "Content-Type: text/plain; charset=x-no-such\r\n\r\n"
	    "ok \xc3\xa9 \xe9\r\n");
	bad_input("charset unknown", b.data, b.len, 0, NULL);
	INT_EQ(mail_parse(&r, b.data, b.len, &cfg, why, sizeof(why)), 0);
	STR_EQ(r.narrative, "ok \xc3\xa9 \xef\xbf\xbd" RAW1("part-1.txt"));
	INT_EQ(r.nattach, 1);
	record_free(&r);
	buf_reset(&b);
	buf_addstr(&b, "Content-Type: text/plain; charset=shift_jis\r\n\r\n"
	    "\x82\xa0\x82\r\n");
	bad_input("charset shift_jis, cut sequence", b.data, b.len, 0, NULL);
	buf_reset(&b);
	buf_addstr(&b, "Content-Type: text/plain; charset=utf-16le\r\n\r\n");
	buf_add(&b, "h\0i\0\x3d\xd8", 6);
	bad_input("charset utf-16le, lone surrogate", b.data, b.len, 0, NULL);
	INT_EQ(mail_parse(&r, b.data, b.len, &cfg, why, sizeof(why)), 0);
	OK(strncmp(r.narrative, "hi", 2) == 0);
	record_free(&r);

	/* Many flat parts, many header lines: linear. */
	buf_reset(&b);
	buf_addstr(&b, "Content-Type: multipart/mixed; boundary=p\r\n\r\n");
	for (i = 0; i < 999; i++)
		buf_addstr(&b, "--p\r\nContent-Type: text/plain\r\n\r\nx\r\n");
	buf_addstr(&b, "--p--\r\n");
	bad_input("999 flat parts", b.data, b.len, 0, NULL);
	buf_free(&b);
}

/* Child hooks: each makes the parser child fail in its own way. */
static void
hook_abort(int fd)
{
	(void)fd;
	abort();
}

/* Spins; the CPU limit is lowered to 1 s to keep the test short. */
static void
hook_spin(int fd)
{
	struct rlimit		 rl = { 1, 2 };
	volatile unsigned long	 n = 0;

	(void)fd;
	if (setrlimit(RLIMIT_CPU, &rl) == -1)
		_exit(5);
	for (;;)
		n++;
}

static void
hook_garbage(int fd)
{
	if (write(fd, "\0garbage", 8) != 8)
		_exit(5);
	_exit(0);
}

static void
hook_flood(int fd)
{
	static char	 chunk[65536];

	memset(chunk, 'f', sizeof(chunk));
	for (;;)
		if (write(fd, chunk, sizeof(chunk)) == -1)
			_exit(5);
}

static void
hook_exit1(int fd)
{
	(void)fd;
	_exit(1);
}

static void
hook_quarantined(int fd)
{
	static const char msg[] = "Subject: q\r\n\r\nq\r\n";
	struct buf	 enc = BUF_INIT;

	buf_addch(&enc, 0);
	if (mail_quarantine(&enc, msg, sizeof(msg) - 1) != 0 ||
	    write(fd, enc.data, enc.len) != (ssize_t)enc.len)
		_exit(5);
	_exit(0);
}

static void
hook_reject(int fd)
{
	if (write(fd, "\001bad\nline\033", 10) != 10)
		_exit(5);
	_exit(0);
}

/*
 * The parser child failing: a crash, the CPU limit, an answer that does
 * not decode, an answer too long, an error exit, a record of the wrong
 * kind.  mail_parse() must say MAIL_ECHILD each time (the caller then
 * quarantines), never crash or hang; a reason the child sends is made
 * one printable line.
 */
static void
test_echild(void)
{
	static const char msg[] = "Subject: s\r\n\r\nbody\r\n";
	static const struct {
		const char	*what;
		void		(*fn)(int);
	} hooks[] = {
		{ "child: abort()", hook_abort },
		{ "child: spins (CPU limit)", hook_spin },
		{ "child: answers garbage", hook_garbage },
		{ "child: answers too much", hook_flood },
		{ "child: exits 1", hook_exit1 },
		{ "child: sends a quarantined record", hook_quarantined },
	};
	struct record	 r;
	char		 why[256];
	double		 t0;
	size_t		 i;
	int		 rc;

	for (i = 0; i < NM_NELEM(hooks); i++) {
		mail_set_test_hook(hooks[i].fn);
		t0 = cpu_now();
		cap_start();
		rc = mail_parse(&r, msg, sizeof(msg) - 1, &cfg, why,
		    sizeof(why));
		cap_end();
		INT_EQ(rc, MAIL_ECHILD);
		printf("known-bad: %-34s rc %3d  cpu %.3f s\n", hooks[i].what,
		    rc, cpu_now() - t0);
	}
	mail_set_test_hook(hook_reject);
	INT_EQ(mail_parse(&r, msg, sizeof(msg) - 1, &cfg, why, sizeof(why)),
	    MAIL_EREJECT);
	STR_EQ(why, "bad?line?");
	mail_set_test_hook(NULL);
	INT_EQ(mail_parse(&r, msg, sizeof(msg) - 1, &cfg, why, sizeof(why)),
	    0);
	record_free(&r);
}

/* ---- extraction ---- */

static void
test_subject(void)
{
	struct record	 r;
	struct buf	 b = BUF_INIT;
	char		 why[256];
	int		 i;

	INT_EQ(EX(&r, "Subject: =?UTF-8?B?Q2Fmw6kgbmVhciBtaXNz?=\r\n\r\nx"),
	    0);
	STR_EQ(r.field[RECORD_TITLE], "Caf\xc3\xa9 near miss");
	record_free(&r);
	INT_EQ(EX(&r, "Subject: =?iso-8859-1?q?Stra=DFe?= =?iso-8859-1?q?"
	    "_und_Weg?=\r\n  folded\tline\r\n\r\nx"), 0);
	STR_EQ(r.field[RECORD_TITLE], "Stra\xc3\x9f" "e und Weg folded line");
	record_free(&r);
	INT_EQ(EX(&r, "Subject: raw UTF-8 \xc3\xa9t\xc3\xa9\r\n\r\nx"), 0);
	STR_EQ(r.field[RECORD_TITLE], "raw UTF-8 \xc3\xa9t\xc3\xa9");
	record_free(&r);
	INT_EQ(EX(&r, "Subject: raw latin-1 \xe9t\xe9\r\n\r\nx"), 0);
	STR_EQ(r.field[RECORD_TITLE], "raw latin-1 \xc3\xa9t\xc3\xa9");
	record_free(&r);
	INT_EQ(EX(&r, "Subject: =?x-bogus?B?!!!?= and =?utf-8?q?bad=ZZ?=\r\n"
	    "\r\nx"), 0);
	OK(r.field[RECORD_TITLE] != NULL);
	record_free(&r);
	INT_EQ(EX(&r, "Subject:   \r\n\r\nx"), 0);
	OK(r.field[RECORD_TITLE] == NULL);
	record_free(&r);
	/*
	 * Capped at the title's 200 characters (lib/field.h), not bytes:
	 * "x" and 199 of 250 2-byte é's.
	 */
	buf_addstr(&b, "Subject: x");
	for (i = 0; i < 250; i++)
		buf_addstr(&b, "\xc3\xa9");
	buf_addstr(&b, "\r\n\r\nbody");
	INT_EQ(extract(&r, b.data, b.len, why, sizeof(why)), 0);
	INT_EQ(strlen(r.field[RECORD_TITLE]), 399);
	record_free(&r);
	buf_free(&b);
}

static void
test_bodies(void)
{
	struct record	 r;
	char		 why[256];

	/* text/plain preferred over HTML, in either order. */
	INT_EQ(EX(&r, "Content-Type: multipart/alternative; boundary=a\r\n\r\n"
	    "--a\r\nContent-Type: text/html\r\n\r\n<p>html version</p>\r\n"
	    "--a\r\nContent-Type: text/plain\r\n\r\nplain version\r\n"
	    "--a--\r\n"), 0);
	STR_EQ(r.narrative, "plain version");
	INT_EQ(r.nattach, 0);
	record_free(&r);
	/* HTML only: converted, nothing remote, links as text. */
	INT_EQ(EX(&r, "Content-Type: text/html; charset=iso-8859-1\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
	    "<html><head><title>T</title><style>p{color:red}</style>"
	    "<script>alert('x')</script></head><body><p>First&nbsp;para"
	    "graph, caf=E9 &amp; &#8364; &#x41;&lt;b&gt;</p><p>Second "
	    "<a href=3D\"https://track.example.com/x\">the link</a>"
	    "<img src=3D\"https://pixel.example.com/p.gif\" alt=3D\"pix\">"
	    "<br>next line</p><ul><li>one</li><li>two</li></ul>"
	    "<!-- <p>hidden</p> --><pre>  keep\n  this</pre></body></html>"
	    "\r\n"), 0);
	STR_EQ(r.narrative, "First paragraph, caf\xc3\xa9 & \xe2\x82\xac "
	    "A<b>\n\nSecond the link\nnext line\n\n- one\n- two\n\n"
	    "  keep\n  this");
	OK(strstr(r.narrative, "example.com") == NULL);
	OK(strstr(r.narrative, "alert") == NULL);
	OK(strstr(r.narrative, "color") == NULL);
	record_free(&r);
	/* Two text parts in a mixed multipart follow each other. */
	INT_EQ(EX(&r, "Content-Type: multipart/mixed; boundary=m\r\n\r\n"
	    "--m\r\n\r\nfirst\r\n--m\r\nContent-Type: text/plain\r\n\r\n"
	    "second\r\n--m--\r\n"), 0);
	STR_EQ(r.narrative, "first\nsecond");
	record_free(&r);
	/* A leading mbox "From " line is not a header, and goes. */
	INT_EQ(EX(&r, "From sender@example.net Mon Jan  1 00:00:00 2024\r\n"
	    "Subject: s\r\n\r\nbody\r\n"), 0);
	STR_EQ(r.narrative, "body");
	STR_EQ(r.field[RECORD_TITLE], "s");
	record_free(&r);
	/* A multipart libetpan cannot split is kept raw, not lost. */
	INT_EQ(EX(&r, "Subject: s\r\n"
	    "Content-Type: multipart/mixed; boundary=1\r\n\r\n--1"
	    "\r\nContent-Type: text/plain\r\n\r\nhello\r\n--1\r\n"), 0);
	INT_EQ(r.nattach, 1);
	if (r.nattach == 1) {
		STR_EQ(r.attach[0].name, "unparsed-part.txt");
		OK(has(r.attach[0].data, r.attach[0].len, "hello"));
	}
	record_free(&r);
}

static void
test_template(void)
{
	struct record	 r;
	char		 why[256];

	INT_EQ(EX(&r, "Subject: the subject\r\n\r\n"
	    "Incident type: Foot pursuit\r\n"
	    "event_date: 2024-03\r\n"
	    "Contributing factors: fatigue, Communication; training\r\n"
	    "Loss potential: serious injury\r\n"
	    "Officers on scene: 2\r\n"
	    "Weather: Snowing hard\r\n"
	    "Region: \r\n"
	    "Summary: A short summary.\r\n"
	    "Consent: no\r\n"
	    "\r\n"
	    "We chased a man down an alley.\r\n"
	    "  > Incident type: quoted, stays\r\n"
	    "Contact: call 555 0100\r\n"
	    "  or write to me\r\n"
	    "\r\n"
	    "More narrative.\r\n"
	    "Lessons learned: wait for backup.\r\n"
	    "Radio early.\r\n"
	    "\r\n"
	    "Always.\r\n"
	    "Incident type: burglary\r\n"
	    "-- \r\n"
	    "Sgt. J. Doe, Badge 1234\r\n"), 0);
	STR_EQ(r.field[RECORD_TITLE], "the subject");
	STR_EQ(r.field[RECORD_INCIDENT_TYPE], "foot-pursuit");
	STR_EQ(r.field[RECORD_EVENT_DATE], "2024-03");
	STR_EQ(r.field[RECORD_CONTRIBUTING_FACTORS],
	    "fatigue,communication,training");
	STR_EQ(r.field[RECORD_LOSS_POTENTIAL], "serious-injury");
	STR_EQ(r.field[RECORD_OFFICERS_ON_SCENE], "2");
	OK(r.field[RECORD_WEATHER] == NULL);
	OK(r.field[RECORD_REGION] == NULL);
	STR_EQ(r.field[RECORD_SUMMARY], "A short summary.");
	INT_EQ(r.consent, 0);
	STR_EQ(r.contact, "call 555 0100\n  or write to me");
	STR_EQ(r.lessons, "wait for backup.\nRadio early.\n\nAlways.");
	STR_EQ(r.signature, "--\nSgt. J. Doe, Badge 1234");
	/* Invalid values and repeats stay in the narrative. */
	STR_EQ(r.narrative, "Weather: Snowing hard\nRegion:\n\n"
	    "We chased a man down an alley.\n"
	    "  > Incident type: quoted, stays\n\nMore narrative.\n"
	    "Incident type: burglary");
	record_free(&r);

	/* Label alone, value on the next line; defaults; repeats. */
	INT_EQ(EX(&r, "\r\nIncident type:\r\nTraffic stop\r\n"
	    "incident-type: ambush\r\n"
	    "Event date: 2024-03-14\r\n"
	    "Officers on scene: 0\r\n"
	    "Contributing factors: fatigue, fatigue\r\n"
	    "Consent: maybe\r\n"
	    "Lessons learned: l\r\n"
	    "Sent from my iPhone\r\n"), 0);
	STR_EQ(r.field[RECORD_INCIDENT_TYPE], "traffic-stop");
	OK(r.field[RECORD_EVENT_DATE] == NULL);
	OK(r.field[RECORD_OFFICERS_ON_SCENE] == NULL);
	OK(r.field[RECORD_CONTRIBUTING_FACTORS] == NULL);
	/* Not a clear answer: no consent, and the line stays. */
	INT_EQ(r.consent, 0);
	STR_EQ(r.narrative, "incident-type: ambush\nEvent date: 2024-03-14\n"
	    "Officers on scene: 0\nContributing factors: fatigue, fatigue\n"
	    "Consent: maybe");
	STR_EQ(r.lessons, "l");
	STR_EQ(r.signature, "Sent from my iPhone");
	record_free(&r);

	/*
	 * The rules are lib/field's, as the form's and the report
	 * reader's: "007" officers is 7, a 200-character title of
	 * two-byte characters passes, a bidi control is stripped.
	 */
	INT_EQ(EX(&r, "\r\nOfficers on scene: 007\r\n"
	    "Title: \xe2\x80\xae" "abc\r\n"
	    "Event date: 2024-13\r\n\r\ntext\r\n"), 0);
	STR_EQ(r.field[RECORD_OFFICERS_ON_SCENE], "7");
	STR_EQ(r.field[RECORD_TITLE], "abc");
	OK(r.field[RECORD_EVENT_DATE] == NULL);
	record_free(&r);

	/* Control characters in a subject never make an invalid title. */
	INT_EQ(EX(&r, "Subject: =?utf-8?q?a=01b=7Fc=C2=85d=09e?=\r\n\r\n"
	    "text\r\n"), 0);
	STR_EQ(r.field[RECORD_TITLE], "abcd e");
	record_free(&r);

	/* A long "--" block is text, not a signature. */
	INT_EQ(EX(&r, "\na\n--\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n"
	    "15\n16\n17\n18\n19\n20\n21\n22\n23\n24\n25\n26\n27\n28\n29\n30\n"),
	    0);
	OK(r.signature == NULL);
	OK(strncmp(r.narrative, "a\n--\n1\n", 7) == 0);
	record_free(&r);
}

static void
test_attachments(void)
{
	struct buf	 b = BUF_INIT;
	struct record	 r;
	char		 why[256];
	int		 i;

	INT_EQ(EX(&r, "Content-Type: multipart/mixed; boundary=m\r\n\r\n"
	    "--m\r\n\r\nsee attached\r\n"
	    "--m\r\nContent-Type: image/JPEG; name=\"ignored.jpg\"\r\n"
	    "Content-Disposition: attachment;\r\n"
	    " filename*=UTF-8''%C3%A9t%C3%A9%20photo.jpg\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n/9j/AA==\r\n"
	    "--m\r\nContent-Type: application/pdf;\r\n"
	    " name=\"=?utf-8?B?w6kucGRm?=\"\r\n\r\n%PDF\r\n"
	    "--m\r\nContent-Type: text/plain\r\nContent-Disposition: inline;"
	    "\r\n filename*0*=iso-8859-1''caf%E9;\r\n filename*1=\".txt\"\r\n"
	    "\r\nnotes\r\n"
	    "--m\r\nContent-Type: image/png\r\nContent-Disposition: inline"
	    "\r\nContent-ID: <img1@host.example.net>\r\n\r\nPNG\r\n"
	    "--m\r\nContent-Type: message/rfc822\r\n\r\n"
	    "Received: from [198.51.100.9] by mx\r\nSubject: fwd\r\n\r\n"
	    "forwarded\r\n"
	    "--m\r\nContent-Type: application/x-evil\x01; name=\"a\x01\tb\"\r\n"
	    "\r\nz\r\n"
	    "--m--\r\n"), 0);
	STR_EQ(r.narrative, "see attached");
	INT_EQ(r.nattach, 6);
	if (r.nattach == 6) {
		STR_EQ(r.attach[0].name, "\xc3\xa9t\xc3\xa9 photo.jpg");
		STR_EQ(r.attach[0].type, "image/jpeg");
		INT_EQ(r.attach[0].len, 4);
		OK(memcmp(r.attach[0].data, "\xff\xd8\xff\x00", 4) == 0);
		STR_EQ(r.attach[1].name, "\xc3\xa9.pdf");
		STR_EQ(r.attach[1].type, "application/pdf");
		STR_EQ(r.attach[2].name, "caf\xc3\xa9.txt");
		STR_EQ(r.attach[2].type, "text/plain");
		STR_EQ(r.attach[3].name, "");
		STR_EQ(r.attach[3].type, "image/png");
		STR_EQ(r.attach[4].type, "message/rfc822");
		STR_EQ(r.attach[4].name, "message.eml");
		/* The forwarded message is the submitter's content. */
		OK(has(r.attach[4].data, r.attach[4].len, "198.51.100.9"));
		OK(strchr(r.attach[5].name, 1) == NULL);
	}
	record_free(&r);

	/* 32 attachments are fine, 33 are refused. */
	buf_addstr(&b, "Content-Type: multipart/mixed; boundary=m\r\n\r\n");
	for (i = 0; i < RECORD_ATTACH_COUNT; i++)
		buf_addstr(&b, "--m\r\nContent-Type: image/png\r\n\r\nx\r\n");
	INT_EQ(extract(&r, b.data, b.len, why, sizeof(why)), 0);
	INT_EQ(r.nattach, RECORD_ATTACH_COUNT);
	record_free(&r);
	buf_addstr(&b, "--m\r\nContent-Type: image/png\r\n\r\nx\r\n");
	INT_EQ(extract(&r, b.data, b.len, why, sizeof(why)), MAIL_EREJECT);
	STR_EQ(why, "more than 32 attachments; send at most 32");

	/* 5 MiB is fine, a byte more is refused. */
	buf_reset(&b);
	buf_addstr(&b, "Content-Type: multipart/mixed; boundary=m\r\n\r\n"
	    "--m\r\nContent-Type: video/mp4\r\n"
	    "Content-Transfer-Encoding: binary\r\n\r\n");
	for (i = 0; i < RECORD_ATTACH_MAX; i++)
		buf_addch(&b, 'v');
	buf_addstr(&b, "\r\n--m--\r\n");
	INT_EQ(extract(&r, b.data, b.len, why, sizeof(why)), 0);
	INT_EQ(r.nattach, 1);
	INT_EQ(r.nattach == 1 ? r.attach[0].len : 0, RECORD_ATTACH_MAX);
	record_free(&r);
	buf_truncate(&b, b.len - 9);
	buf_addstr(&b, "w\r\n--m--\r\n");
	INT_EQ(extract(&r, b.data, b.len, why, sizeof(why)), MAIL_EREJECT);
	STR_EQ(why, "an attachment is larger than 5 MiB; send smaller files");
	buf_free(&b);
}

/* A narrative over 64 KiB is cut, and the whole text attached. */
static void
test_overflow(void)
{
	struct buf	 b = BUF_INIT;
	struct record	 r;
	char		 why[256];
	int		 i;

	buf_addstr(&b, "Subject: long\r\n\r\n");
	for (i = 0; i < 2000; i++)
		buf_printf(&b, "line %04d of a long report, \xc3\xa9\xc3\xa9"
		    "\xc3\xa9\r\n", i);
	buf_addstr(&b, "Lessons learned: at the end\r\n");
	INT_EQ(extract(&r, b.data, b.len, why, sizeof(why)), 0);
	OK(strlen(r.narrative) <= RECORD_TEXT_MAX);
	OK(strstr(r.narrative, "line 0000 of") == r.narrative);
	OK(strstr(r.narrative, "attached as message-text.txt") != NULL);
	STR_EQ(r.lessons, "at the end");
	INT_EQ(r.nattach, 1);
	if (r.nattach == 1) {
		STR_EQ(r.attach[0].name, "message-text.txt");
		STR_EQ(r.attach[0].type, "text/plain");
		OK(has(r.attach[0].data, r.attach[0].len, "line 1999 of"));
	}
	record_free(&r);
	buf_free(&b);
}

/* ---- nothing a submitter said is lost or turned around ---- */

/* Consent: one clear answer, else none, and the lines stay. */
static void
test_consent(void)
{
	static const struct {
		const char	*body;
		int		 consent;
		const char	*narrative;
	} t[] = {
		{ "text\n", 1, "text" },
		{ "Consent: yes\ntext\n", 1, "text" },
		{ "Consent: no\ntext\n", 0, "text" },
		{ "Consent: YES.\ntext\n", 1, "text" },
		{ "consent: y\ntext\n", 1, "text" },
		{ "Consent: N\ntext\n", 0, "text" },
		{ "Consent: yes\ntext\nConsent: yes\n", 1, "text" },
		{ "Consent: no\ntext\nConsent: no\n", 0, "text" },
		/* Conflicting or unclear: 0, and the lines stay. */
		{ "Consent: no\ntext\nConsent: yes\n", 0,
		    "Consent: no\ntext\nConsent: yes" },
		{ "Consent: yes\ntext\nConsent: no\n", 0,
		    "Consent: yes\ntext\nConsent: no" },
		{ "Consent:\nno\ntext\n", 0, "Consent:\nno\ntext" },
		{ "Consent:\nyes\ntext\n", 0, "Consent:\nyes\ntext" },
		{ "Consent: maybe\ntext\n", 0, "Consent: maybe\ntext" },
		{ "Consent: yes, publish it\ntext\n", 0,
		    "Consent: yes, publish it\ntext" },
		{ "Consent: yes\nConsent:\ntext\n", 0,
		    "Consent: yes\nConsent:\ntext" },
		/* A no in the signature counts too (and stays there). */
		{ "Consent: yes\ntext\n-- \nConsent: no\n", 0,
		    "Consent: yes\ntext" },
	};
	struct buf	 b = BUF_INIT;
	struct record	 r;
	char		 why[256];
	size_t		 i;

	for (i = 0; i < NM_NELEM(t); i++) {
		buf_reset(&b);
		buf_printf(&b, "Subject: c\n\n%s", t[i].body);
		INT_EQ(extract(&r, b.data, b.len, why, sizeof(why)), 0);
		if (r.consent != t[i].consent)
			fprintf(stderr, "consent case %zu\n", i);
		INT_EQ(r.consent, t[i].consent);
		STR_EQ(r.narrative, t[i].narrative);
		record_free(&r);
	}
	/* The signature keeps its consent line. */
	INT_EQ(EX(&r, "Subject: c\n\ntext\n-- \nConsent: no\n"), 0);
	INT_EQ(r.consent, 0);
	STR_EQ(r.signature, "--\nConsent: no");
	record_free(&r);
	/* Through the sandboxed parser. */
	buf_reset(&b);
	buf_addstr(&b, "Subject: c\r\n\r\nConsent: no\r\nt\r\n"
	    "Consent: yes\r\n");
	INT_EQ(mail_parse(&r, b.data, b.len, &cfg, why, sizeof(why)), 0);
	INT_EQ(r.consent, 0);
	STR_EQ(r.narrative, "Consent: no\nt\nConsent: yes");
	record_free(&r);
	buf_free(&b);
}

/* Base64 as mailers send it; quoted-printable that does not decode. */
static void
test_base64(void)
{
	struct record	 r;
	char		 why[256];

	/* Each line its own padded quantum. */
	INT_EQ(EX(&r, "Subject: b\nContent-Transfer-Encoding: base64\n\n"
	    "SGVsbG8=\nV29ybGQgTE9TVA==\n"), 0);
	STR_EQ(r.narrative, "HelloWorld LOST");
	INT_EQ(r.nattach, 0);
	record_free(&r);
	/* Padded quanta on one line, white space anywhere. */
	INT_EQ(EX(&r, "Subject: b\nContent-Transfer-Encoding: base64\n\n"
	    "SG Vs\tbG8=V29y\r\n bGQ=\n=\n"), 0);
	STR_EQ(r.narrative, "HelloWorld");
	INT_EQ(r.nattach, 0);
	record_free(&r);
	/* No final padding. */
	INT_EQ(EX(&r, "Subject: b\nContent-Transfer-Encoding: base64\n\n"
	    "SGVsbG8\n"), 0);
	STR_EQ(r.narrative, "Hello");
	INT_EQ(r.nattach, 0);
	record_free(&r);
	/* Garbage: what decodes, and the part as it came. */
	INT_EQ(EX(&r, "Subject: b\nContent-Transfer-Encoding: base64\n\n"
	    "SGVsbG8=\n!!\nV29ybGQ=\n"), 0);
	STR_EQ(r.narrative, "HelloWorld" RAW1("part-1.base64.txt"));
	INT_EQ(r.nattach, 1);
	if (r.nattach == 1) {
		STR_EQ(r.attach[0].name, "part-1.base64.txt");
		STR_EQ(r.attach[0].type, "text/plain");
		INT_EQ(r.attach[0].len, 21);
		OK(memcmp(r.attach[0].data, "SGVsbG8=\n!!\nV29ybGQ=\n", 21) ==
		    0);
	}
	record_free(&r);
	/* A last lone character is 6 bits that decode to nothing. */
	INT_EQ(EX(&r, "Subject: b\nContent-Transfer-Encoding: base64\n\n"
	    "SGVsbG8gV\n"), 0);
	STR_EQ(r.narrative, "Hello" RAW1("part-1.base64.txt"));
	record_free(&r);
	/* Quoted-printable: a stray "=" is kept, and so is the part. */
	INT_EQ(EX(&r, "Subject: q\nContent-Transfer-Encoding: "
	    "quoted-printable\n\na=3Db =ZZ c=\nd\n"), 0);
	STR_EQ(r.narrative, "a=b =ZZ cd" RAW1("part-1.qp.txt"));
	INT_EQ(r.nattach, 1);
	if (r.nattach == 1)
		OK(has(r.attach[0].data, r.attach[0].len, "a=3Db =ZZ c=\nd"));
	record_free(&r);
	/* An attachment that does not decode: kept both ways. */
	INT_EQ(EX(&r, "Subject: a\nContent-Type: multipart/mixed; boundary=m"
	    "\n\n--m\n\ntext\n--m\nContent-Type: application/pdf; name=a.pdf"
	    "\nContent-Transfer-Encoding: base64\n\nJVBE*Rg==\n--m--\n"), 0);
	INT_EQ(r.nattach, 2);
	if (r.nattach == 2) {
		STR_EQ(r.attach[0].name, "a.pdf");
		INT_EQ(r.attach[0].len, 4);
		OK(memcmp(r.attach[0].data, "%PDF", 4) == 0);
		STR_EQ(r.attach[1].name, "part-2.base64.txt");
		OK(has(r.attach[1].data, r.attach[1].len, "JVBE*Rg=="));
	}
	record_free(&r);
}

/* CR LF, LF and lone CR line ends read alike, by both parsers. */
static void
test_eol(void)
{
	static const char cr[] = "Subject: cr\rContent-Type: text/plain; "
	    "charset=utf-8\r\rline one\rConsent: no\rline two\r";
	struct buf	 b = BUF_INIT, lf = BUF_INIT;
	struct record	 r;
	char		 why[256];
	size_t		 i;

	/* mail_eol() itself. */
	INT_EQ(mail_eol(&b, "a\r\nb\n", 5), 0);
	INT_EQ(b.len, 0);
	INT_EQ(mail_eol(&b, "a\rb\r\nc\n\r\r", 10), 1);
	INT_EQ(b.len, 10);
	OK(memcmp(b.data, "a\nb\r\nc\n\n\n", 10) == 0);
	buf_reset(&b);

	INT_EQ(EX(&r, cr), 0);
	STR_EQ(r.field[RECORD_TITLE], "cr");
	STR_EQ(r.narrative, "line one\nline two");
	INT_EQ(r.consent, 0);
	INT_EQ(r.nattach, 0);
	record_free(&r);
	INT_EQ(mail_parse(&r, cr, sizeof(cr) - 1, &cfg, why, sizeof(why)), 0);
	STR_EQ(r.field[RECORD_TITLE], "cr");
	STR_EQ(r.narrative, "line one\nline two");
	INT_EQ(r.consent, 0);
	record_free(&r);
	/* Mixed: a CR LF header, lone CRs in a multipart body. */
	INT_EQ(EX(&r, "Subject: mixed\r\nContent-Type: multipart/mixed; "
	    "boundary=m\r\n\r\n--m\r\rtext\r--m\rContent-Type: image/png; "
	    "name=a.png\r\rPNG\r--m--\r"), 0);
	STR_EQ(r.narrative, "text");
	INT_EQ(r.nattach, 1);
	if (r.nattach == 1)
		STR_EQ(r.attach[0].name, "a.png");
	record_free(&r);
	/* The pre-check sees the lines libetpan sees. */
	STR_EQ(PRE("Content-Type: multipart/mixed; boundary=\"\\\"\"\r\r--\"\r"
	    "\rx\r--\"--\r"), "invalid MIME boundary (RFC 2046: 1 to 70 "
	    "letters, digits or '()+_,-./:=? , not ending in a space)");
	nested(&lf, MAIL_DEPTH_MAX + 1, 0);
	for (i = 0; i < lf.len; i++)
		if (lf.data[i] != '\n')
			buf_addch(&b, lf.data[i]);
	STR_EQ(pre(b.data, b.len), "MIME parts nested more than 16 deep");
	/* The caps hold per line, as for LF: 2000 short header lines. */
	buf_reset(&b);
	buf_reset(&lf);
	for (i = 0; i < 2000; i++) {
		buf_addstr(&b, "X-Line: 0123456789012345678901234567890123\r");
		buf_addstr(&lf, "X-Line: 0123456789012345678901234567890123\n");
	}
	buf_addstr(&b, "Subject: many\r\rbody\r");
	buf_addstr(&lf, "Subject: many\n\nbody\n");
	OK(b.len > 64 * 1024);
	STR_EQ(pre(lf.data, lf.len), "ok");
	STR_EQ(pre(b.data, b.len), "ok");
	INT_EQ(extract(&r, b.data, b.len, why, sizeof(why)), 0);
	STR_EQ(r.field[RECORD_TITLE], "many");
	STR_EQ(r.narrative, "body");
	record_free(&r);
	buf_free(&b);
	buf_free(&lf);
}

/* Text that did not decode in full: the part as it came is kept. */
static void
test_rawparts(void)
{
	struct buf	 b = BUF_INIT;
	struct record	 r;
	char		 why[256];
	int		 i;

	/* A charset conversion failure (a cut Shift_JIS sequence). */
	INT_EQ(EX(&r, "Subject: s\nContent-Type: text/plain; "
	    "charset=shift_jis\n\n\x82\xa0\x82\n"), 0);
	STR_EQ(r.narrative, "\xe3\x81\x82\xef\xbf\xbd" RAW1("part-1.txt"));
	INT_EQ(r.nattach, 1);
	if (r.nattach == 1) {
		INT_EQ(r.attach[0].len, 4);
		OK(memcmp(r.attach[0].data, "\x82\xa0\x82\n", 4) == 0);
	}
	record_free(&r);
	/* HTML that turns into nothing. */
	INT_EQ(EX(&r, "Subject: s\nContent-Type: text/html\n\n<html><body>"
	    "<img src=\"cid:scan\"></body></html>\n"), 0);
	STR_EQ(r.narrative, RAWNOTE("part-1.html"));
	INT_EQ(r.nattach, 1);
	if (r.nattach == 1) {
		STR_EQ(r.attach[0].name, "part-1.html");
		STR_EQ(r.attach[0].type, "text/html");
		OK(has(r.attach[0].data, r.attach[0].len, "cid:scan"));
	}
	record_free(&r);
	/* Text that is nothing but control characters. */
	INT_EQ(EX(&r, "Subject: s\n\n\x01\x02\x1b[0m\n"), 0);
	STR_EQ(r.narrative, "[0m" RAW1("part-1.txt"));
	record_free(&r);
	INT_EQ(EX(&r, "Subject: s\n\n\x01\x02\x1b\n"), 0);
	STR_EQ(r.narrative, RAWNOTE("part-1.txt"));
	record_free(&r);
	/* Nothing lost, nothing kept. */
	INT_EQ(EX(&r, "Subject: s\nContent-Type: text/html\n\n<p>fine</p>\n"),
	    0);
	STR_EQ(r.narrative, "fine");
	INT_EQ(r.nattach, 0);
	record_free(&r);
	/* Numbered as parts of the message; several listed. */
	INT_EQ(EX(&r, "Subject: s\nContent-Type: multipart/mixed; boundary=m"
	    "\n\n--m\nContent-Type: image/png\n\nPNG\n"
	    "--m\nContent-Type: text/plain; charset=utf-8\n\na\xff\n"
	    "--m\nContent-Type: text/plain; charset=utf-8\n\nb\xfe\n--m--\n"),
	    0);
	STR_EQ(r.narrative, "a\xef\xbf\xbd\nb\xef\xbf\xbd\n\n[Not all of the "
	    "text could be read (a bad transfer encoding, invalid bytes or a "
	    "charset that does not convert). The parts as they came are "
	    "attached as part-2.txt, part-3.txt.]");
	INT_EQ(r.nattach, 3);
	record_free(&r);

	/* Over the caps: 32 attachments already; the note says so. */
	buf_addstr(&b, "Subject: s\nContent-Type: multipart/mixed; boundary=m"
	    "\n\n--m\nContent-Type: text/plain; charset=utf-8\n\nCaf\xe9\n");
	for (i = 0; i < RECORD_ATTACH_COUNT; i++)
		buf_addstr(&b, "--m\nContent-Type: image/png\n\nx\n");
	INT_EQ(extract(&r, b.data, b.len, why, sizeof(why)), 0);
	INT_EQ(r.nattach, RECORD_ATTACH_COUNT);
	STR_EQ(r.narrative, "Caf\xef\xbf\xbd\n\n[Not all of the text could "
	    "be read (a bad transfer encoding, invalid bytes or a charset "
	    "that does not convert). 1 part could not be attached as it "
	    "came: over the attachment caps.]");
	record_free(&r);
	/* Over the size of one attachment: 6 MiB of text, one bad byte. */
	buf_reset(&b);
	buf_addstr(&b, "Subject: s\nContent-Type: text/plain; "
	    "charset=utf-8\n\n\xff");
	for (i = 0; i < 6 * 1024; i++) {
		buf_grow(&b, 1024);
		memset(b.data + b.len, 'v', 1023);
		b.data[b.len + 1023] = '\n';
		b.len += 1024;
		b.data[b.len] = '\0';
	}
	INT_EQ(extract(&r, b.data, b.len, why, sizeof(why)), 0);
	INT_EQ(r.nattach, 0);
	OK(strlen(r.narrative) <= RECORD_TEXT_MAX);
	OK(strncmp(r.narrative, "\xef\xbf\xbdvvv", 6) == 0);
	OK(strstr(r.narrative, "was cut here.]\n\n[Not all of the text "
	    "could be read") != NULL);
	OK(strstr(r.narrative, " 1 part could not be attached as it came: "
	    "over the attachment caps.]") != NULL);
	record_free(&r);
	buf_free(&b);
}

/* Nothing to report: quarantined, never an empty report. */
static void
test_empty(void)
{
	static const char *const empty[] = {
		"Subject:   \n\n\n\n",
		"MIME-Version: 1.0\n\n",
		"Subject: \n\n-- \nJ. Doe\n",
		"\nConsent: yes\n",
		"Content-Type: text/html\n\n<html><body></body></html>\n",
		"Content-Type: multipart/mixed; boundary=1\n\n--1\n\nhi\n--1\n",
		"Subject: =?utf-8?q?=E2=80=AE?=\n\n",
	};
	struct buf	 red = BUF_INIT;
	struct record	 r;
	char		 why[256];
	size_t		 i;

	for (i = 0; i < NM_NELEM(empty); i++) {
		if (EX(&r, empty[i]) != MAIL_EEMPTY)
			fprintf(stderr, "empty case %zu\n", i);
		INT_EQ(EX(&r, empty[i]), MAIL_EEMPTY);
		INT_EQ(mail_parse(&r, empty[i], strlen(empty[i]), &cfg, why,
		    sizeof(why)), 0);
		INT_EQ(r.quarantined, 1);
		INT_EQ(r.consent, 0);
		STR_EQ(r.narrative, "");
		INT_EQ(r.nattach, 1);
		if (r.nattach == 1) {
			/* The message as it came, header reduced. */
			STR_EQ(r.attach[0].name, "message.eml");
			buf_reset(&red);
			mail_header_reduce(&red, empty[i], strlen(empty[i]));
			INT_EQ(r.attach[0].len, red.len);
			OK(r.attach[0].len == red.len &&
			    memcmp(r.attach[0].data, red.data, red.len) == 0);
		}
		record_free(&r);
	}
	buf_free(&red);
	/* A subject, a file or a field alone is something. */
	INT_EQ(EX(&r, "Subject: only this\n\n"), 0);
	STR_EQ(r.field[RECORD_TITLE], "only this");
	INT_EQ(r.quarantined, 0);
	record_free(&r);
	INT_EQ(EX(&r, "Content-Type: image/png; name=a.png\n\nPNG\n"), 0);
	INT_EQ(r.nattach, 1);
	record_free(&r);
	INT_EQ(EX(&r, "\nRegion: Midwest\n"), 0);
	STR_EQ(r.field[RECORD_REGION], "midwest");
	record_free(&r);
}

/* Only the last component of a path survives in a file name. */
static void
test_names(void)
{
	static const struct {
		const char	*hdr;
		const char	*name;
	} t[] = {
		{ "Content-Type: application/pdf\nContent-Disposition: "
		    "attachment; filename=\"C:\\Users\\jsmith\\Desktop"
		    "\\x.pdf\"",
		    "x.pdf" },
		{ "Content-Type: application/pdf; "
		    "name=\"C:\\Users\\jsmith\\Desktop\\x.pdf\"", "x.pdf" },
		{ "Content-Type: application/pdf\nContent-Disposition: "
		    "attachment;\n filename=\"C:\\\\Users\\\\j\\\\y.pdf\"",
		    "y.pdf" },
		{ "Content-Type: application/pdf\nContent-Disposition: "
		    "attachment; filename=C:\\tmp\\z.pdf", "z.pdf" },
		{ "Content-Type: image/jpeg; name=/home/j/evidence.jpg",
		    "evidence.jpg" },
		{ "Content-Type: image/jpeg; name=\"..\\\\..\\\\a b.jpg\"",
		    "a b.jpg" },
		{ "Content-Type: application/pdf; name=\"C:x.pdf\"", "x.pdf" },
		{ "Content-Type: application/pdf\nContent-Disposition: "
		    "attachment; filename*=UTF-8''C%3A%5CUsers%5Cj%5C"
		    "r%C3%A9sum%C3%A9.pdf", "r\xc3\xa9sum\xc3\xa9.pdf" },
		{ "Content-Type: application/pdf\nContent-Disposition: "
		    "attachment; filename*0=\"C:\\Users\\jsmith\";\n "
		    "filename*1=\"\\w.pdf\"", "w.pdf" },
		{ "Content-Type: text/plain; "
		    "name=\"=?utf-8?B?Li4vLi4vZXRjL3Bhc3N3ZA==?=\"", "passwd" },
		{ "Content-Type: application/pdf; name=\"a\\\"b.pdf\"",
		    "a\"b.pdf" },
		/* Nothing left: a generated name. */
		{ "Content-Type: application/pdf; name=\"..\"",
		    "part-2.pdf" },
		{ "Content-Type: application/pdf; name=\"...\"",
		    "part-2.pdf" },
		{ "Content-Type: image/png; name=\"C:\"", "part-2.png" },
		{ "Content-Type: application/x-y; name=\"dir/\"",
		    "part-2.bin" },
		{ "Content-Type: text/plain; name=\"/ \"", "part-2.txt" },
		{ "Content-Type: message/rfc822; name=\"..\"\n\n"
		    "Subject: fwd\n", "part-2.eml" },
		/* No name given: none made up. */
		{ "Content-Type: image/png", "" },
		/* Bidirectional controls go. */
		{ "Content-Type: application/pdf; name=\"invoice"
		    "\xe2\x80\xae" "fdp.exe\"", "invoicefdp.exe" },
	};
	struct buf	 b = BUF_INIT;
	struct record	 r;
	char		 why[256];
	size_t		 i;

	for (i = 0; i < NM_NELEM(t); i++) {
		buf_reset(&b);
		buf_printf(&b, "Subject: n\nContent-Type: multipart/mixed; "
		    "boundary=m\n\n--m\n\ntext\n--m\n%s\n\nDATA\n--m--\n",
		    t[i].hdr);
		INT_EQ(extract(&r, b.data, b.len, why, sizeof(why)), 0);
		INT_EQ(r.nattach, 1);
		if (r.nattach == 1) {
			if (strcmp(r.attach[0].name, t[i].name) != 0)
				fprintf(stderr, "name case %zu\n", i);
			STR_EQ(r.attach[0].name, t[i].name);
		}
		record_free(&r);
	}
	buf_free(&b);
}

/* Bidirectional controls never reach a one-line field. */
static void
test_bidi(void)
{
	struct record	 r;
	char		 why[256];

	INT_EQ(EX(&r, "Subject: =?utf-8?q?a=E2=80=AEb=E2=81=A6c=E2=81=A9?=\n\n"
	    "x\n"), 0);
	STR_EQ(r.field[RECORD_TITLE], "abc");
	record_free(&r);
	INT_EQ(EX(&r, "Subject: raw \xe2\x80\xaa" "bidi\xe2\x80\xac\n\nx\n"),
	    0);
	STR_EQ(r.field[RECORD_TITLE], "raw bidi");
	record_free(&r);
	INT_EQ(EX(&r, "Subject: s\nContent-Type: text/plain; charset=utf-8\n"
	    "\nTitle: one \xe2\x80\xae" "two\n"
	    "Summary: \xe2\x81\xa7" "short\xe2\x81\xa9\n"
	    "Incident type: Foot\xe2\x80\xad pursuit\n"
	    "Region:\n\xe2\x80\xab" "Midwest\n"
	    "The story \xe2\x80\xae stays as written.\n"), 0);
	STR_EQ(r.field[RECORD_TITLE], "one two");
	STR_EQ(r.field[RECORD_SUMMARY], "short");
	STR_EQ(r.field[RECORD_INCIDENT_TYPE], "foot-pursuit");
	STR_EQ(r.field[RECORD_REGION], "midwest");
	STR_EQ(r.narrative, "The story \xe2\x80\xae stays as written.");
	record_free(&r);
	/* A value of bidirectional controls only is no value. */
	INT_EQ(EX(&r, "Subject: s\n\nTitle: \xe2\x80\xae\nx\n"), 0);
	STR_EQ(r.field[RECORD_TITLE], "s");
	STR_EQ(r.narrative, "Title: \xe2\x80\xae\nx");
	record_free(&r);
}

/* UTF-8: one U+FFFD per maximal invalid subpart, in text and subject. */
static void
test_utf8(void)
{
	static const struct {
		const char	*in;
		const char	*out;
	} t[] = {
		{ "a\xe2\x82x", "a\xef\xbf\xbdx" },
		{ "\xf0\x9f\x98x", "\xef\xbf\xbdx" },
		{ "\xf0\x9f\x98", "\xef\xbf\xbd" },
		{ "\xc3", "\xef\xbf\xbd" },
		{ "\xe0\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
		    "\xef\xbf\xbd" },
		{ "\xe1\x80\xe2\xf0\x91\x92\xf1\xbf\x41",
		    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\x41" },
		{ "\xc3\xa9", "\xc3\xa9" },
	};
	struct buf	 b = BUF_INIT, m = BUF_INIT;
	struct record	 r;
	char		 why[256];
	size_t		 i;

	for (i = 0; i < NM_NELEM(t); i++) {
		buf_reset(&b);
		INT_EQ(utf8_append(&b, t[i].in, strlen(t[i].in)),
		    strcmp(t[i].in, t[i].out) != 0);
		STR_EQ(b.data, t[i].out);
	}
	buf_reset(&b);
	INT_EQ(utf8_append(&b, "a\r\nb\tc\rd", 8), 0);
	STR_EQ(b.data, "a\nb\tc\nd");
	buf_reset(&b);
	INT_EQ(utf8_append(&b, "a\x0c" "b\xc2\x85", 5), 1);
	STR_EQ(b.data, "ab");
	/* In a body labelled UTF-8: never read as windows-1252. */
	buf_printf(&m, "Subject: =?UTF-8?Q?Caf=E9_=E2=82?=\n"
	    "Content-Type: text/plain; charset=\"UTF-8\"\n\n"
	    "Caf\xe9 \xe2\x82!\n");
	INT_EQ(extract(&r, m.data, m.len, why, sizeof(why)), 0);
	STR_EQ(r.field[RECORD_TITLE], "Caf\xef\xbf\xbd \xef\xbf\xbd");
	STR_EQ(r.narrative, "Caf\xef\xbf\xbd \xef\xbf\xbd!" RAW1("part-1.txt"));
	record_free(&r);
	/* An encoded word split inside a character stays whole. */
	INT_EQ(EX(&r, "Subject: =?utf-8?B?Q2Fmww==?= =?utf-8?B?qQ==?= x\n"
	    "\nb\n"), 0);
	STR_EQ(r.field[RECORD_TITLE], "Caf\xc3\xa9 x");
	record_free(&r);
	buf_free(&b);
	buf_free(&m);
}

/* ---- the header allowlist ---- */

/* Identifiers planted in headers that must not survive. */
static const char *const planted[] = {
	"203.0.113.77", "2001:db8::77", "mail.sender-host.example",
	"jdoe@agency.example", "J. Doe", "replyto@home.example",
	"bounce@provider.example", "abcdef123456@laptop.example",
	"dkim-selector-s1", "arc-seal-value", "Thunderbird/115.3.1",
	"Outlook-Mailer 16.0", "+0930", "14:23:05", "198.18.0.55",
	"X-Custom-Secret", "tracking-id-77",
};

static const char planted_msg[] =
    "Return-Path: <bounce@provider.example>\r\n"
    "Received: from mail.sender-host.example ([203.0.113.77])\r\n"
    "\tby mx.example.org with ESMTPS; Thu, 14 Mar 2024 14:23:05 +0930\r\n"
    "Received: from [2001:db8::77] by mail.sender-host.example\r\n"
    "DKIM-Signature: v=1; a=rsa-sha256; s=dkim-selector-s1;\r\n"
    " d=agency.example\r\n"
    "ARC-Seal: i=1; cv=none; b=arc-seal-value\r\n"
    "From: \"J. Doe\" <jdoe@agency.example>\r\n"
    "Sender: jdoe@agency.example\r\n"
    "Reply-To: replyto@home.example\r\n"
    "To: report@nearmiss.example.org\r\n"
    "Message-ID: <abcdef123456@laptop.example>\r\n"
    "Date: Thu, 14 Mar 2024 14:23:05 +0930\r\n"
    "User-Agent: Thunderbird/115.3.1\r\n"
    "X-Mailer: Outlook-Mailer 16.0\r\n"
    "X-Originating-IP: [198.18.0.55]\r\n"
    "X-Custom-Secret: tracking-id-77\r\n"
    "Subject: kept subject\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n"
    "The narrative is kept.\r\n";

static void
test_allowlist(void)
{
	static const char fold[] = "X-A: 1\n 2\nsubject : s\n t\n"
	    "not a field\n\tstray\nContent-type: text/plain";
	struct buf	 enc = BUF_INIT, red = BUF_INIT;
	struct record	 r;
	char		 why[256];
	size_t		 i, k;
	int		 found = 0;

	INT_EQ(mail_extract(&enc, planted_msg, sizeof(planted_msg) - 1, &cfg,
	    why, sizeof(why)), 0);
	for (i = 0; i < NM_NELEM(planted); i++)
		if (has(enc.data, enc.len, planted[i])) {
			fprintf(stderr, "planted %s survived\n", planted[i]);
			found++;
		}
	INT_EQ(found, 0);
	OK(has(enc.data, enc.len, "kept subject"));
	OK(has(enc.data, enc.len, "The narrative is kept."));
	buf_reset(&enc);

	/* Through the sandbox too. */
	INT_EQ(mail_parse(&r, planted_msg, sizeof(planted_msg) - 1, &cfg, why,
	    sizeof(why)), 0);
	STR_EQ(r.field[RECORD_TITLE], "kept subject");
	STR_EQ(r.narrative, "The narrative is kept.");
	INT_EQ(r.channel, RECORD_EMAIL);
	INT_EQ(r.consent, 1);
	record_free(&r);

	/* The quarantine record: header reduced, body as it is. */
	INT_EQ(mail_quarantine(&enc, planted_msg, sizeof(planted_msg) - 1), 0);
	INT_EQ(record_decode(&r, NULL, enc.data, enc.len), 0);
	INT_EQ(r.quarantined, 1);
	INT_EQ(r.consent, 0);
	STR_EQ(r.narrative, "");
	INT_EQ(r.nattach, 1);
	if (r.nattach == 1) {
		STR_EQ(r.attach[0].name, "message.eml");
		STR_EQ(r.attach[0].type, "message/rfc822");
		for (i = 0, found = 0; i < NM_NELEM(planted); i++)
			if (has(r.attach[0].data, r.attach[0].len,
			    planted[i]))
				found++;
		INT_EQ(found, 0);
		mail_header_reduce(&red, planted_msg,
		    sizeof(planted_msg) - 1);
		INT_EQ(r.attach[0].len, red.len);
		OK(red.len == r.attach[0].len && memcmp(red.data,
		    r.attach[0].data, red.len) == 0);
		STR_EQ(red.data, "Subject: kept subject\r\n"
		    "MIME-Version: 1.0\r\n"
		    "Content-Type: text/plain; charset=utf-8\r\n\r\n"
		    "The narrative is kept.\r\n");
	}
	record_free(&r);
	buf_reset(&enc);
	cap_start();
	k = (size_t)mail_quarantine(&enc, planted_msg, MAIL_MAX + 1);
	cap_end();
	INT_EQ((int)k, -1);

	/* Folded allowed fields keep their lines; others lose theirs. */
	buf_reset(&red);
	mail_header_reduce(&red, fold, strlen(fold));
	STR_EQ(red.data, "subject : s\n t\nContent-type: text/plain\r\n\r\n");
	buf_free(&enc);
	buf_free(&red);
}

/* ---- the corpus ---- */

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * A JSON value, just enough of JSON to read the corpus's parse results:
 * objects, arrays, strings (with \u escapes), numbers and literals.
 */
struct jv {
	int		 type;	/* 'o', 'a', 's', 'n', 'l' */
	char		*s;	/* a string's UTF-8 */
	size_t		 slen;
	double		 num;
	char		**keys;	/* an object's */
	struct jv	*v;	/* an object's or array's values */
	size_t		 n;
};

static void
jv_free(struct jv *j)
{
	size_t	 i;

	for (i = 0; i < j->n; i++) {
		jv_free(&j->v[i]);
		if (j->keys != NULL)
			free(j->keys[i]);
	}
	free(j->v);
	free(j->keys);
	free(j->s);
	memset(j, 0, sizeof(*j));
}

static const char *
jws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* Appends code point cp as UTF-8. */
static void
jput(struct buf *b, unsigned long cp)
{
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

static const char *jparse(struct jv *, const char *, const char *, int);

static const char *
jstring(struct buf *b, const char *p, const char *e)
{
	unsigned long	 cp, lo;
	char		 hex[5];

	if (p == e || *p != '"')
		return NULL;
	for (p++; p < e && *p != '"'; p++) {
		if (*p != '\\') {
			buf_addch(b, *p);
			continue;
		}
		if (++p == e)
			return NULL;
		switch (*p) {
		case 'n': buf_addch(b, '\n'); break;
		case 't': buf_addch(b, '\t'); break;
		case 'r': buf_addch(b, '\r'); break;
		case 'b': buf_addch(b, '\b'); break;
		case 'f': buf_addch(b, '\f'); break;
		case 'u':
			if (e - p < 5)
				return NULL;
			memcpy(hex, p + 1, 4);
			hex[4] = '\0';
			cp = strtoul(hex, NULL, 16);
			p += 4;
			if (cp >= 0xd800 && cp < 0xdc00 && e - p >= 7 &&
			    p[1] == '\\' && p[2] == 'u') {
				memcpy(hex, p + 3, 4);
				lo = strtoul(hex, NULL, 16);
				if (lo >= 0xdc00 && lo < 0xe000) {
					cp = 0x10000 + ((cp - 0xd800) << 10) +
					    (lo - 0xdc00);
					p += 6;
				}
			}
			jput(b, cp);
			break;
		default:
			buf_addch(b, *p);
			break;
		}
	}
	return p < e ? p + 1 : NULL;
}

static const char *
jparse(struct jv *j, const char *p, const char *e, int depth)
{
	struct buf	 b = BUF_INIT;
	char		*end;

	memset(j, 0, sizeof(*j));
	if (depth > 64 || (p = jws(p, e)) == e)
		return NULL;
	if (*p == '{' || *p == '[') {
		j->type = *p == '{' ? 'o' : 'a';
		p = jws(p + 1, e);
		if (p < e && (*p == '}' || *p == ']'))
			return p + 1;
		for (;;) {
			j->v = xreallocarray(j->v, j->n + 1, sizeof(*j->v));
			if (j->type == 'o') {
				j->keys = xreallocarray(j->keys, j->n + 1,
				    sizeof(*j->keys));
				buf_init(&b);
				if ((p = jstring(&b, jws(p, e), e)) == NULL) {
					buf_free(&b);
					return NULL;
				}
				j->keys[j->n] = buf_detach(&b, NULL);
				p = jws(p, e);
				if (p == e || *p != ':') {
					j->v[j->n++].n = 0;
					return NULL;
				}
				p++;
			}
			memset(&j->v[j->n], 0, sizeof(j->v[0]));
			p = jparse(&j->v[j->n++], p, e, depth + 1);
			if (p == NULL || (p = jws(p, e)) == e)
				return NULL;
			if (*p == ',') {
				p++;
				continue;
			}
			if (*p == (j->type == 'o' ? '}' : ']'))
				return p + 1;
			return NULL;
		}
	}
	if (*p == '"') {
		j->type = 's';
		p = jstring(&b, p, e);
		j->s = buf_detach(&b, &j->slen);
		return p;
	}
	if (*p == '-' || (*p >= '0' && *p <= '9')) {
		j->type = 'n';
		j->num = strtod(p, &end);
		return end;
	}
	j->type = 'l';
	while (p < e && *p >= 'a' && *p <= 'z')
		p++;
	return p;
}

static const struct jv *
jget(const struct jv *j, const char *key)
{
	size_t	 i;

	if (j == NULL || j->type != 'o')
		return NULL;
	for (i = 0; i < j->n; i++)
		if (strcmp(j->keys[i], key) == 0)
			return &j->v[i];
	return NULL;
}

/*
 * The comparison's normal form: CR LF and lone CR as LF, control
 * characters dropped (the extractor drops them), trailing blanks of
 * each line dropped, blank lines at the ends dropped and runs of blank
 * lines made one.
 */
static void
norm(struct buf *out, const char *s, size_t len)
{
	struct buf	 t = BUF_INIT;
	size_t		 i, start, blank = 0, base = out->len;

	utf8_append(&t, s, len);
	for (i = 0; i < t.len; i = start) {
		start = i;
		while (start < t.len && t.data[start] != '\n')
			start++;
		len = start - i;
		while (len > 0 && (t.data[i + len - 1] == ' ' ||
		    t.data[i + len - 1] == '\t'))
			len--;
		if (start < t.len)
			start++;
		if (len == 0) {
			blank = out->len > base;
			continue;
		}
		if (out->len > base)
			buf_addstr(out, blank ? "\n\n" : "\n");
		blank = 0;
		buf_add(out, t.data + i, len);
	}
	buf_free(&t);
}

/*
 * Messages whose text differs from the reference parser's, on purpose;
 * each with the reason.  Everything else must match.
 */
static const struct {
	const char	*name;
	const char	*why;
} exceptions[] = {
	{ "legacy/052", "no charset, 8-bit Latin-1: read as windows-1252 "
	    "(the reference gives U+FFFD)" },
	{ "malformed/005", "boundaries that are prefixes of each other: "
	    "libetpan splits them otherwise" },
	{ "malformed/008", "an HTML part after the text in a mixed "
	    "multipart: we add its text, the reference lists it as an "
	    "attachment" },
	{ "malformed/009", "a nested boundary closed by the outer one: "
	    "libetpan ends the inner part there (RFC 2046 5.1.2)" },
	{ "malformed/011", "as malformed/009" },
	{ "malformed/013", "a multipart without its close delimiter: "
	    "libetpan cannot split it; kept raw as unparsed-part.txt" },
	{ "malformed/014", "as malformed/013" },
	{ "malformed/016", "refused: a boundary longer than 70 characters "
	    "(RFC 2046)" },
	{ "malformed/019", "a header broken by bytes from elsewhere: "
	    "libetpan reads a different structure" },
	{ "malformed/020", "refused: two Content-Type fields in a part, "
	    "one multipart (which one libetpan takes decides the nesting)" },
	{ "malformed/021", "as malformed/020" },
	{ "thirdparty/000", "a multipart/alternative of three text/plain "
	    "parts: we keep the first alternative, not all three" },
	{ "thirdparty/001", "as thirdparty/000" },
	{ "thirdparty/002", "base64 with text after its padding: both "
	    "decode it to garbage (padded quanta may follow each other), "
	    "but the reference drops a last quantum without its padding, "
	    "which we decode; we keep the part as it came, too" },
	{ "thirdparty/005", "as thirdparty/000" },
};

static const char *
exception(const char *name)
{
	size_t	 i;

	for (i = 0; i < NM_NELEM(exceptions); i++)
		if (strcmp(exceptions[i].name, name) == 0)
			return exceptions[i].why;
	return NULL;
}

/*
 * One corpus message: the sandboxed parse must give 0, a rejection or a
 * child failure (then the quarantine record must be made); and where
 * the reference has text parts, the extracted text must match them.
 * Counts into n[]: 0 parsed, 1 rejected, 2 quarantined, 3 compared,
 * 4 matched, 5 excepted, 6 HTML-only.
 */
static void
corpus_one(const char *dir, const char *sub, const char *base, size_t *n)
{
	struct buf	 msg = BUF_INIT, js = BUF_INIT, want = BUF_INIT;
	struct buf	 got = BUF_INIT, text = BUF_INIT, q = BUF_INIT;
	struct record	 r;
	struct jv	 j;
	const struct jv	*tb, *parts, *body, *t;
	char		 path[1024], name[64], why[256];
	const char	*ex;
	size_t		 i, ntext = 0, nhtml = 0;
	int		 rc;

	memset(&j, 0, sizeof(j));
	snprintf(name, sizeof(name), "%s/%.*s", sub,
	    (int)(strlen(base) - 4), base);
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, base) >=
	    sizeof(path) || file_read(&msg, path, MAIL_MAX * 2) != 0) {
		OK(0);
		goto out;
	}
	rc = mail_parse(&r, msg.data, msg.len, &cfg, why, sizeof(why));
	OK(rc == 0 || rc == MAIL_EREJECT || rc == MAIL_ECHILD);
	if (rc != MAIL_EREJECT)
		OK(libetpan_depth(msg.data, msg.len) <= MAIL_DEPTH_MAX);
	if (rc == 0) {
		n[0]++;
		record_free(&r);
	} else if (rc == MAIL_EREJECT) {
		n[1]++;
		OK(why[0] != '\0' && strchr(why, '\n') == NULL);
	} else if (rc == MAIL_ECHILD) {
		n[2]++;
		INT_EQ(mail_quarantine(&q, msg.data, msg.len), 0);
	}

	if ((size_t)snprintf(path, sizeof(path), "%s/%.*s.json", dir,
	    (int)(strlen(base) - 4), base) >= sizeof(path) ||
	    file_read(&js, path, 16 * MIB) != 0 ||
	    jparse(&j, js.data, js.data + js.len, 0) == NULL) {
		fprintf(stderr, "%s: cannot read the JSON\n", path);
		OK(0);
		goto out;
	}
	tb = jget(&j, "text_body");
	parts = jget(&j, "parts");
	for (i = 0; tb != NULL && parts != NULL && i < tb->n; i++) {
		if ((size_t)tb->v[i].num >= parts->n)
			continue;
		body = jget(&parts->v[(size_t)tb->v[i].num], "body");
		if ((t = jget(body, "Text")) != NULL && t->type == 's') {
			if (text.len > 0)
				buf_addch(&text, '\n');
			norm(&text, t->s, t->slen);
			ntext++;
		} else if (jget(body, "Html") != NULL)
			nhtml++;
	}
	if (ntext == 0 || nhtml > 0) {
		if (nhtml > 0) {
			/* HTML only: some text, and no markup in it. */
			n[6]++;
			OK(mail_body_text(&got, msg.data, msg.len) == 0);
			OK(rc != 0 || (got.len > 0 &&
			    strstr(got.data, "<p") == NULL &&
			    strstr(got.data, "<div") == NULL &&
			    strstr(got.data, "<html") == NULL));
		}
		goto out;
	}
	n[3]++;
	norm(&want, text.data, text.len);
	buf_reset(&text);
	OK(mail_body_text(&text, msg.data, msg.len) == 0);
	norm(&got, text.data, text.len);
	ex = exception(name);
	if (rc != MAIL_EREJECT && want.len == got.len &&
	    memcmp(want.data, got.data, got.len) == 0) {
		n[4]++;
		OK(1);
		if (ex != NULL)
			fprintf(stderr, "corpus: %s matches now; take it off "
			    "the exceptions\n", name);
	} else if (ex != NULL) {
		n[5]++;
		OK(1);
	} else {
		fprintf(stderr, "corpus: %s: text does not match the "
		    "reference%s\n", name, rc == MAIL_EREJECT ?
		    " (rejected)" : "");
		OK(0);
	}
out:
	jv_free(&j);
	buf_free(&msg);
	buf_free(&js);
	buf_free(&want);
	buf_free(&got);
	buf_free(&text);
	buf_free(&q);
}

static void
test_corpus(void)
{
	static const char *const subs[] = {
		"legacy", "malformed", "rfc", "thirdparty",
	};
	struct dirent	*de;
	DIR		*d;
	char		 dir[1024], **names = NULL;
	size_t		 n[7] = { 0 }, i, k, nn, total = 0;
	double		 t0;

	t0 = cpu_now();
	for (i = 0; i < NM_NELEM(subs); i++) {
		snprintf(dir, sizeof(dir), "%s/tests/mime-corpus/%s", top,
		    subs[i]);
		if ((d = opendir(dir)) == NULL) {
			fprintf(stderr, "%s: cannot open\n", dir);
			OK(0);
			continue;
		}
		nn = 0;
		while ((de = readdir(d)) != NULL)
			if (strlen(de->d_name) > 4 && strcmp(de->d_name +
			    strlen(de->d_name) - 4, ".eml") == 0) {
				names = xreallocarray(names, nn + 1,
				    sizeof(*names));
				names[nn++] = xstrdup(de->d_name);
			}
		closedir(d);
		qsort(names, nn, sizeof(*names), cmpstr);
		for (k = 0; k < nn; k++) {
			corpus_one(dir, subs[i], names[k], n);
			free(names[k]);
		}
		total += nn;
	}
	free(names);
	INT_EQ(total, 107);
	INT_EQ(n[0] + n[1] + n[2], total);
	printf("corpus: %zu messages: %zu parsed, %zu rejected, %zu "
	    "quarantined; text compared for %zu: %zu match, %zu differ on "
	    "purpose (listed); %zu HTML-only checked; cpu %.2f s\n", total,
	    n[0], n[1], n[2], n[3], n[4], n[5], n[6], cpu_now() - t0);
	/* The exceptions list stays short. */
	OK(n[5] <= NM_NELEM(exceptions) && n[4] >= 70);
}

int
main(int argc, char *argv[])
{
	struct buf	 ini = BUF_INIT;
	char		 path[1024], self[1024], *p;
	int		 i;

	(void)argc;
	if (sodium_init() == -1)
		return 1;
	/* The tree's top: $TOP, else O/.. for O/tests/test_mime. */
	if (getenv("TOP") != NULL)
		top = getenv("TOP");
	else if (strlen(argv[0]) + 4 < sizeof(self)) {
		memcpy(self, argv[0], strlen(argv[0]) + 1);
		for (i = 0; i < 2 && (p = strrchr(self, '/')) != NULL; i++)
			*p = '\0';
		if (i < 2)
			memcpy(self, ".", 2);
		strlcat_(self, "/..", sizeof(self));
		top = self;
	}
	snprintf(path, sizeof(path), "%s/content/nearmiss.ini", top);
	if (file_read(&ini, path, MIB) != 0 ||
	    config_parse(&cfg, path, ini.data, ini.len) != 0) {
		fprintf(stderr, "run from the top of the tree, or set TOP\n");
		return 1;
	}
	test_precheck();
	test_known_bad();
	test_echild();
	test_subject();
	test_bodies();
	test_template();
	test_attachments();
	test_overflow();
	test_consent();
	test_base64();
	test_eol();
	test_rawparts();
	test_empty();
	test_names();
	test_bidi();
	test_utf8();
	test_allowlist();
	test_corpus();
	config_free(&cfg);
	buf_free(&ini);
	return DONE("test_mime");
}
