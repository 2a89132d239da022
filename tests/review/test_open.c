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
 * Unit tests of review/open.c: items sealed by lib/inbox.c open with
 * each reviewer's key and give back the exact plaintext, not with a
 * stranger's; every single-byte flip, every truncation and every
 * malformed header fails.  Key pairs are made here with
 * crypto_box_keypair(), as lib/keys.c will.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "buf.h"
#include "harness.h"
#include "inbox.h"
#include "keys.h"
#include "nm.h"
#include "open.h"
#include "recipients.h"
#include "record.h"

/* The largest padded plaintext, as review/open.c has it. */
#define PADDED	((INBOX_PLAIN_MAX / INBOX_BLOCK + 1) * INBOX_BLOCK)

static struct keypair	*kp[4];		/* kp[3] is a stranger */
static struct recipient	 rcpt[3];

/* Opens item with key k; *errp gets what was logged. */
static int
try_open(const struct buf *item, int k, const char **errp)
{
	unsigned char	*plain;
	size_t		 len;
	int		 rc;

	cap_start();
	rc = item_open(&plain, &len, "n1", (const unsigned char *)item->data,
	    item->len, kp[k]);
	*errp = cap_end();
	if (rc != 0 && (plain != NULL || len != 0))
		fprintf(stderr, "output set after a failure\n");
	sodium_free(plain);
	return rc;
}

#define BAD(item, want) do {						\
	const char *e_;							\
	INT_EQ(try_open((item), 0, &e_), -1);				\
	STR_EQ(e_, "nearmiss: item n1: " want "\n");			\
} while (0)

/*
 * Builds an item by hand: padded (plen bytes, already padded or not)
 * pushed with tag, authenticating adlen bytes of the prefix.
 */
static void
mkitem(struct buf *out, size_t n, const unsigned char *padded, size_t plen,
    unsigned char tag, size_t adlen)
{
	crypto_secretstream_xchacha20poly1305_state st;
	unsigned char	 key[32], *p;
	size_t		 i, prefix = 2 + n * 80;

	buf_reset(out);
	buf_grow(out, prefix + 24 + plen + 17);
	p = (unsigned char *)out->data;
	p[0] = 1;
	p[1] = (unsigned char)n;
	crypto_secretstream_xchacha20poly1305_keygen(key);
	for (i = 0; i < n; i++)
		crypto_box_seal(p + 2 + i * 80, key, 32, rcpt[i].box_pk);
	crypto_secretstream_xchacha20poly1305_init_push(&st, p + prefix, key);
	crypto_secretstream_xchacha20poly1305_push(&st, p + prefix + 24, NULL,
	    padded, plen, p, adlen, tag);
	out->len = prefix + 24 + plen + 17;
	out->data[out->len] = '\0';
}

