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
 * Fuzz target for the reader of the search index's state
 * (OUTDIR.index.state, gen/ixstate.c): ixs_parse(), the checks and the
 * reading that an incremental build makes of the state it finds beside
 * the site.  The state ends in a hash of the rest, which a mutation
 * breaks: so the first byte of the input selects.  Even, the rest is a
 * state into which the target writes its tree and configuration hash
 * and then the closing hash, as ixs_save() does, so that the reader
 * behind the checks is reached; odd, the rest goes in as it is.  A
 * state that reads must leave a vocabulary the patch can index: every
 * word's term among the terms, counts within the documents, a file for
 * every term's strings, and the tables finding each term and word.
 *
 * Seeds (corpus/ixstate): a 0 byte, then the state of the demo site (49
 * reports) or of a site of its first 3 reports; that one also cut at
 * several lengths with room for the hash after (cut-*) and after a 1
 * byte (raw-*); damaged states that were crashes (crash-*) or slow
 * (slow-*); and a small-file sample of what 10 minutes of fuzzing added
 * (fuzz-*, libFuzzer -merge).  When the format changes, build the two
 * sites again and put a 0 byte before each OUTDIR.index.state.
 *
 * With libFuzzer: flags and libraries as for fuzz_ixdoc in README, plus
 * -DNM_VERSION='"0.1.0"', and the sources tests/fuzz/fuzz_ixstate.c,
 * gen/ixstate.c, gen/index.c, gen/token.c, gen/publish.c and lib's.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "buf.h"
#include "gen.h"
#include "index.h"
#include "ixint.h"

/* The state's head: magic, tree, configuration hash, entry file hash. */
#define HEAD_TREE	8
#define HEAD_CONFIG	(HEAD_TREE + GIT_OID_RAWSZ)
#define HEAD_LEN	(HEAD_CONFIG + 16 + 16)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static size_t	nold_of(const unsigned char *, size_t);
static void	check(struct ix *, size_t);

/* A site without a taxonomy or synonyms: all the configuration hash
 * reads. */
static struct site site;

/*
 * The number of documents the state says it has, which the caller of
 * the reader knows from the cache: taken from the input, so that the
 * reader gets past that check; 1 if it is not there or out of range.
 */
static size_t
nold_of(const unsigned char *p, size_t len)
{
	uint64_t	 v = 0;
	size_t		 i;
	int		 sh;

	for (i = HEAD_LEN, sh = 0; i < len && sh < 64; i++, sh += 7) {
		v |= (uint64_t)(p[i] & 0x7f) << sh;
		if ((p[i] & 0x80) == 0)
			return v >= 1 && v <= UINT32_MAX ? (size_t)v : 1;
	}
	return 1;
}

/* Aborts unless the vocabulary x holds is one ixs_patch() can use. */
static void
check(struct ix *x, size_t nold)
{
	struct ixterm	*t;
	struct word	*w;
	const char	*s;
	size_t		 i;

	if (x->months.len != 2 * nold)
		abort();
	for (i = 0; i < x->nt; i++) {
		t = &x->t[i];
		s = str_at(x, t->s);
		if (*s == '\0' || term_find(x, s) != t)
			abort();
		if (t->df > nold || t->nself > t->df)
			abort();
		if (t->opfile == IX_NOFILE || (t->oxlen > 0) !=
		    (t->oxfile != IX_NOFILE))
			abort();
		if (t->plen != t->oplen || t->xlen != t->oxlen)
			abort();
	}
	for (i = 0; i < x->nw; i++) {
		w = &x->w[i];
		s = str_at(x, w->s);
		if (*s == '\0' || word_find(x, s) != w)
			abort();
		if (w->term >= x->nt || w->n > nold)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char config[16];
	static int	 init;
	struct ix	 x;
	git_oid		 tree;
	unsigned char	*p;
	size_t		 len, nold;

	if (size < 1)
		return 0;
	memset(&x, 0, sizeof(x));
	buf_init(&x.strs);
	buf_init(&x.months);
	x.s = &site;
	if (!init) {
		if (sodium_init() == -1)
			abort();
		ix_config_hash(&x, config);
		init = 1;
	}
	memset(tree.id, 0x5a, sizeof(tree.id));
	len = size - 1;
	p = malloc(len + 1);
	if (p == NULL)
		abort();
	memcpy(p, data + 1, len);
	if ((data[0] & 1) == 0) {
		if (len >= HEAD_CONFIG + 16) {
			memcpy(p + HEAD_TREE, tree.id, GIT_OID_RAWSZ);
			memcpy(p + HEAD_CONFIG, config, 16);
		}
		if (len >= 16)
			crypto_generichash(p + len - 16, 16, p, len - 16,
			    NULL, 0);
	}
	nold = nold_of(p, len);
	if (ixs_parse(&x, nold, &tree, p, len) == 0)
		check(&x, nold);
	free(p);
	free(x.t);
	free(x.w);
	free(x.th.v);
	free(x.wh.v);
	buf_free(&x.strs);
	buf_free(&x.months);
	return 0;
}
