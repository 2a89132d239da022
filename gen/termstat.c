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
 * Term statistics (termstat.h): the stems of every report from the
 * index cache in one pass, kept as a sorted id list per report, with
 * the word form each stem is most often written in; and log-likelihood
 * scores of a group of reports against the rest of the archive.
 */

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "gen.h"
#include "log.h"
#include "related.h"
#include "nm.h"
#include "termstat.h"

/* A hash table of strings (the stems). */
struct strtab {
	uint32_t	*slot;		/* 1 + entry, or 0 */
	size_t		 nslot;
	size_t		 n;
};

struct termstat {
	struct buf	 strs;		/* NUL-ended strings */
	/* The stems: string, reports with it, best word form. */
	uint32_t	*stem;
	uint32_t	*df;
	uint32_t	*word;
	uint32_t	*wcount;	/* uses of the best word form */
	struct strtab	 stems;
	/*
	 * While building: stem and word form pairs, found by the stem id
	 * and the vectors' handle of the word (pkey, open addressing, of
	 * pair + 1 in pslot); and the stem id + 1 of each stem handle.
	 */
	uint32_t	*pstem, *pword, *pcount;
	uint64_t	*pkey;
	uint32_t	*pslot;
	size_t		 npairs, pnslot;
	uint32_t	*hsid;
	size_t		 cap, pcap;
	/* The stems of each report, sorted by id: ids[off[i]..off[i+1]). */
	size_t		*off;
	uint32_t	*ids;
	size_t		 nids, capids;
	size_t		 nreports;
};

static uint32_t
ts_hash(const char *s, uint32_t seed)
{
	return (uint32_t)nm_hash(s, strlen(s), NM_HASH_INIT ^ seed);
}

static const char *
ts_str(const struct termstat *ts, uint32_t off)
{
	return ts->strs.data + off;
}

static uint32_t
ts_stradd(struct termstat *ts, const char *s)
{
	uint32_t	 off = (uint32_t)ts->strs.len;

	buf_add(&ts->strs, s, strlen(s) + 1);
	return off;
}

static void
tab_grow(struct strtab *t, const uint32_t *hashes, size_t n)
{
	size_t	 i, j;

	free(t->slot);
	t->nslot = t->nslot ? t->nslot * 2 : 1024;
	t->slot = xcalloc(t->nslot, sizeof(*t->slot));
	for (i = 0; i < n; i++) {
		j = hashes[i] & (t->nslot - 1);
		while (t->slot[j] != 0)
			j = (j + 1) & (t->nslot - 1);
		t->slot[j] = (uint32_t)i + 1;
	}
}

/* Hashes of the stems, for tab_grow(). */
static uint32_t *
stem_hashes(const struct termstat *ts)
{
	uint32_t	*h = xreallocarray(NULL, ts->stems.n + 1, sizeof(*h));
	size_t		 i;

	for (i = 0; i < ts->stems.n; i++)
		h[i] = ts_hash(ts_str(ts, ts->stem[i]), 0);
	return h;
}

/* The id of stem s, added if new. */
static uint32_t
stem_get(struct termstat *ts, const char *s)
{
	struct strtab	*t = &ts->stems;
	uint32_t	*h, hs = ts_hash(s, 0);
	size_t		 j;

	if (t->nslot == 0 || 2 * (t->n + 1) > t->nslot) {
		h = stem_hashes(ts);
		tab_grow(t, h, t->n);
		free(h);
	}
	for (j = hs & (t->nslot - 1); t->slot[j] != 0;
	    j = (j + 1) & (t->nslot - 1))
		if (strcmp(ts_str(ts, ts->stem[t->slot[j] - 1]), s) == 0)
			return t->slot[j] - 1;
	if (t->n == ts->cap) {
		ts->cap = ts->cap ? ts->cap * 2 : 1024;
		ts->stem = xreallocarray(ts->stem, ts->cap, sizeof(uint32_t));
		ts->df = xreallocarray(ts->df, ts->cap, sizeof(uint32_t));
	}
	ts->stem[t->n] = ts_stradd(ts, s);
	ts->df[t->n] = 0;
	t->slot[j] = (uint32_t)++t->n;
	return (uint32_t)(t->n - 1);
}

