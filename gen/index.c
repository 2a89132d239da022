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
 * The search index: documents (ix_doc), the cache file that holds them,
 * and the writer of search/ (ix_write).  See index.h and
 * docs/nearmiss-index.5.
 *
 * A document, as ix_doc() makes it and the cache keeps it:
 *
 *	u16	event month, (year - 1900) * 12 + month - 1
 *	u8	facet values + 1 (0: none) of the single facets, in ifacets
 *		order without the multi one
 *	u8	number of factors, then that many u8 factor numbers
 *	vu	length of the metadata JSON, then the JSON
 *	vu	number of terms, then per term (in the order of a hash) a
 *		record: its length in bytes as a vu, then
 *		the stem, NUL; u8 flags (IT_*); u8 impact 1..63;
 *		u8 number of word forms other than the stem, each
 *		NUL-terminated;
 *		u8 number of positions, each a vu: the first, then the
 *		differences
 *
 * (vu: an unsigned LEB128 number.)
 */

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "buf.h"
#include "build.h"
#include "config.h"
#include "file.h"
#include "gen.h"
#include "html.h"
#include "index.h"
#include "ixint.h"
#include "log.h"
#include "nm.h"
#include "report.h"
#include "token.h"

#define FORMS_MAX	16	/* word forms kept per term and document */
#define IX_PART_MAX	(24 << 20)	/* bytes of postings made at once */

/* BM25F (nearmiss-index(5)): reference field lengths, b and k1. */
static const double field_ref[TF_MAX] = { 12, 40, 500, 120, 80 };
#define BM25_B		0.75
#define BM25_K1		1.2

/* The facets of the index, in the entry file's order. */
static const struct ifacet {
	const char	*key;
	enum tax_id	 tax;
	const char	*label;
} ifacets[] = {
	{ "type", TAX_INCIDENT_TYPE, "Incident type" },
	{ "factor", TAX_FACTORS, "Contributing factors" },
	{ "loss", TAX_LOSS, "Loss potential" },
	{ "agency", TAX_AGENCY, "Agency type" },
	{ "region", TAX_REGION, "Region" },
	{ "time", TAX_TIME_OF_DAY, "Time of day" },
	{ "lighting", TAX_LIGHTING, "Lighting" },
	{ "weather", TAX_WEATHER, "Weather" },
};
#define NFACETS		(sizeof(ifacets) / sizeof(ifacets[0]))
#define NSINGLE		IX_NSINGLE
_Static_assert(NFACETS - 1 == IX_NSINGLE, "one multi facet");
_Static_assert(NFACETS == IX_NFACETS, "the facets of ixint.h");

const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

struct ixwork {
	struct tokenizer	*tok;
	const struct tok_syn	*syn;
	int			 search;	/* for the search index */
	struct toklist		 l;
	struct buf		 meta;
	struct buf		 rec;	/* one term's record */
	/* The occurrences of one report, grouped by term. */
	struct occ {
		const char	*word;	/* NULL for a synonym term */
		uint32_t	 pos;
		uint8_t		 field, flags;
	}			*occ;
	size_t			 capocc;
	/* Its terms: a hash table of them, then sorted by hash, stem. */
	struct grp {
		const char	*stem;
		uint32_t	 h;	/* fnv_chars() of the stem */
		uint32_t	 n;	/* occurrences */
		uint32_t	 off;	/* the first in occ */
	}			*grp, *gtmp;	/* gtmp: for the sort */
	uint32_t		*slot;	/* 1 + index in grp, or 0 */
	uint32_t		*of;	/* each token's group */
	size_t			 ngrp, capgrp, nslot;
};

/* Varints of the cache: unsigned LEB128. */
void
put_vu(struct buf *b, uint64_t v)
{
	unsigned char	 c;

	do {
		c = v & 0x7f;
		v >>= 7;
		buf_addch(b, v ? c | 0x80 : c);
	} while (v);
}

int
get_vu(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
	int	 sh = 0;

	*v = 0;
	while (*p < end && sh < 64) {
		*v |= (uint64_t)(**p & 0x7f) << sh;
		if ((*(*p)++ & 0x80) == 0)
			return 0;
		sh += 7;
	}
	return -1;
}

/* Varints of the index: 5 bits per character, continued at 32. */
size_t
b64_vlen(uint64_t v)
{
	size_t	 n = 1;

	while (v >= 32) {
		v >>= 5;
		n++;
	}
	return n;
}

char *
b64_put(char *p, uint64_t v)
{
	while (v >= 32) {
		*p++ = b64[32 | (v & 31)];
		v >>= 5;
	}
	*p++ = b64[v];
	return p;
}

void
b64_add(struct buf *b, uint64_t v)
{
	char	 tmp[16];

	buf_add(b, tmp, (size_t)(b64_put(tmp, v) - tmp));
}

/* FNV-1a of the first n characters (UTF-8) of s, or all of it. */
uint32_t
fnv_chars(const char *s, int n)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t	 h = 2166136261u;

	if (n < 0) {
		/* The whole string: no characters to count. */
		while (*p != '\0')
			h = (h ^ *p++) * 16777619u;
		return h;
	}
	while (*p != '\0') {
		if ((*p & 0xc0) != 0x80 && n-- == 0)
			break;
		h = (h ^ *p++) * 16777619u;
	}
	return h;
}

struct ixwork *
ix_work_new(const struct tok_syn *syn, int search)
{
	struct ixwork	*w = xcalloc(1, sizeof(*w));

	w->tok = tok_new();
	w->syn = syn;
	w->search = search;
	buf_init(&w->meta);
	buf_init(&w->rec);
	buf_init(&w->l.strs);
	return w;
}

void
ix_work_free(struct ixwork *w)
{
	if (w == NULL)
		return;
	tok_free(w->tok);
	toklist_free(&w->l);
	buf_free(&w->meta);
	buf_free(&w->rec);
	free(w->occ);
	free(w->grp);
	free(w->gtmp);
	free(w->slot);
	free(w->of);
	free(w);
}

static int
field_of(const uint32_t *fend, uint32_t pos)
{
	int	 f;

	for (f = 0; f < TF_MAX - 1; f++)
		if (pos < fend[f])
			break;
	return f;
}

/*
 * Sorts w->grp[0..ngrp) by hash, then stem: a radix sort of the hashes,
 * a byte a pass (stable, and back in grp after the four), then the rare
 * runs of one hash by their stems.  qsort() with a comparison function
 * took a tenth of the indexing of a report.
 */
static void
grp_sort(struct ixwork *w)
{
	struct grp	*from = w->grp, *to = w->gtmp, *t, g;
	size_t		 cnt[256], i, j, sum, c;
	int		 shift;

	for (shift = 0; shift < 32; shift += 8) {
		memset(cnt, 0, sizeof(cnt));
		for (i = 0; i < w->ngrp; i++)
			cnt[(from[i].h >> shift) & 0xff]++;
		for (sum = 0, i = 0; i < 256; i++) {
			c = cnt[i];
			cnt[i] = sum;
			sum += c;
		}
		for (i = 0; i < w->ngrp; i++)
			to[cnt[(from[i].h >> shift) & 0xff]++] = from[i];
		t = from;
		from = to;
		to = t;
	}
	for (i = 1; i < w->ngrp; i++) {
		if (w->grp[i].h != w->grp[i - 1].h)
			continue;
		g = w->grp[i];
		for (j = i; j > 0 && w->grp[j - 1].h == g.h &&
		    strcmp(w->grp[j - 1].stem, g.stem) > 0; j--)
			w->grp[j] = w->grp[j - 1];
		w->grp[j] = g;
	}
}

/*
 * Groups the tokens of w->l by stem: w->grp[0..ngrp) sorted by hash and
 * stem, each with its occurrences in w->occ[off..off + n) in the order
 * of the list (that is, of position, but for the synonym terms that
 * tok_syn_apply() appends, which have no positions).
 */
static void
group_terms(struct ixwork *w, const uint32_t *fend)
{
	const struct tok *t;
	struct grp	*g;
	const char	*stem;
	uint32_t	 h, i, j, mask, off, *rank;
	size_t		 k;

	if (w->l.n > w->capocc) {
		w->capocc = w->l.n;
		w->occ = xreallocarray(w->occ, w->capocc, sizeof(*w->occ));
		w->of = xreallocarray(w->of, w->capocc, sizeof(*w->of));
		w->grp = xreallocarray(w->grp, w->capocc, sizeof(*w->grp));
		w->gtmp = xreallocarray(w->gtmp, w->capocc,
		    sizeof(*w->gtmp));
	}
	if (w->nslot < 2 * w->l.n) {
		for (w->nslot = 64; w->nslot < 2 * w->l.n; w->nslot *= 2)
			;
		free(w->slot);
		w->slot = xcalloc(w->nslot, sizeof(*w->slot));
	} else
		memset(w->slot, 0, w->nslot * sizeof(*w->slot));
	mask = (uint32_t)w->nslot - 1;
	w->ngrp = 0;
	for (k = 0; k < w->l.n; k++) {
		t = &w->l.v[k];
		stem = tok_stem(&w->l, t);
		h = fnv_chars(stem, -1);
		for (j = h & mask; w->slot[j] != 0; j = (j + 1) & mask) {
			g = &w->grp[w->slot[j] - 1];
			if (g->h == h && (g->stem == stem ||
			    strcmp(g->stem, stem) == 0))
				break;
		}
		if (w->slot[j] == 0) {
			g = &w->grp[w->ngrp++];
			g->stem = stem;
			g->h = h;
			g->n = 0;
			g->off = (uint32_t)k;	/* first token, for the rank */
			w->slot[j] = (uint32_t)w->ngrp;
		}
		g->n++;
		w->of[k] = w->slot[j] - 1;
	}
	/*
	 * Sort the groups, then place each token at its group's next
	 * place; rank (in the slot table, free now) maps a group's first
	 * index to its sorted one.
	 */
	grp_sort(w);
	rank = w->slot;
	for (i = 0; i < w->ngrp; i++)
		rank[w->of[w->grp[i].off]] = i;
	for (off = 0, i = 0; i < w->ngrp; i++) {
		w->grp[i].off = off;
		off += w->grp[i].n;
	}
	for (k = 0; k < w->l.n; k++) {
		struct occ	*o;

		t = &w->l.v[k];
		g = &w->grp[rank[w->of[k]]];
		o = &w->occ[g->off++];
		o->word = (t->flags & TOK_SYN) ? NULL : tok_word(&w->l, t);
		o->pos = t->pos;
		o->field = (uint8_t)field_of(fend, t->pos);
		o->flags = (t->flags & TOK_SYN) ? IT_SYN :
		    (t->flags & TOK_STOP) ? IT_STOP : 0;
	}
	for (i = 0; i < w->ngrp; i++)
		w->grp[i].off -= w->grp[i].n;
}