static void
test_roundtrip(void)
{
	struct record	 r, back;
	struct buf	 plain = BUF_INIT, item = BUF_INIT;
	unsigned char	*out;
	const char	*e;
	size_t		 len;
	int		 k;

	memset(&r, 0, sizeof(r));
	r.field[RECORD_TITLE] = "Unit nearly hit at a \"routine\" stop";
	r.field[RECORD_INCIDENT_TYPE] = "traffic-stop";
	r.narrative = "Line one.\nLine two, with a tab\there.\n";
	r.contact = "phone 555-0100";
	r.consent = 1;
	r.channel = RECORD_FORM;
	memcpy(r.received, "2026-03-14", 11);
	crypto_hash_sha256(r.receipt, (const unsigned char *)"ABCD-EFGH", 9);
	INT_EQ(record_encode(&plain, &r), 0);
	INT_EQ(inbox_seal(&item, rcpt, 3, plain.data, plain.len), 0);
	for (k = 0; k < 3; k++) {
		INT_EQ(item_open(&out, &len, "n1",
		    (const unsigned char *)item.data, item.len, kp[k]), 0);
		INT_EQ(len, plain.len);
		OK(out != NULL && memcmp(out, plain.data, len) == 0);
		INT_EQ(record_decode(&back, "n1", out, len), 0);
		STR_EQ(back.field[RECORD_TITLE], r.field[RECORD_TITLE]);
		STR_EQ(back.narrative, r.narrative);
		STR_EQ(back.contact, r.contact);
		OK(memcmp(back.receipt, r.receipt, 32) == 0);
		record_free(&back);
		sodium_free(out);
	}
	/* A stranger: not found, and nothing logged. */
	INT_EQ(try_open(&item, 3, &e), NM_ENOTFOUND);
	STR_EQ(e, "");
	/* Sealed to reviewers 1 and 2 only: reviewer 0 is a stranger. */
	buf_reset(&item);
	INT_EQ(inbox_seal(&item, rcpt + 1, 2, "x", 1), 0);
	INT_EQ(try_open(&item, 0, &e), NM_ENOTFOUND);
	INT_EQ(try_open(&item, 2, &e), 0);

	/* Empty and largest plaintexts. */
	buf_reset(&item);
	INT_EQ(inbox_seal(&item, rcpt, 1, "", 0), 0);
	INT_EQ(item_open(&out, &len, NULL, (const unsigned char *)item.data,
	    item.len, kp[0]), 0);
	INT_EQ(len, 0);
	OK(out != NULL);
	sodium_free(out);
	buf_reset(&plain);
	buf_grow(&plain, INBOX_PLAIN_MAX);
	while (plain.len < INBOX_PLAIN_MAX)
		buf_addch(&plain, (int)(plain.len * 7 % 251));
	buf_reset(&item);
	INT_EQ(inbox_seal(&item, rcpt, 3, plain.data, plain.len), 0);
	INT_EQ(item_open(&out, &len, NULL, (const unsigned char *)item.data,
	    item.len, kp[2]), 0);
	INT_EQ(len, INBOX_PLAIN_MAX);
	OK(out != NULL && memcmp(out, plain.data, len) == 0);
	sodium_free(out);
	buf_free(&plain);
	buf_free(&item);
}

/* Every single-bit flip, truncation and extension of an item fails. */
static void
test_tamper(void)
{
	struct buf	 item = BUF_INIT, copy = BUF_INIT;
	const char	*e;
	size_t		 i;
	int		 rc, nfail = 0, nnotfound = 0, nlogged = 0;

	INT_EQ(inbox_seal(&item, rcpt, 2, "small secret", 12), 0);
	INT_EQ(item.len, 2 + 2 * 80 + 24 + 4096 + 17);
	for (i = 0; i < item.len; i++) {
		buf_reset(&copy);
		buf_add(&copy, item.data, item.len);
		copy.data[i] ^= (char)(1 << (i % 8));
		rc = try_open(&copy, 0, &e);
		if (rc == 0)
			continue;
		nfail++;
		if (rc == NM_ENOTFOUND)
			nnotfound++;
		else if (rc == -1 && e[0] != '\0')
			nlogged++;
	}
	INT_EQ(nfail, item.len);
	/* Only a flip in reviewer 0's own slot hides the key from it. */
	INT_EQ(nnotfound, 80);
	INT_EQ(nlogged, item.len - 80);
	/* The other reviewer also sees a flip in reviewer 0's slot. */
	buf_reset(&copy);
	buf_add(&copy, item.data, item.len);
	copy.data[2 + 40] ^= 1;
	INT_EQ(try_open(&copy, 0, &e), NM_ENOTFOUND);
	INT_EQ(try_open(&copy, 1, &e), -1);
	STR_EQ(e, "nearmiss: item n1: damaged or tampered with "
	    "(authentication failed)\n");

	for (i = 0; i < item.len; i++) {
		buf_reset(&copy);
		buf_add(&copy, item.data, i);
		if (try_open(&copy, 1, &e) != -1 || e[0] == '\0')
			break;
	}
	INT_EQ(i, item.len);
	buf_reset(&copy);
	buf_add(&copy, item.data, item.len);
	buf_addch(&copy, 0);
	BAD(&copy, "4300 bytes is not a size of the format");
	buf_free(&item);
	buf_free(&copy);
}

