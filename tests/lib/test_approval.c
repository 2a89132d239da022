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
 * Unit tests of lib/approval.c: the signed message, signing and checking,
 * the strict parser (every error with its "path:line: message"), the caps,
 * the sorted writer and the round trip, approvals_set(), and the count of
 * valid, duplicate, void, unknown and forged lines.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "approval.h"
#include "buf.h"
#include "harness.h"
#include "keys.h"
#include "log.h"
#include "nm.h"
#include "recipients.h"

#define ID	"2024-0007"
#define BLOB	"5dc65349055505df1b271c24ea4c8650482bdea3"
#define BLOB2	"0123456789abcdef0123456789abcdef01234567"

static struct keypair	*ka, *kb, *kc;
static struct recipient	 rv[2];

static void	 line_of(struct buf *, const struct keypair *, const char *,
		    const char *);
static int	 parse(const char *, size_t, struct approvals *,
		    const char **);
static void	 bad(const char *, size_t, const char *);
static void	 test_message(void);
static void	 test_sign(void);
static void	 test_parse(void);
static void	 test_errors(void);
static void	 test_caps(void);
static void	 test_format(void);
static void	 test_count(void);
static void	 test_load(void);

/* Appends the line of k's approval of (id, blob). */
static void
line_of(struct buf *b, const struct keypair *k, const char *id,
    const char *blob)
{
	struct approvals as;
	struct approval	 a;

	memset(&as, 0, sizeof(as));
	if (approval_sign(&a, k, id, blob) != 0)
		abort();
	approvals_set(&as, &a);
	approvals_format(b, &as);
	approvals_free(&as);
}

/* Parses text with its messages captured into *err. */
static int
parse(const char *text, size_t len, struct approvals *as, const char **err)
{
	int	 rc;

	cap_start();
	rc = approvals_parse(as, "t/approvals", text, len);
	*err = cap_end();
	return rc;
}

/* text must be refused with exactly msg ("t/approvals:N: ...\n"). */
static void
bad(const char *text, size_t len, const char *msg)
{
	struct approvals as;
	const char	*err;

	INT_EQ(parse(text, len, &as, &err), -1);
	STR_EQ(err, msg);
	approvals_free(&as);
}

static void
test_message(void)
{
	struct buf	 b = BUF_INIT;

	approval_message(&b, ID, BLOB);
	STR_EQ(b.data, "nearmiss-approval-v1\n2024-0007\n" BLOB "\n");
	INT_EQ(b.len, 21 + 10 + 41);
	buf_free(&b);
	OK(approval_blob_ok(BLOB));
	OK(!approval_blob_ok(""));
	OK(!approval_blob_ok("5DC65349055505DF1B271C24EA4C8650482BDEA3"));
	OK(!approval_blob_ok(BLOB "0"));
	OK(!approval_blob_ok("5dc65349055505df1b271c24ea4c8650482bdea"));
	OK(!approval_blob_ok("5dc65349055505df1b271c24ea4c8650482bdeag"));
}

