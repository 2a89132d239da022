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
 * The index's state, and the patch that uses it.
 *
 * Made from every document, the index of 50,000 reports takes seconds:
 * each of some fifteen million term records is read twice.  But when one
 * report changes, only its terms' postings change, and those of most
 * terms are where the last build wrote them, in files named by their
 * content.  So each build leaves beside the site a state file,
 * OUTDIR.index.state: every term with its document frequency, best
 * postings and the file and offset of its postings and positions
 * strings; every word; the file names, the chunk table and the columns.
 * The next incremental build reads it, takes the changed documents out
 * and puts their new versions in, re-encodes only the terms they touch
 * (from their strings in the last build's files), plans the files as a
 * build from every document would, and rewrites only the files whose
 * terms changed.  The result is byte for byte the same as ix_write()'s
 * from every document: tests/gen/index.sh compares them.
 *
 * A document keeps its number only while no report with a smaller id is
 * added or removed; then, and whenever anything does not match (the
 * state is not of the last build, the configuration or the program
 * changed, a file of the last build is missing or not what its name
 * says, many reports changed), the patch gives up before it writes
 * anything and ix_write() makes the index from every document.
 *
 * The state file, all numbers vu (unsigned LEB128), strings a vu length
 * then the bytes:
 *
 *	"NMIS0001", the content tree (20 bytes), the configuration hash
 *	(16, ix_config_hash()), the entry file's hash (16)
 *	documents, hash groups
 *	postings files: count, then each name and size; positions files:
 *	the same
 *	chunk table string, months string, the 8 column strings
 *	terms, in stem order: count, then per term its stem, df, nself,
 *	postings and positions lengths, postings file and offset there,
 *	if it has positions their file and offset, its best postings (a
 *	count, then per posting its document and impact)
 *	words: count, then per word the word, its term (an index in the
 *	stem order) and the number of documents with it as a form
 *	the BLAKE2b hash (16) of everything before it
 */

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "buf.h"
#include "file.h"
#include "gen.h"
#include "index.h"
#include "ixint.h"
#include "log.h"
#include "nm.h"

#define STATE_MAGIC	"NMIS0001"
#define STATE_HEAD	(8 + GIT_OID_RAWSZ + 16 + 16)
#define STATE_MAX	(1 << 30)
#define PATCH_MAX	64	/* changed documents a patch takes */

static void
put_str(struct buf *b, const char *s, size_t len)
{
	put_vu(b, len);
	buf_add(b, s, len);
}

void
ixs_save(const struct ix *x, const struct groups *g, const uint32_t *order,
    size_t n, const git_oid *tree, const unsigned char entry[16],
    struct buf *out)
{
	const struct ixterm *t;
	const struct ixtop *tp;
	const struct word *w;
	uint32_t	*rank, *word;
	unsigned char	 h[16];
	const char	*str;
	size_t		 i, k;

	buf_reset(out);
	buf_add(out, STATE_MAGIC, 8);
	buf_add(out, tree->id, GIT_OID_RAWSZ);
	ix_config_hash(x, h);
	buf_add(out, h, sizeof(h));
	buf_add(out, entry, 16);
	put_vu(out, n);
	put_vu(out, x->ngroups);
	put_vu(out, g->npost);
	for (i = 0; i < g->npost; i++) {
		put_str(out, g->post[i], strlen(g->post[i]));
		put_vu(out, g->psize[i]);
	}
	put_vu(out, g->nposx);
	for (i = 0; i < g->nposx; i++) {
		put_str(out, g->posx[i], strlen(g->posx[i]));
		put_vu(out, g->xsize[i]);
	}
	put_str(out, x->chunks.data, x->chunks.len);
	put_str(out, x->months.data, x->months.len);
	for (k = 0; k < IX_NFACETS; k++)
		put_str(out, x->col[k].data, x->col[k].len);
	rank = xcalloc(x->nt + 1, sizeof(*rank));
	put_vu(out, x->nt);
	for (i = 0; i < x->nt; i++) {
		rank[order[i]] = (uint32_t)i;
		t = &x->t[order[i]];
		tp = &x->top[order[i]];
		str = str_at(x, t->s);
		put_str(out, str, strlen(str));
		put_vu(out, t->df);
		put_vu(out, t->nself);
		put_vu(out, t->plen);
		put_vu(out, t->xlen);
		put_vu(out, t->pfile);
		put_vu(out, t->pfoff);
		if (t->xlen > 0) {
			put_vu(out, t->xfile);
			put_vu(out, t->xfoff);
		}
		put_vu(out, tp->n);
		for (k = 0; k < tp->n; k++) {
			put_vu(out, tp->doc[k]);
			buf_addch(out, tp->imp[k]);
		}
	}
	/*
	 * The words in the order of their strings: a patch adds new ones
	 * at the end of x->w, a full build where their documents are.
	 */
	word = xcalloc(x->nw + 1, sizeof(*word));
	for (i = 0; i < x->nw; i++)
		word[i] = (uint32_t)i;
	sort_ix = x;
	qsort(word, x->nw, sizeof(*word), widx_cmp);
	put_vu(out, x->nw);
	for (i = 0; i < x->nw; i++) {
		w = &x->w[word[i]];
		str = str_at(x, w->s);
		put_str(out, str, strlen(str));
		put_vu(out, rank[w->term]);
		put_vu(out, w->n);
	}
	free(word);
	free(rank);
	crypto_generichash(h, sizeof(h), (const unsigned char *)out->data,
	    out->len, NULL, 0);
	buf_add(out, h, sizeof(h));
}

/* A new posting of a changed document. */
struct nent {
	uint32_t	 term, doc;
	uint8_t		 imp, npos;
	const unsigned char *pos, *end;
};

/* A changed document's new facet values. */
struct nfac {
	int		 single[IX_NSINGLE];
	int		 factors[REPORT_FACTORS_MAX];
	int		 nf;
};

struct patch {
	struct ix	*x;
	const struct ixprev *prev;
	struct ixcache	*c;
	const struct ixref *refs;
	size_t		 n, nold;
	const char	*why;		/* why it cannot patch */
	/* The state. */
	struct buf	 sb;
	const unsigned char *p, *end;
	uint32_t	 ongroups;
	size_t		 onpost, onposx, nt0;
	char		**opost, **oposx;
	uint64_t	*opsize, *oxsize;	/* their sizes */
	uint32_t	*ocntp, *ocntx;	/* terms per old file */
	struct buf	 ochunks, ocol[IX_NFACETS];
	struct ixtop	*otop;
	struct fmap	*opf, *oxf;	/* old files, mapped when needed */
	uint8_t		*opl, *oxl;	/* read */
	/* The changes. */
	uint8_t		*chg;		/* per document: changed */
	uint32_t	*cdoc;		/* the changed documents, in order */
	size_t		 ncdoc;
	struct buf	*ndoc;		/* their new documents */
	struct nfac	*nfac;
	struct nent	*ne;
	size_t		 nne, capne;
	struct buf	 out;		/* the touched terms' new strings */
};

static int
get_str(struct patch *P, const char **s, size_t *len)
{
	uint64_t	 v;

	if (get_vu(&P->p, P->end, &v) == -1 || v > (uint64_t)(P->end -
	    P->p))
		return -1;
	*s = (const char *)P->p;
	*len = (size_t)v;
	P->p += v;
	return 0;
}

static int
get_num(struct patch *P, uint64_t max, uint64_t *v)
{
	return get_vu(&P->p, P->end, v) == -1 || *v > max ? -1 : 0;
}

/*
 * A count of items of at least min bytes each: no more than the rest of
 * the state can hold, so that a damaged count is refused before the
 * arrays it sizes are allocated.
 */
static int
get_count(struct patch *P, uint64_t max, size_t min, uint64_t *v)
{
	return get_num(P, max, v) != 0 || *v > (uint64_t)(P->end - P->p) /
	    min ? -1 : 0;
}

/* A string of the state as a C string (no NUL inside), into b. */
static int
get_cstr(struct patch *P, struct buf *b)
{
	const char	*s;
	size_t		 len;

	if (get_str(P, &s, &len) != 0 || len == 0 ||
	    memchr(s, '\0', len) != NULL)
		return -1;
	buf_reset(b);
	buf_add(b, s, len);
	buf_addch(b, '\0');
	return 0;
}

/* A file name of the index: x/<16 hex>.json. */
static int
get_name(struct patch *P, char **name)
{
	const char	*s;
	size_t		 len, i;

	if (get_str(P, &s, &len) != 0 || len != 2 + 16 + 5 ||
	    memcmp(s, "x/", 2) != 0 || memcmp(s + 18, ".json", 5) != 0)
		return -1;
	for (i = 2; i < 18; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return -1;
	*name = xstrndup(s, len);
	return 0;
}

static void
same_buf(struct buf *b, const char *s, size_t len)
{
	buf_reset(b);
	buf_add(b, s, len);
}

/*
 * The head of the state in P->sb: its hash, magic, tree and
 * configuration hash; not the entry file's hash.  P->why says what does
 * not fit.
 */
static int
state_head(struct patch *P, const git_oid *tree)
{
	unsigned char	 h[16];

	P->why = "the state is damaged";
	if (P->sb.len < STATE_HEAD + 16)
		return -1;
	crypto_generichash(h, sizeof(h), (const unsigned char *)P->sb.data,
	    P->sb.len - 16, NULL, 0);
	if (memcmp(P->sb.data, STATE_MAGIC, 8) != 0 || memcmp(h,
	    P->sb.data + P->sb.len - 16, 16) != 0)
		return -1;
	P->why = "the state is not of the last build";
	if (memcmp(P->sb.data + 8, tree->id, GIT_OID_RAWSZ) != 0)
		return -1;
	P->why = "the configuration or the program changed";
	ix_config_hash(P->x, h);
	if (memcmp(P->sb.data + 8 + GIT_OID_RAWSZ, h, 16) != 0)
		return -1;
	return 0;
}

/*
 * The body of the state in P->sb, after its head: the files, chunks,
 * columns, terms (into P->x) and words.  P->why says what does not fit.
 */
static int
state_body(struct patch *P)
{
	struct ix	*x = P->x;
	struct ixterm	*t;
	struct buf	 nm = BUF_INIT;
	const char	*s;
	size_t		 len, i, k;
	uint64_t	 v, nt, nw, f, doc;
	int		 rc = -1;

	P->why = "the state is damaged";
	P->p = (const unsigned char *)P->sb.data + STATE_HEAD;
	P->end = (const unsigned char *)P->sb.data + P->sb.len - 16;
	if (get_num(P, UINT32_MAX, &v) != 0 || v != P->nold) {
		P->why = "the state is not of the last build";
		goto out;
	}
	if (get_num(P, 1 << 24, &v) != 0)
		goto out;
	P->ongroups = (uint32_t)v;
	/* A file: its name (a length and 23 bytes), its size. */
	if (get_count(P, 1 << 24, 1 + 23 + 1, &v) != 0 || v < P->ongroups)
		goto out;
	P->onpost = (size_t)v;
	P->opost = xcalloc(P->onpost + 1, sizeof(*P->opost));
	P->opsize = xcalloc(P->onpost + 1, sizeof(*P->opsize));
	for (i = 0; i < P->onpost; i++)
		if (get_name(P, &P->opost[i]) != 0 ||
		    get_num(P, STATE_MAX, &P->opsize[i]) != 0)
			goto out;
	if (get_count(P, 1 << 24, 1 + 23 + 1, &v) != 0 || v == 0 ||
	    P->onpost == 0)
		goto out;
	P->onposx = (size_t)v;
	P->oposx = xcalloc(P->onposx + 1, sizeof(*P->oposx));
	P->oxsize = xcalloc(P->onposx + 1, sizeof(*P->oxsize));
	for (i = 0; i < P->onposx; i++)
		if (get_name(P, &P->oposx[i]) != 0 ||
		    get_num(P, STATE_MAX, &P->oxsize[i]) != 0)
			goto out;
	if (get_str(P, &s, &len) != 0 || len != 8 * ((P->nold + IX_CHUNK -
	    1) / IX_CHUNK))
		goto out;
	same_buf(&P->ochunks, s, len);
	if (get_str(P, &s, &len) != 0 || len != 2 * P->nold)
		goto out;
	same_buf(&x->months, s, len);
	for (k = 0; k < IX_NFACETS; k++) {
		if (get_str(P, &s, &len) != 0)
			goto out;
		same_buf(&P->ocol[k], s, len);
	}
	P->ocntp = xcalloc(P->onpost + 1, sizeof(*P->ocntp));
	P->ocntx = xcalloc(P->onposx + 1, sizeof(*P->ocntx));
	/* A term: its stem (a length and a byte), then 7 numbers. */
	if (get_count(P, UINT32_MAX / 2, 2 + 7, &nt) != 0)
		goto out;
	P->otop = xcalloc(nt + 1, sizeof(*P->otop));
	for (i = 0; i < nt; i++) {
		if (get_cstr(P, &nm) != 0)
			goto out;
		t = term_get(x, nm.data);
		if ((size_t)(t - x->t) != i || x->nt != i + 1)
			goto out;	/* twice */
		t->opfile = t->oxfile = IX_NOFILE;
		if (get_num(P, P->nold, &v) != 0)
			goto out;
		t->df = (uint32_t)v;
		if (get_num(P, t->df, &v) != 0)
			goto out;
		t->nself = (uint32_t)v;
		if (get_num(P, UINT32_MAX, &t->oplen) != 0 ||
		    get_num(P, UINT32_MAX, &t->oxlen) != 0 ||
		    get_num(P, P->onpost - 1, &f) != 0 ||
		    get_num(P, UINT32_MAX, &t->opoff) != 0)
			goto out;
		t->opfile = (uint32_t)f;
		P->ocntp[f]++;
		if (t->oxlen > 0) {
			if (get_num(P, P->onposx - 1, &f) != 0 ||
			    get_num(P, UINT32_MAX, &t->oxoff) != 0)
				goto out;
			t->oxfile = (uint32_t)f;
			P->ocntx[f]++;
		}
		t->plen = t->oplen;
		t->xlen = t->oxlen;
		if (get_num(P, IX_TOP, &v) != 0)
			goto out;
		P->otop[i].n = (uint8_t)v;
		for (k = 0; k < P->otop[i].n; k++) {
			if (get_num(P, P->nold - 1, &doc) != 0 ||
			    P->p >= P->end || *P->p < 1 || *P->p > 63)
				goto out;
			P->otop[i].doc[k] = (uint32_t)doc;
			P->otop[i].imp[k] = *P->p++;
		}
	}
	P->nt0 = x->nt;
	/* A word: itself (a length and a byte), its term and its count;
	 * no words without terms, which the words point at. */
	if (get_count(P, UINT32_MAX / 2, 2 + 2, &nw) != 0 || (nw > 0 &&
	    nt == 0))
		goto out;
	for (i = 0; i < nw; i++) {
		if (get_cstr(P, &nm) != 0 || get_num(P, nt - 1, &v) != 0 ||
		    word_add(x, nm.data, (uint32_t)v) != i || x->nw != i + 1 ||
		    get_num(P, P->nold, &f) != 0)
			goto out;
		x->w[i].n = (uint32_t)f;
	}
	if (P->p != P->end)
		goto out;
	P->why = NULL;
	rc = 0;
out:
	buf_free(&nm);
	return rc;
}

/* Reads the state file; P->why says what does not fit. */
static int
ixs_read(struct patch *P, const git_oid *tree)
{
	struct ix	*x = P->x;
	struct buf	 ent = BUF_INIT;
	char		 path[PATH_MAX], cpath[PATH_MAX];
	unsigned char	 h[16];
	int		 rc = -1;

	P->why = "no state of the last build";
	if (ix_cache_path(cpath, sizeof(cpath), x->dir, 0) != 0 ||
	    file_path(path, sizeof(path), "%s.state", cpath) != 0 ||
	    file_read(&P->sb, path, STATE_MAX) != 0)
		goto out;
	if (state_head(P, tree) != 0)
		goto out;
	/* The entry file in place is the one the state describes. */
	P->why = "the index in place is not the state's";
	if (file_path(path, sizeof(path), "%s/" IX_DIR "/index.json",
	    x->dir) != 0 || file_read(&ent, path, STATE_MAX) != 0)
		goto out;
	crypto_generichash(h, sizeof(h), (const unsigned char *)ent.data,
	    ent.len, NULL, 0);
	if (memcmp(P->sb.data + 8 + GIT_OID_RAWSZ + 16, h, 16) != 0)
		goto out;
	if (state_body(P) != 0)
		goto out;
	rc = 0;
out:
	buf_free(&ent);
	return rc;
}

/* Takes an old document's terms out of the counts. */
static int
take_out(struct patch *P, const struct buf *doc)
{
	struct ix	*x = P->x;
	struct ixdoc	 dd;
	struct ixdterm	 d;
	struct ixterm	*t;
	struct word	*w;
	const char	*f;
	uint64_t	 k;
	size_t		 j;

	if (ix_doc_open(&dd, doc->data, doc->len) != 0)
		return -1;
	for (k = 0; k < dd.nterms; k++) {
		if (ix_doc_term(&dd, &d) != 0 ||
		    (t = term_find(x, d.stem)) == NULL || t->df == 0)
			return -1;
		t->touched = 1;
		t->df--;
		if (d.flags & (IT_SYN | IT_SELF)) {
			if (t->nself == 0)
				return -1;
			t->nself--;
		}
		f = d.forms;
		for (j = 0; j < d.nforms; j++) {
			if ((w = word_find(x, f)) == NULL || w->n == 0)
				return -1;
			w->n--;
			f += strlen(f) + 1;
		}
	}
	return dd.p == dd.end ? 0 : -1;
}

/* Puts a new document's terms in, as pass_count() would. */
static int
put_in(struct patch *P, uint32_t i, const struct buf *doc, struct nfac *nf)
{
	struct ix	*x = P->x;
	struct ixdoc	 dd;
	struct ixdterm	 d;
	struct ixterm	*t;
	struct nent	*e;
	const char	*f;
	uint64_t	 k;
	uint32_t	 wi;
	size_t		 j, nt = x->nt;

	if (ix_doc_open(&dd, doc->data, doc->len) != 0 || dd.metalen < 2 ||
	    dd.meta[0] != '{' || dd.meta[dd.metalen - 1] != '}' ||
	    memchr(dd.meta, '\0', dd.metalen) != NULL)
		return -1;
	if (2 * (size_t)i + 2 > x->months.len) {
		if (2 * (size_t)i != x->months.len)
			return -1;
		buf_addstr(&x->months, "AA");
	}
	x->months.data[2 * i] = b64[(dd.month >> 6) & 63];
	x->months.data[2 * i + 1] = b64[dd.month & 63];
	memcpy(nf->single, dd.single, sizeof(nf->single));
	memcpy(nf->factors, dd.factors, sizeof(nf->factors));
	nf->nf = dd.nfactors;
	for (k = 0; k < dd.nterms; k++) {
		if (ix_doc_term(&dd, &d) != 0 || d.impact < 1 ||
		    d.impact > 63)
			return -1;
		t = term_get(x, d.stem);
		if (x->nt > nt) {
			/* A term the last build did not have. */
			t->opfile = t->oxfile = IX_NOFILE;
			nt = x->nt;
		}
		t->touched = 1;
		t->df++;
		if (d.flags & (IT_SYN | IT_SELF)) {
			t->nself++;
			word_add(x, d.stem, (uint32_t)(t - x->t));
		}
		f = d.forms;
		for (j = 0; j < d.nforms; j++) {
			wi = word_add(x, f, (uint32_t)(t - x->t));
			x->w[wi].n++;
			f += strlen(f) + 1;
		}
		if (P->nne == P->capne) {
			P->capne = P->capne ? P->capne * 2 : 1024;
			P->ne = xreallocarray(P->ne, P->capne, sizeof(*P->ne));
		}
		e = &P->ne[P->nne++];
		e->term = (uint32_t)(t - x->t);
		e->doc = i;
		e->imp = d.impact;
		e->npos = d.npos;
		e->pos = d.pos;
		e->end = d.end;
	}
	return dd.p == dd.end ? 0 : -1;
}

static int
nent_cmp(const void *a, const void *b)
{
	const struct nent *x = a, *y = b;

	if (x->term != y->term)
		return x->term < y->term ? -1 : 1;
	return x->doc < y->doc ? -1 : x->doc > y->doc;
}

/* The value of an index character, or -1. */
static int
b64_val(int ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	return ch == '-' ? 62 : ch == '_' ? 63 : -1;
}

static int
b64_get(const char **p, const char *end, uint64_t *v)
{
	int	 d, sh = 0;

	*v = 0;
	while (*p < end && sh < 60) {
		if ((d = b64_val(*(*p)++)) == -1)
			return -1;
		*v |= (uint64_t)(d & 31) << sh;
		if (d < 32)
			return 0;
		sh += 5;
	}
	return -1;
}

/*
 * The last build's file f (postings or positions), mapped once.  It is
 * named by its content: a file of that name that is not of the size the
 * state says has been changed since, and ends the patch.  (A file whose
 * bytes changed but not its size is not caught here; but no byte of it
 * is used that does not sit between the quotes the state says.)
 */
static const struct fmap *
old_file(struct patch *P, int positions, uint32_t f)
{
	struct fmap	*b = positions ? &P->oxf[f] : &P->opf[f];
	uint8_t		*loaded = positions ? &P->oxl[f] : &P->opl[f];
	const char	*name = positions ? P->oposx[f] : P->opost[f];
	char		 path[PATH_MAX];

	if (*loaded)
		return b;
	if (file_path(path, sizeof(path), "%s/" IX_DIR "/%s", P->x->dir,
	    name) != 0 || file_map(b, path, STATE_MAX) != 0 ||
	    b->len != (positions ? P->oxsize[f] : P->opsize[f])) {
		P->why = "a file of the last build's index is missing or "
		    "changed";
		file_unmap(b);
		return NULL;
	}
	*loaded = 1;
	return b;
}

/* A term's string in an old file: checked to sit between quotes. */
static const char *
old_str(struct patch *P, int positions, uint32_t f, uint64_t off,
    uint64_t len)
{
	const struct fmap *b;

	if ((b = old_file(P, positions, f)) == NULL)
		return NULL;
	if (off < 1 || off > b->len || len > b->len - off ||
	    off + len >= b->len || b->data[off - 1] != '"' ||
	    b->data[off + len] != '"') {
		P->why = "the state does not match the last build's files";
		return NULL;
	}
	return b->data + off;
}

/* The value of each character of the index's strings, or -1. */
static int8_t	 b64t[256];

static void
b64t_init(void)
{
	int	 i;

	for (i = 0; i < 256; i++)
		b64t[i] = (int8_t)b64_val(i);
}

/* A varint of the index at *p (before end); -1 if there is none. */
static inline int
vget(const char **p, const char *end, uint64_t *v)
{
	int	 d, sh = 0;

	*v = 0;
	while (*p < end && sh < 60) {
		if ((d = b64t[(unsigned char)*(*p)++]) < 0)
			return -1;
		*v |= (uint64_t)(d & 31) << sh;
		if (d < 32)
			return 0;
		sh += 5;
	}
	return -1;
}

/* Skips one posting's positions (a count, then that many varints). */
static inline int
span_skip(const char **p, const char *end, uint64_t *cnt)
{
	uint64_t	 k;
	int		 d;

	if (vget(p, end, cnt) == -1 || *cnt > IX_POS_MAX)
		return -1;
	for (k = 0; k < *cnt; k++)
		do {
			if (*p >= end || (d = b64t[(unsigned char)**p]) < 0)
				return -1;
			(*p)++;
		} while (d >= 32);
	return 0;
}

/* Adds a posting to the best IX_TOP: higher impact, then newer first. */
static void
top_add(struct ixtop *tp, uint64_t doc, uint64_t imp)
{
	size_t	 r;

	if (tp->n == IX_TOP && (imp < tp->imp[IX_TOP - 1] ||
	    (imp == tp->imp[IX_TOP - 1] && doc < tp->doc[IX_TOP - 1])))
		return;
	r = tp->n < IX_TOP ? tp->n++ : IX_TOP - 1;
	while (r > 0 && (imp > tp->imp[r - 1] || (imp == tp->imp[r - 1] &&
	    doc > tp->doc[r - 1]))) {
		tp->imp[r] = tp->imp[r - 1];
		tp->doc[r] = tp->doc[r - 1];
		r--;
	}
	tp->imp[r] = (uint8_t)imp;
	tp->doc[r] = (uint32_t)doc;
}

/*
 * A touched term's new postings and positions strings, df and best
 * postings: its old postings without the changed documents', merged
 * with their new ones e[0..ne).  The old strings are read up to the last
 * changed document; what follows is copied as it was (but for the delta
 * of its first posting).  The best postings are the old ones and the
 * new, unless a changed document was among them: then every posting is
 * read again.
 */
static int
retell(struct patch *P, uint32_t ti, const struct nent *e, size_t ne)
{
	struct ix	*x = P->x;
	struct ixterm	*t = &x->t[ti];
	struct ixtop	*tp = &x->top[ti];
	const char	*ps = NULL, *pe = NULL, *xs = NULL, *xe = NULL;
	const char	*save, *tail = NULL, *sp, *run = NULL, *runend = NULL;
	const unsigned char *q;
	uint64_t	 delta, cnt = 0, v, olast = 0, nlast = 0, doc = 0, oprev;
	uint64_t	 df = 0, ntail = 0, imp, ptlen = 0;
	uint64_t	 maxc = P->ncdoc > 0 ? P->cdoc[P->ncdoc - 1] : 0;
	size_t		 k = 0, j, pstart, xstart;
	int		 d, haspos = 0, anypos = 0, walk = 0;
	char		 tmp[16];

	if (t->opfile != IX_NOFILE && t->oplen > 0) {
		if ((ps = old_str(P, 0, t->opfile, t->opoff,
		    t->oplen)) == NULL)
			return NM_ENOTFOUND;
		pe = ps + t->oplen;
	}
	if (t->oxfile != IX_NOFILE && t->oxlen > 0) {
		if ((xs = old_str(P, 1, t->oxfile, t->oxoff,
		    t->oxlen)) == NULL)
			return NM_ENOTFOUND;
		xe = xs + t->oxlen;
		haspos = 1;
	}
	for (j = 0; j < ne; j++)
		if (e[j].npos > 0)
			haspos = 1;
	for (j = 0; j < tp->n; j++)
		if (P->chg[tp->doc[j]])
			walk = 1;
	/* A term that had no positions and gets some: 'A' for each. */
	if (xs == NULL && haspos)
		walk = 1;
	if (walk)
		memset(tp, 0, sizeof(*tp));
	pstart = P->out.len;
	buf_grow(&P->out, t->oplen + 16 * ne + 16);
	/* The postings, merged, up to the first old one after maxc. */
	for (;;) {
		if (ps != NULL && ps < pe) {
			save = ps;
			if (vget(&ps, pe, &delta) == -1 || ps >= pe ||
			    (d = b64t[(unsigned char)*ps++]) < 1)
				goto bad;
			imp = (uint64_t)d;
			doc = olast + delta;
			if (doc >= P->nold)
				goto bad;
			if (k < ne && e[k].doc < doc)
				ps = save;	/* the new one first */
			else {
				oprev = olast;
				olast = doc + 1;
				if (P->chg[doc])
					continue;	/* taken out */
				if (doc > maxc) {
					tail = save;
					break;
				}
				/*
				 * After the same documents as before, its
				 * bytes are as they were: copied later with
				 * its neighbours, in one piece.
				 */
				if (nlast == oprev) {
					if (run == NULL)
						run = save;
					runend = ps;
					nlast = doc + 1;
					df++;
					if (walk)
						top_add(tp, doc, imp);
					continue;
				}
				goto emit;
			}
		} else if (k >= ne)
			break;
		doc = e[k].doc;
		imp = e[k].imp;
		k++;
		if (!walk)
			top_add(tp, doc, imp);
emit:
		if (run != NULL) {
			buf_add(&P->out, run, (size_t)(runend - run));
			run = NULL;
		}
		buf_add(&P->out, tmp, (size_t)(b64_put(tmp, doc - nlast) -
		    tmp));
		buf_addch(&P->out, b64[imp & 63]);
		nlast = doc + 1;
		df++;
		if (walk)
			top_add(tp, doc, imp);
	}
	if (run != NULL) {
		buf_add(&P->out, run, (size_t)(runend - run));
		run = NULL;
	}
	if (tail != NULL) {
		/* The first posting after the changes, its delta made anew,
		 * then the rest as it was; read for df and the best. */
		buf_add(&P->out, tmp, (size_t)(b64_put(tmp, doc - nlast) -
		    tmp));
		buf_addch(&P->out, b64[imp & 63]);
		t->ptail = ps;
		ptlen = (uint64_t)(pe - ps);
		df++;
		ntail++;
		if (walk)
			top_add(tp, doc, imp);
		while (walk && ps < pe) {
			if (vget(&ps, pe, &delta) == -1 || ps >= pe ||
			    (d = b64t[(unsigned char)*ps++]) < 1)
				goto bad;
			doc = olast + delta;
			olast = doc + 1;
			if (doc >= P->nold)
				goto bad;
			df++;
			ntail++;
			top_add(tp, doc, (uint64_t)d);
		}
	}
	if (walk && df != t->df)
		goto bad;
	t->poff = pstart;
	t->phlen = P->out.len - pstart;
	t->plen = t->phlen + ptlen;
	t->xlen = 0;
	if (!haspos)
		return 0;
	/*
	 * The positions, in the same order: an old posting's as they
	 * were (or a count of 0 if the term had none), a new one's from
	 * its document; after the head, the rest as it was.
	 */
	xstart = P->out.len;
	buf_grow(&P->out, t->oxlen + (ntail + 1) + 64 * ne);
	k = 0;
	olast = 0;
	ps = t->oplen > 0 && t->opfile != IX_NOFILE ? pe - t->oplen : NULL;
	for (;;) {
		if (ps != NULL && ps < (tail != NULL ? tail : pe)) {
			save = ps;
			(void)vget(&ps, pe, &delta);
			ps++;
			doc = olast + delta;
			sp = xs;
			if (xs != NULL && span_skip(&xs, xe, &cnt) == -1)
				goto bad;
			if (k < ne && e[k].doc < doc) {
				ps = save;
				xs = sp;
			} else {
				olast = doc + 1;
				if (P->chg[doc]) {
					/* Its span is left out: the run
					 * before it ends there. */
					if (run != NULL) {
						buf_add(&P->out, run,
						    (size_t)(runend - run));
						run = NULL;
					}
					continue;
				}
				if (xs != NULL) {
					/* Copied with its neighbours. */
					if (run == NULL)
						run = sp;
					runend = xs;
					if (cnt > 0)
						anypos = 1;
				} else
					buf_addch(&P->out, 'A');
				continue;
			}
		} else if (k >= ne)
			break;
		if (run != NULL) {
			buf_add(&P->out, run, (size_t)(runend - run));
			run = NULL;
		}
		if (e[k].npos > 0)
			anypos = 1;
		buf_add(&P->out, tmp, (size_t)(b64_put(tmp, e[k].npos) -
		    tmp));
		q = e[k].pos;
		for (j = 0; j < e[k].npos; j++) {
			if (ix_doc_pos(&q, e[k].end, &v) == -1)
				goto bad;
			buf_add(&P->out, tmp, (size_t)(b64_put(tmp, v) - tmp));
		}
		k++;
	}
	if (run != NULL) {
		buf_add(&P->out, run, (size_t)(runend - run));
		run = NULL;
	}
	if (tail != NULL) {
		if (xs != NULL) {
			/* Stop words only, or positions, in the rest? */
			if (strspn(xs, "A") < (size_t)(xe - xs))
				anypos = 1;
			t->xtail = xs;
		} else
			for (j = 0; j < ntail; j++)
				buf_addch(&P->out, 'A');
	} else if (xs != NULL && xs != xe)
		goto bad;
	/* Only stop words' postings left: no positions, as in a full build. */
	if (!anypos) {
		buf_truncate(&P->out, xstart);
		t->xtail = NULL;
		return 0;
	}
	t->xoff = xstart;
	t->xhlen = P->out.len - xstart;
	t->xlen = t->xhlen + (t->xtail != NULL ? (uint64_t)(xe - xs) : 0);
	return 0;
bad:
	P->why = "the state does not match the last build's files";
	return NM_ENOTFOUND;
}

/*
 * Removes the terms and words no document has any more (but the
 * synonym phrases', which syn_words() kept).
 */
static void
compact(struct patch *P)
{
	struct ix	*x = P->x;
	struct ixterm	*t;
	struct word	*w;
	uint32_t	*map;
	size_t		 i, nt = 0, nw = 0;

	/* Words first, while their terms are where they were. */
	for (i = 0; i < x->nw; i++) {
		w = &x->w[i];
		t = &x->t[w->term];
		if (w->n > 0 || w->live || (t->nself > 0 &&
		    strcmp(str_at(x, w->s), str_at(x, t->s)) == 0))
			x->w[nw++] = *w;
	}
	x->nw = nw;
	map = xcalloc(x->nt + 1, sizeof(*map));
	for (i = 0; i < x->nt; i++) {
		t = &x->t[i];
		if (!t->keep)
			continue;
		map[i] = (uint32_t)nt;
		x->top[nt] = x->top[i];
		x->t[nt++] = *t;
	}
	x->nt = nt;
	for (i = 0; i < x->nw; i++)
		x->w[i].term = map[x->w[i].term];
	/* The tables' indices are gone. */
	free(x->th.v);
	free(x->wh.v);
	memset(&x->th, 0, sizeof(x->th));
	memset(&x->wh, 0, sizeof(x->wh));
	free(map);
}

/* 1 if the file's terms are those of old file o, unchanged. */
static int
file_same(struct patch *P, const uint32_t *terms, size_t nterms,
    int positions, uint32_t o)
{
	const struct ixterm *t;
	size_t		 i;

	if (o == IX_NOFILE || nterms != (positions ? P->ocntx[o] :
	    P->ocntp[o]))
		return 0;
	for (i = 0; i < nterms; i++) {
		t = &P->x->t[terms[i]];
		if (t->touched || (positions ? t->oxfile : t->opfile) != o)
			return 0;
	}
	return 1;
}

/*
 * Decides, per file of the new plan, whether it is an old file as it
 * was (kept: its terms' places noted) or is to be written (its untouched
 * terms' strings found in the old files).  Reads what it needs before
 * anything is written.
 */
static int
plan_patch(struct patch *P, struct groups *g, uint8_t *pkeep,
    uint8_t *xkeep)
{
	struct ix	*x = P->x;
	struct ixterm	*t;
	uint32_t	 o;
	size_t		 i, k;

	for (i = 0; i < g->npost; i++) {
		const uint32_t *terms = g->pterms + g->pfirst[i];
		size_t nterms = g->pfirst[i + 1] - g->pfirst[i];

		o = IX_NOFILE;
		if (i < x->ngroups) {
			if (x->ngroups == P->ongroups)
				o = (uint32_t)i;
		} else if (nterms == 1 && x->t[terms[0]].opfile !=
		    IX_NOFILE && x->t[terms[0]].opfile >= P->ongroups)
			o = x->t[terms[0]].opfile;
		if ((pkeep[i] = (uint8_t)file_same(P, terms, nterms, 0, o))) {
			g->post[i] = xstrdup(P->opost[o]);
			g->psize[i] = P->opsize[o];
			for (k = 0; k < nterms; k++) {
				t = &x->t[terms[k]];
				t->pfile = (uint32_t)i;
				t->pfoff = t->opoff;
			}
			continue;
		}
		for (k = 0; k < nterms; k++) {
			t = &x->t[terms[k]];
			if (t->touched)
				continue;
			t->pstr = t->plen == 0 ? "" : old_str(P, 0, t->opfile,
			    t->opoff, t->plen);
			if (t->pstr == NULL)
				return NM_ENOTFOUND;
			t->phlen = t->plen;
		}
	}
	for (i = 0; i < g->nposx; i++) {
		const uint32_t *terms = g->xterms + g->xfirst[i];
		size_t nterms = g->xfirst[i + 1] - g->xfirst[i];

		/*
		 * The old file of the same terms: a hash group's of the
		 * same number, or one big term's own; file_same() checks.
		 */
		o = IX_NOFILE;
		if (nterms == 1 && x->t[terms[0]].oxfile != IX_NOFILE &&
		    x->t[terms[0]].big)
			o = x->t[terms[0]].oxfile;
		else if (i < P->onposx)
			o = (uint32_t)i;
		if ((xkeep[i] = (uint8_t)file_same(P, terms, nterms, 1, o))) {
			g->posx[i] = xstrdup(P->oposx[o]);
			g->xsize[i] = P->oxsize[o];
			for (k = 0; k < nterms; k++) {
				t = &x->t[terms[k]];
				t->xfile = (uint32_t)i;
				t->xfoff = t->oxoff;
			}
			continue;
		}
		for (k = 0; k < nterms; k++) {
			t = &x->t[terms[k]];
			if (t->touched)
				continue;
			if ((t->xstr = old_str(P, 1, t->oxfile, t->oxoff,
			    t->xlen)) == NULL)
				return NM_ENOTFOUND;
			t->xhlen = t->xlen;
		}
	}
	return 0;
}

/* The columns: the old documents' values, the changed ones' new. */
static int
patch_columns(struct patch *P)
{
	struct ix	*x = P->x;
	const char	*p[IX_NFACETS], *e[IX_NFACETS], *s;
	uint64_t	 v, cnt;
	size_t		 i, k, j, c = 0;

	for (k = 0; k < IX_NFACETS; k++) {
		p[k] = P->ocol[k].data;
		e[k] = p[k] + P->ocol[k].len;
		buf_reset(&x->col[k]);
	}
	for (i = 0; i < P->n; i++) {
		for (k = 0; k < IX_NFACETS && i < P->nold; k++) {
			/* Document i's span in the old column k. */
			s = p[k];
			if (b64_get(&p[k], e[k], &cnt) == -1)
				return -1;
			for (j = 0; ix_facet_multi(k) && j < cnt; j++)
				if (b64_get(&p[k], e[k], &v) == -1)
					return -1;
			if (!P->chg[i])
				buf_add(&x->col[k], s, (size_t)(p[k] - s));
		}
		if (!P->chg[i])
			continue;
		while (c < P->ncdoc && P->cdoc[c] < i)
			c++;
		if (c == P->ncdoc || P->cdoc[c] != i ||
		    col_add(x, P->nfac[c].single, P->nfac[c].factors,
		    P->nfac[c].nf) != 0)
			return -1;
	}
	for (k = 0; k < IX_NFACETS; k++)
		if (p[k] != e[k])
			return -1;
	return 0;
}

/* The metadata chunks: the changed documents' written again. */
static int
patch_chunks(struct patch *P)
{
	struct ix	*x = P->x;
	struct ixdoc	 dd;
	char		 name[64];
	size_t		 k, i, nch = (P->n + IX_CHUNK - 1) / IX_CHUNK;
	size_t		 onch = P->ochunks.len / 8;
	int		 dirty;

	buf_reset(&x->chunks);
	for (k = 0; k < nch; k++) {
		dirty = k >= onch;
		for (i = k * IX_CHUNK; i < P->n && i < (k + 1) * IX_CHUNK; i++)
			if (P->chg[i])
				dirty = 1;
		if (!dirty) {
			buf_add(&x->chunks, P->ochunks.data + 8 * k, 8);
			snprintf(name, sizeof(name), "m/%zu.%.8s.json", k,
			    P->ochunks.data + 8 * k);
			if (ix_keep(x, name) != 0)
				return -1;
			continue;
		}
		buf_reset(&x->chunk);
		for (i = k * IX_CHUNK; i < P->n && i < (k + 1) * IX_CHUNK;
		    i++) {
			if (doc_read(x, P->c, &P->refs[i]) != 0)
				return -1;
			if (ix_doc_open(&dd, x->doc.data, x->doc.len) != 0 ||
			    dd.metalen < 2 || dd.meta[0] != '{')
				return NM_ENOTFOUND;
			buf_addstr(&x->chunk, x->chunk.len == 0 ? "[" : ",\n");
			buf_add(&x->chunk, dd.meta, dd.metalen);
		}
		x->nchunk = k;
		if (chunk_flush(x) != 0)
			return -1;
	}
	return 0;
}

static void
patch_free(struct patch *P)
{
	size_t	 i;

	buf_free(&P->sb);
	for (i = 0; P->opost != NULL && i < P->onpost; i++) {
		free(P->opost[i]);
		if (P->opf != NULL)
			file_unmap(&P->opf[i]);
	}
	for (i = 0; P->oposx != NULL && i < P->onposx; i++) {
		free(P->oposx[i]);
		if (P->oxf != NULL)
			file_unmap(&P->oxf[i]);
	}
	free(P->opost);
	free(P->oposx);
	free(P->opsize);
	free(P->oxsize);
	free(P->opf);
	free(P->oxf);
	free(P->opl);
	free(P->oxl);
	free(P->ocntp);
	free(P->ocntx);
	buf_free(&P->ochunks);
	for (i = 0; i < IX_NFACETS; i++)
		buf_free(&P->ocol[i]);
	free(P->otop);
	free(P->chg);
	free(P->cdoc);
	for (i = 0; P->ndoc != NULL && i < P->ncdoc; i++)
		buf_free(&P->ndoc[i]);
	free(P->ndoc);
	free(P->nfac);
	free(P->ne);
	buf_free(&P->out);
}

int
ixs_parse(struct ix *x, size_t nold, const git_oid *tree, const void *data,
    size_t len)
{
	struct patch	 P;
	size_t		 i;
	int		 rc = -1;

	assert(nold > 0);
	memset(&P, 0, sizeof(P));
	P.x = x;
	P.nold = nold;
	buf_init(&P.sb);
	buf_init(&P.out);
	buf_init(&P.ochunks);
	for (i = 0; i < IX_NFACETS; i++)
		buf_init(&P.ocol[i]);
	buf_add(&P.sb, data, len);
	if (state_head(&P, tree) != 0 || state_body(&P) != 0)
		goto out;
	rc = 0;
out:
	patch_free(&P);
	return rc;
}

int
ixs_patch(struct ix *x, const struct ixprev *prev, struct ixcache *c,
    const struct ixref *refs, size_t n, struct buf *state)
{
	struct patch	 P;
	struct groups	 g;
	struct ixcache	*oc = prev->cache;
	struct ixref	 key, *r;
	struct buf	 od = BUF_INIT;
	struct ixterm	*t;
	uint32_t	*order = NULL;
	uint8_t		*pkeep = NULL, *xkeep = NULL;
	size_t		 i, k, j, nwp = 0, nwx = 0, ntouch = 0;
	int		 rc = NM_ENOTFOUND, y;

	memset(&P, 0, sizeof(P));
	memset(&g, 0, sizeof(g));
	P.x = x;
	P.prev = prev;
	P.c = c;
	P.refs = refs;
	P.n = n;
	P.nold = oc->nrefs;
	x->patch = 1;
	b64t_init();
	buf_init(&P.sb);
	buf_init(&P.out);
	buf_init(&P.ochunks);
	for (i = 0; i < IX_NFACETS; i++)
		buf_init(&P.ocol[i]);

	/* The documents keep their numbers: none removed, new ones last. */
	if (prev->nchanged > PATCH_MAX) {
		P.why = "many reports changed";
		goto out;
	}
	P.why = "reports were removed, or added before others";
	if (P.nold > n || P.nold == 0)
		goto out;
	for (i = 0; i < P.nold; i++)
		if (strcmp(refs[i].id, oc->refs[i].id) != 0)
			goto out;
	P.chg = xcalloc(n + 1, 1);
	for (k = 0; k < prev->nchanged; k++) {
		key.id = prev->changed[k];
		if ((r = bsearch(&key, refs, n, sizeof(key),
		    ixref_cmp)) != NULL)
			P.chg[r - refs] = 1;
	}
	for (i = P.nold; i < n; i++)
		if (!P.chg[i])
			goto out;
	if (ixs_read(&P, prev->tree) != 0)
		goto out;
	P.opf = xcalloc(P.onpost + 1, sizeof(*P.opf));
	P.oxf = xcalloc(P.onposx + 1, sizeof(*P.oxf));
	P.opl = xcalloc(P.onpost + 1, 1);
	P.oxl = xcalloc(P.onposx + 1, 1);

	/* 1. The changed documents out, their new versions in. */
	P.why = "the state does not match the last build's documents";
	P.cdoc = xcalloc(prev->nchanged + 1, sizeof(*P.cdoc));
	P.ndoc = xcalloc(prev->nchanged + 1, sizeof(*P.ndoc));
	P.nfac = xcalloc(prev->nchanged + 1, sizeof(*P.nfac));
	for (i = 0; i < n; i++) {
		if (!P.chg[i])
			continue;
		buf_init(&P.ndoc[P.ncdoc]);
		if (ix_doc_read(c, &refs[i], &P.ndoc[P.ncdoc]) != 0) {
			rc = -1;
			goto out;
		}
		if (i < P.nold) {
			if (ix_doc_read(oc, &oc->refs[i], &od) != 0) {
				rc = -1;
				goto out;
			}
			/* Made again, but the same. */
			if (od.len == P.ndoc[P.ncdoc].len && memcmp(od.data,
			    P.ndoc[P.ncdoc].data, od.len) == 0) {
				P.chg[i] = 0;
				buf_free(&P.ndoc[P.ncdoc]);
				continue;
			}
			if (take_out(&P, &od) != 0)
				goto out;
		}
		P.cdoc[P.ncdoc] = (uint32_t)i;
		if (put_in(&P, (uint32_t)i, &P.ndoc[P.ncdoc],
		    &P.nfac[P.ncdoc]) != 0) {
			P.ncdoc++;
			goto out;
		}
		P.ncdoc++;
	}
	/* The synonym phrases' words and stems stay, as in a full build. */
	syn_words(x);
	for (i = 0; i < x->nt; i++) {
		t = &x->t[i];
		if (t->df > 0)
			t->keep = 1;
		if (i >= P.nt0) {
			t->touched = 1;
			t->opfile = t->oxfile = IX_NOFILE;
		}
	}
	x->top = xcalloc(x->nt + 1, sizeof(*x->top));
	memcpy(x->top, P.otop, P.nt0 * sizeof(*x->top));

	/* 2. The touched terms' strings. */
	if (P.nne > 0)
		qsort(P.ne, P.nne, sizeof(*P.ne), nent_cmp);
	/* Room for them all at once: no copies as the buffer grows. */
	for (i = 0, j = 0; i < x->nt; i++)
		if (x->t[i].touched)
			j += x->t[i].oplen + x->t[i].oxlen + 2;
	buf_grow(&P.out, j + P.nne * (16 + 8 * IX_POS_MAX));
	for (i = 0, j = 0; i < x->nt; i++) {
		t = &x->t[i];
		while (j < P.nne && P.ne[j].term < i)
			j++;
		if (!t->touched)
			continue;
		ntouch++;
		for (k = j; k < P.nne && P.ne[k].term == i; k++)
			;
		if ((rc = retell(&P, (uint32_t)i, P.ne + j, k - j)) != 0)
			goto out;
		rc = NM_ENOTFOUND;
	}
	for (i = 0; i < x->nt; i++) {
		t = &x->t[i];
		if (!t->touched)
			continue;
		t->pstr = P.out.data + t->poff;
		t->xstr = P.out.data + t->xoff;
	}

	/* 3. The plan of a build from every document, and what it keeps. */
	compact(&P);
	order = xcalloc(x->nt + 1, sizeof(*order));
	for (i = 0; i < x->nt; i++)
		order[i] = (uint32_t)i;
	sort_ix = x;
	qsort(order, x->nt, sizeof(*order), tidx_cmp);
	plan_groups(x, n, &g);
	x->nposx = (uint32_t)g.nposx;
	plan_files(x, order, &g);
	pkeep = xcalloc(g.npost + 1, 1);
	xkeep = xcalloc(g.nposx + 1, 1);
	if (plan_patch(&P, &g, pkeep, xkeep) != 0)
		goto out;
	if (patch_columns(&P) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		k = (size_t)(b64_val(x->months.data[2 * i]) << 6 |
		    b64_val(x->months.data[2 * i + 1]));
		y = 1900 + (int)k / 12;
		if (i == 0 || y < x->ymin)
			x->ymin = y;
		if (i == 0 || y > x->ymax)
			x->ymax = y;
	}

	/* 4. Written: from here on, a failure is an error. */
	rc = -1;
	for (i = 0; i < g.npost; i++) {
		if (pkeep[i]) {
			if (ix_keep(x, g.post[i]) != 0)
				goto out;
			continue;
		}
		nwp++;
		if (write_terms(x, &g, 0, (uint32_t)i, &g.post[i]) != 0)
			goto out;
	}
	for (i = 0; i < g.nposx; i++) {
		if (xkeep[i]) {
			if (ix_keep(x, g.posx[i]) != 0)
				goto out;
			continue;
		}
		nwx++;
		if (write_terms(x, &g, 1, (uint32_t)i, &g.posx[i]) != 0)
			goto out;
	}
	if ((rc = patch_chunks(&P)) != 0)
		goto out;
	log_debug("search index: patched: %zu changed document%s, %zu "
	    "terms touched, %zu of %zu postings and %zu of %zu positions "
	    "files written", P.ncdoc, P.ncdoc == 1 ? "" : "s", ntouch, nwp,
	    g.npost, nwx, g.nposx);
	rc = ix_finish(x, &g, order, n, &c->tree, state);
out:
	if (rc == NM_ENOTFOUND)
		log_debug("search index: not patched: %s", P.why != NULL ?
		    P.why : "the state does not match");
	buf_free(&od);
	groups_free(&g);
	free(order);
	free(pkeep);
	free(xkeep);
	patch_free(&P);
	return rc;
}
