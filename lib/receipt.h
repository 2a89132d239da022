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
 * Receipt codes: the one thing a submitter takes away.  A code is 100
 * random bits written as 20 base32 characters (RFC 4648 alphabet,
 * A-Z and 2-7) in five groups of four, "ABCD-EFGH-IJKL-MNOP-QRST".
 * Only its SHA-256 is kept (in the record, and later in
 * content/receipts); the code itself is shown once and wiped.
 */

#ifndef NM_RECEIPT_H
#define NM_RECEIPT_H

#define RECEIPT_CHARS	20	/* base32 characters: 100 bits */
#define RECEIPT_BUFSZ	(RECEIPT_CHARS + RECEIPT_CHARS / 4)	/* + NUL */
#define RECEIPT_HASH_BYTES 32	/* SHA-256, as RECORD_RECEIPT_BYTES */

/*
 * Draws a new code from the system CSPRNG and writes it to out
 * (RECEIPT_BUFSZ bytes: 20 characters, 4 dashes, NUL) and the SHA-256
 * of its normalised form (see receipt_hash()) to hash.  Cannot fail.
 */
void	receipt_make(char out[RECEIPT_BUFSZ],
	    unsigned char hash[RECEIPT_HASH_BYTES]);

/*
 * Normalises a code a person typed and writes the SHA-256 of the
 * normalised form to hash.  The normalisation, which the public status
 * page's script must reproduce exactly, is, byte by byte over the
 * NUL-terminated input:
 *
 *	- a space (0x20), tab (0x09), carriage return (0x0d), line feed
 *	  (0x0a) or hyphen-minus (0x2d) is dropped, wherever it is;
 *	- a lowercase ASCII letter a-z becomes uppercase;
 *	- A-Z and 2-7 are kept;
 *	- any other byte (0, 1, 8, 9, other punctuation, any non-ASCII
 *	  byte) makes the code ill-formed: look-alikes are not guessed.
 *
 * The result must be exactly RECEIPT_CHARS characters; the hash is
 * SHA-256 over those 20 ASCII bytes (no dashes, no terminator), so
 * "abcd efgh-ijkl mnop qrst" and "ABCDEFGHIJKLMNOPQRST" hash alike, to
 * 40800c4dc7925aa3ce2bd450f0b46efe056dbf5f4a83844555a43564b680a8ae.
 * Returns 0, or -1 (not logged: typed input) if typed is not a
 * well-formed code, in which case hash is zeroed.
 */
int	receipt_hash(const char *typed, unsigned char hash[RECEIPT_HASH_BYTES]);

#endif /* NM_RECEIPT_H */
