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
 * Related reports: a vector of each report's strongest terms (from its
 * search index document), TF-IDF weights over the archive, cosine
 * similarity through an inverted index whose postings are cut to the
 * strongest few, plus a bonus for the taxonomy two reports share.
 */

#include <sys/random.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>

#include "buf.h"
#include "build.h"
#include "file.h"
#include "gen.h"
#include "index.h"
#include "ixint.h"
#include "log.h"
#include "nm.h"
#include "related.h"
#include "tmpl.h"

#define REL_POST	64	/* postings kept per term, strongest first */
#define REL_TYPE_BONUS	0.10	/* same incident type */
#define REL_FACTOR_BONUS 0.05	/* per shared factor, over the count */
#define REL_MAGIC	"NMREL5\n"
#define LESS_MAGIC	"NMLESS1\n"
#define LESS_HEAD	16	/* LESS_MAGIC and the generation */
#define REL_FILE_MAX	(1024ULL * 1024 * 1024)

struct relstr {
	pthread_mutex_t	 lock;
	struct buf	 strs;		/* NUL-ended; handle: offset + 1 */
	uint32_t	*slot;		/* open addressing, of handles */
	size_t		 nslot, n;
};

struct relstr *
relstr_new(void)
{
	struct relstr	*t = xcalloc(1, sizeof(*t));

	pthread_mutex_init(&t->lock, NULL);
	buf_init(&t->strs);
	return t;
}

void
relstr_free(struct relstr *t)
{
	if (t == NULL)
		return;
	pthread_mutex_destroy(&t->lock);
	buf_free(&t->strs);
	free(t->slot);
	free(t);
}

size_t
relstr_len(const struct relstr *t)
{
	return t->strs.len;
}

const char *
relstr_get(const struct relstr *t, uint32_t h)
{
	return t->strs.data + h - 1;
}

uint32_t
relstr_add(struct relstr *t, const char *s, size_t len)
{
	uint32_t	*ns, h;
	size_t		 i, j, nn;
	const char	*x;

	pthread_mutex_lock(&t->lock);
	if (2 * (t->n + 1) > t->nslot) {
		nn = t->nslot ? t->nslot * 2 : 4096;
		ns = xcalloc(nn, sizeof(*ns));
		for (i = 0; i < t->nslot; i++) {
			if (t->slot[i] == 0)
				continue;
			x = t->strs.data + t->slot[i] - 1;
			for (j = nm_hash(x, strlen(x), NM_HASH_INIT) &
			    (nn - 1); ns[j] != 0; j = (j + 1) & (nn - 1))
				;
			ns[j] = t->slot[i];
		}
		free(t->slot);
		t->slot = ns;
		t->nslot = nn;
	}
	for (j = nm_hash(s, len, NM_HASH_INIT) & (t->nslot - 1);
	    t->slot[j] != 0; j = (j + 1) & (t->nslot - 1)) {
		x = t->strs.data + t->slot[j] - 1;
		if (strncmp(x, s, len) == 0 && x[len] == '\0') {
			h = t->slot[j];
			goto out;
		}
	}
	h = (uint32_t)t->strs.len + 1;
	buf_add(&t->strs, s, len);
	buf_addch(&t->strs, '\0');
	t->slot[j] = h;
	t->n++;
out:
	pthread_mutex_unlock(&t->lock);
	return h;
}

void
rel_vec_free(struct relvec *v)
{
	free(v->id);
	free(v->lessbuf);
	memset(v, 0, sizeof(*v));
}

void
rel_vec_lessons(struct relvec *v, const char *html, size_t len)
{
	free(v->lessbuf);
	v->lessbuf = xmalloc(len + 1);
	memcpy(v->lessbuf, html, len);
	v->lessbuf[len] = '\0';
	v->lessons = v->lessbuf;
	v->lessonslen = len;
}

int
rel_vec(struct relvec *v, struct relstr *str, const char *id,
    const void *doc, size_t len)
{
	struct ixdoc	 d;
	struct ixdterm	 t;
	const char	*stem[REL_KEEP], *form[REL_KEEP];
	uint8_t		 imp[REL_KEEP];
	uint64_t	 k;
	int		 n = 0, r;

	memset(v, 0, sizeof(*v));
	if (doc == NULL) {
		v->id = xstrdup(id);
		return 0;
	}
	if (ix_doc_open(&d, doc, len) != 0)
		return -1;
	for (k = 0; k < d.nterms; k++) {
		if (ix_doc_term(&d, &t) != 0)
			return -1;
		if (t.flags & (IT_STOP | IT_SYN))
			continue;
		/*
		 * The strongest REL_KEEP, by impact; terms come in stem
		 * order, so that of two of equal impact the first stays.
		 */
		if (n == REL_KEEP && t.impact <= imp[n - 1])
			continue;
		if (n < REL_KEEP)
			n++;
		for (r = n - 1; r > 0 && t.impact > imp[r - 1]; r--) {
			stem[r] = stem[r - 1];
			form[r] = form[r - 1];
			imp[r] = imp[r - 1];
		}
		stem[r] = t.stem;
		form[r] = (t.flags & IT_SELF) || t.nforms == 0 ? NULL :
		    t.forms;
		imp[r] = t.impact;
	}
	v->id = xstrdup(id);
	v->n = (uint8_t)n;
	for (r = 0; r < n; r++) {
		v->stem[r] = relstr_add(str, stem[r], strlen(stem[r]));
		v->form[r] = form[r] != NULL && *form[r] != '\0' ?
		    relstr_add(str, form[r], strlen(form[r])) : 0;
		v->imp[r] = imp[r];
	}
	return 0;
}