/*
 * The narrative's beginning: text with runs of white space made one
 * space, cut at a space before IX_LEAD_MAX bytes (then "…").
 */
static void
lead_text(struct buf *out, const struct buf *t)
{
	struct buf	 s = BUF_INIT;
	size_t		 i, cut;
	int		 sp = 1;

	for (i = 0; i < t->len && s.len <= IX_LEAD_MAX; i++) {
		if (t->data[i] == ' ' || t->data[i] == '\n' ||
		    t->data[i] == '\t' || t->data[i] == '\r') {
			if (!sp)
				buf_addch(&s, ' ');
			sp = 1;
			continue;
		}
		buf_addch(&s, t->data[i]);
		sp = 0;
	}
	while (s.len > 0 && s.data[s.len - 1] == ' ')
		s.len--;
	if (s.len > IX_LEAD_MAX || i < t->len) {
		cut = s.len > IX_LEAD_MAX - 3 ? IX_LEAD_MAX - 3 : s.len;
		while (cut > 0 && s.data[cut] != ' ')
			cut--;
		if (cut == 0) {
			/* One long word: cut at a character boundary. */
			cut = s.len > IX_LEAD_MAX - 3 ? IX_LEAD_MAX - 3 :
			    s.len;
			while (cut > 0 &&
			    ((unsigned char)s.data[cut] & 0xc0) == 0x80)
				cut--;
		}
		while (cut > 0 && (s.data[cut - 1] == ' ' ||
		    s.data[cut - 1] == ',' || s.data[cut - 1] == ';' ||
		    s.data[cut - 1] == ':'))
			cut--;
		s.len = cut;
		json_str(out, s.data != NULL ? s.data : "", s.len);
		/* Inside the string: replace its closing quote. */
		out->len--;
		buf_addstr(out, "\xe2\x80\xa6\"");
	} else
		json_str(out, s.data != NULL ? s.data : "", s.len);
	buf_free(&s);
}

static void
meta_json(struct buf *b, const struct report *r, const struct buf *narr)
{
	int	 single[NSINGLE] = { r->incident_type, r->loss, r->agency,
		    r->region, r->time_of_day, r->lighting, r->weather };
	int	 i;

	buf_reset(b);
	buf_addstr(b, "{\"id\":");
	json_str(b, r->id, strlen(r->id));
	buf_addstr(b, ",\"title\":");
	json_str(b, r->title, strlen(r->title));
	buf_addstr(b, ",\"summary\":");
	json_str(b, r->summary, strlen(r->summary));
	buf_printf(b, ",\"month\":\"%04d-%02d\",\"lead\":", r->event_year,
	    r->event_month);
	lead_text(b, narr);
	buf_printf(b, ",\"facets\":[%d,[", single[0]);
	for (i = 0; i < r->nfactors; i++)
		buf_printf(b, "%s%d", i ? "," : "", r->factors[i]);
	buf_addstr(b, "]");
	for (i = 1; i < (int)NSINGLE; i++)
		buf_printf(b, ",%d", single[i]);
	buf_addstr(b, "]}");
}

int
ix_doc(struct ixwork *w, const struct report *r, const char *path,
    const struct buf text[MD_PARTS], struct buf *out)
{
	int	 single[NSINGLE] = { r->incident_type, r->loss, r->agency,
		    r->region, r->time_of_day, r->lighting, r->weather };
	const char *ftext[TF_MAX];
	size_t	 flen_b[TF_MAX];
	uint32_t fend[TF_MAX], flen[TF_MAX] = { 0 };
	const char *forms[FORMS_MAX];
	size_t	 i, k, a, b, ntpos, nforms;
	const struct grp *g;
	const struct occ *o;
	struct buf *rec;
	double	 wtf;
	long	 imp;
	int	 f, m, flags;
	uint8_t	 month[2];

	ftext[TF_TITLE] = r->title != NULL ? r->title : "";
	ftext[TF_SUMMARY] = r->summary != NULL ? r->summary : "";
	ftext[TF_NARRATIVE] = text[0].data != NULL ? text[0].data : "";
	ftext[TF_LESSONS] = text[1].data != NULL ? text[1].data : "";
	ftext[TF_COMMENTS] = text[2].data != NULL ? text[2].data : "";
	flen_b[TF_TITLE] = strlen(ftext[TF_TITLE]);
	flen_b[TF_SUMMARY] = strlen(ftext[TF_SUMMARY]);
	flen_b[TF_NARRATIVE] = text[0].len;
	flen_b[TF_LESSONS] = text[1].len;
	flen_b[TF_COMMENTS] = text[2].len;

	buf_reset(out);
	toklist_reset(&w->l);
	for (f = 0; f < TF_MAX; f++) {
		if (f > 0)
			w->l.npos += IX_GAP;
		k = w->l.n;
		if (tok_text(&w->l, w->tok, path, ftext[f], flen_b[f]) != 0)
			return -1;
		flen[f] = (uint32_t)(w->l.n - k);
		fend[f] = w->l.npos;
	}
	if (w->search)
		meta_json(&w->meta, r, &text[0]);
	else
		buf_reset(&w->meta);
	if (w->syn != NULL)
		tok_syn_apply(w->syn, &w->l);
	group_terms(w, fend);

	m = (r->event_year - 1900) * 12 + r->event_month - 1;
	if (m < 0 || m > 4095)
		m = 0;
	month[0] = (uint8_t)(m & 0xff);
	month[1] = (uint8_t)(m >> 8);
	buf_add(out, month, 2);
	for (k = 0; k < NSINGLE; k++)
		buf_addch(out, single[k] >= 0 && single[k] < 255 ?
		    single[k] + 1 : 0);
	buf_addch(out, r->nfactors);
	for (k = 0; k < (size_t)r->nfactors; k++)
		buf_addch(out, r->factors[k] & 0xff);
	put_vu(out, w->meta.len);
	buf_add(out, w->meta.data, w->meta.len);
	put_vu(out, w->ngrp);
	for (i = 0; i < w->ngrp; i++) {
		double	 tf[TF_MAX] = { 0 };

		g = &w->grp[i];
		o = &w->occ[g->off];
		/*
		 * A stem is a stop word's here if all its words are: then
		 * it has no positions (phrases skip stop words).
		 */
		flags = IT_STOP;
		for (a = 0; a < g->n; a++) {
			tf[o[a].field]++;
			if (o[a].flags & IT_SYN)
				flags = IT_SYN;
			else if (!(o[a].flags & IT_STOP) && flags == IT_STOP)
				flags = 0;
		}
		wtf = 0;
		for (f = 0; f < TF_MAX; f++)
			if (tf[f] > 0)
				wtf += tok_fields[f].weight * tf[f] /
				    (1 - BM25_B + BM25_B * flen[f] /
				    field_ref[f]);
		imp = lround(63 * wtf / (wtf + BM25_K1));
		if (imp < 1)
			imp = 1;
		if (imp > 63)
			imp = 63;
		rec = &w->rec;
		buf_reset(rec);
		buf_addstr(rec, g->stem);
		buf_addch(rec, '\0');
		k = rec->len;
		buf_addch(rec, flags);
		buf_addch(rec, (int)imp);
		/*
		 * Distinct word forms other than the stem itself (IT_SELF
		 * says it is one), in the order of their first use.
		 */
		buf_addch(rec, 0);
		nforms = 0;
		for (a = 0; a < g->n && nforms < FORMS_MAX; a++) {
			if (o[a].word == NULL)
				continue;
			if (o[a].word == g->stem ||
			    strcmp(o[a].word, g->stem) == 0) {
				rec->data[k] |= IT_SELF;
				continue;
			}
			for (b = 0; b < nforms; b++)
				if (forms[b] == o[a].word ||
				    strcmp(forms[b], o[a].word) == 0)
					break;
			if (b < nforms)
				continue;
			forms[nforms++] = o[a].word;
			buf_addstr(rec, o[a].word);
			buf_addch(rec, '\0');
		}
		rec->data[k + 2] = (char)nforms;
		if ((flags & (IT_STOP | IT_SYN)) || !w->search)
			buf_addch(rec, 0);
		else {
			ntpos = g->n > IX_POS_MAX ? IX_POS_MAX : g->n;
			buf_addch(rec, (int)ntpos);
			for (k = 0; k < ntpos; k++)
				put_vu(rec, k == 0 ? o[0].pos :
				    o[k].pos - o[k - 1].pos);
		}
		put_vu(out, rec->len);
		buf_add(out, rec->data, rec->len);
	}
	if (out->len > IX_DOC_MAX) {
		log_warnx("%s: too much text for the search index", path);
		return -1;
	}
	return 0;
}

/*
 * The cache file.
 */
