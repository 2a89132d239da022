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
 * Receipt codes: making them and hashing a typed one (receipt.h holds
 * the normalisation that the status page's script repeats).
 */

#include <string.h>

#include <sodium.h>

#include "receipt.h"

static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

void
receipt_make(char out[RECEIPT_BUFSZ], unsigned char hash[RECEIPT_HASH_BYTES])
{
	char	 raw[RECEIPT_CHARS];
	size_t	 i, o = 0;

	for (i = 0; i < RECEIPT_CHARS; i++)
		raw[i] = b32[randombytes_uniform(32)];
	crypto_hash_sha256(hash, (const unsigned char *)raw, sizeof(raw));
	for (i = 0; i < RECEIPT_CHARS; i++) {
		if (i > 0 && i % 4 == 0)
			out[o++] = '-';
		out[o++] = raw[i];
	}
	out[o] = '\0';
	sodium_memzero(raw, sizeof(raw));
}

int
receipt_hash(const char *typed, unsigned char hash[RECEIPT_HASH_BYTES])
{
	char		 norm[RECEIPT_CHARS];
	const char	*p;
	size_t		 n = 0;
	int		 c, rc = -1;

	memset(hash, 0, RECEIPT_HASH_BYTES);
	for (p = typed; *p != '\0'; p++) {
		c = (unsigned char)*p;
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
		    c == '-')
			continue;
		if (c >= 'a' && c <= 'z')
			c -= 'a' - 'A';
		if (!((c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7')))
			goto out;
		if (n == RECEIPT_CHARS)
			goto out;
		norm[n++] = (char)c;
	}
	if (n != RECEIPT_CHARS)
		goto out;
	crypto_hash_sha256(hash, (const unsigned char *)norm, sizeof(norm));
	rc = 0;
out:
	sodium_memzero(norm, sizeof(norm));
	return rc;
}
