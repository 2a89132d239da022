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
 * Opening an inbox item (nearmiss-inbox(5)) with a reviewer's secret
 * key.  Only nearmiss-review links this: the intake binary must not
 * contain crypto_box_seal_open.  The item is hostile input: the intake
 * host that wrote it may be compromised.
 */

#ifndef NM_OPEN_H
#define NM_OPEN_H

#include <stddef.h>

struct keypair;

/*
 * Checks the item (len bytes; its format, count and exact size), finds
 * the stream key sealed to kp, decrypts and authenticates the rest
 * (version, count and every sealed key included), checks that the
 * stream ends there and removes the padding.  name (the item's file
 * name, for messages) may be NULL.  Returns 0 and sets *out to the
 * plaintext in sodium_malloc()ed memory (caller sodium_free()s it, also
 * when *outlen is 0) and *outlen to its length; NM_ENOTFOUND (not
 * logged) if no sealed key opens with kp (the item is for other
 * reviewers, or its key slot for kp is damaged); -1 (logged as
 * "item NAME: what") if the item is malformed or was tampered with.
 */
int	item_open(unsigned char **out, size_t *outlen, const char *name,
	    const unsigned char *item, size_t len, const struct keypair *kp);

#endif /* NM_OPEN_H */
