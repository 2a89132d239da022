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
 * The reviewer's half of the inbox format: every size is checked before
 * any byte is used, the stream key is found by trying each sealed copy,
 * and the plaintext exists only in guarded memory.
 */

#include <stdarg.h>
#include <stdio.h>

#include <sodium.h>

#include "inbox.h"
#include "keys.h"
#include "log.h"
#include "nm.h"
#include "open.h"

/* The largest padded plaintext: INBOX_PLAIN_MAX and its padding. */
#define PADDED_MAX	((INBOX_PLAIN_MAX / INBOX_BLOCK + 1) * INBOX_BLOCK)

/* The stream key and state, kept together in guarded memory. */
struct opener {
	unsigned char	 key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
	crypto_secretstream_xchacha20poly1305_state state;
};

static void	item_err(const char *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static void
item_err(const char *name, const char *fmt, ...)
{
	char	 msg[256];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (name != NULL)
		log_warnx("item %s: %s", name, msg);
	else
		log_warnx("item: %s", msg);
}

int
item_open(unsigned char **out, size_t *outlen, const char *name,
    const unsigned char *item, size_t len, const struct keypair *kp)
{
	struct opener		*s = NULL;
	unsigned char		*plain = NULL, tag;
	unsigned long long	 mlen;
	size_t			 n, i, prefix, body, unpadded;
	int			 rc = -1;

	*out = NULL;
	*outlen = 0;
	if (sodium_init() == -1) {
		log_warnx("libsodium cannot be initialised");
		return -1;
	}
	if (len > INBOX_ITEM_MAX) {
		item_err(name, "%zu bytes, more than %d", len, INBOX_ITEM_MAX);
		goto out;
	}
	if (len < INBOX_PREFIX_BYTES) {
		item_err(name, "truncated at %zu bytes", len);
		goto out;
	}
	if (item[0] != INBOX_VERSION) {
		item_err(name, "unknown format version %u", item[0]);
		goto out;
	}
	if ((n = item[1]) == 0) {
		item_err(name, "sealed to no recipient");
		goto out;
	}
	prefix = INBOX_PREFIX_BYTES + n * INBOX_SLOT_BYTES;
	if (len < prefix + INBOX_HEADER_BYTES + INBOX_BLOCK +
	    INBOX_TAG_BYTES) {
		item_err(name, "truncated: %zu bytes, too few for %zu "
		    "recipients", len, n);
		goto out;
	}
	body = len - prefix - INBOX_HEADER_BYTES - INBOX_TAG_BYTES;
	if (body % INBOX_BLOCK != 0) {
		item_err(name, "%zu bytes is not a size of the format", len);
		goto out;
	}
	if (body > PADDED_MAX) {
		item_err(name, "ciphertext of %zu bytes, more than %d", body,
		    PADDED_MAX);
		goto out;
	}
	if ((s = sodium_malloc(sizeof(*s))) == NULL)
		fatal("sodium_malloc");
	for (i = 0; i < n; i++)
		if (crypto_box_seal_open(s->key, item + INBOX_PREFIX_BYTES +
		    i * INBOX_SLOT_BYTES, INBOX_SLOT_BYTES, kp->box_pk,
		    kp->box_sk) == 0)
			break;
	if (i == n) {
		rc = NM_ENOTFOUND;
		goto out;
	}
	if (crypto_secretstream_xchacha20poly1305_init_pull(&s->state,
	    item + prefix, s->key) != 0) {
		item_err(name, "bad stream header");
		goto out;
	}
	if ((plain = sodium_malloc(body)) == NULL)
		fatal("sodium_malloc");
	if (crypto_secretstream_xchacha20poly1305_pull(&s->state, plain,
	    &mlen, &tag, item + prefix + INBOX_HEADER_BYTES,
	    body + INBOX_TAG_BYTES, item, prefix) != 0) {
		item_err(name, "damaged or tampered with (authentication "
		    "failed)");
		goto out;
	}
	if (tag != crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
		item_err(name, "stream does not end with its final message");
		goto out;
	}
	/* sodium_pad() adds 1 to INBOX_BLOCK bytes, never more. */
	if (sodium_unpad(&unpadded, plain, (size_t)mlen, INBOX_BLOCK) != 0 ||
	    unpadded > INBOX_PLAIN_MAX ||
	    (unpadded / INBOX_BLOCK + 1) * INBOX_BLOCK != mlen) {
		item_err(name, "bad padding");
		goto out;
	}
	*out = plain;
	*outlen = unpadded;
	plain = NULL;
	rc = 0;
out:
	sodium_free(plain);
	sodium_free(s);
	return rc;
}