static void
test_sign(void)
{
	struct approval	 a, b;
	struct buf	 msg = BUF_INIT;
	const char	*err;

	OK(approval_sign(&a, ka, ID, BLOB) == 0);
	STR_EQ(a.name, "alice");
	STR_EQ(a.blob, BLOB);
	INT_EQ(a.line, 0);
	/* The signature is over the documented message, nothing else. */
	approval_message(&msg, ID, BLOB);
	INT_EQ(crypto_sign_verify_detached(a.sig,
	    (unsigned char *)msg.data, msg.len, ka->sign_pk), 0);
	buf_free(&msg);
	OK(approval_verify(&a, ka->sign_pk, ID));
	OK(!approval_verify(&a, kb->sign_pk, ID));
	OK(!approval_verify(&a, ka->sign_pk, "2024-0008"));
	b = a;
	memcpy(b.blob, BLOB2, sizeof(b.blob));
	OK(!approval_verify(&b, ka->sign_pk, ID));
	b = a;
	b.sig[10] ^= 1;
	OK(!approval_verify(&b, ka->sign_pk, ID));
	b = a;
	b.sig[63] ^= 0x80;
	OK(!approval_verify(&b, ka->sign_pk, ID));
	/* Deterministic: the same approval twice is the same line. */
	OK(approval_sign(&b, ka, ID, BLOB) == 0);
	OK(memcmp(a.sig, b.sig, sizeof(a.sig)) == 0);
	/* Malformed ids and blobs are refused before signing. */
	cap_start();
	INT_EQ(approval_sign(&b, ka, "../x", BLOB), -1);
	INT_EQ(approval_sign(&b, ka, ID, "HEAD"), -1);
	INT_EQ(approval_sign(&b, ka, "", BLOB), -1);
	err = cap_end();
	OK(strstr(err, "\"../x\": not a report id") != NULL);
	OK(strstr(err, "\"HEAD\": not a blob id") != NULL);
	OK(!approval_verify(&a, ka->sign_pk, "../x"));
}

static void
test_parse(void)
{
	struct approvals as;
	struct buf	 b = BUF_INIT;
	const char	*err;

	/* Empty: no approvals, no error. */
	INT_EQ(parse("", 0, &as, &err), 0);
	INT_EQ(as.n, 0);
	STR_EQ(err, "");
	approvals_free(&as);
	/* Unsorted, and a reviewer twice: both kept, line numbers set. */
	line_of(&b, kb, ID, BLOB);
	line_of(&b, ka, ID, BLOB);
	line_of(&b, ka, ID, BLOB2);
	INT_EQ(parse(b.data, b.len, &as, &err), 0);
	STR_EQ(err, "");
	INT_EQ(as.n, 3);
	STR_EQ(as.v[0].name, "bob");
	STR_EQ(as.v[1].name, "alice");
	STR_EQ(as.v[2].blob, BLOB2);
	INT_EQ(as.v[2].line, 3);
	OK(approval_verify(&as.v[0], kb->sign_pk, ID));
	approvals_free(&as);
	approvals_free(NULL);
	buf_free(&b);
}

