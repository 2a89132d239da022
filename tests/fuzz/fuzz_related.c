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
 * Fuzz target for the reader of the related reports' cache
 * (OUTDIR.related, gen/related.c): relset_parse(), which an incremental
 * build runs on the files it finds beside the site (OUTDIR.related and
 * OUTDIR.lessons).  The first byte of the input selects: even, the
 * related part follows the magic and the content tree the target passes,
 * so that the reader gets past them; odd, it goes in as it is.  Then 4
 * bytes (little-endian) give the length of the lessons part, which comes
 * next; the related part is the rest.  A cache that reads must hold ids
 * in order, handles of non-empty strings, related reports within the
 * set, lessons without NUL inside the lessons part; and written again
 * (relset_format()) it must read back and write the same bytes.
 *
 * Seeds (corpus/related): made from OUTDIR.related and OUTDIR.lessons of
 * the demo site, and damaged ones.  When the format changes, build the
 * demo again (nearmiss-gen -o DIR), then
 * `{ perl -e 'print pack("CV", 0, -s shift)' DIR.lessons;
 * cat DIR.lessons; tail -c +28 DIR.related; }`.
 *
 * With libFuzzer: flags and libraries as for fuzz_ixdoc in README, plus
 * -DNM_VERSION='"0.1.0"', and the sources tests/fuzz/fuzz_related.c,
 * every gen/ source but gen/main.c, and lib's.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "buf.h"
#include "related.h"

#define MAGIC	"NMREL5\n"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	check(const struct relset *);

/* Aborts unless set holds what relset_parse() promises. */
static void
check(const struct relset *set)
{
	const struct relvec *v;
	size_t		 i;
	int		 k;

	for (i = 0; i < set->n; i++) {
		v = &set->v[i];
		if (v->id == NULL || *v->id == '\0' ||
		    (i > 0 && strcmp(set->v[i - 1].id, v->id) >= 0) ||
		    v->n > REL_KEEP)
			abort();
		for (k = 0; k < v->n; k++)
			if (v->stem[k] == 0 ||
			    *relstr_get(set->str, v->stem[k]) == '\0' ||
			    (v->form[k] != 0 &&
			    *relstr_get(set->str, v->form[k]) == '\0'))
				abort();
		for (k = 0; k < REL_MAX; k++)
			if (v->rel[k] > set->n)
				abort();
		if (v->lessons == NULL ||
		    memchr(v->lessons, '\0', v->lessonslen) != NULL)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct relset	 set, again;
	struct relstr	*str, *str2;
	struct buf	 in = BUF_INIT, out = BUF_INIT, out2 = BUF_INIT;
	git_oid		 tree;
	uint8_t		*less;
	size_t		 llen;

	memset(&tree, 0x5a, sizeof(tree));
	if (size < 5)
		return 0;
	llen = (size_t)data[1] | (size_t)data[2] << 8 |
	    (size_t)data[3] << 16 | (size_t)data[4] << 24;
	if (llen > size - 5)
		llen = size - 5;
	/* Its own copy, so that a read past its end is caught. */
	less = malloc(llen ? llen : 1);
	if (less == NULL)
		abort();
	memcpy(less, data + 5, llen);
	if ((data[0] & 1) == 0) {
		buf_addstr(&in, MAGIC);
		buf_add(&in, tree.id, GIT_OID_RAWSZ);
	}
	buf_add(&in, data + 5 + llen, size - 5 - llen);
	str = relstr_new();
	if (relset_parse(&set, str, in.data, in.len, less, llen,
	    &tree) == 0) {
		check(&set);
		relset_format(&out, &set, &tree);
		str2 = relstr_new();
		if (relset_parse(&again, str2, out.data, out.len, less, llen,
		    &tree) != 0)
			abort();
		check(&again);
		relset_format(&out2, &again, &tree);
		if (out.len != out2.len ||
		    memcmp(out.data, out2.data, out.len) != 0)
			abort();
		relset_free(&again);
		relstr_free(str2);
		relset_free(&set);
	}
	relstr_free(str);
	free(less);
	buf_free(&in);
	buf_free(&out);
	buf_free(&out2);
	return 0;
}