#define CACHE_MAGIC	"NMIX0003"
#define TRAILER_LEN	(8 + 8 + 8 + GIT_OID_RAWSZ + 8)

int
ix_cache_create(struct ixcache *c, const char *path)
{
	memset(c, 0, sizeof(*c));
	pthread_mutex_init(&c->lock, NULL);
	if (file_path(c->path, sizeof(c->path), "%s", path) != 0) {
		c->fd = -1;
		return -1;
	}
	if ((c->fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) == -1) {
		log_warn("%s", path);
		return -1;
	}
	return 0;
}

static void
put_u64(unsigned char *p, uint64_t v)
{
	int	 i;

	for (i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t
get_u64(const unsigned char *p)
{
	uint64_t v = 0;
	int	 i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

int
pread_all(int fd, void *buf, size_t len, uint64_t off)
{
	ssize_t	 r;
	char	*p = buf;

	while (len > 0) {
		if ((r = pread(fd, p, len, (off_t)off)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0) {
			errno = EIO;
			return -1;
		}
		p += r;
		len -= (size_t)r;
		off += (uint64_t)r;
	}
	return 0;
}

static int
pwrite_all(int fd, const void *buf, size_t len, uint64_t off)
{
	ssize_t	 r;
	const char *p = buf;

	while (len > 0) {
		if ((r = pwrite(fd, p, len, (off_t)off)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += r;
		len -= (size_t)r;
		off += (uint64_t)r;
	}
	return 0;
}

int
ix_cache_add(struct ixcache *c, const struct buf *doc, uint64_t *off)
{
	pthread_mutex_lock(&c->lock);
	*off = c->end;
	c->end += doc->len;
	pthread_mutex_unlock(&c->lock);
	if (pwrite_all(c->fd, doc->data, doc->len, *off) == -1) {
		log_warn("%s", c->path);
		return -1;
	}
	return 0;
}

int
ixref_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ixref *)a)->id,
	    ((const struct ixref *)b)->id);
}

int
ix_cache_finish(struct ixcache *c, struct ixref *refs, size_t n,
    const git_oid *tree, int sync)
{
	struct buf	 b = BUF_INIT;
	unsigned char	 t[TRAILER_LEN];
	size_t		 i;
	int		 rc = -1;

	qsort(refs, n, sizeof(*refs), ixref_cmp);
	for (i = 0; i < n; i++) {
		put_vu(&b, strlen(refs[i].id));
		buf_addstr(&b, refs[i].id);
		put_vu(&b, refs[i].off);
		put_vu(&b, refs[i].len);
	}
	c->tree = *tree;
	put_u64(t, c->end);
	put_u64(t + 8, n);
	memcpy(t + 16, CACHE_MAGIC, 8);
	memcpy(t + 24, tree->id, GIT_OID_RAWSZ);
	/* A table half written over an old one does not pass for it. */
	crypto_generichash(t + 24 + GIT_OID_RAWSZ, 8,
	    (const unsigned char *)b.data, b.len, NULL, 0);
	buf_add(&b, t, sizeof(t));
	if (pwrite_all(c->fd, b.data, b.len, c->end) == -1 ||
	    ftruncate(c->fd, (off_t)(c->end + b.len)) == -1 ||
	    (sync && fsync(c->fd) == -1)) {
		log_warn("%s", c->path);
		goto out;
	}
	rc = 0;
out:
	buf_free(&b);
	return rc;
}

void
ixrefs_free(struct ixref *r, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(r[i].id);
	free(r);
}

void
ix_cache_close(struct ixcache *c)
{
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	ixrefs_free(c->refs, c->nrefs);
	c->refs = NULL;
	c->nrefs = 0;
	pthread_mutex_destroy(&c->lock);
}

int
ix_cache_path(char *out, size_t outsz, const char *outdir, int tmp)
{
	/* "site/" is "site": the cache goes beside the folder. */
	return side_path(out, outsz, outdir, tmp ? IX_CACHE ".tmp" :
	    IX_CACHE);
}

int
ix_state_commit(const char *outdir, const struct buf *state, int sync)
{
	char	 path[PATH_MAX], cpath[PATH_MAX];

	if (ix_cache_path(cpath, sizeof(cpath), outdir, 0) != 0 ||
	    file_path(path, sizeof(path), "%s.state", cpath) != 0)
		return -1;
	if (state->len == 0) {
		if (unlink(path) == -1 && errno != ENOENT) {
			log_warn("%s", path);
			return -1;
		}
		return 0;
	}
	return file_write(path, state->data, state->len, 0644, FILE_ATOMIC |
	    (sync ? FILE_SYNC : 0));
}

int
ix_cache_commit(const char *outdir, int sync)
{
	char	 from[PATH_MAX], to[PATH_MAX];

	if (ix_cache_path(from, sizeof(from), outdir, 1) != 0 ||
	    ix_cache_path(to, sizeof(to), outdir, 0) != 0)
		return -1;
	if (rename(from, to) == -1) {
		log_warn("rename %s", to);
		return -1;
	}
	if (sync && parent_sync(to) != 0)
		return -1;
	return 0;
}

int
ix_cache_open(struct ixcache *c, const char *outdir, const git_oid *tree)
{
	unsigned char	 t[TRAILER_LEN], h[8];
	unsigned char	*tab = NULL;
	const unsigned char *p, *end;
	struct stat	 st;
	uint64_t	 n, tlen, idlen, off, len;
	size_t		 i;
	int		 rc = NM_ENOTFOUND;

	memset(c, 0, sizeof(*c));
	pthread_mutex_init(&c->lock, NULL);
	if (ix_cache_path(c->path, sizeof(c->path), outdir, 0) != 0) {
		c->fd = -1;
		return -1;
	}
	if ((c->fd = open(c->path, O_RDWR | O_CLOEXEC)) == -1)
		return errno == ENOENT ? NM_ENOTFOUND : (log_warn("%s",
		    c->path), -1);
	if (fstat(c->fd, &st) == -1 || (uint64_t)st.st_size < TRAILER_LEN ||
	    pread_all(c->fd, t, sizeof(t), (uint64_t)st.st_size -
	    TRAILER_LEN) == -1)
		goto out;
	c->end = get_u64(t);
	n = get_u64(t + 8);
	if (memcmp(t + 16, CACHE_MAGIC, 8) != 0 ||
	    memcmp(t + 24, tree->id, GIT_OID_RAWSZ) != 0 ||
	    c->end > (uint64_t)st.st_size - TRAILER_LEN || n > SIZE_MAX /
	    sizeof(*c->refs) / 2)
		goto out;
	tlen = (uint64_t)st.st_size - TRAILER_LEN - c->end;
	tab = xmalloc(tlen + 1);
	if (pread_all(c->fd, tab, tlen, c->end) == -1)
		goto out;
	crypto_generichash(h, sizeof(h), tab, tlen, NULL, 0);
	if (memcmp(h, t + 24 + GIT_OID_RAWSZ, sizeof(h)) != 0)
		goto out;
	c->refs = xcalloc(n + 1, sizeof(*c->refs));
	p = tab;
	end = tab + tlen;
	for (i = 0; i < n; i++) {
		if (get_vu(&p, end, &idlen) == -1 || idlen == 0 ||
		    idlen > (uint64_t)(end - p))
			goto out;
		c->refs[i].id = xstrndup((const char *)p, idlen);
		c->nrefs = i + 1;
		p += idlen;
		if (get_vu(&p, end, &off) == -1 ||
		    get_vu(&p, end, &len) == -1 || len > IX_DOC_MAX ||
		    off > c->end || len > c->end - off)
			goto out;
		c->refs[i].off = off;
		c->refs[i].len = (uint32_t)len;
		c->live += len;
	}
	if (p != end)
		goto out;
	c->tree = *tree;
	rc = 0;
out:
	free(tab);
	if (rc != 0) {
		log_debug("%s: no usable index cache", c->path);
		ix_cache_close(c);
		pthread_mutex_init(&c->lock, NULL);
	}
	return rc;
}

int
ix_cache_copy(struct ixcache *to, struct ixcache *from,
    const struct ixref *r, uint64_t *off)
{
	struct buf	 b = BUF_INIT;
	int		 rc = -1;

	if (ix_doc_read(from, r, &b) != 0)
		goto out;
	rc = ix_cache_add(to, &b, off);
out:
	buf_free(&b);
	return rc;
}

/*
 * The writer (its structures: ixint.h).
 */
const char *
str_at(const struct ix *x, uint32_t off)
{
	return x->strs.data + off;
}

uint32_t
str_hash(const char *s)
{
	return fnv_chars(s, -1);
}

/*
 * The slot of s (hash hs) in h, whose entries name terms or (words)
 * words: its own, or the empty one where it would go.
 */
/* The first 8 bytes of s, NUL-padded, as a number; *n: how many. */
static uint64_t
str_pre(const char *s, size_t *n)
{
	uint64_t v = 0;
	size_t	 i;

	for (i = 0; i < 8 && s[i] != '\0'; i++)
		v |= (uint64_t)(unsigned char)s[i] << (8 * i);
	*n = i;
	return v;
}

static struct hslot *
htab_slot(struct htab *h, const struct ix *x, const char *s, uint32_t hs,
    int words)
{
	size_t	 i = hs & (h->cap - 1), n;
	uint32_t v;
	uint64_t pre;

	/*
	 * Most strings are shorter than pre: they are compared there, with
	 * no visit to the strings themselves.
	 */
	pre = str_pre(s, &n);
	while ((v = h->v[i].v) != 0) {
		if (h->v[i].h == hs && h->v[i].pre == pre && (n < 8 ||
		    strcmp(str_at(x, words ? x->w[v - 1].s :
		    x->t[v - 1].s), s) == 0))
			break;
		i = (i + 1) & (h->cap - 1);
	}
	return &h->v[i];
}

/* Fills an empty slot (from htab_slot()) with s, hash hs, entry v. */
static void
htab_set(struct hslot *sl, const char *s, uint32_t hs, uint32_t v)
{
	size_t	 n;

	sl->h = hs;
	sl->v = v;
	sl->pre = str_pre(s, &n);
}

static void
htab_grow(struct htab *h)
{
	struct htab	 n;
	size_t		 i, k;

	n.cap = h->cap ? h->cap * 2 : 4096;
	n.n = h->n;
	n.v = xcalloc(n.cap, sizeof(*n.v));
	for (i = 0; i < h->cap; i++) {
		if (h->v[i].v == 0)
			continue;
		for (k = h->v[i].h & (n.cap - 1); n.v[k].v != 0;
		    k = (k + 1) & (n.cap - 1))
			;
		n.v[k] = h->v[i];
	}
	free(h->v);
	*h = n;
}

/* The term s, or NULL. */
struct ixterm *
term_find(struct ix *x, const char *s)
{
	struct hslot	*sl;

	if (x->th.cap == 0)
		return NULL;
	sl = htab_slot(&x->th, x, s, str_hash(s), 0);
	return sl->v ? &x->t[sl->v - 1] : NULL;
}

/* The word s, or NULL. */
struct word *
word_find(struct ix *x, const char *s)
{
	struct hslot	*sl;

	if (x->wh.cap == 0)
		return NULL;
	sl = htab_slot(&x->wh, x, s, str_hash(s), 1);
	return sl->v ? &x->w[sl->v - 1] : NULL;
}

static uint32_t
str_add(struct ix *x, const char *s)
{
	uint32_t off = (uint32_t)x->strs.len;

	if (x->strs.len > UINT32_MAX - 4096)
		fatalx("search index: too many words");
	buf_add(&x->strs, s, strlen(s) + 1);
	return off;
}

struct ixterm *
term_get(struct ix *x, const char *s)
{
	struct hslot	*slot;
	uint32_t	 hs = str_hash(s);

	if (x->th.n + 1 > x->th.cap / 2)
		htab_grow(&x->th);
	slot = htab_slot(&x->th, x, s, hs, 0);
	if (slot->v == 0) {
		if (x->nt == x->capt) {
			x->capt = x->capt ? x->capt * 2 : 4096;
			x->t = xreallocarray(x->t, x->capt, sizeof(*x->t));
		}
		memset(&x->t[x->nt], 0, sizeof(x->t[0]));
		x->t[x->nt].s = str_add(x, s);
		htab_set(slot, s, hs, (uint32_t)++x->nt);
		x->th.n++;
	}
	return &x->t[slot->v - 1];
}

uint32_t
word_add(struct ix *x, const char *s, uint32_t term)
{
	struct hslot	*slot;
	uint32_t	 hs = str_hash(s);

	if (x->wh.n + 1 > x->wh.cap / 2)
		htab_grow(&x->wh);
	slot = htab_slot(&x->wh, x, s, hs, 1);
	if (slot->v != 0)
		return slot->v - 1;
	if (x->nw == x->capw) {
		x->capw = x->capw ? x->capw * 2 : 4096;
		x->w = xreallocarray(x->w, x->capw, sizeof(*x->w));
	}
	memset(&x->w[x->nw], 0, sizeof(x->w[0]));
	x->w[x->nw].s = str_add(x, s);
	x->w[x->nw].term = term;
	htab_set(slot, s, hs, (uint32_t)++x->nw);
	x->wh.n++;
	return (uint32_t)x->nw - 1;
}

/* Writes data as search/<name>; the name made from its hash. */
int
ix_put(struct ix *x, const struct buf *data, const char *prefix,
    char *name, size_t namesz, int short_hash)
{
	unsigned char	 h[8];
	char		 hex[2 * sizeof(h) + 1];
	char		 rel[PATH_MAX], path[PATH_MAX];
	int		 changed;

	crypto_generichash(h, sizeof(h), (const unsigned char *)data->data,
	    data->len, NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), h, short_hash ? 4 : sizeof(h));
	if (file_path(name, namesz, "%s%s.json", prefix, hex) != 0)
		return -1;
	if (file_path(rel, sizeof(rel), IX_DIR "/%s", name) != 0)
		return -1;
	*x->names = xreallocarray(*x->names, *x->nnames + 1,
	    sizeof(**x->names));
	(*x->names)[(*x->nnames)++] = xstrdup(rel);
	/*
	 * Named by their content: one in place is the same file (written
	 * by an earlier build, or by this one: two columns may be equal).
	 */
	if (file_path(path, sizeof(path), "%s/%s", x->dir, rel) != 0)
		return -1;
	if (access(path, F_OK) == 0)
		return 0;
	if (write_out(x->pub, x->dir, rel, data, &changed) != 0)
		return -1;
	(*x->written)++;
	return 0;
}

/* Keeps search/<name>, a file of the last build that did not change. */
int
ix_keep(struct ix *x, const char *name)
{
	char	 rel[PATH_MAX];

	if (file_path(rel, sizeof(rel), IX_DIR "/%s", name) != 0)
		return -1;
	*x->names = xreallocarray(*x->names, *x->nnames + 1,
	    sizeof(**x->names));
	(*x->names)[(*x->nnames)++] = xstrdup(rel);
	return 0;
}

/* Reads the document r of c into b. */
int
ix_doc_read(struct ixcache *c, const struct ixref *r, struct buf *b)
{
	buf_reset(b);
	buf_grow(b, r->len);
	if (pread_all(c->fd, b->data, r->len, r->off) == -1) {
		log_warn("%s", c->path);
		return -1;
	}
	b->len = r->len;
	return 0;
}

/* Reads the document r of c into x->doc. */
int
doc_read(struct ix *x, struct ixcache *c, const struct ixref *r)
{
	return ix_doc_read(c, r, &x->doc);
}

int
ix_doc_open(struct ixdoc *d, const void *data, size_t len)
{
	const unsigned char *q = data;
	const unsigned char *e = q + len;
	uint64_t	 ml;
	size_t		 k;

	if (len < 2 + IX_NSINGLE + 1)
		return -1;
	d->month = q[0] | q[1] << 8;
	q += 2;
	for (k = 0; k < IX_NSINGLE; k++)
		d->single[k] = (int)*q++ - 1;
	d->nfactors = *q++;
	if (d->nfactors > REPORT_FACTORS_MAX || e - q < d->nfactors)
		return -1;
	for (k = 0; k < (size_t)d->nfactors; k++)
		d->factors[k] = *q++;
	if (get_vu(&q, e, &ml) == -1 || ml > (uint64_t)(e - q))
		return -1;
	d->meta = (const char *)q;
	d->metalen = ml;
	q += ml;
	if (get_vu(&q, e, &d->nterms) == -1)
		return -1;
	d->p = q;
	d->end = e;
	return 0;
}

int
ix_doc_next(struct ixdoc *d, const unsigned char **rec, size_t *len)
{
	const unsigned char *q = d->p;
	uint64_t	 n;

	/* The shortest record: a letter, NUL, three bytes, no positions. */
	if (get_vu(&q, d->end, &n) == -1 || n < 6 ||
	    n > (uint64_t)(d->end - q) ||
	    memchr(q, '\0', (size_t)n) == NULL)
		return -1;
	*rec = q;
	*len = (size_t)n;
	d->p = q + n;
	return 0;
}

int
ix_doc_parse(const unsigned char *rec, size_t len, struct ixdterm *t)
{
	const unsigned char *q = rec, *end = rec + len;
	const void	*z;
	uint64_t	 v;
	size_t		 k;

	if ((z = memchr(q, '\0', len)) == NULL)
		return -1;
	t->stem = (const char *)q;
	q = (const unsigned char *)z + 1;
	if (end - q < 3)
		return -1;
	t->flags = *q++;
	t->impact = *q++;
	t->nforms = *q++;
	t->forms = (const char *)q;
	for (k = 0; k < t->nforms; k++) {
		if ((z = memchr(q, '\0', (size_t)(end - q))) == NULL)
			return -1;
		q = (const unsigned char *)z + 1;
	}
	if (q >= end)
		return -1;
	t->npos = *q++;
	t->pos = q;
	t->end = end;
	for (k = 0; k < t->npos; k++)
		if (get_vu(&q, end, &v) == -1)
			return -1;
	/* A record is exactly its term. */
	return q == end ? 0 : -1;
}

int
ix_doc_term(struct ixdoc *d, struct ixdterm *t)
{
	const unsigned char *rec;
	size_t		 len;

	if (ix_doc_next(d, &rec, &len) != 0)
		return -1;
	return ix_doc_parse(rec, len, t);
}

int
ix_doc_pos(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
	return get_vu(p, end, v);
}

/*
 * Adds a document's facet values to the columns; -1 if one is not a
 * value of its taxonomy (a damaged cache).
 */
int
col_add(struct ix *x, const int *single, const int *factors, int nf)
{
	const struct taxonomy *tx;
	size_t	 k, s = 0;
	int	 i;

	for (k = 0; k < NFACETS; k++) {
		tx = &x->s->cfg.tax[ifacets[k].tax];
		if (ifacets[k].tax == TAX_FACTORS) {
			b64_add(&x->col[k], (uint64_t)nf);
			for (i = 0; i < nf; i++) {
				if ((size_t)factors[i] >= tx->nterms)
					return -1;
				b64_add(&x->col[k], (uint64_t)factors[i]);
			}
			continue;
		}
		if (single[s] >= 0 && (size_t)single[s] >= tx->nterms)
			return -1;
		b64_add(&x->col[k], single[s] < 0 ? 0 :
		    (uint64_t)single[s] + 1);
		s++;
	}
	return 0;
}

int
chunk_flush(struct ix *x)
{
	char	 name[64], prefix[32];

	if (x->chunk.len == 0)
		return 0;
	buf_addstr(&x->chunk, "]\n");
	snprintf(prefix, sizeof(prefix), "m/%zu.", x->nchunk);
	if (ix_put(x, &x->chunk, prefix, name, sizeof(name), 1) != 0)
		return -1;
	/* The 8 hex digits after "m/<k>.". */
	buf_add(&x->chunks, name + strlen(prefix), 8);
	x->nchunk++;
	buf_reset(&x->chunk);
	return 0;
}

/*
 * Pass 1: terms, document frequencies, sizes; chunks and columns.
 * NM_ENOTFOUND if a document is damaged, -1 if one cannot be read.
 */
static int
pass_count(struct ix *x, struct ixcache *c, const struct ixref *refs,
    size_t n)
{
	struct ixdoc	 dd;
	struct ixdterm	 d;
	struct ixterm	*t;
	const char	*f;
	uint64_t	 k, v;
	size_t		 i, j;
	uint32_t	 wi;
	int		 y;
	const unsigned char *q;

	for (i = 0; i < n; i++) {
		if (doc_read(x, c, &refs[i]) != 0)
			return -1;
		if (ix_doc_open(&dd, x->doc.data, x->doc.len) != 0)
			goto bad;
		buf_addch(&x->months, b64[(dd.month >> 6) & 63]);
		buf_addch(&x->months, b64[dd.month & 63]);
		y = 1900 + dd.month / 12;
		if (i == 0 || y < x->ymin)
			x->ymin = y;
		if (i == 0 || y > x->ymax)
			x->ymax = y;
		if (col_add(x, dd.single, dd.factors, dd.nfactors) != 0 ||
		    dd.metalen < 2 || dd.meta[0] != '{' ||
		    dd.meta[dd.metalen - 1] != '}' ||
		    memchr(dd.meta, '\0', dd.metalen) != NULL)
			goto bad;
		buf_addstr(&x->chunk, x->chunk.len == 0 ? "[" : ",\n");
		buf_add(&x->chunk, dd.meta, dd.metalen);
		if ((i + 1) % IX_CHUNK == 0 && chunk_flush(x) != 0)
			return -1;
		for (k = 0; k < dd.nterms; k++) {
			if (ix_doc_term(&dd, &d) != 0 || d.impact < 1 ||
			    d.impact > 63)
				goto bad;
			t = term_get(x, d.stem);
			t->flags |= d.flags;
			t->df++;
			t->plen += b64_vlen(i - (t->last ? t->last : 0)) + 1;
			t->last = (uint32_t)i + 1;
			if (d.npos == 0)
				t->nzero++;
			else {
				t->xlen += b64_vlen(d.npos);
				q = d.pos;
				for (j = 0; j < d.npos; j++) {
					(void)get_vu(&q, d.end, &v);
					t->xlen += b64_vlen(v);
				}
			}
			/*
			 * A synonym term is looked up as it is ("~k9"), and
			 * so is a stem that is also a word.
			 */
			if (d.flags & (IT_SYN | IT_SELF)) {
				t->nself++;
				if (!t->selfw) {
					word_add(x, d.stem,
					    (uint32_t)(t - x->t));
					t->selfw = 1;
				}
			}
			f = d.forms;
			for (j = 0; j < d.nforms; j++) {
				wi = word_add(x, f, (uint32_t)(t - x->t));
				x->w[wi].n++;
				f += strlen(f) + 1;
			}
		}
		/* Nothing after the last term. */
		if (dd.p != dd.end)
			goto bad;
		continue;
bad:
		log_warnx("%s: document of %s is damaged", c->path,
		    refs[i].id);
		return NM_ENOTFOUND;
	}
	return chunk_flush(x);
}

/* Characters of a term's positions in a positions string. */
static uint64_t
pos_len(const struct ixdterm *d)
{
	const unsigned char *q = d->pos;
	uint64_t	 n = b64_vlen(d->npos), v;
	size_t		 j;

	for (j = 0; j < d->npos; j++) {
		(void)get_vu(&q, d->end, &v);
		n += b64_vlen(v);
	}
	return n;
}

/*
 * Pass 2, once per part: the postings and positions strings of the terms
 * of part p of P (index.c's groups), and every term's best postings.
 * NM_ENOTFOUND if a document is not what pass_count() read (damaged, or
 * the cache changed since), -1 if one cannot be read.
 */
static int
pass_fill(struct ix *x, struct ixcache *c, const struct ixref *refs,
    size_t n, uint32_t p, uint32_t P)
{
	const unsigned char *q, *rec;
	struct ixdoc	 dd;
	struct ixdterm	 d;
	struct ixterm	*t;
	struct ixtop	*tp;
	uint64_t	 k, v;
	size_t		 i, j, r, reclen;
	char		*o;

	for (i = 0; i < x->nt; i++)
		x->t[i].last = 0;
	for (i = 0; i < n; i++) {
		if (doc_read(x, c, &refs[i]) != 0)
			return -1;
		if (ix_doc_open(&dd, x->doc.data, x->doc.len) != 0)
			return NM_ENOTFOUND;
		for (k = 0; k < dd.nterms; k++) {
			if (ix_doc_next(&dd, &rec, &reclen) != 0)
				return NM_ENOTFOUND;
			/* Other parts' terms: not even read (their stem
			 * ends inside the record: ix_doc_next()). */
			if ((fnv_chars((const char *)rec, 3) &
			    (x->ngroups - 1) & (P - 1)) != p)
				continue;
			if (ix_doc_parse(rec, reclen, &d) != 0 ||
			    (t = term_find(x, d.stem)) == NULL)
				return NM_ENOTFOUND;
			/* The best IX_TOP: higher impact, then newer. */
			tp = &x->top[t - x->t];
			if (tp->n < IX_TOP || d.impact >= tp->imp[tp->n - 1]) {
				r = tp->n < IX_TOP ? tp->n++ : IX_TOP - 1;
				while (r > 0 && d.impact >= tp->imp[r - 1]) {
					tp->imp[r] = tp->imp[r - 1];
					tp->doc[r] = tp->doc[r - 1];
					r--;
				}
				tp->imp[r] = d.impact;
				tp->doc[r] = (uint32_t)i;
			}
			/*
			 * The sizes are pass_count()'s, of the same documents:
			 * a cache that changed since cannot overflow them.
			 */
			if (t->pfill + b64_vlen(i - (t->last ? t->last : 0)) +
			    1 > t->plen || (t->xlen != 0 &&
			    t->xfill + pos_len(&d) > t->xlen))
				return NM_ENOTFOUND;
			o = x->post + t->poff + t->pfill;
			o = b64_put(o, i - (t->last ? t->last : 0));
			*o++ = b64[d.impact & 63];
			t->pfill = (uint64_t)(o - x->post) - t->poff;
			t->last = (uint32_t)i + 1;
			/* A term with positions has a count per posting. */
			if (t->xlen == 0)
				continue;
			o = x->posx + t->xoff + t->xfill;
			o = b64_put(o, d.npos);
			q = d.pos;
			for (j = 0; j < d.npos; j++) {
				(void)get_vu(&q, d.end, &v);
				o = b64_put(o, v);
			}
			t->xfill = (uint64_t)(o - x->posx) - t->xoff;
		}
	}
	return 0;
}

/*
 * The words of the synonym phrases join the vocabulary even where no
 * report uses them (a stem of no report has df 0, no postings), so that
 * "emotionally disturbed person" reaches the stems of its synonym key.
 */
void
syn_words(struct ix *x)
{
	const struct config *cfg = &x->s->cfg;
	struct tokenizer *tk;
	struct toklist	 l = TOKLIST_INIT;
	struct ixterm	*t;
	uint32_t	 wi;
	size_t		 g, p, i;

	if (x->s->syn == NULL || cfg->nsyn == 0)
		return;
	tk = tok_new();
	for (g = 0; g < cfg->nsyn; g++)
		for (p = 0; p < cfg->syn[g].nphrases; p++) {
			toklist_reset(&l);
			if (tok_text(&l, tk, "nearmiss.ini",
			    cfg->syn[g].phrases[p],
			    strlen(cfg->syn[g].phrases[p])) != 0)
				continue;
			for (i = 0; i < l.n; i++) {
				t = term_get(x, tok_stem(&l, &l.v[i]));
				t->keep = 1;
				wi = word_add(x, tok_word(&l, &l.v[i]),
				    (uint32_t)(t - x->t));
				x->w[wi].live = 1;
			}
		}
	toklist_free(&l);
	tok_free(tk);
}

static size_t
pow2_floor(size_t v)
{
	size_t	 p = 1;

	while (p * 2 <= v)
		p *= 2;
	return p;
}

/* The index being sorted (qsort() has no argument for it). */
const struct ix *sort_ix;

int
tidx_cmp(const void *a, const void *b)
{
	return strcmp(str_at(sort_ix, sort_ix->t[*(const uint32_t *)a].s),
	    str_at(sort_ix, sort_ix->t[*(const uint32_t *)b].s));
}

int
widx_cmp(const void *a, const void *b)
{
	return strcmp(str_at(sort_ix, sort_ix->w[*(const uint32_t *)a].s),
	    str_at(sort_ix, sort_ix->w[*(const uint32_t *)b].s));
}

/*
 * Groups of terms (postings files), so that the index has at most one
 * file per ten reports once it has a few thousand: the biggest terms
 * (the common words, whose postings a query would otherwise fetch with
 * those of many others) get a file of their own, half the postings
 * files; the others go by a hash of their first three characters (so
 * that a prefix's terms share a file).  Positions files are fewer: only
 * phrases read them.  Half of them are hash groups, the others each
 * hold the positions of one of the big terms with the most: a phrase is
 * mostly of common words, and a common word's positions are a fraction
 * of those of its hash group (at 50,000 reports, "supervisor told" read
 * 705 KB of positions from two hash groups' files, 374 KB of them the
 * two words').  The strings of all terms may not fit the
 * memory the build allows itself: they are made in P parts (a power of
 * two), part p holding the groups whose hash group h has h % P == p (a
 * big term's h is the group its hash would have given it), each part
 * written out and freed before the next.
 */

/*
 * Terms a and b (indexes into sort_ix) by size, biggest first, then by
 * stem (for ties); size: plen (postings) or xlen (positions).
 */
static int
big_cmp(const void *a, const void *b, int positions)
{
	const struct ixterm *x = &sort_ix->t[*(const uint32_t *)a];
	const struct ixterm *y = &sort_ix->t[*(const uint32_t *)b];
	uint64_t	 xs = positions ? x->xlen : x->plen;
	uint64_t	 ys = positions ? y->xlen : y->plen;

	if (xs != ys)
		return xs > ys ? -1 : 1;
	return strcmp(str_at(sort_ix, x->s), str_at(sort_ix, y->s));
}

static int
txbig_cmp(const void *a, const void *b)
{
	return big_cmp(a, b, 1);
}

static int
tbig_cmp(const void *a, const void *b)
{
	return big_cmp(a, b, 0);
}

void
plan_groups(struct ix *x, size_t n, struct groups *g)
{
	uint64_t	 all = 0, part;
	uint32_t	*by = NULL;
	size_t		 i, k, budget, fixed, ngroups, npost, nby = 0;
	size_t		 xbudget, nx, nxbig;
	struct ixterm	*t;
	const char	*e;

	for (i = 0; i < x->nt; i++)
		all += x->t[i].plen + x->t[i].xlen;
	/* The files besides postings and positions. */
	fixed = 1 + 64 + 2 + NFACETS + (n + IX_CHUNK - 1) / IX_CHUNK;
	budget = n / 10 > fixed ? n / 10 - fixed : 0;
	/* NEARMISS_INDEX_FILES: another budget, for the tests. */
	if ((e = getenv("NEARMISS_INDEX_FILES")) != NULL && atol(e) > 0)
		budget = (size_t)atol(e);
	/*
	 * Two thirds for postings: half of them hash groups (a small
	 * archive still gets a few files: a rare word, a small one), the
	 * rest for the biggest terms.
	 */
	npost = budget * 2 / 3;
	ngroups = pow2_floor(npost / 2 > 8 ? npost / 2 : 8);
	by = xcalloc(x->nt + 1, sizeof(*by));
	for (i = 0; i < x->nt; i++)
		by[nby++] = (uint32_t)i;
	sort_ix = x;
	qsort(by, nby, sizeof(*by), tbig_cmp);
	g->nbig = npost > ngroups ? npost - ngroups : 0;
	if (g->nbig > nby)
		g->nbig = nby;
	for (i = 0; i < x->nt; i++)
		x->t[i].big = 0;
	/* Big terms' files in the order of size: the same in a patch. */
	for (i = 0; i < g->nbig; i++) {
		x->t[by[i]].big = 1;
		x->t[by[i]].group = (uint32_t)(ngroups + i);
	}
	x->ngroups = (uint32_t)ngroups;
	g->npost = ngroups + g->nbig;
	/*
	 * The rest for positions: half hash groups (at most as many as
	 * the postings'), the others for the big terms with the most
	 * positions, in that order (a stop word has none).
	 */
	xbudget = budget > g->npost ? budget - g->npost : 0;
	nx = pow2_floor(xbudget / 2 > 4 ? xbudget / 2 : 4);
	if (nx > ngroups)
		nx = ngroups;
	nxbig = xbudget > nx ? xbudget - nx : 0;
	qsort(by, g->nbig, sizeof(*by), txbig_cmp);
	for (i = 0; i < x->nt; i++)
		x->t[i].xgroup = IX_NOFILE;
	for (i = k = 0; i < g->nbig && k < nxbig && x->t[by[i]].xlen > 0;
	    i++)
		x->t[by[i]].xgroup = (uint32_t)(nx + k++);
	free(by);
	g->nposx = nx + k;
	/* NEARMISS_INDEX_PART (bytes): smaller parts, for the tests. */
	part = IX_PART_MAX;
	if ((e = getenv("NEARMISS_INDEX_PART")) != NULL && atol(e) > 0)
		part = (uint64_t)atol(e);
	g->P = 1;
	while (g->P < nx && all / g->P > part)
		g->P *= 2;
	g->post = xcalloc(g->npost, sizeof(*g->post));
	g->posx = xcalloc(g->nposx, sizeof(*g->posx));
	g->part = xcalloc(g->npost, sizeof(*g->part));
	g->xpart = xcalloc(g->nposx, sizeof(*g->xpart));
	for (i = 0; i < x->nt; i++) {
		t = &x->t[i];
		t->hgroup = fnv_chars(str_at(x, t->s), 3) &
		    (uint32_t)(ngroups - 1);
		if (!t->big)
			t->group = t->hgroup;
		if (t->xgroup == IX_NOFILE)
			t->xgroup = t->hgroup & (uint32_t)(nx - 1);
		g->part[t->group] = t->hgroup & (g->P - 1);
		g->xpart[t->xgroup] = t->hgroup & (g->P - 1);
	}
}

/*
 * Each file's terms in stem order (order): those of postings file i are
 * g->pterms[g->pfirst[i] .. g->pfirst[i + 1]), those of positions file
 * i (the terms with positions) g->xterms[g->xfirst[i] ..).
 */
void
plan_files(struct ix *x, const uint32_t *order, struct groups *g)
{
	struct ixterm	*t;
	uint32_t	*pn, *xn;
	size_t		 i;

	g->psize = xcalloc(g->npost + 1, sizeof(*g->psize));
	g->xsize = xcalloc(g->nposx + 1, sizeof(*g->xsize));
	g->pfirst = xcalloc(g->npost + 1, sizeof(*g->pfirst));
	g->xfirst = xcalloc(g->nposx + 1, sizeof(*g->xfirst));
	g->pterms = xcalloc(x->nt + 1, sizeof(*g->pterms));
	g->xterms = xcalloc(x->nt + 1, sizeof(*g->xterms));
	for (i = 0; i < x->nt; i++) {
		t = &x->t[i];
		g->pfirst[t->group + 1]++;
		if (t->xlen > 0)
			g->xfirst[t->xgroup + 1]++;
	}
	for (i = 0; i < g->npost; i++)
		g->pfirst[i + 1] += g->pfirst[i];
	for (i = 0; i < g->nposx; i++)
		g->xfirst[i + 1] += g->xfirst[i];
	pn = xcalloc(g->npost + 1, sizeof(*pn));
	xn = xcalloc(g->nposx + 1, sizeof(*xn));
	for (i = 0; i < x->nt; i++) {
		t = &x->t[order[i]];
		g->pterms[g->pfirst[t->group] + pn[t->group]++] = order[i];
		if (t->xlen > 0)
			g->xterms[g->xfirst[t->xgroup] + xn[t->xgroup]++] =
			    order[i];
	}
	free(pn);
	free(xn);
}

/*
 * One JSON object of the terms of a postings file (or positions), and
 * its name; notes where each term's string went (pfile and pfoff).
 */
int
write_terms(struct ix *x, struct groups *g, int positions,
    uint32_t file, char **name)
{
	struct buf	 b = BUF_INIT;
	struct ixterm	*t;
	const uint32_t	*first = positions ? g->xfirst : g->pfirst;
	const uint32_t	*terms = positions ? g->xterms : g->pterms;
	const char	*stem;
	char		 nm[64];
	size_t		 i;
	int		 rc;

	buf_addch(&b, '{');
	for (i = first[file]; i < first[file + 1]; i++) {
		t = &x->t[terms[i]];
		if (b.len > 1)
			buf_addch(&b, ',');
		stem = str_at(x, t->s);
		json_str(&b, stem, strlen(stem));
		buf_addstr(&b, ":\"");
		if (positions) {
			t->xfile = file;
			t->xfoff = b.len;
			if (!x->patch)
				buf_add(&b, x->posx + t->xoff, t->xlen);
			else {
				buf_add(&b, t->xstr, t->xhlen);
				if (t->xtail != NULL)
					buf_add(&b, t->xtail,
					    t->xlen - t->xhlen);
			}
		} else {
			t->pfile = file;
			t->pfoff = b.len;
			if (!x->patch)
				buf_add(&b, x->post + t->poff, t->plen);
			else {
				buf_add(&b, t->pstr, t->phlen);
				if (t->ptail != NULL)
					buf_add(&b, t->ptail,
					    t->plen - t->phlen);
			}
		}
		buf_addch(&b, '"');
	}
	buf_addstr(&b, "}\n");
	(positions ? g->xsize : g->psize)[file] = b.len;
	rc = ix_put(x, &b, "x/", nm, sizeof(nm), 0);
	if (rc == 0)
		*name = xstrdup(nm);
	buf_free(&b);
	return rc;
}

/* The postings and positions files of the groups of part p. */
static int
write_part(struct ix *x, struct ixcache *c, const struct ixref *refs,
    size_t n, struct groups *g, uint32_t p)
{
	uint64_t	 ptotal = 0, xtotal = 0;
	struct ixterm	*t;
	size_t		 i;
	int		 rc = -1;

	for (i = 0; i < x->nt; i++) {
		t = &x->t[i];
		if ((t->hgroup & (g->P - 1)) != p)
			continue;
		t->poff = ptotal;
		ptotal += t->plen;
		t->xoff = xtotal;
		xtotal += t->xlen;
		t->pfill = t->xfill = 0;
	}
	x->post = xmalloc(ptotal + 1);
	x->posx = xmalloc(xtotal + 1);
	if ((rc = pass_fill(x, c, refs, n, p, g->P)) != 0) {
		if (rc == NM_ENOTFOUND)
			log_warnx("%s: damaged, or changed while read",
			    c->path);
		goto out;
	}
	rc = -1;
	for (i = 0; i < g->npost; i++) {
		if (g->part[i] != p)
			continue;
		if (write_terms(x, g, 0, (uint32_t)i, &g->post[i]) != 0)
			goto out;
	}
	for (i = 0; i < g->nposx; i++)
		if (g->xpart[i] == p && write_terms(x, g, 1, (uint32_t)i,
		    &g->posx[i]) != 0)
			goto out;
	rc = 0;
out:
	free(x->post);
	free(x->posx);
	x->post = x->posx = NULL;
	return rc;
}

void
groups_free(struct groups *g)
{
	size_t	 i;

	for (i = 0; i < g->npost; i++)
		free(g->post[i]);
	for (i = 0; i < g->nposx; i++)
		free(g->posx[i]);
	free(g->post);
	free(g->posx);
	free(g->part);
	free(g->xpart);
	free(g->psize);
	free(g->xsize);
	free(g->pfirst);
	free(g->pterms);
	free(g->xfirst);
	free(g->xterms);
}

/* The vocabulary shards; their names go to vnames[0..*nv). */
/* About the bytes of word i in its shard. */
static uint64_t
wbytes(const struct ix *x, size_t i)
{
	return strlen(str_at(x, x->w[i].s)) * 2 + 16 +
	    x->top[x->w[i].term].n * 4;
}

/* 1 if a and b have the same first three characters (or are shorter). */
static int
same3(const char *a, const char *b)
{
	int	 n = 0;

	for (; *a != '\0' && *a == *b; a++, b++)
		if (((unsigned char)a[1] & 0xc0) != 0x80 && ++n == 3)
			return 1;
	return *a == *b;
}

int
write_vocab(struct ix *x, const struct groups *g, char ***vnames,
    size_t *nv, char ***vfirst)
{
	struct buf	 b = BUF_INIT;
	uint32_t	*order = NULL, *shard = NULL, *local = NULL;
	uint32_t	*files = NULL, *mark = NULL, *pgroup = NULL;
	const struct ixtop *tp;
	size_t		 i, v, nfiles, k, V, j;
	uint64_t	 total = 0, acc;
	struct ixterm	*t;
	const char	*w;
	char		 name[64];
	int		 rc = -1;

	/*
	 * Shards are ranges of the words in byte order, of about equal
	 * size (the word, its entry, its stem's best postings), at most
	 * 64, cut where the first three characters change so that a prefix
	 * of three characters or more is mostly in one shard; but where
	 * that would make a shard a quarter bigger than the others (a long
	 * run of words with the same beginning), anywhere.
	 */
	order = xcalloc(x->nw + 1, sizeof(*order));
	shard = xcalloc(x->nw + 1, sizeof(*shard));
	for (i = 0; i < x->nw; i++) {
		order[i] = (uint32_t)i;
		total += wbytes(x, i);
	}
	sort_ix = x;
	qsort(order, x->nw, sizeof(*order), widx_cmp);
	V = 1;
	while (V < 64 && total / V > 12288)
		V++;
	*vfirst = xcalloc(V + 1, sizeof(**vfirst));
	(*vfirst)[0] = xstrdup("");
	for (i = 0, v = 0, acc = 0; i < x->nw; i++) {
		if (acc >= total / V && v + 1 < V && i > 0 &&
		    (acc >= total / V + total / V / 4 ||
		    !same3(str_at(x, x->w[order[i - 1]].s),
		    str_at(x, x->w[order[i]].s)))) {
			(*vfirst)[++v] = xstrdup(str_at(x, x->w[order[i]].s));
			acc = 0;
		}
		acc += wbytes(x, order[i]);
		shard[order[i]] = (uint32_t)v;
	}
	V = v + 1;
	local = xcalloc(g->npost, sizeof(*local));
	files = xcalloc(g->npost, sizeof(*files));
	mark = xcalloc(x->nt + 1, sizeof(*mark));
	/* The positions file of each postings file. */
	pgroup = xcalloc(g->npost, sizeof(*pgroup));
	for (i = 0; i < x->nt; i++)
		pgroup[x->t[i].group] = x->t[i].xgroup;
	*vnames = xcalloc(V, sizeof(**vnames));
	for (v = 0; v < V; v++) {
		memset(local, 0, g->npost * sizeof(*local));
		nfiles = 0;
		for (i = 0; i < x->nw; i++) {
			if (shard[order[i]] != v)
				continue;
			t = &x->t[x->w[order[i]].term];
			if (local[t->group] == 0) {
				files[nfiles++] = t->group;
				local[t->group] = (uint32_t)nfiles;
			}
		}
		buf_reset(&b);
		buf_addstr(&b, "{\"files\":[");
		for (k = 0; k < nfiles; k++) {
			buf_addstr(&b, k ? ",\"" : "\"");
			buf_addstr(&b, g->post[files[k]]);
			buf_addch(&b, '"');
		}
		buf_addstr(&b, "],\n\"positions\":[");
		for (k = 0; k < nfiles; k++) {
			buf_addstr(&b, k ? ",\"" : "\"");
			buf_addstr(&b, g->posx[pgroup[files[k]]]);
			buf_addch(&b, '"');
		}
		buf_addstr(&b, "],\n\"words\":{");
		k = 0;
		for (i = 0; i < x->nw; i++) {
			if (shard[order[i]] != v)
				continue;
			w = str_at(x, x->w[order[i]].s);
			t = &x->t[x->w[order[i]].term];
			buf_addstr(&b, k++ ? ",\n" : "\n");
			json_str(&b, w, strlen(w));
			buf_addstr(&b, ":[");
			json_str(&b, str_at(x, t->s), strlen(str_at(x, t->s)));
			buf_printf(&b, ",%u,%u%s]", t->df,
			    local[t->group] - 1, tok_is_stop(w) ? ",1" : "");
		}
		/* The best postings of each stem, for first results. */
		buf_addstr(&b, "},\n\"top\":{");
		k = 0;
		for (i = 0; i < x->nw; i++) {
			if (shard[order[i]] != v)
				continue;
			j = x->w[order[i]].term;
			if (mark[j] == v + 1)
				continue;
			mark[j] = (uint32_t)v + 1;
			t = &x->t[j];
			tp = &x->top[j];
			buf_addstr(&b, k++ ? ",\n" : "\n");
			json_str(&b, str_at(x, t->s), strlen(str_at(x, t->s)));
			buf_addstr(&b, ":\"");
			for (j = 0; j < tp->n; j++) {
				b64_add(&b, tp->doc[j]);
				buf_addch(&b, b64[tp->imp[j] & 63]);
			}
			buf_addch(&b, '"');
		}
		buf_addstr(&b, "}}\n");
		if (ix_put(x, &b, "x/", name, sizeof(name), 0) != 0)
			goto out;
		(*vnames)[v] = xstrdup(name);
		*nv = v + 1;
	}
	rc = 0;
out:
	buf_free(&b);
	free(order);
	free(shard);
	free(local);
	free(files);
	free(mark);
	free(pgroup);
	return rc;
}

int
write_entry(struct ix *x, size_t n, char **vnames, size_t nv,
    char **vfirst, const char *chunks, const char *months, char **cols,
    unsigned char hash[16])
{
	const struct config *cfg = &x->s->cfg;
	const struct tok_syn_ent *se;
	const char *const *stop;
	struct buf	 b = BUF_INIT;
	char		 rel[PATH_MAX];
	size_t		 i, k, nse, nstop;
	int		 changed, rc;

	buf_printf(&b, "{\"version\":1,\"docs\":%zu,\"chunk\":%d,\n", n,
	    IX_CHUNK);
	buf_printf(&b, "\"chunks\":\"%s\",\n\"months\":\"%s\",\n\"vocab\":[",
	    chunks, months);
	for (i = 0; i < nv; i++)
		buf_printf(&b, "%s\"%s\"", i ? "," : "", vnames[i]);
	buf_addstr(&b, "],\n\"vocab_first\":[");
	for (i = 0; i < nv; i++) {
		if (i)
			buf_addch(&b, ',');
		json_str(&b, vfirst[i], strlen(vfirst[i]));
	}
	buf_addstr(&b, "],\n\"facets\":[");
	for (i = 0; i < NFACETS; i++) {
		const struct taxonomy *tx = &cfg->tax[ifacets[i].tax];

		buf_printf(&b, "%s\n{\"key\":\"%s\",\"label\":", i ? "," : "",
		    ifacets[i].key);
		json_str(&b, ifacets[i].label, strlen(ifacets[i].label));
		buf_printf(&b, ",\"multi\":%s,\"file\":\"%s\",\"values\":[",
		    ifacets[i].tax == TAX_FACTORS ? "true" : "false",
		    cols[i]);
		for (k = 0; k < tx->nterms; k++) {
			buf_addstr(&b, k ? ",[" : "[");
			json_str(&b, tx->terms[k].slug,
			    strlen(tx->terms[k].slug));
			buf_addch(&b, ',');
			json_str(&b, tx->terms[k].label,
			    strlen(tx->terms[k].label));
			buf_addch(&b, ']');
		}
		buf_addstr(&b, "]}");
	}
	buf_addstr(&b, "],\n");
	if (n > 0)
		buf_printf(&b, "\"years\":[%d,%d],\n", x->ymin, x->ymax);
	else
		buf_addstr(&b, "\"years\":null,\n");
	buf_addstr(&b, "\"synonyms\":[");
	se = x->s->syn != NULL ? tok_syn_table(x->s->syn, &nse) : NULL;
	if (se == NULL)
		nse = 0;
	for (i = 0; i < nse; i++) {
		buf_addstr(&b, i ? ",[" : "[");
		json_str(&b, se[i].key, strlen(se[i].key));
		buf_addch(&b, ',');
		json_str(&b, se[i].term, strlen(se[i].term));
		buf_addch(&b, ']');
	}
	buf_addstr(&b, "],\n\"stop\":[");
	stop = tok_stop_list(&nstop);
	for (i = 0; i < nstop; i++) {
		if (i)
			buf_addch(&b, ',');
		json_str(&b, stop[i], strlen(stop[i]));
	}
	buf_addstr(&b, "]}\n");
	crypto_generichash(hash, 16, (const unsigned char *)b.data, b.len,
	    NULL, 0);
	snprintf(rel, sizeof(rel), IX_DIR "/index.json");
	*x->names = xreallocarray(*x->names, *x->nnames + 1,
	    sizeof(**x->names));
	(*x->names)[(*x->nnames)++] = xstrdup(rel);
	rc = write_out(x->pub, x->dir, rel, &b, &changed);
	if (rc == 0 && (x->pub == NULL || changed))
		(*x->written)++;
	buf_free(&b);
	return rc;
}

int
ix_facet_multi(size_t k)
{
	return ifacets[k].tax == TAX_FACTORS;
}

/*
 * A hash of what the index takes from the configuration and the
 * program: a state made with others cannot be patched.
 */
void
ix_config_hash(const struct ix *x, unsigned char out[16])
{
	crypto_generichash_state st;
	const struct config *cfg = &x->s->cfg;
	const struct tok_syn_ent *se;
	const char *const *stop;
	const struct taxonomy *tx;
	size_t	 i, k, nse = 0, nstop;

	crypto_generichash_init(&st, NULL, 0, 16);
#define HS(str)	crypto_generichash_update(&st, \
	    (const unsigned char *)(str), strlen(str) + 1)
	HS(NM_VERSION);
	HS(CACHE_MAGIC);
	for (i = 0; i < NFACETS; i++) {
		tx = &cfg->tax[ifacets[i].tax];
		HS(ifacets[i].key);
		for (k = 0; k < tx->nterms; k++) {
			HS(tx->terms[k].slug);
			HS(tx->terms[k].label);
		}
	}
	se = x->s->syn != NULL ? tok_syn_table(x->s->syn, &nse) : NULL;
	for (i = 0; se != NULL && i < nse; i++) {
		HS(se[i].key);
		HS(se[i].term);
	}
	for (i = 0; x->s->syn != NULL && i < cfg->nsyn; i++)
		for (k = 0; k < cfg->syn[i].nphrases; k++)
			HS(cfg->syn[i].phrases[k]);
	stop = tok_stop_list(&nstop);
	for (i = 0; i < nstop; i++)
		HS(stop[i]);
#undef HS
	crypto_generichash_final(&st, out, 16);
}