static void
test_malformed(void)
{
	struct buf	 item = BUF_INIT;
	unsigned char	 pad[8192];
	const char	*e;
	char		 want[128];
	size_t		 padlen;

	buf_reset(&item);
	BAD(&item, "truncated at 0 bytes");
	buf_addch(&item, 1);
	BAD(&item, "truncated at 1 bytes");

	buf_reset(&item);
	INT_EQ(inbox_seal(&item, rcpt, 1, "abc", 3), 0);
	item.data[0] = 0;
	item.data[1] = 1;
	BAD(&item, "unknown format version 0");
	item.data[0] = 2;
	BAD(&item, "unknown format version 2");
	item.data[0] = 1;
	item.data[1] = 0;
	BAD(&item, "sealed to no recipient");
	item.data[1] = (char)255;
	BAD(&item, "truncated: 4219 bytes, too few for 255 recipients");
	item.data[1] = 2;
	BAD(&item, "truncated: 4219 bytes, too few for 2 recipients");

	buf_reset(&item);
	buf_grow(&item, INBOX_ITEM_MAX + 1);
	while (item.len <= INBOX_ITEM_MAX)
		buf_addch(&item, 1);
	snprintf(want, sizeof(want), "nearmiss: item n1: %d bytes, more "
	    "than %d\n", INBOX_ITEM_MAX + 1, INBOX_ITEM_MAX);
	INT_EQ(try_open(&item, 0, &e), -1);
	STR_EQ(e, want);
	/* Within the item cap but over the padded plaintext cap. */
	buf_reset(&item);
	while (item.len < 2 + 80 + 24 + PADDED + INBOX_BLOCK + 17)
		buf_addch(&item, 1);
	snprintf(want, sizeof(want), "nearmiss: item n1: ciphertext of %d "
	    "bytes, more than %d\n", PADDED + INBOX_BLOCK, PADDED);
	INT_EQ(try_open(&item, 0, &e), -1);
	STR_EQ(e, want);

	/* A stream that is not final. */
	memset(pad, 0, sizeof(pad));
	OK(sodium_pad(&padlen, pad, 5, 4096, sizeof(pad)) == 0);
	mkitem(&item, 1, pad, padlen,
	    crypto_secretstream_xchacha20poly1305_TAG_MESSAGE, 82);
	BAD(&item, "stream does not end with its final message");
	/* Well formed by hand, as inbox_seal() makes it. */
	mkitem(&item, 1, pad, padlen,
	    crypto_secretstream_xchacha20poly1305_TAG_FINAL, 82);
	INT_EQ(try_open(&item, 0, &e), 0);
	/* Authenticating only the version and count is not enough. */
	mkitem(&item, 1, pad, padlen,
	    crypto_secretstream_xchacha20poly1305_TAG_FINAL, 2);
	BAD(&item, "damaged or tampered with (authentication failed)");
	/* No padding marker, and more padding than one block. */
	memset(pad, 'x', sizeof(pad));
	mkitem(&item, 1, pad, 4096,
	    crypto_secretstream_xchacha20poly1305_TAG_FINAL, 82);
	BAD(&item, "bad padding");
	memset(pad, 0, sizeof(pad));
	OK(sodium_pad(&padlen, pad, 5, 8192, sizeof(pad)) == 0);
	mkitem(&item, 1, pad, padlen,
	    crypto_secretstream_xchacha20poly1305_TAG_FINAL, 82);
	BAD(&item, "bad padding");
	buf_free(&item);
}

int
main(void)
{
	int	 i;

	if (sodium_init() == -1)
		return 1;
	for (i = 0; i < 4; i++) {
		if ((kp[i] = sodium_malloc(sizeof(*kp[i]))) == NULL)
			return 1;
		memset(kp[i], 0, sizeof(*kp[i]));
		snprintf(kp[i]->name, sizeof(kp[i]->name), "reviewer%d", i);
		crypto_box_keypair(kp[i]->box_pk, kp[i]->box_sk);
		if (i < 3) {
			memcpy(rcpt[i].name, kp[i]->name, sizeof(rcpt[i].name));
			memcpy(rcpt[i].box_pk, kp[i]->box_pk, 32);
		}
	}
	test_roundtrip();
	test_tamper();
	test_malformed();
	for (i = 0; i < 4; i++)
		sodium_free(kp[i]);
	return DONE("test_open");
}
