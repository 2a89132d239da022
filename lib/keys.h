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
 * A reviewer's secret keys (X25519 to open submissions, Ed25519 to sign
 * approvals), generated, written and read on the reviewer's own machine.
 * Secret material lives in sodium_malloc()ed memory and is wiped when
 * freed.  Only the review side links this module: the intake binary must
 * not contain crypto_box_keypair or any secret key.
 */

#ifndef NM_KEYS_H
#define NM_KEYS_H

#include <stddef.h>

#include "recipients.h"

#define KEY_SECRET_BOX_BYTES	32	/* crypto_box_SECRETKEYBYTES */
#define KEY_SECRET_SIGN_BYTES	64	/* crypto_sign_SECRETKEYBYTES */

struct keypair {
	char		 name[RECIPIENT_NAME_MAX + 1];
	unsigned char	 box_pk[RECIPIENT_KEY_BYTES];
	unsigned char	 box_sk[KEY_SECRET_BOX_BYTES];
	unsigned char	 sign_pk[RECIPIENT_KEY_BYTES];
	unsigned char	 sign_sk[KEY_SECRET_SIGN_BYTES];
};

/*
 * Generates a new key pair for the reviewer called name (checked like a
 * recipients-file name).  Returns NULL (logged) on a bad name.  The
 * result is in guarded memory: free it with keypair_free().
 */
struct keypair	*keypair_new(const char *name);
/* Wipes and frees; NULL is a no-op. */
void		 keypair_free(struct keypair *);
/*
 * Writes the secret key file at path: created with O_EXCL and mode 0600
 * (never overwrites), written completely and fsynced, or not at all.
 * Returns 0 or -1 (logged).
 */
int		 keypair_write(const struct keypair *, const char *path);
/*
 * Reads a secret key file; refuses one that others can read or write
 * (mode & 077) or that is malformed, and checks that the public halves
 * match the secret ones.  Returns 0 or -1 (logged).
 */
int		 keypair_load(struct keypair **out, const char *path);
/* The public half, as a recipients-file entry. */
void		 keypair_public(struct recipient *out, const struct keypair *);

#endif /* NM_KEYS_H */
