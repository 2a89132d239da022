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
 * freed.  A key file is either plain (format 1) or protected by a
 * passphrase (format 2: Argon2id derives a key that seals the secret
 * keys with XChaCha20-Poly1305).  Only the review side links this
 * module: the intake binary must not contain crypto_box_keypair or any
 * secret key.
 */

#ifndef NM_KEYS_H
#define NM_KEYS_H

#include <stddef.h>

#include "recipients.h"

#define KEY_SECRET_BOX_BYTES	32	/* crypto_box_SECRETKEYBYTES */
#define KEY_SECRET_SIGN_BYTES	64	/* crypto_sign_SECRETKEYBYTES */
#define KEY_PASS_MAX		1024	/* bytes of a passphrase */
#define KEY_OPSLIMIT_MAX	16ULL	/* Argon2id passes a file may ask */
#define KEY_MEMLIMIT_MAX	((size_t)4 << 30)	/* and bytes: 4 GiB */

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
 * Writes the secret key file at path, unprotected (format 1): created
 * with O_EXCL and mode 0600 (never overwrites), written completely and
 * fsynced, or not at all.  Returns 0 or -1 (logged).
 */
int		 keypair_write(const struct keypair *, const char *path);
/*
 * Writes the secret key file at path as keypair_write() does, with the
 * secret keys sealed under the passphrase (passlen bytes, 1 to
 * KEY_PASS_MAX) through Argon2id with the given work factors (at least
 * crypto_pwhash_OPSLIMIT_MIN and crypto_pwhash_MEMLIMIT_MIN, at most
 * KEY_OPSLIMIT_MAX and KEY_MEMLIMIT_MAX; keygen uses the
 * crypto_pwhash_*_MODERATE pair by default).  The salt, the work factors
 * and the public keys are in the file; all of it is authenticated.
 * Returns 0 or -1 (logged).
 */
int		 keypair_write_pass(const struct keypair *, const char *path,
		    const char *pass, size_t passlen,
		    unsigned long long opslimit, size_t memlimit);
/*
 * Supplies the passphrase of a protected key file: writes it (at most
 * bufsz - 1 bytes, not NUL-terminated) to buf, which is guarded memory
 * that keypair_load_pass() wipes, and sets *len.  Returns 0 or -1
 * (logged).
 */
typedef int	(*keypair_pass_fn)(char *buf, size_t bufsz, size_t *len,
		    void *arg);
/*
 * Reads a secret key file; refuses one that others can read or write
 * (mode & 077) or that is malformed, and checks that the public halves
 * match the secret ones.  If the file is protected, calls fn (after the
 * checks, so a bad file never asks for anything) for the passphrase; a
 * wrong one is logged as "PATH: wrong passphrase (or the file was
 * changed)".  fn NULL refuses a protected file.  Returns 0 or -1 (logged).
 */
int		 keypair_load_pass(struct keypair **out, const char *path,
		    keypair_pass_fn fn, void *arg);
/* keypair_load_pass() without a passphrase: plain key files only. */
int		 keypair_load(struct keypair **out, const char *path);
/* The public half, as a recipients-file entry. */
void		 keypair_public(struct recipient *out, const struct keypair *);

#endif /* NM_KEYS_H */