static void
ix_init(struct ix *x, const struct site *s, const char *dir,
    struct publish *pub, char ***names, size_t *nnames, size_t *written)
{
	size_t	 i;

	memset(x, 0, sizeof(*x));
	buf_init(&x->strs);
	buf_init(&x->doc);
	buf_init(&x->chunk);
	buf_init(&x->chunks);
	buf_init(&x->months);
	for (i = 0; i < NFACETS; i++)
		buf_init(&x->col[i]);
	x->s = s;
	x->dir = dir;
	x->pub = pub;
	x->names = names;
	x->nnames = nnames;
	x->written = written;
}

static void
ix_free(struct ix *x)
{
	size_t	 i;

	for (i = 0; i < NFACETS; i++)
		buf_free(&x->col[i]);
	free(x->post);
	free(x->posx);
	free(x->t);
	free(x->top);
	free(x->w);
	free(x->th.v);
	free(x->wh.v);
	buf_free(&x->strs);
	buf_free(&x->doc);
	buf_free(&x->chunk);
	buf_free(&x->chunks);
	buf_free(&x->months);
	memset(x, 0, sizeof(*x));
}

/*
 * What the postings do not decide: the vocabulary shards, the chunk
 * table, the columns, the entry file; then the state for the next
 * build (ixstate.c) into *state.
 */