static void
test_errors(void)
{
	struct buf	 ok = BUF_INIT, t = BUF_INIT;
	const char	*err;
	char		*l, *sig;
	size_t		 n;

	line_of(&ok, ka, ID, BLOB);
	n = ok.len;
	l = ok.data;
	sig = strrchr(l, ' ') + 1;

	bad("\n", 1, "t/approvals:1: empty line (expected \"REVIEWER "
	    "BLOBID SIGNATURE\")\n");
	bad(l, n - 1, "t/approvals:1: no newline at the end of the line "
	    "(truncated?)\n");
	buf_reset(&t);
	buf_add(&t, l, n);
	buf_add(&t, l, 20);
	bad(t.data, t.len, "t/approvals:2: no newline at the end of the "
	    "line (truncated?)\n");
	bad("alice\0x\n", 8, "t/approvals:1: contains a NUL byte\n");
	buf_reset(&t);
	buf_add(&t, l, n - 1);
	buf_addstr(&t, "\r\n");
	bad(t.data, t.len, "t/approvals:1: contains a carriage return\n");
	bad("alice " BLOB "\n", 47, "t/approvals:1: expected three fields "
	    "\"REVIEWER BLOBID SIGNATURE\" separated by single spaces\n");
	buf_reset(&t);
	buf_add(&t, l, n - 1);
	buf_addstr(&t, " x\n");
	bad(t.data, t.len, "t/approvals:1: expected three fields "
	    "\"REVIEWER BLOBID SIGNATURE\" separated by single spaces\n");
	buf_reset(&t);
	buf_addstr(&t, "alice  ");
	buf_add(&t, l + 6, n - 6);
	bad(t.data, t.len, "t/approvals:1: expected three fields "
	    "\"REVIEWER BLOBID SIGNATURE\" separated by single spaces\n");
	buf_reset(&t);
	buf_printf(&t, "-alice %s", l + 6);
	bad(t.data, t.len, "t/approvals:1: bad reviewer name (1 to 64 "
	    "letters, digits, '.', '_' or '-', starting with a letter or "
	    "digit)\n");
	buf_reset(&t);
	buf_printf(&t, "al/ce %s", l + 6);
	bad(t.data, t.len, "t/approvals:1: bad reviewer name (1 to 64 "
	    "letters, digits, '.', '_' or '-', starting with a letter or "
	    "digit)\n");
	buf_reset(&t);
	buf_printf(&t, "alice %s0 %s", BLOB, sig);
	bad(t.data, t.len, "t/approvals:1: bad blob id (expected 40 "
	    "lowercase hex digits)\n");
	buf_reset(&t);
	buf_printf(&t, "alice 5DC65349055505df1b271c24ea4c8650482bdea3 %s",
	    sig);
	bad(t.data, t.len, "t/approvals:1: bad blob id (expected 40 "
	    "lowercase hex digits)\n");
	/* Signatures: short, long, alphabet, padding, leftover bits. */
	buf_reset(&t);
	buf_printf(&t, "alice %s %.80s\n", BLOB, sig);
	bad(t.data, t.len, "t/approvals:1: bad signature (expected 88 "
	    "characters of standard base64 with padding: 64 bytes)\n");
	buf_reset(&t);
	buf_printf(&t, "alice %s %.88sAAAA\n", BLOB, sig);
	bad(t.data, t.len, "t/approvals:1: bad signature (expected 88 "
	    "characters of standard base64 with padding: 64 bytes)\n");
	buf_reset(&t);
	buf_printf(&t, "alice %s -%.87s\n", BLOB, sig + 1);
	bad(t.data, t.len, "t/approvals:1: bad signature (expected 88 "
	    "characters of standard base64 with padding: 64 bytes)\n");
	buf_reset(&t);
	buf_printf(&t, "alice %s _%.87s\n", BLOB, sig + 1);
	bad(t.data, t.len, "t/approvals:1: bad signature (expected 88 "
	    "characters of standard base64 with padding: 64 bytes)\n");
	buf_reset(&t);
	buf_printf(&t, "alice %s %.86s===\n", BLOB, sig);
	bad(t.data, t.len, "t/approvals:1: bad signature (expected 88 "
	    "characters of standard base64 with padding: 64 bytes)\n");
	buf_reset(&t);
	buf_printf(&t, "alice %s %.86s\n", BLOB, sig);
	bad(t.data, t.len, "t/approvals:1: bad signature (expected 88 "
	    "characters of standard base64 with padding: 64 bytes)\n");
	/* The last character's 4 leftover bits not zero: another spelling. */
	{
		static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789+/";
		struct approvals as;
		const char	*p;

		buf_reset(&t);
		buf_printf(&t, "alice %s %s", BLOB, sig);
		p = strchr(alpha, t.data[t.len - 4]);
		t.data[t.len - 4] = alpha[(p - alpha) ^ 1];
		INT_EQ(parse(t.data, t.len, &as, &err), -1);
		OK(strncmp(err, "t/approvals:1: bad signature (", 30) == 0);
		approvals_free(&as);
	}
	/* Several errors: each is reported with its line. */
	buf_reset(&t);
	buf_addstr(&t, "x\n");
	buf_add(&t, l, n);
	buf_addstr(&t, "\n");
	bad(t.data, t.len, "t/approvals:1: expected three fields "
	    "\"REVIEWER BLOBID SIGNATURE\" separated by single spaces\n"
	    "t/approvals:3: empty line (expected \"REVIEWER BLOBID "
	    "SIGNATURE\")\n");
	buf_free(&ok);
	buf_free(&t);
}

