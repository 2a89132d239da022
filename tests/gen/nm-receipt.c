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
 * nm-receipt: receipt codes for the shell and browser suites.
 *	nm-receipt CODE...	prints, per argument, the hex SHA-256 that
 *				receipt_hash() gives, or "invalid"
 *	nm-receipt -n N		makes N new codes: "CODE HASH" per line
 * The status suites use it so that the C normalisation is the reference
 * the page's script is checked against.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "receipt.h"

static void
hex(const unsigned char *h)
{
	size_t	 i;

	for (i = 0; i < RECEIPT_HASH_BYTES; i++)
		printf("%02x", h[i]);
}

int
main(int argc, char *argv[])
{
	unsigned char	 h[RECEIPT_HASH_BYTES];
	char		 code[RECEIPT_BUFSZ];
	long		 n, i;

	if (sodium_init() == -1)
		return 1;
	if (argc == 3 && strcmp(argv[1], "-n") == 0) {
		n = strtol(argv[2], NULL, 10);
		for (i = 0; i < n; i++) {
			receipt_make(code, h);
			printf("%s ", code);
			hex(h);
			putchar('\n');
		}
		return fflush(stdout) == 0 ? 0 : 1;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: nm-receipt CODE... | -n N\n");
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (receipt_hash(argv[i], h) == 0)
			hex(h);
		else
			fputs("invalid", stdout);
		putchar('\n');
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