/* The slot of key k in the pair table (its own, or the empty one). */
static size_t
pair_slot(const struct termstat *ts, uint64_t k)
{
	size_t	 j;

	for (j = (size_t)nm_hash(&k, sizeof(k), NM_HASH_INIT) &
	    (ts->pnslot - 1); ts->pslot[j] != 0 && ts->pkey[j] != k;
	    j = (j + 1) & (ts->pnslot - 1))
		;
	return j;
}

/* Counts one use of word w, of handle wh, for stem id. */
static void
pair_count(struct termstat *ts, uint32_t id, uint32_t wh, const char *w)
{
	uint64_t	*ok, k = (uint64_t)id << 32 | wh;
	uint32_t	*os;
	size_t		 j, on, k2;

	if (2 * (ts->npairs + 1) > ts->pnslot) {
		ok = ts->pkey;
		os = ts->pslot;
		on = ts->pnslot;
		ts->pnslot = on ? on * 2 : 4096;
		ts->pkey = xcalloc(ts->pnslot, sizeof(*ts->pkey));
		ts->pslot = xcalloc(ts->pnslot, sizeof(*ts->pslot));
		for (j = 0; j < on; j++)
			if (os[j] != 0) {
				k2 = pair_slot(ts, ok[j]);
				ts->pkey[k2] = ok[j];
				ts->pslot[k2] = os[j];
			}
		free(ok);
		free(os);
	}
	j = pair_slot(ts, k);
	if (ts->pslot[j] != 0) {
		ts->pcount[ts->pslot[j] - 1]++;
		return;
	}
	if (ts->npairs == ts->pcap) {
		ts->pcap = ts->pcap ? ts->pcap * 2 : 1024;
		ts->pstem = xreallocarray(ts->pstem, ts->pcap,
		    sizeof(uint32_t));
		ts->pword = xreallocarray(ts->pword, ts->pcap,
		    sizeof(uint32_t));
		ts->pcount = xreallocarray(ts->pcount, ts->pcap,
		    sizeof(uint32_t));
	}
	ts->pstem[ts->npairs] = id;
	ts->pword[ts->npairs] = ts_stradd(ts, w);
	ts->pcount[ts->npairs] = 1;
	ts->pkey[j] = k;
	ts->pslot[j] = (uint32_t)++ts->npairs;
}

