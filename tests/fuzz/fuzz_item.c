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
 * Fuzz target for the reviewer side of the inbox: item_open() on a
 * hostile item, then record_decode() on what it opens, as
 * nearmiss-review does.  The reviewer key is fixed, derived with
 * crypto_box_seed_keypair() from the 32 bytes of FUZZ_SEED, so that the
 * valid items of corpus/item/ (sealed with inbox_seal() to its public
 * key, 6abde1e538e82ed9...) reach the decryption and the record.
 * This file is a test: only review links item_open().
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "keys.h"
#include "open.h"
#include "record.h"

#define FUZZ_SEED	"nearmiss fuzz_item reviewer key!"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct keypair	*kp;
	struct record		 r;
	unsigned char		*plain;
	size_t			 len;

	if (kp == NULL) {
		if (sodium_init() == -1 ||
		    (kp = sodium_malloc(sizeof(*kp))) == NULL)
			abort();
		memset(kp, 0, sizeof(*kp));
		crypto_box_seed_keypair(kp->box_pk, kp->box_sk,
		    (const unsigned char *)FUZZ_SEED);
	}
	if (item_open(&plain, &len, "fuzz", data, size, kp) == 0) {
		record_decode(&r, "fuzz", plain, len);
		record_free(&r);
		sodium_free(plain);
	}
	return 0;
}