static void
test_caps(void)
{
	struct approvals as;
	struct buf	 l = BUF_INIT, t = BUF_INIT;
	const char	*err;
	size_t		 i;

	line_of(&l, ka, ID, BLOB);
	for (i = 0; i < APPROVALS_MAX; i++)
		buf_add(&t, l.data, l.len);
	INT_EQ(parse(t.data, t.len, &as, &err), 0);
	INT_EQ(as.n, APPROVALS_MAX);
	approvals_free(&as);
	buf_add(&t, l.data, l.len);
	bad(t.data, t.len, "t/approvals:257: more than 256 approvals\n");
	buf_reset(&t);
	buf_grow(&t, APPROVALS_FILE_MAX + 1);
	memset(t.data, '\n', APPROVALS_FILE_MAX + 1);
	bad(t.data, APPROVALS_FILE_MAX + 1,
	    "t/approvals: larger than 65536 bytes\n");
	/* A 64-byte name is the longest line. */
	buf_reset(&t);
	buf_printf(&t, "%.64s%s", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", strchr(l.data, ' '));
	INT_EQ(t.len, 195);
	INT_EQ(parse(t.data, t.len, &as, &err), 0);
	approvals_free(&as);
	buf_reset(&t);
	buf_printf(&t, "a%.64s%s", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", strchr(l.data, ' '));
	bad(t.data, t.len, "t/approvals:1: line longer than 194 bytes\n");
	buf_free(&l);
	buf_free(&t);
}

static void
test_format(void)
{
	struct approvals as, back;
	struct approval	 a;
	struct buf	 b = BUF_INIT, c = BUF_INIT;
	const char	*err;

	memset(&as, 0, sizeof(as));
	approvals_format(&b, &as);
	INT_EQ(b.len, 0);
	/* approvals_set: one line per reviewer, the newest. */
	OK(approval_sign(&a, kb, ID, BLOB2) == 0);
	approvals_set(&as, &a);
	OK(approval_sign(&a, ka, ID, BLOB2) == 0);
	approvals_set(&as, &a);
	OK(approval_sign(&a, kb, ID, BLOB) == 0);
	approvals_set(&as, &a);
	INT_EQ(as.n, 2);
	approvals_format(&b, &as);
	/* Sorted by name; parse(format(x)) gives x back. */
	OK(strncmp(b.data, "alice " BLOB2 " ", 47) == 0);
	OK(strstr(b.data, "\nbob " BLOB " ") != NULL);
	INT_EQ(parse(b.data, b.len, &back, &err), 0);
	approvals_format(&c, &back);
	STR_EQ(c.data, b.data);
	approvals_free(&back);
	/* Exact duplicates are written once; order does not matter. */
	buf_reset(&c);
	buf_add(&c, b.data, b.len);
	buf_add(&c, b.data, b.len);
	INT_EQ(parse(c.data, c.len, &back, &err), 0);
	INT_EQ(back.n, 4);
	buf_reset(&c);
	approvals_format(&c, &back);
	STR_EQ(c.data, b.data);
	approvals_free(&back);
	approvals_free(&as);
	buf_free(&b);
	buf_free(&c);
}

static void
test_count(void)
{
	struct approvals as;
	struct approval_count c;
	struct approval	 a;
	struct buf	 b = BUF_INIT;

	memset(&as, 0, sizeof(as));
	approvals_count(&c, &as, rv, 2, ID, BLOB);
	INT_EQ(c.valid, 0);
	approval_count_details(&b, &c);
	STR_EQ(b.data, "");
	/* One each of: valid, duplicate, void, unknown, forged. */
	OK(approval_sign(&a, ka, ID, BLOB) == 0);
	as.v = xreallocarray(NULL, 8, sizeof(*as.v));
	as.v[as.n++] = a;
	as.v[as.n++] = a;				/* dup */
	OK(approval_sign(&a, kb, ID, BLOB2) == 0);
	as.v[as.n++] = a;				/* void */
	OK(approval_sign(&a, kc, ID, BLOB) == 0);
	as.v[as.n++] = a;				/* unknown */
	memcpy(a.name, "bob", 4);
	as.v[as.n++] = a;				/* forged */
	approvals_count(&c, &as, rv, 2, ID, BLOB);
	INT_EQ(c.valid, 1);
	INT_EQ(c.dup, 1);
	INT_EQ(c.void_, 1);
	INT_EQ(c.unknown, 1);
	INT_EQ(c.bad, 1);
	buf_reset(&b);
	approval_count_details(&b, &c);
	STR_EQ(b.data, "1 void: signed an earlier version; 1 by a key not "
	    "in reviewers; 1 with a bad signature; 1 more by a reviewer "
	    "already counted");
	/* Signed over another report id: forged for this one. */
	approvals_free(&as);
	OK(approval_sign(&a, kb, "2024-0008", BLOB) == 0);
	approvals_set(&as, &a);
	OK(approval_sign(&a, ka, ID, BLOB) == 0);
	approvals_set(&as, &a);
	approvals_count(&c, &as, rv, 2, ID, BLOB);
	INT_EQ(c.valid, 1);
	INT_EQ(c.bad, 1);
	/* Two distinct reviewers. */
	OK(approval_sign(&a, kb, ID, BLOB) == 0);
	approvals_set(&as, &a);
	approvals_count(&c, &as, rv, 2, ID, BLOB);
	INT_EQ(c.valid, 2);
	INT_EQ(c.bad + c.dup + c.void_ + c.unknown, 0);
	/* The same lines with no reviewers: nothing counts. */
	approvals_count(&c, &as, rv, 0, ID, BLOB);
	INT_EQ(c.valid, 0);
	INT_EQ(c.unknown, 2);
	/* A key listed under another name does not count for it. */
	approvals_count(&c, &as, rv + 1, 1, ID, BLOB);
	INT_EQ(c.valid, 1);
	INT_EQ(c.unknown, 1);
	approvals_free(&as);
	buf_free(&b);
}

static void
test_load(void)
{
	struct approvals as;
	struct buf	 b = BUF_INIT;
	char		 dir[] = "/tmp/test_approval.XXXXXX", path[64];
	const char	*err;
	FILE		*f;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/a", dir);
	INT_EQ(approvals_load(&as, path), 0);
	INT_EQ(as.n, 0);
	line_of(&b, kb, ID, BLOB);
	if ((f = fopen(path, "w")) == NULL || fwrite(b.data, 1, b.len, f) !=
	    b.len || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
	INT_EQ(approvals_load(&as, path), 0);
	INT_EQ(as.n, 1);
	approvals_free(&as);
	if ((f = fopen(path, "a")) == NULL || fputs("junk", f) == EOF ||
	    fclose(f) != 0) {
		perror(path);
		exit(1);
	}
	cap_start();
	INT_EQ(approvals_load(&as, path), -1);
	err = cap_end();
	OK(strstr(err, "/a:2: no newline at the end") != NULL);
	approvals_free(&as);
	unlink(path);
	rmdir(dir);
	buf_free(&b);
}

int
main(void)
{
	log_init("test_approval", LOG_TO_STDERR);
	if (sodium_init() == -1)
		return 1;
	if ((ka = keypair_new("alice")) == NULL ||
	    (kb = keypair_new("bob")) == NULL ||
	    (kc = keypair_new("carol")) == NULL)
		return 1;
	keypair_public(&rv[0], ka);
	keypair_public(&rv[1], kb);
	test_message();
	test_sign();
	test_parse();
	test_errors();
	test_caps();
	test_format();
	test_count();
	test_load();
	keypair_free(ka);
	keypair_free(kb);
	keypair_free(kc);
	return DONE("test_approval");
}