static int
vec_cmp(const void *a, const void *b)
{
	return strcmp(((const struct relvec *)a)->id,
	    ((const struct relvec *)b)->id);
}

int
relset_sort(struct relset *set)
{
	size_t	 i;

	/* Made in id order, as builds make them: no need to sort. */
	for (i = 1; i < set->n; i++)
		if (strcmp(set->v[i - 1].id, set->v[i].id) >= 0)
			break;
	if (i < set->n)
		qsort(set->v, set->n, sizeof(*set->v), vec_cmp);
	for (i = 1; i < set->n; i++)
		if (strcmp(set->v[i - 1].id, set->v[i].id) == 0) {
			log_warnx("related reports: report %s twice",
			    set->v[i].id);
			return -1;
		}
	return 0;
}

struct relvec *
relset_find(const struct relset *set, const char *id)
{
	struct relvec	 key;

	key.id = (char *)id;
	return bsearch(&key, set->v, set->n, sizeof(*set->v), vec_cmp);
}

uint32_t *
relset_map(const struct relset *set, const struct site *s)
{
	uint32_t	*slot, *map;
	size_t		 cap = 16, mask, i, k;
	const char	*id;

	while (cap < 2 * set->n)
		cap *= 2;
	mask = cap - 1;
	slot = xcalloc(cap, sizeof(*slot));
	for (i = 0; i < set->n; i++) {
		id = set->v[i].id;
		for (k = nm_hash(id, strlen(id), NM_HASH_INIT) & mask;
		    slot[k] != 0; k = (k + 1) & mask)
			;
		slot[k] = (uint32_t)i + 1;
	}
	map = xcalloc(s->nreports + 1, sizeof(*map));
	for (i = 0; i < s->nreports; i++) {
		id = s->reports[i].id;
		for (k = nm_hash(id, strlen(id), NM_HASH_INIT) & mask;
		    slot[k] != 0; k = (k + 1) & mask)
			if (strcmp(set->v[slot[k] - 1].id, id) == 0) {
				map[i] = slot[k];
				break;
			}
	}
	free(slot);
	return map;
}

void
relset_free(struct relset *set)
{
	size_t	 i;

	for (i = 0; i < set->n; i++)
		rel_vec_free(&set->v[i]);
	free(set->v);
	set->v = NULL;
	set->n = 0;
	file_unmap(&set->map);
	file_unmap(&set->lmap);
}

/*
 * OUTDIR.related: REL_MAGIC, the content tree it was made for (the raw
 * object id), flags (8 bytes, little-endian: 1, stale), the generation
 * of the OUTDIR.lessons it goes with (8 bytes; 0: none) and the length
 * of that file it knows (8 bytes), the string table
 * (its length in 8 bytes, then the stems and word forms, each ended by a
 * NUL, each once), the count of vectors (8 bytes), then per vector: id
 * length (1 byte) and id, term count (1 byte), each term as the offset
 * of its stem in the table, of its word form plus 1 (0 for the stem
 * itself), both as LEB128 numbers, and its impact (1 byte); deps (8
 * bytes); its REL_MAX related reports as LEB128 vector indexes + 1 (0:
 * none); then where the HTML of its lessons learned lies in OUTDIR.lessons
 * (offset and length, 8 bytes each; 0 and 0 for none).  Sorted by id.
 *
 * OUTDIR.lessons: LESS_MAGIC, its generation (8 random bytes, never 0),
 * then the lessons, one after the other.  A build appends those that are
 * new to it; its OUTDIR.related, written after, says how far it reads,
 * so that bytes a crash left after that are never used.  When more of
 * it is dead than alive, a build writes a new one with a new generation.
 *
 * The table makes reading it cheap: a string is looked up once, not
 * once per vector that holds it.
 */
static int
rel_path(char *out, size_t sz, const char *outdir)
{
	return side_path(out, sz, outdir, REL_FILE);
}

static void
put_u64(struct buf *b, uint64_t v)
{
	unsigned char	 c[8];
	int		 i;

	for (i = 0; i < 8; i++)
		c[i] = (unsigned char)(v >> (8 * i));
	buf_add(b, c, 8);
}

