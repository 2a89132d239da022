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
 * Fuzz target for the reader of the documents in the search index cache
 * (OUTDIR.index, gen/index.c): ix_doc_open(), then every term's record
 * with ix_doc_next() and ix_doc_parse() and again with ix_doc_term(),
 * and every position with ix_doc_pos(), on bytes as a damaged cache file
 * could hold them.  Each step must agree with a second reading of the
 * format written here: the reader accepts what it accepts, gives the
 * same fields, and every pointer it gives lies in the input (a term's in
 * its record), every string ending inside it.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "report.h"

#define VU_MAX		10	/* bytes of a 64-bit LEB128 number */

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int	ref_vu(const unsigned char **, const unsigned char *,
		    uint64_t *);
static const unsigned char *ref_str(const unsigned char *,
		    const unsigned char *);
static void	check_in(const void *, const unsigned char *,
		    const unsigned char *);
static void	check_varints(const unsigned char *, const unsigned char *);
static int	ref_term(const unsigned char *, size_t,
		    const unsigned char **, const unsigned char **,
		    const unsigned char **);
static int	check_term(struct ixdoc *, const unsigned char *,
		    const unsigned char *);

/*
 * The format's unsigned LEB128 number, read without index.c: at most
 * VU_MAX bytes, the last one without the high bit.  0, or -1.
 */
static int
ref_vu(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
	const unsigned char *q = *p;
	int		 i;

	*v = 0;
	for (i = 0; i < VU_MAX && q < end; i++, q++) {
		*v |= (uint64_t)(*q & 0x7f) << (7 * i);
		if ((*q & 0x80) == 0) {
			*p = q + 1;
			return 0;
		}
	}
	return -1;
}

/* The byte after the NUL that ends the string at p, or NULL. */
static const unsigned char *
ref_str(const unsigned char *p, const unsigned char *end)
{
	const unsigned char *z;

	z = memchr(p, '\0', (size_t)(end - p));
	return z == NULL ? NULL : z + 1;
}

/* Aborts unless p points into [lo, hi). */
static void
check_in(const void *p, const unsigned char *lo, const unsigned char *hi)
{
	const unsigned char *q = p;

	if (q < lo || q >= hi)
		abort();
}

/*
 * ix_doc_pos() at every offset of the input against ref_vu(): the same
 * answer, the same number, the same end.
 */
static void
check_varints(const unsigned char *lo, const unsigned char *hi)
{
	const unsigned char *p, *q, *r;
	uint64_t	 v, w;
	int		 a, b;

	for (p = lo; p < hi; p++) {
		q = r = p;
		a = ix_doc_pos(&q, hi, &v);
		b = ref_vu(&r, hi, &w);
		if (a != b || (a == 0 && (q != r || v != w)))
			abort();
		if (q > hi)
			abort();
	}
}

/*
 * Reads the record at rec, len bytes, alone: 0 if it is exactly one term,
 * else -1.  Sets *head to the byte after the stem, *forms, *pos.
 */
static int
ref_term(const unsigned char *rec, size_t len, const unsigned char **head,
    const unsigned char **forms, const unsigned char **pos)
{
	const unsigned char *q, *end = rec + len;
	uint64_t	 v;
	size_t		 k, n;

	if ((q = ref_str(rec, end)) == NULL || end - q < 3)
		return -1;
	*head = q;
	n = q[2];
	*forms = q += 3;
	for (k = 0; k < n; k++)
		if ((q = ref_str(q, end)) == NULL)
			return -1;
	if (q >= end)
		return -1;
	n = *q++;
	*pos = q;
	for (k = 0; k < n; k++)
		if (ref_vu(&q, end, &v) != 0)
			return -1;
	return q == end ? 0 : -1;
}

/*
 * Reads the next term of d twice, with ix_doc_next() and ix_doc_parse()
 * and with ix_doc_term() on a copy of d, and alone; aborts where they
 * differ or a pointer leaves [lo, hi).  Returns 0, or -1 when the term
 * is not whole.
 */
