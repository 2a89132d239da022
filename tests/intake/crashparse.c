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
 * An LD_PRELOAD shim for tests/intake/mail.sh: libetpan's
 * mailmime_parse(), which only the sandboxed parser child calls, dies
 * of SIGSEGV on a message holding "NM-CRASH-PARSER", spins on one
 * holding "NM-SPIN-PARSER" (until the CPU limit), and allocates and
 * touches up to 1 GiB on one holding "NM-ALLOC-PARSER" (until the
 * memory limit; past 1 GiB it dies, so a missing limit shows as RSS).
 * Other messages go to the real function.  Built by the test with
 * cc -shared -fPIC.
 */

#define _GNU_SOURCE

#include <dlfcn.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

int	mailmime_parse(const char *, size_t, size_t *, void **);

int
mailmime_parse(const char *msg, size_t len, size_t *idx, void **result)
{
	int		(*real)(const char *, size_t, size_t *, void **);
	volatile unsigned long spin = 0;
	size_t		 total = 0;
	char		*p;

	if (memmem(msg, len, "NM-CRASH-PARSER", 15) != NULL)
		raise(SIGSEGV);
	if (memmem(msg, len, "NM-SPIN-PARSER", 14) != NULL)
		for (;;)
			spin++;
	if (memmem(msg, len, "NM-ALLOC-PARSER", 15) != NULL) {
		while (total < ((size_t)1 << 30)) {
			if ((p = malloc(1 << 20)) == NULL)
				abort();
			memset(p, 1, 1 << 20);
			total += 1 << 20;
		}
		raise(SIGSEGV);
	}
	*(void **)&real = dlsym(RTLD_NEXT, "mailmime_parse");
	if (real == NULL)
		abort();
	return real(msg, len, idx, result);
}