static void
put_uv(struct buf *b, uint32_t v)
{
	unsigned char	 c[5];
	size_t		 n = 0;

	do {
		c[n++] = (unsigned char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v != 0);
	buf_add(b, c, n);
}

/* The 8 bytes at p, little-endian. */
static uint64_t
le64(const void *p)
{
	const unsigned char *c = p;
	uint64_t	 v = 0;
	int		 i;

	for (i = 0; i < 8; i++)
		v |= (uint64_t)c[i] << (8 * i);
	return v;
}

static int
get_u64(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
	if (end - *p < 8)
		return -1;
	*v = le64(*p);
	*p += 8;
	return 0;
}

static int
get_uv(const unsigned char **p, const unsigned char *end, uint32_t *v)
{
	uint64_t	 x = 0;
	int		 sh;

	for (sh = 0; sh < 35; sh += 7) {
		if (*p >= end)
			return -1;
		x |= (uint64_t)(**p & 0x7f) << sh;
		if ((*(*p)++ & 0x80) == 0)
			break;
	}
	if (sh >= 35 || x > UINT32_MAX)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

/* A string of length byte then bytes, without NUL, into a new string. */
static int
get_str(const unsigned char **p, const unsigned char *end, char **out)
{
	size_t	 n;

	if (*p >= end)
		return -1;
	n = **p;
	(*p)++;
	if ((size_t)(end - *p) < n || n == 0 || memchr(*p, '\0', n) != NULL)
		return -1;
	*out = xmalloc(n + 1);
	memcpy(*out, *p, n);
	(*out)[n] = '\0';
	*p += n;
	return 0;
}

/*
 * Loads the string table tab (len bytes) into the empty t, so that a
 * string's handle is its offset + 1; its starts marked in start (len
 * bytes).  0, or -1 if it is not a table of distinct non-empty strings
 * of at most 255 bytes each ended by a NUL.
 */
static int
relstr_load(struct relstr *t, const unsigned char *tab, size_t len,
    unsigned char *start)
{
	const unsigned char *e;
	size_t		 off = 0, n;

	if (len > UINT32_MAX - 1 || (len > 0 && tab[len - 1] != '\0'))
		return -1;
	while (off < len) {
		e = memchr(tab + off, '\0', len - off);
		n = (size_t)(e - (tab + off));
		if (n == 0 || n > 255 ||
		    relstr_add(t, (const char *)tab + off, n) != off + 1)
			return -1;
		start[off] = 1;
		off += n + 1;
	}
	return 0;
}

/* A handle of the table (an offset in the file); -1 if it is not one. */
static int
get_h(const unsigned char **p, const unsigned char *end,
    const unsigned char *start, size_t len, uint32_t *out)
{
	uint32_t	 off;

	if (get_uv(p, end, &off) != 0 || off >= len || !start[off])
		return -1;
	*out = off + 1;
	return 0;
}

int
relset_parse(struct relset *set, struct relstr *str, const void *data,
    size_t size, const void *less, size_t lsize, const git_oid *tree)
{
	const unsigned char *p = data, *end = p + size;
	const char	*lbytes = less;
	unsigned char	*start = NULL;
	struct relvec	*v;
	uint64_t	 n, i, len, off, flags, tlen, lgen, llen;
	uint32_t	 form;
	int		 rc = NM_ENOTFOUND, k;

	memset(set, 0, sizeof(*set));
	set->str = str;
	if (size < sizeof(REL_MAGIC) - 1 ||
	    memcmp(p, REL_MAGIC, sizeof(REL_MAGIC) - 1) != 0)
		goto out;
	p += sizeof(REL_MAGIC) - 1;
	/* Made for another content tree: not this site's. */
	if ((size_t)(end - p) < GIT_OID_RAWSZ ||
	    memcmp(p, tree->id, GIT_OID_RAWSZ) != 0)
		goto out;
	p += GIT_OID_RAWSZ;
	if (get_u64(&p, end, &flags) != 0 || flags > 1 ||
	    get_u64(&p, end, &lgen) != 0 || get_u64(&p, end, &llen) != 0 ||
	    get_u64(&p, end, &tlen) != 0 || tlen > (uint64_t)(end - p))
		goto out;
	/* The lessons file it knows: that one, and no shorter. */
	if (lgen == 0 ? llen != 0 : (llen < LESS_HEAD || llen > lsize ||
	    memcmp(lbytes, LESS_MAGIC, sizeof(LESS_MAGIC) - 1) != 0 ||
	    le64(lbytes + sizeof(LESS_MAGIC) - 1) != lgen))
		goto out;
	set->stale = (int)flags;
	set->lgen = lgen;
	set->llen = llen;
	start = xcalloc(tlen + 1, 1);
	if (relstr_load(str, p, (size_t)tlen, start) != 0)
		goto out;
	p += tlen;
	/* Each vector takes 24 bytes at least. */
	if (get_u64(&p, end, &n) != 0 || n > (uint64_t)(end - p) / 24)
		goto out;
	set->v = xcalloc(n ? n : 1, sizeof(*set->v));
	for (i = 0; i < n; i++) {
		v = &set->v[set->n++];
		if (get_str(&p, end, &v->id) != 0 || p >= end ||
		    *p > REL_KEEP)
			goto out;
		k = *p++;
		for (v->n = 0; v->n < k; v->n++) {
			if (get_h(&p, end, start, (size_t)tlen,
			    &v->stem[v->n]) != 0 || get_uv(&p, end, &form) != 0)
				goto out;
			/* The form: its offset + 1, 0 for the stem itself. */
			if (form == 0)
				v->form[v->n] = 0;
			else if (form > tlen || !start[form - 1])
				goto out;
			else
				v->form[v->n] = form;
			if (p >= end)
				goto out;
			v->imp[v->n] = *p++;
		}
		if (get_u64(&p, end, &v->deps) != 0)
			goto out;
		for (k = 0; k < REL_MAX; k++)
			if (get_uv(&p, end, &v->rel[k]) != 0 ||
			    v->rel[k] > n)
				goto out;
		if (get_u64(&p, end, &off) != 0 ||
		    get_u64(&p, end, &len) != 0)
			goto out;
		if (len == 0) {
			if (off != 0)
				goto out;
			v->lessons = "";
		} else {
			if (off < LESS_HEAD || off > llen || len > llen - off ||
			    memchr(lbytes + off, '\0', len) != NULL)
				goto out;
			v->lessons = lbytes + off;
		}
		v->lessoff = off;
		v->lessonslen = (size_t)len;
		if (i > 0 && strcmp(set->v[i - 1].id, v->id) >= 0)
			goto out;
	}
	if (p == end)
		rc = 0;
out:
	if (rc != 0)
		relset_free(set);
	free(start);
	return rc;
}

int
relset_read(struct relset *set, struct relstr *str, const char *outdir,
    const git_oid *tree)
{
	struct fmap	 m, lm;
	char		 path[PATH_MAX], lpath[PATH_MAX];
	int		 rc = NM_ENOTFOUND;

	memset(set, 0, sizeof(*set));
	set->str = str;
	set->map.data = set->lmap.data = "";
	if (rel_path(path, sizeof(path), outdir) != 0 ||
	    side_path(lpath, sizeof(lpath), outdir, REL_LESS_FILE) != 0)
		return -1;
	/* Mapped: the lessons, most of it, are read where they lie. */
	if (file_map(&m, path, REL_FILE_MAX) != 0)
		return rc;
	if (file_map(&lm, lpath, REL_FILE_MAX) == NM_ETOOBIG) {
		file_unmap(&m);
		return rc;
	}
	if ((rc = relset_parse(set, str, m.data, m.len, lm.data, lm.len,
	    tree)) != 0) {
		log_debug("%s, %s: damaged, apart, or made for another content "
		    "tree; the related reports are made again", path, lpath);
		file_unmap(&m);
		file_unmap(&lm);
	} else {
		set->map = m;
		set->lmap = lm;
	}
	return rc;
}

int
relset_stale(const char *outdir, const git_oid *tree)
{
	unsigned char	 h[sizeof(REL_MAGIC) - 1 + GIT_OID_RAWSZ + 8];
	char		 path[PATH_MAX];
	ssize_t		 r;
	int		 fd;

	if (rel_path(path, sizeof(path), outdir) != 0 ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	r = read(fd, h, sizeof(h));
	close(fd);
	return r == (ssize_t)sizeof(h) &&
	    memcmp(h, REL_MAGIC, sizeof(REL_MAGIC) - 1) == 0 &&
	    memcmp(h + sizeof(REL_MAGIC) - 1, tree->id, GIT_OID_RAWSZ) == 0 &&
	    h[sizeof(h) - 8] == 1;
}

void
relset_keep(struct relset *set, const struct site *s, const size_t *rel)
{
	struct relvec	*v;
	uint32_t	*sidx;
	size_t		 i, k;

	sidx = relset_map(set, s);
	for (i = 0; i < s->nreports; i++) {
		if (sidx[i] == 0)
			continue;
		v = &set->v[sidx[i] - 1];
		for (k = 0; k < REL_MAX; k++)
			v->rel[k] = rel[i * REL_MAX + k] == SIZE_MAX ? 0 :
			    sidx[rel[i * REL_MAX + k]];
	}
	free(sidx);
}

void
relset_format(struct buf *b, const struct relset *set, const git_oid *tree)
{
	struct buf	 tab = BUF_INIT;
	const struct relvec *v;
	const char	*str;
	uint32_t	*map;
	size_t		 strslen, i, len;
	int		 k;

	/*
	 * The table: the strings the vectors use, in the order first
	 * used; map takes a handle to its offset + 1 there.
	 */
	strslen = set->str->strs.len;
	map = xcalloc(strslen + 1, sizeof(*map));
	for (i = 0; i < set->n; i++) {
		v = &set->v[i];
		for (k = 0; k < v->n; k++) {
			if (map[v->stem[k]] == 0) {
				str = relstr_get(set->str, v->stem[k]);
				map[v->stem[k]] = (uint32_t)tab.len + 1;
				buf_add(&tab, str, strlen(str) + 1);
			}
			if (v->form[k] != 0 && map[v->form[k]] == 0) {
				str = relstr_get(set->str, v->form[k]);
				map[v->form[k]] = (uint32_t)tab.len + 1;
				buf_add(&tab, str, strlen(str) + 1);
			}
		}
	}
	buf_addstr(b, REL_MAGIC);
	buf_add(b, tree->id, GIT_OID_RAWSZ);
	put_u64(b, set->stale ? 1 : 0);
	put_u64(b, set->lgen);
	put_u64(b, set->lgen != 0 ? set->llen : 0);
	put_u64(b, tab.len);
	buf_add(b, tab.data, tab.len);
	put_u64(b, set->n);
	for (i = 0; i < set->n; i++) {
		v = &set->v[i];
		len = strlen(v->id);
		buf_addch(b, (char)len);
		buf_add(b, v->id, len);
		buf_addch(b, (char)v->n);
		for (k = 0; k < v->n; k++) {
			put_uv(b, map[v->stem[k]] - 1);
			put_uv(b, v->form[k] != 0 ? map[v->form[k]] : 0);
			buf_addch(b, (char)v->imp[k]);
		}
		put_u64(b, v->deps);
		for (k = 0; k < REL_MAX; k++)
			put_uv(b, v->rel[k]);
		put_u64(b, v->lessonslen > 0 ? v->lessoff : 0);
		put_u64(b, v->lessonslen);
	}
	free(map);
	buf_free(&tab);
}

/*
 * Puts the lessons of set's vectors into OUTDIR.lessons (path): appends
 * those it owns, or writes all of them into a new file when there is
 * none or more than half of it would be dead.  Sets lessoff, lgen, llen.
 */
static int
less_write(struct relset *set, const char *path, int sync)
{
	struct buf	 b = BUF_INIT;
	struct relvec	*v;
	struct stat	 st;
	uint64_t	 live = 0, kept = 0, gen, base;
	size_t		 i;
	int		 fd = -1, rc = -1, all;

	for (i = 0; i < set->n; i++) {
		v = &set->v[i];
		live += v->lessonslen;
		if (v->lessbuf == NULL)
			kept += v->lessonslen;
	}
	all = set->lgen == 0 || set->llen - LESS_HEAD - kept > live;
	/* Appended after whatever a crash left there: at the file's end. */
	if (!all && ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1 || (uint64_t)st.st_size < set->llen)) {
		log_debug("%s: gone or cut short; written again", path);
		all = 1;
	}
	if (!all)
		base = (uint64_t)st.st_size;
	else {
		do {
			if (getrandom(&gen, sizeof(gen), 0) != sizeof(gen)) {
				log_warn("getrandom");
				goto out;
			}
		} while (gen == 0);
		buf_addstr(&b, LESS_MAGIC);
		put_u64(&b, gen);
		base = 0;
	}
	for (i = 0; i < set->n; i++) {
		v = &set->v[i];
		if (v->lessonslen == 0 || (!all && v->lessbuf == NULL))
			continue;
		v->lessoff = base + b.len;
		buf_add(&b, v->lessons, v->lessonslen);
	}
	if (all) {
		if (file_write(path, b.data, b.len, 0644, FILE_ATOMIC |
		    (sync ? FILE_SYNC : 0)) != 0)
			goto out;
		set->lgen = gen;
	} else if (b.len > 0) {
		if (lseek(fd, (off_t)base, SEEK_SET) == -1 ||
		    file_write_all(fd, b.data, b.len) != 0 ||
		    (sync && fsync(fd) == -1)) {
			log_warn("%s", path);
			goto out;
		}
	}
	set->llen = base + b.len;
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	buf_free(&b);
	return rc;
}

int
relset_write(struct relset *set, const char *outdir, const git_oid *tree,
    int sync)
{
	struct buf	 b = BUF_INIT;
	char		 path[PATH_MAX], lpath[PATH_MAX];
	int		 rc;

	if (rel_path(path, sizeof(path), outdir) != 0 ||
	    side_path(lpath, sizeof(lpath), outdir, REL_LESS_FILE) != 0 ||
	    less_write(set, lpath, sync) != 0)
		return -1;
	relset_format(&b, set, tree);
	rc = file_write(path, b.data, b.len, 0644, FILE_ATOMIC |
	    (sync ? FILE_SYNC : 0));
	buf_free(&b);
	return rc;
}

/* The terms of every vector, and their postings. */
struct relix {
	const struct site *s;
	size_t		 n;		/* reports */
	uint32_t	*tid;		/* n * REL_TERMS term ids */
	float		*w;		/* n * REL_TERMS weights */
	uint8_t		*nt;		/* terms per report */
	uint32_t	 nterms;
	uint32_t	*poff;		/* nterms + 1 */
	uint32_t	*pdoc;		/* postings: report */
	float		*pw;		/* and weight */
	size_t		*out;
	uint32_t	*todo;		/* the reports to score, or NULL: all */
	size_t		 ntodo;
	atomic_size_t	 next;
	/* Per report: incident type, factor count and mask (or NULL). */
	int		*type;
	uint8_t		*nf;
	uint64_t	*fmask;
};

struct postent {
	uint32_t	 doc;
	float		 w;
};

static int
post_cmp(const void *a, const void *b)
{
	const struct postent *x = a, *y = b;

	if (x->w != y->w)
		return x->w > y->w ? -1 : 1;
	return x->doc < y->doc ? -1 : x->doc > y->doc;
}

/*
 * Moves the REL_POST strongest of the n postings p (n > REL_POST) to its
 * front, in post_cmp() order: a heap of the best so far, whose root is
 * the weakest of them, so that most postings cost one comparison.
 */
static void
post_best(struct postent *p, size_t n)
{
	struct postent	 t;
	size_t		 i, k, c, m = REL_POST;

	/* A heap on p[0..m), the weakest (post_cmp() greatest) at 0. */
	for (i = m / 2; i-- > 0; )
		for (k = i; (c = 2 * k + 1) < m; k = c) {
			if (c + 1 < m && post_cmp(&p[c + 1], &p[c]) > 0)
				c++;
			if (post_cmp(&p[c], &p[k]) <= 0)
				break;
			t = p[k], p[k] = p[c], p[c] = t;
		}
	for (i = m; i < n; i++) {
		if (post_cmp(&p[i], &p[0]) >= 0)
			continue;
		t = p[0], p[0] = p[i], p[i] = t;
		for (k = 0; (c = 2 * k + 1) < m; k = c) {
			if (c + 1 < m && post_cmp(&p[c + 1], &p[c]) > 0)
				c++;
			if (post_cmp(&p[c], &p[k]) <= 0)
				break;
			t = p[k], p[k] = p[c], p[c] = t;
		}
	}
	qsort(p, m, sizeof(*p), post_cmp);
}

/*
 * The taxonomy bonus of report b to report a: the same incident type,
 * and the share of a's factors that b has too.  With masks (a taxonomy
 * of at most 64 factors), a bit per factor; else compared one by one.
 */
static double
tax_bonus(const struct relix *x, size_t a, size_t b)
{
	const struct report *ra, *rb;
	double		 v = 0;
	int		 i, k, shared = 0;

	if (x->type[a] == x->type[b])
		v += REL_TYPE_BONUS;
	if (x->nf[a] == 0)
		return v;
	if (x->fmask != NULL)
		shared = __builtin_popcountll(x->fmask[a] & x->fmask[b]);
	else {
		ra = &x->s->reports[a];
		rb = &x->s->reports[b];
		for (i = 0; i < ra->nfactors; i++)
			for (k = 0; k < rb->nfactors; k++)
				if (ra->factors[i] == rb->factors[k])
					shared++;
	}
	return v + REL_FACTOR_BONUS * shared / x->nf[a];
}

static void *
rel_worker(void *arg)
{
	struct relix	*x = arg;
	const struct report *r = x->s->reports;
	double		*score, best[REL_MAX], sc;
	uint32_t	*touched, nt, t, d;
	unsigned char	*seen;
	size_t		 i, k, m, p, nb, *o;

	score = xcalloc(x->n ? x->n : 1, sizeof(*score));
	seen = xcalloc(x->n ? x->n : 1, 1);
	touched = xcalloc(x->n ? x->n : 1, sizeof(*touched));
	while ((i = atomic_fetch_add(&x->next, 1)) < x->ntodo) {
		if (x->todo != NULL)
			i = x->todo[i];
		nt = 0;
		for (k = 0; k < x->nt[i]; k++) {
			t = x->tid[i * REL_TERMS + k];
			for (p = x->poff[t]; p < x->poff[t + 1]; p++) {
				d = x->pdoc[p];
				if (d == i)
					continue;
				if (!seen[d]) {
					seen[d] = 1;
					touched[nt++] = d;
				}
				score[d] += (double)x->w[i * REL_TERMS + k] *
				    x->pw[p];
			}
		}
		o = &x->out[i * REL_MAX];
		nb = 0;
		for (k = 0; k < nt; k++) {
			d = touched[k];
			sc = score[d] + tax_bonus(x, i, d);
			score[d] = 0;
			seen[d] = 0;
			/* Best first; ties: the lower id first. */
			if (nb == REL_MAX && (sc < best[nb - 1] ||
			    (sc == best[nb - 1] && strcmp(r[d].id,
			    r[o[nb - 1]].id) > 0)))
				continue;
			if (nb < REL_MAX)
				nb++;
			for (m = nb - 1; m > 0 && (sc > best[m - 1] ||
			    (sc == best[m - 1] && strcmp(r[d].id,
			    r[o[m - 1]].id) < 0)); m--) {
				best[m] = best[m - 1];
				o[m] = o[m - 1];
			}
			best[m] = sc;
			o[m] = d;
		}
	}
	free(score);
	free(seen);
	free(touched);
	return NULL;
}

/* The dense term id of stem handle h, in an open-addressing table. */
static uint32_t
intern(uint32_t **tab, uint32_t **ids, size_t *cap, uint32_t *n, uint32_t h)
{
	size_t	 k, i, nc;
	uint32_t *nt, *ni;

	if ((size_t)*n * 2 >= *cap) {
		nc = *cap ? *cap * 2 : 1024;
		nt = xcalloc(nc, sizeof(*nt));
		ni = xcalloc(nc, sizeof(*ni));
		for (i = 0; i < *cap; i++) {
			if ((*tab)[i] == 0)
				continue;
			for (k = ((*tab)[i] * 2654435761U) & (nc - 1);
			    nt[k] != 0; k = (k + 1) & (nc - 1))
				;
			nt[k] = (*tab)[i];
			ni[k] = (*ids)[i];
		}
		free(*tab);
		free(*ids);
		*tab = nt;
		*ids = ni;
		*cap = nc;
	}
	for (k = (h * 2654435761U) & (*cap - 1); (*tab)[k] != 0;
	    k = (k + 1) & (*cap - 1))
		if ((*tab)[k] == h)
			return (*ids)[k];
	(*tab)[k] = h;
	(*ids)[k] = (*n)++;
	return (*ids)[k];
}

/*
 * The reports to score (rel_compute()): those of redo, and those that
 * reach a changed report through a term whose postings hold it.  all,
 * soff: each term's uncut postings.
 */
static void
rel_todo(struct relix *x, unsigned char *redo, const struct postent *all,
    const uint32_t *soff)
{
	size_t		 i, k, p;
	uint32_t	 t;

	for (i = 0; i < x->n; i++) {
		if (redo[i] != REL_CHANGED)
			continue;
		for (k = 0; k < x->nt[i]; k++) {
			t = x->tid[i * REL_TERMS + k];
			for (p = x->poff[t]; p < x->poff[t + 1]; p++)
				if (x->pdoc[p] == i)
					break;
			if (p == x->poff[t + 1])
				continue;
			for (p = soff[t]; p < soff[t + 1]; p++)
				if (redo[all[p].doc] == 0)
					redo[all[p].doc] = REL_REDO;
		}
	}
	x->todo = xcalloc(x->n + 1, sizeof(*x->todo));
	x->ntodo = 0;
	for (i = 0; i < x->n; i++)
		if (redo[i] != 0)
			x->todo[x->ntodo++] = (uint32_t)i;
	for (i = 0; i < x->ntodo; i++)
		memset(&x->out[(size_t)x->todo[i] * REL_MAX], 0xff,
		    REL_MAX * sizeof(size_t));
}

size_t *
rel_compute(const struct site *s, const struct relset *set, int jobs,
    unsigned char *redo, size_t *out)
{
	struct relix	 x;
	const struct relvec *v;
	struct postent	*tmp = NULL;
	uint32_t	*tab = NULL, *ids = NULL, *df, *fill, *vmap, t;
	size_t		 cap = 0, i, k, ntmp = 0;
	double		 norm, w, idf;

	memset(&x, 0, sizeof(x));
	x.s = s;
	x.n = s->nreports;
	x.ntodo = x.n;
	if ((x.out = out) == NULL) {
		x.out = xreallocarray(NULL, x.n ? x.n * REL_MAX : 1,
		    sizeof(size_t));
		memset(x.out, 0xff, (x.n ? x.n * REL_MAX : 1) *
		    sizeof(size_t));
	}
	/* A theme that shows no related reports: none to compute. */
	if (!rel_shown(s))
		return x.out;
	x.type = xcalloc(x.n + 1, sizeof(*x.type));
	x.nf = xcalloc(x.n + 1, sizeof(*x.nf));
	if (s->cfg.tax[TAX_FACTORS].nterms <= 64)
		x.fmask = xcalloc(x.n + 1, sizeof(*x.fmask));
	for (i = 0; i < x.n; i++) {
		x.type[i] = s->reports[i].incident_type;
		x.nf[i] = (uint8_t)s->reports[i].nfactors;
		for (k = 0; x.fmask != NULL && k < (size_t)x.nf[i]; k++)
			x.fmask[i] |= 1ULL << s->reports[i].factors[k];
	}
	x.tid = xcalloc(x.n * REL_TERMS + 1, sizeof(*x.tid));
	x.w = xcalloc(x.n * REL_TERMS + 1, sizeof(*x.w));
	x.nt = xcalloc(x.n + 1, 1);
	/* Each report's vector, found once for both passes. */
	vmap = relset_map(set, s);
	for (i = 0; i < x.n; i++) {
		if (vmap[i] == 0)
			continue;
		v = &set->v[vmap[i] - 1];
		x.nt[i] = v->n < REL_TERMS ? v->n : REL_TERMS;
		for (k = 0; k < x.nt[i]; k++)
			x.tid[i * REL_TERMS + k] = intern(&tab, &ids, &cap,
			    &x.nterms, v->stem[k]);
	}
	df = xcalloc(x.nterms + 1, sizeof(*df));
	for (i = 0; i < x.n; i++)
		for (k = 0; k < x.nt[i]; k++)
			df[x.tid[i * REL_TERMS + k]]++;
	/* TF-IDF, the impact as the term's frequency; then unit length. */
	for (i = 0; i < x.n; i++) {
		if (vmap[i] == 0)
			continue;
		v = &set->v[vmap[i] - 1];
		norm = 0;
		for (k = 0; k < x.nt[i]; k++) {
			idf = log((double)x.n / df[x.tid[i * REL_TERMS + k]]);
			w = v->imp[k] * idf;
			x.w[i * REL_TERMS + k] = (float)w;
			norm += w * w;
		}
		norm = sqrt(norm);
		for (k = 0; k < x.nt[i]; k++)
			x.w[i * REL_TERMS + k] = norm > 0 ?
			    (float)(x.w[i * REL_TERMS + k] / norm) : 0;
	}
	/* Postings, each term's cut to its REL_POST strongest. */
	x.poff = xcalloc(x.nterms + 1, sizeof(*x.poff));
	fill = xcalloc(x.nterms + 1, sizeof(*fill));
	for (t = 0; t < x.nterms; t++)
		x.poff[t + 1] = x.poff[t] + (df[t] < REL_POST ? df[t] :
		    REL_POST);
	x.pdoc = xcalloc(x.poff[x.nterms] + 1, sizeof(*x.pdoc));
	x.pw = xcalloc(x.poff[x.nterms] + 1, sizeof(*x.pw));
	{
		uint32_t	*soff = xcalloc(x.nterms + 1, sizeof(*soff));
		struct postent	*all;

		for (t = 0; t < x.nterms; t++)
			soff[t + 1] = soff[t] + df[t];
		ntmp = soff[x.nterms];
		all = xcalloc(ntmp + 1, sizeof(*all));
		for (i = 0; i < x.n; i++)
			for (k = 0; k < x.nt[i]; k++) {
				t = x.tid[i * REL_TERMS + k];
				all[soff[t] + fill[t]].doc = (uint32_t)i;
				all[soff[t] + fill[t]++].w =
				    x.w[i * REL_TERMS + k];
			}
		for (t = 0; t < x.nterms; t++) {
			if (df[t] > REL_POST)
				post_best(all + soff[t], df[t]);
			for (k = 0; k < x.poff[t + 1] - x.poff[t]; k++) {
				x.pdoc[x.poff[t] + k] = all[soff[t] + k].doc;
				x.pw[x.poff[t] + k] = all[soff[t] + k].w;
			}
		}
		/* The uncut postings: only for what an edit reaches. */
		if (redo != NULL) {
			rel_todo(&x, redo, all, soff);
			tmp = all;
		} else
			free(all);
		free(soff);
	}
	atomic_init(&x.next, 0);
	pool_run(jobs, rel_worker, &x);
	free(tmp);
	free(vmap);
	free(tab);
	free(ids);
	free(df);
	free(fill);
	free(x.tid);
	free(x.w);
	free(x.nt);
	free(x.poff);
	free(x.pdoc);
	free(x.pw);
	free(x.type);
	free(x.nf);
	free(x.fmask);
	free(x.todo);
	log_debug("related reports: %zu of %zu scored", x.ntodo, x.n);
	return x.out;
}

int
rel_shown(const struct site *s)
{
	return s->theme != NULL && tmpl_set_has(s->theme, "_related.html");
}

int
rel_wanted(const struct site *s)
{
	return rel_shown(s) || (s->theme != NULL &&
	    (tmpl_set_has(s->theme, "stats.html") ||
	    tmpl_set_has(s->theme, "lessons.html")));
}

void
rel_neighbours(const struct site *s, size_t **prev, size_t **next)
{
	const struct coll *c;
	size_t		 t, k, n = s->nreports ? s->nreports : 1;

	*prev = xreallocarray(NULL, n, sizeof(size_t));
	*next = xreallocarray(NULL, n, sizeof(size_t));
	memset(*prev, 0xff, n * sizeof(size_t));
	memset(*next, 0xff, n * sizeof(size_t));
	/* Newest published first: the previous one is the one after. */
	for (t = 0; t < s->ncoll[FACET_TYPE]; t++) {
		c = &s->coll[FACET_TYPE][t];
		for (k = 0; k < c->n; k++) {
			if (k + 1 < c->n)
				(*prev)[c->idx[k]] = c->idx[k + 1];
			if (k > 0)
				(*next)[c->idx[k]] = c->idx[k - 1];
		}
	}
}

uint64_t
rel_deps(const struct site *s, size_t i, const size_t *rel, size_t prev,
    size_t next)
{
	uint64_t	 h = NM_HASH_INIT;
	size_t		 k, j[REL_MAX + 2];
	int		 m;

	(void)i;
	for (k = 0; k < REL_MAX; k++)
		j[k] = rel[k];
	j[REL_MAX] = prev;
	j[REL_MAX + 1] = next;
	for (m = 0; m < REL_MAX + 2; m++) {
		if (j[m] == SIZE_MAX)
			h = nm_hash("-", 2, h);
		else
			h = nm_hash(s->reports[j[m]].id,
			    strlen(s->reports[j[m]].id) + 1, h);
	}
	return h ? h : 1;
}

int
rel_slot(struct buf *out, const struct site *s, struct arena *a, size_t i,
    const size_t *rel, size_t prev, size_t next)
{
	buf_addstr(out, REL_OPEN);
	if (rel_shown(s) && page_related(out, s, a, i, rel, prev, next) != 0)
		return -1;
	buf_addstr(out, REL_CLOSE);
	return 0;
}

/* The last occurrence of needle in hay (n bytes), or NULL. */
static const char *
last_of(const char *hay, size_t n, const char *needle)
{
	size_t	 m = strlen(needle), k;

	if (n < m)
		return NULL;
	for (k = n - m + 1; k-- > 0; )
		if (hay[k] == needle[0] && memcmp(hay + k, needle, m) == 0)
			return hay + k;
	return NULL;
}

int
rel_find(const char *page, size_t len, size_t *off, size_t *cut)
{
	const char	*c, *o;

	/*
	 * The slot follows the report's text, which cannot hold it: text
	 * is escaped, and cmark's safe mode leaves out raw HTML.
	 */
	if ((c = last_of(page, len, REL_CLOSE)) == NULL ||
	    (o = last_of(page, (size_t)(c - page), REL_OPEN)) == NULL)
		return NM_ENOTFOUND;
	*off = (size_t)(o - page);
	*cut = (size_t)(c - o) + strlen(REL_CLOSE);
	return 0;
}

int
rel_splice(struct buf *out, const char *page, size_t len,
    const struct buf *slot)
{
	size_t	 off, cut;

	if (rel_find(page, len, &off, &cut) != 0)
		return NM_ENOTFOUND;
	buf_reset(out);
	buf_add(out, page, off);
	buf_add(out, slot->data, slot->len);
	buf_add(out, page + off + cut, len - off - cut);
	return 0;
}