/* A stem worth counting: it has a letter (not a number, not "~syn"). */
static int
stem_ok(const char *s)
{
	if (*s == '~')
		return 0;
	for (; *s != '\0'; s++)
		if (isalpha((unsigned char)*s) || (unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

/*
 * Adds the terms of one report's vector as the next report: its REL_KEEP
 * strongest terms (related.h), not every word it uses, so that both
 * builds have them without reading every report's index document.
 */
static void
add_vec(struct termstat *ts, const struct relset *set,
    const struct relvec *v)
{
	const char	*stem;
	uint32_t	 sid, wh;
	size_t		 from = ts->nids, a, b;
	int		 k;

	for (k = 0; k < v->n; k++) {
		stem = relstr_get(set->str, v->stem[k]);
		/* A handle is one string: look it up once. */
		if (ts->hsid[v->stem[k]] == 0) {
			if (!stem_ok(stem))
				continue;
			ts->hsid[v->stem[k]] = stem_get(ts, stem) + 1;
		}
		sid = ts->hsid[v->stem[k]] - 1;
		ts->df[sid]++;
		/* The word form this report uses first. */
		wh = v->form[k] != 0 ? v->form[k] : v->stem[k];
		pair_count(ts, sid, wh, relstr_get(set->str, wh));
		if (ts->nids == ts->capids) {
			ts->capids = ts->capids ? ts->capids * 2 : 4096;
			ts->ids = xreallocarray(ts->ids, ts->capids,
			    sizeof(uint32_t));
		}
		ts->ids[ts->nids++] = sid;
	}
	/* At most REL_KEEP: an insertion sort. */
	for (a = from + 1; a < ts->nids; a++) {
		sid = ts->ids[a];
		for (b = a; b > from && ts->ids[b - 1] > sid; b--)
			ts->ids[b] = ts->ids[b - 1];
		ts->ids[b] = sid;
	}
}

/* The best word form of each stem: the most used, then the first. */
static void
best_words(struct termstat *ts)
{
	size_t	 e, n = ts->stems.n;
	uint32_t s;
	int	 c;

	ts->word = xreallocarray(NULL, n ? n : 1, sizeof(uint32_t));
	ts->wcount = xcalloc(n ? n : 1, sizeof(uint32_t));
	for (e = 0; e < n; e++)
		ts->word[e] = ts->stem[e];
	for (e = 0; e < ts->npairs; e++) {
		s = ts->pstem[e];
		c = ts->wcount[s] == 0 ? -1 : strcmp(ts_str(ts, ts->pword[e]),
		    ts_str(ts, ts->word[s]));
		if (ts->pcount[e] > ts->wcount[s] ||
		    (ts->pcount[e] == ts->wcount[s] && c < 0)) {
			ts->word[s] = ts->pword[e];
			ts->wcount[s] = ts->pcount[e];
		}
	}
	free(ts->pstem);
	free(ts->pword);
	free(ts->pcount);
	free(ts->pkey);
	free(ts->pslot);
	ts->pstem = ts->pword = ts->pcount = ts->pslot = NULL;
	ts->pkey = NULL;
	free(ts->stems.slot);
	ts->stems.slot = NULL;
}

int
termstat_build(struct termstat **out, const struct site *s,
    const struct relset *set)
{
	struct termstat	*ts = xcalloc(1, sizeof(*ts));
	const struct relvec *v;
	uint32_t	*map;
	size_t		 i;

	buf_init(&ts->strs);
	ts->nreports = s->nreports;
	ts->off = xcalloc(s->nreports + 1, sizeof(size_t));
	map = set != NULL ? relset_map(set, s) : NULL;
	/* The ids' room at once: doubling would overshoot by half. */
	for (i = 0; map != NULL && i < s->nreports; i++)
		if (map[i] != 0)
			ts->capids += set->v[map[i] - 1].n;
	ts->ids = xreallocarray(NULL, ts->capids + 1, sizeof(uint32_t));
	ts->hsid = set != NULL ? xcalloc(relstr_len(set->str) + 1,
	    sizeof(*ts->hsid)) : NULL;
	for (i = 0; i < s->nreports; i++) {
		ts->off[i] = ts->nids;
		if (map != NULL && map[i] != 0) {
			v = &set->v[map[i] - 1];
			add_vec(ts, set, v);
		}
	}
	free(map);
	free(ts->hsid);
	ts->hsid = NULL;
	ts->off[s->nreports] = ts->nids;
	best_words(ts);
	*out = ts;
	return 0;
}

void
termstat_free(struct termstat *ts)
{
	if (ts == NULL)
		return;
	buf_free(&ts->strs);
	free(ts->stem);
	free(ts->df);
	free(ts->word);
	free(ts->wcount);
	free(ts->stems.slot);
	free(ts->pstem);
	free(ts->pword);
	free(ts->pcount);
	free(ts->pkey);
	free(ts->pslot);
	free(ts->hsid);
	free(ts->off);
	free(ts->ids);
	free(ts);
}

int
termstat_has(const struct termstat *ts, size_t i, uint32_t id)
{
	size_t	 lo, hi, mid;

	if (ts == NULL || i >= ts->nreports)
		return 0;
	lo = ts->off[i];
	hi = ts->off[i + 1];
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ts->ids[mid] == id)
			return 1;
		if (ts->ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* x ln x, with 0 ln 0 = 0. */
static long double
xlx(long double x)
{
	return x > 0 ? x * logl(x) : 0;
}

double
termstat_g2(size_t a, size_t n1, size_t b, size_t n2)
{
	long double	 n = (long double)n1 + n2, k = (long double)a + b;
	long double	 g;

	if (n1 == 0 || n2 == 0 || a > n1 || b > n2 || k == 0 || k == n)
		return 0;
	/* 2 (sum O ln O - sum rows ln rows - sum cols ln cols + N ln N). */
	g = xlx(a) + xlx(b) + xlx(n1 - a) + xlx(n2 - b) -
	    xlx(n1) - xlx(n2) - xlx(k) - xlx(n - k) + xlx(n);
	g *= 2;
	return g > 0 ? (double)g : 0;
}

static int
cmp_term(const void *pa, const void *pb)
{
	const struct termstat_term *a = pa, *b = pb;

	if (a->g2 != b->g2)
		return a->g2 > b->g2 ? -1 : 1;
	return strcmp(a->stem, b->stem);
}

/*
 * The over-represented terms of the group in at least minin of its
 * reports with G2 >= g2min, sorted; *ntested as termstat_rising().
 */
static size_t
group_terms(const struct termstat *ts, const size_t *members, size_t n,
    size_t minin, double g2min, struct termstat_term **out,
    size_t *ntested)
{
	struct termstat_term *v = NULL;
	uint32_t	*cnt, *touched, id;
	size_t		 i, k, nt = 0, nv = 0, cap = 0, rest, tested = 0;
	double		 g;

	*out = NULL;
	if (ntested != NULL)
		*ntested = 0;
	if (ts == NULL || ts->stems.n == 0 || n == 0 || n >= ts->nreports)
		return 0;
	rest = ts->nreports - n;
	cnt = xcalloc(ts->stems.n, sizeof(*cnt));
	touched = xreallocarray(NULL, ts->stems.n, sizeof(*touched));
	for (i = 0; i < n; i++) {
		if (members[i] >= ts->nreports)
			continue;
		for (k = ts->off[members[i]]; k < ts->off[members[i] + 1];
		    k++) {
			id = ts->ids[k];
			if (cnt[id]++ == 0)
				touched[nt++] = id;
		}
	}
	for (i = 0; i < nt; i++) {
		id = touched[i];
		if (cnt[id] < minin)
			continue;
		tested++;
		/* Over-represented: a / n > b / rest. */
		if ((long double)cnt[id] * rest <=
		    (long double)(ts->df[id] - cnt[id]) * n)
			continue;
		g = termstat_g2(cnt[id], n, ts->df[id] - cnt[id], rest);
		if (g < g2min)
			continue;
		if (nv == cap) {
			cap = cap ? cap * 2 : 64;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		v[nv].id = id;
		v[nv].stem = ts_str(ts, ts->stem[id]);
		v[nv].word = ts_str(ts, ts->word[id]);
		v[nv].in = cnt[id];
		v[nv].all = ts->df[id];
		v[nv].g2 = g;
		nv++;
	}
	free(cnt);
	free(touched);
	if (nv > 0)
		qsort(v, nv, sizeof(*v), cmp_term);
	if (ntested != NULL)
		*ntested = tested;
	*out = v;
	return nv;
}

size_t
termstat_top(const struct termstat *ts, const size_t *members, size_t n,
    size_t k, struct termstat_term *out)
{
	struct termstat_term *v;
	size_t		 nv;

	nv = group_terms(ts, members, n, 3, 0, &v, NULL);
	if (nv > k)
		nv = k;
	if (nv > 0)
		memcpy(out, v, nv * sizeof(*v));
	free(v);
	return nv;
}

size_t
termstat_rising(const struct termstat *ts, const size_t *members,
    size_t n, size_t minin, double g2min, struct termstat_term **out,
    size_t *ntested)
{
	return group_terms(ts, members, n, minin, g2min, out, ntested);
}
