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
 * Fuzz target for approvals files: approvals_parse(), which nearmiss-gen
 * runs on content/approvals/ of the commit it builds (hostile input),
 * then the sorted writer, the count, the choice of the version to
 * publish and the next revision.  A file that parses must survive
 * the round trip: formatted, parsed again and formatted again, the same
 * bytes.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "approval.h"
#include "buf.h"
#include "recipients.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct recipient	 rv[2];
	static int		 ready;
	struct approvals	 as, back;
	struct approval_count	 c;
	struct approval_pick	 pk;
	struct buf		 a = BUF_INIT, b = BUF_INIT;
	unsigned char		 sk[64];

	if (!ready) {
		if (sodium_init() == -1)
			abort();
		memcpy(rv[0].name, "alice", 6);
		memcpy(rv[1].name, "bob", 4);
		crypto_sign_seed_keypair(rv[0].sign_pk, sk,
		    (const unsigned char *)"nearmiss fuzz reviewer alice   ");
		crypto_sign_seed_keypair(rv[1].sign_pk, sk,
		    (const unsigned char *)"nearmiss fuzz reviewer bob     ");
		ready = 1;
	}
	if (approvals_parse(&as, "fuzz", (const char *)data, size) != 0) {
		approvals_free(&as);
		return 0;
	}
	if (as.n > APPROVALS_MAX)
		abort();
	approvals_count(&c, &as, rv, 2, "2024-0007",
	    "5dc65349055505df1b271c24ea4c8650482bdea3");
	if (c.valid > 2 || c.valid + c.dup + c.void_ + c.unknown + c.bad !=
	    as.n)
		abort();
	/* What gen publishes: a sound decision, whatever the lines. */
	approvals_pick(&pk, &as, rv, 2, "2024-0007",
	    "5dc65349055505df1b271c24ea4c8650482bdea3", 2);
	if (pk.state >= PICK_MAX ||
	    (pk.state == PICK_PUBLISH && !approval_blob_ok(pk.blob)) ||
	    (pk.revised && pk.blob[0] == '\0') ||
	    (pk.state == PICK_PUBLISH && pk.rev > pk.maxrev) ||
	    (pk.state == PICK_WITHDRAWN && pk.blob[0] != '\0' &&
	    pk.wrev < pk.rev) ||
	    pk.currev > (long)pk.maxrev)
		abort();
	if (approvals_next_rev(&as, rv, 2, "2024-0007",
	    "5dc65349055505df1b271c24ea4c8650482bdea3", 2) < 1 ||
	    approvals_next_rev(&as, rv, 2, "2024-0007",
	    "5dc65349055505df1b271c24ea4c8650482bdea3", 2) > pk.maxrev + 1)
		abort();
	approvals_format(&a, &as);
	if (approvals_parse(&back, "fuzz", a.data, a.len) != 0)
		abort();
	approvals_format(&b, &back);
	if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0)
		abort();
	approvals_free(&back);
	approvals_free(&as);
	buf_free(&a);
	buf_free(&b);
	return 0;
}