static int
check_term(struct ixdoc *d, const unsigned char *lo, const unsigned char *hi)
{
	struct ixdoc	 d2 = *d;
	struct ixdterm	 t, t2;
	const unsigned char *q = d->p, *rec, *head = NULL, *forms = NULL;
	const unsigned char *pos = NULL, *r, *p;
	uint64_t	 n, v, w;
	size_t		 len, k;
	int		 ok, parsed;

	/* The record as the format has it: at least 6 bytes, a NUL in it. */
	ok = ref_vu(&q, hi, &n) == 0 && n >= 6 && n <= (uint64_t)(hi - q) &&
	    memchr(q, '\0', (size_t)n) != NULL;
	if ((ix_doc_next(d, &rec, &len) == 0) != ok)
		abort();
	if (!ok) {
		if (ix_doc_term(&d2, &t2) == 0)
			abort();
		return -1;
	}
	if (rec != q || len != n || d->p != q + n || d->p > hi)
		abort();
	check_in(rec, lo, hi);
	check_in(rec + len - 1, lo, hi);

	/* The term in it, read both ways. */
	ok = ref_term(rec, len, &head, &forms, &pos) == 0;
	parsed = ix_doc_parse(rec, len, &t) == 0;
	if (parsed != ok || (ix_doc_term(&d2, &t2) == 0) != ok)
		abort();
	if (!ok)
		return -1;
	if (d2.p != d->p || t2.stem != t.stem || t2.flags != t.flags ||
	    t2.impact != t.impact || t2.nforms != t.nforms ||
	    t2.forms != t.forms || t2.npos != t.npos || t2.pos != t.pos ||
	    t2.end != t.end)
		abort();

	/* Inside the record, and what the format says. */
	p = rec + len;
	check_in(t.stem, rec, p);
	check_in(t.forms, rec, p);
	check_in(t.pos - 1, rec, p);
	if ((const unsigned char *)t.stem != rec || t.flags != head[0] ||
	    t.impact != head[1] || t.nforms != head[2] ||
	    (const unsigned char *)t.forms != forms || t.npos != pos[-1] ||
	    t.pos != pos || t.end != p)
		abort();

	/* Each form ends inside the record; the positions end at its end. */
	r = (const unsigned char *)t.forms;
	for (k = 0; k < t.nforms; k++)
		if ((r = ref_str(r, p)) == NULL)
			abort();
	if (r != t.pos - 1)
		abort();
	q = r = t.pos;
	for (k = 0; k < t.npos; k++)
		if (ix_doc_pos(&q, t.end, &v) != 0 ||
		    ref_vu(&r, p, &w) != 0 || q != r || v != w || q > p)
			abort();
	if (q != t.end)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ixdoc	 d;
	unsigned char	*buf;
	const unsigned char *lo, *hi, *q, *meta = NULL;
	uint64_t	 ml = 0, nterms = 0, k;
	size_t		 i, nf = 0;
	int		 ok;

	/* An exactly sized copy: ASan sees a read past its end. */
	if ((buf = malloc(size)) == NULL) {
		if (size > 0)
			abort();
		return 0;
	}
	if (size > 0)
		memcpy(buf, data, size);
	lo = buf;
	hi = buf + size;
	check_varints(lo, hi);

	/* The head as the format has it. */
	q = lo;
	ok = size >= 2 + IX_NSINGLE + 1;
	if (ok) {
		q += 2 + IX_NSINGLE;
		nf = *q++;
		ok = nf <= REPORT_FACTORS_MAX && (size_t)(hi - q) >= nf;
	}
	if (ok) {
		q += nf;
		ok = ref_vu(&q, hi, &ml) == 0 && ml <= (uint64_t)(hi - q);
	}
	if (ok) {
		meta = q;
		q += ml;
		ok = ref_vu(&q, hi, &nterms) == 0;
	}

	if ((ix_doc_open(&d, buf, size) == 0) != ok)
		abort();
	if (!ok)
		goto out;
	if (d.month != (lo[0] | lo[1] << 8) || d.nfactors < 0 ||
	    (size_t)d.nfactors != nf || d.nterms != nterms)
		abort();
	for (i = 0; i < IX_NSINGLE; i++)
		if (d.single[i] != (int)lo[2 + i] - 1)
			abort();
	for (i = 0; i < nf; i++)
		if (d.factors[i] != lo[2 + IX_NSINGLE + 1 + i])
			abort();
	if ((const unsigned char *)d.meta != meta || d.metalen != ml ||
	    d.p != q || d.p > hi || d.end != hi)
		abort();
	if (d.metalen > 0) {
		check_in(d.meta, lo, hi);
		check_in(d.meta + d.metalen - 1, lo, hi);
	}

	/*
	 * The terms.  Each takes 7 bytes at least, so a huge nterms ends at
	 * the first term that is not whole.
	 */
	for (k = 0; k < d.nterms; k++)
		if (check_term(&d, lo, hi) != 0)
			break;
out:
	free(buf);
	return 0;
}