int
ix_finish(struct ix *x, struct groups *g, const uint32_t *order, size_t n,
    const git_oid *tree, struct buf *state)
{
	struct buf	 b = BUF_INIT;
	char		**vnames = NULL, **vfirst = NULL, *cols[NFACETS];
	char		 chunks[64], months[64];
	unsigned char	 entry[16];
	size_t		 i, nv = 0;
	int		 rc = -1;

	memset(cols, 0, sizeof(cols));
	if (write_vocab(x, g, &vnames, &nv, &vfirst) != 0)
		goto out;
	buf_addstr(&b, "{\"chunks\":\"");
	buf_add(&b, x->chunks.data, x->chunks.len);
	buf_addstr(&b, "\"}\n");
	if (ix_put(x, &b, "x/", chunks, sizeof(chunks), 0) != 0)
		goto out;
	buf_reset(&b);
	buf_addstr(&b, "{\"months\":\"");
	buf_add(&b, x->months.data, x->months.len);
	buf_addstr(&b, "\"}\n");
	if (ix_put(x, &b, "x/", months, sizeof(months), 0) != 0)
		goto out;
	for (i = 0; i < NFACETS; i++) {
		buf_reset(&b);
		buf_addstr(&b, "{\"docs\":\"");
		buf_add(&b, x->col[i].data, x->col[i].len);
		buf_addstr(&b, "\"}\n");
		cols[i] = xmalloc(64);
		if (ix_put(x, &b, "x/", cols[i], 64, 0) != 0)
			goto out;
	}
	if (write_entry(x, n, vnames, nv, vfirst, chunks, months, cols,
	    entry) != 0)
		goto out;
	if (state != NULL)
		ixs_save(x, g, order, n, tree, entry, state);
	log_debug("search index: %zu documents, %zu terms, %zu words, %zu "
	    "postings files, %zu positions files, %zu vocabulary shards",
	    n, x->nt, x->nw, g->npost, g->nposx, nv);
	rc = 0;
out:
	for (i = 0; i < nv; i++)
		free(vnames[i]);
	free(vnames);
	for (i = 0; vfirst != NULL && i <= nv; i++)
		free(vfirst[i]);
	free(vfirst);
	for (i = 0; i < NFACETS; i++)
		free(cols[i]);
	buf_free(&b);
	return rc;
}

