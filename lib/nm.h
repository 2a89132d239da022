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
 * Project-wide constants: the version, the expected-failure codes that
 * lib functions may return besides 0 and -1, and small helpers.
 */

#ifndef NM_H
#define NM_H

/*
 * The version is set once, as VERSION in the Makefile, which passes it
 * as -DNM_VERSION; so `make dist` and --version cannot disagree.
 */
#ifndef NM_VERSION
#error "NM_VERSION is undefined: build with the Makefile, which sets it"
#endif

/* Expected failures; -1 is every other failure (already logged). */
#define NM_ENOTFOUND	(-2)
#define NM_ETOOBIG	(-3)

#define NM_NELEM(a)	(sizeof(a) / sizeof((a)[0]))

#include <stddef.h>
#include <stdint.h>

/*
 * FNV-1a, 64 bits, of the n bytes at p, going on from h (NM_HASH_INIT to
 * begin): the one hash of the project's in-memory tables, never of
 * anything that must resist an attacker who picks the keys.
 */
#define NM_HASH_INIT	1469598103934665603ULL
static inline uint64_t
nm_hash(const void *p, size_t n, uint64_t h)
{
	const unsigned char *c = p;

	while (n-- > 0)
		h = (h ^ *c++) * 1099511628211ULL;
	return h;
}

#endif /* NM_H */
