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
 * Unit tests of lib/receipt.c: the shape of new codes, that a code
 * hashes back to the hash it came with, the normalisation of typed
 * codes (case, spaces, dashes), and what is refused.  A known vector
 * pins the hash so that the status page's script can test against it.
 */

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "harness.h"
#include "receipt.h"

/* SHA-256("ABCDEFGHIJKLMNOPQRST") */
static const char vector[] =
    "40800c4dc7925aa3ce2bd450f0b46efe056dbf5f4a83844555a43564b680a8ae";

static int
shape_ok(const char *c)
{
	size_t	 i;

	if (strlen(c) != RECEIPT_BUFSZ - 1)
		return 0;
	for (i = 0; c[i] != '\0'; i++) {
		if (i % 5 == 4) {
			if (c[i] != '-')
				return 0;
		} else if (!((c[i] >= 'A' && c[i] <= 'Z') ||
		    (c[i] >= '2' && c[i] <= '7')))
			return 0;
	}
	return 1;
}

static void
test_make(void)
{
	unsigned char	 h[RECEIPT_HASH_BYTES], h2[RECEIPT_HASH_BYTES];
	unsigned char	 prev[RECEIPT_HASH_BYTES];
	char		 code[RECEIPT_BUFSZ], lower[RECEIPT_BUFSZ];
	size_t		 i, j;
	int		 same = 0, shape = 1, back = 1;

	INT_EQ(RECEIPT_BUFSZ, 25);
	memset(prev, 0, sizeof(prev));
	for (i = 0; i < 1000; i++) {
		receipt_make(code, h);
		shape &= shape_ok(code);
		back &= receipt_hash(code, h2) == 0 &&
		    memcmp(h, h2, sizeof(h)) == 0;
		same += memcmp(h, prev, sizeof(h)) == 0;
		memcpy(prev, h, sizeof(h));
	}
	OK(shape);
	OK(back);
	INT_EQ(same, 0);
	/* Lowercase, as typed, gives the same hash. */
	receipt_make(code, h);
	for (j = 0; j < sizeof(code); j++)
		lower[j] = (code[j] >= 'A' && code[j] <= 'Z') ?
		    (char)(code[j] + 'a' - 'A') : code[j];
	OK(receipt_hash(lower, h2) == 0 && memcmp(h, h2, sizeof(h)) == 0);
}

static void
test_normalise(void)
{
	static const char *const same[] = {
		"ABCDEFGHIJKLMNOPQRST",
		"ABCD-EFGH-IJKL-MNOP-QRST",
		"abcd-efgh-ijkl-mnop-qrst",
		"  abcd efgh ijkl mnop qrst\n",
		"AbCd--EfGh\tIjKl\r\nMnOp - QrSt",
		"-A-B-C-D-E-F-G-H-I-J-K-L-M-N-O-P-Q-R-S-T-",
	};
	static const char *const bad[] = {
		"",
		"ABCD-EFGH-IJKL-MNOP-QRS",		/* 19 */
		"ABCD-EFGH-IJKL-MNOP-QRSTU",		/* 21 */
		"ABCD-EFGH-IJKL-MNOP-QRS0",		/* 0 is not O */
		"ABCD-EFGH-IJKL-MNOP-QRS1",		/* 1 is not I */
		"ABCD-EFGH-IJKL-MNOP-QRS8",
		"ABCD-EFGH-IJKL-MNOP-QRS9",
		"ABCD_EFGH_IJKL_MNOP_QRST",		/* underscores */
		"ABCD.EFGH.IJKL.MNOP.QRST",
		"ABCD-EFGH-IJKL-MNOP-QRS\xc3\x89",	/* E acute */
		"ABCD\xe2\x80\x93" "EFGH-IJKL-MNOP-QRST",	/* en dash */
		"ABCD\xc2\xa0" "EFGH-IJKL-MNOP-QRST",	/* no-break space */
		"ABCD-EFGH-IJKL-MNOP-QRST\v",		/* vertical tab */
	};
	unsigned char	 want[RECEIPT_HASH_BYTES], h[RECEIPT_HASH_BYTES];
	unsigned char	 zero[RECEIPT_HASH_BYTES];
	char		 hex[2 * RECEIPT_HASH_BYTES + 1];
	size_t		 i;

	memset(zero, 0, sizeof(zero));
	crypto_hash_sha256(want, (const unsigned char *)"ABCDEFGHIJKLMNOPQRST",
	    20);
	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		memset(h, 0x55, sizeof(h));
		OK(receipt_hash(same[i], h) == 0);
		if (memcmp(h, want, sizeof(h)) != 0)
			fprintf(stderr, "not the same hash: \"%s\"\n", same[i]);
		OK(memcmp(h, want, sizeof(h)) == 0);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(h, 0x55, sizeof(h));
		if (receipt_hash(bad[i], h) != -1)
			fprintf(stderr, "accepted: \"%s\"\n", bad[i]);
		INT_EQ(receipt_hash(bad[i], h), -1);
		OK(memcmp(h, zero, sizeof(h)) == 0);
	}
	/* The vector a script can check against. */
	OK(receipt_hash("abcd-efgh-ijkl-mnop-qrst", h) == 0);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	STR_EQ(hex, vector);
}

int
main(void)
{
	if (sodium_init() == -1)
		return 1;
	test_make();
	test_normalise();
	return DONE("test_receipt");
}
