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
 * Fuzz target for the secret key file reader: keypair_load(), which
 * parses formats 1 and 2 strictly before any key derivation.  The bytes
 * go to a scratch file of mode 0600 (the reader takes a path and checks
 * the mode).  A protected file is refused without a passphrase, so the
 * parser runs in full and Argon2id never does.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "keys.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		 path[] = "/tmp/fuzz_keys.XXXXXX";
	struct keypair	*kp = NULL;
	size_t		 off;
	ssize_t		 w;
	int		 fd;

	if (sodium_init() < 0)
		abort();
	if ((fd = mkstemp(path)) == -1)
		abort();
	for (off = 0; off < size; off += (size_t)w)
		if ((w = write(fd, data + off, size - off)) <= 0)
			abort();
	close(fd);
	if (keypair_load(&kp, path) == 0) {
		/* Loaded: a key with a valid name and matching halves. */
		if (kp == NULL || !recipient_name_ok(kp->name,
		    strlen(kp->name)))
			abort();
		keypair_free(kp);
	} else if (kp != NULL)
		abort();
	unlink(path);
	return 0;
}