int
ix_write(const struct site *s, struct ixcache *c, const struct ixref *refs,
    size_t n, const char *dir, struct publish *pub, char ***names,
    size_t *nnames, size_t *written, const struct ixprev *prev,
    struct buf *state)
{
	struct ix	 x;
	struct groups	 g;
	uint32_t	*order = NULL;
	size_t		 i, nn = *nnames, nwr = *written;
	uint32_t	 p;
	int		 rc = -1;

	if (prev != NULL) {
		ix_init(&x, s, dir, pub, names, nnames, written);
		rc = ixs_patch(&x, prev, c, refs, n, state);
		ix_free(&x);
		if (rc != NM_ENOTFOUND)
			return rc;
		/* Nothing was written: made again, from every document. */
		while (*nnames > nn)
			free((*names)[--*nnames]);
		*written = nwr;
	}
	ix_init(&x, s, dir, pub, names, nnames, written);
	memset(&g, 0, sizeof(g));
	if ((rc = pass_count(&x, c, refs, n)) != 0)
		goto out;
	rc = -1;
	syn_words(&x);
	for (i = 0; i < x.nt; i++)
		if (x.t[i].xlen > 0)
			x.t[i].xlen += x.t[i].nzero;	/* counts of 0 */
	order = xcalloc(x.nt + 1, sizeof(*order));
	for (i = 0; i < x.nt; i++)
		order[i] = (uint32_t)i;
	sort_ix = &x;
	qsort(order, x.nt, sizeof(*order), tidx_cmp);
	plan_groups(&x, n, &g);
	x.nposx = (uint32_t)g.nposx;
	plan_files(&x, order, &g);
	x.top = xcalloc(x.nt + 1, sizeof(*x.top));
	for (p = 0; p < g.P; p++)
		if ((rc = write_part(&x, c, refs, n, &g, p)) != 0)
			goto out;
	buf_free(&x.doc);
	log_debug("search index: made from every document, in %u part%s",
	    g.P, g.P == 1 ? "" : "s");
	rc = ix_finish(&x, &g, order, n, &c->tree, state);
out:
	groups_free(&g);
	free(order);
	ix_free(&x);
	return rc;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Removes the files of dir/search/<sub>/ that are not in names. */
static int
prune_sub(const char *dir, const char *sub, char **names, size_t n)
{
	char		 path[PATH_MAX], rel[PATH_MAX], *key = rel;
	DIR		*d;
	struct dirent	*e;
	int		 rc = 0;

	if (file_path(path, sizeof(path), "%s/" IX_DIR "/%s", dir, sub) != 0)
		return -1;
	if ((d = opendir(path)) == NULL)
		return errno == ENOENT ? 0 : (log_warn("%s", path), -1);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (file_path(rel, sizeof(rel), IX_DIR "/%s/%s", sub,
		    e->d_name) != 0)
			continue;
		if (bsearch(&key, names, n, sizeof(*names), name_cmp) != NULL)
			continue;
		if (file_path(path, sizeof(path), "%s/%s", dir, rel) != 0 ||
		    unlink(path) == -1) {
			log_warn("%s", path);
			rc = -1;
		}
	}
	closedir(d);
	return rc;
}

int
ix_prune(const char *dir, char **names, size_t n)
{
	qsort(names, n, sizeof(*names), name_cmp);
	if (prune_sub(dir, "x", names, n) != 0 ||
	    prune_sub(dir, "m", names, n) != 0)
		return -1;
	return 0;
}
