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
 * Related reports (related.c): each report's few most related reports,
 * by TF-IDF cosine over the terms of its search index document combined
 * with the taxonomy it shares, and its previous and next report of the
 * same incident type.  They fill the "related" slot of its page, which a
 * report page is rendered with empty and which is spliced in once every
 * report is known.
 */

#ifndef NM_RELATED_H
#define NM_RELATED_H

#include <stddef.h>
#include <stdint.h>

#include <git2.h>

#include "file.h"

struct arena;
struct buf;
struct site;

#define REL_MAX		5	/* related reports per page */
#define REL_TERMS	24	/* terms of a report's vector */
#define REL_KEEP	48	/* terms kept (termstat.h uses them all) */
#define REL_FILE	".related"	/* OUTDIR.related: the vectors */
#define REL_LESS_FILE	".lessons"	/* OUTDIR.lessons: their lessons */
/* The empty slot a report page is rendered with. */
#define REL_OPEN	"<!--related-->"
#define REL_CLOSE	"<!--/related-->"

/*
 * The strings of the vectors (stems, word forms), each stored once, so
 * that 50,000 reports' vectors stay small: relstr_add() gives a handle
 * (never 0) and is thread-safe; relstr_get() gives the string, valid
 * until the next add (read only once the adds are done).
 */
struct relstr;
struct relstr	*relstr_new(void);
void		 relstr_free(struct relstr *);
uint32_t	 relstr_add(struct relstr *, const char *s, size_t len);
const char	*relstr_get(const struct relstr *, uint32_t h);
/* A bound on the handles relstr_add() has given: none is greater. */
size_t		 relstr_len(const struct relstr *);

/*
 * A report's terms: the REL_KEEP of highest impact in its document,
 * highest first, each with the first word form the report uses (0: the
 * stem itself), as relstr handles; the related reports use the first
 * REL_TERMS.
 */
struct relvec {
	char		*id;
	uint8_t		 n;
	uint32_t	 stem[REL_KEEP];
	uint32_t	 form[REL_KEEP];
	uint8_t		 imp[REL_KEEP];
	/*
	 * What its page's slot showed: a hash of the ids of its related
	 * reports and neighbours (0: not known), so that an incremental
	 * build renders again only the slots whose reports changed.
	 */
	uint64_t	 deps;
	size_t		 slotcut;	/* a full build's: its slot's length */
	/*
	 * Its related reports as last computed, as indexes + 1 into the
	 * set sorted by id (0: none); what an incremental build keeps for
	 * the reports it does not score again (rel_compute()).
	 */
	uint32_t	 rel[REL_MAX];
	/*
	 * The HTML of its lessons learned, for the lessons pages, not
	 * NUL-ended: lessbuf when the vector owns it (new), or else bytes
	 * of the mapped OUTDIR.lessons at lessoff (relset_read()).
	 */
	const char	*lessons;
	size_t		 lessonslen;
	char		*lessbuf;
	uint64_t	 lessoff;
};

/*
 * The vectors of a build, sorted by id, and their strings (shared).
 * stale: some reports' related reports were kept from an earlier build
 * rather than scored again with this build's weights (rel_compute());
 * the next build with nothing new scores them all (rel_refresh()).
 */
struct relset {
	struct relvec	*v;
	size_t		 n;
	struct relstr	*str;
	int		 stale;
	/*
	 * OUTDIR.lessons, which the vectors' lessoff point in: its
	 * generation (0: none yet) and the length of it they know; and,
	 * for a set read from the files, both mapped.
	 */
	uint64_t	 lgen, llen;
	struct fmap	 map, lmap;
};

/*
 * Makes the vector of report id from its search index document (doc,
 * len bytes; index.h), or an empty one when doc is NULL.  0, or -1 if
 * the document is damaged.
 */
int	rel_vec(struct relvec *, struct relstr *, const char *id,
	    const void *doc, size_t len);
/* Keeps a copy of the HTML of the report's lessons learned in v. */
void	rel_vec_lessons(struct relvec *v, const char *html, size_t len);
void	rel_vec_free(struct relvec *);
/* Sorts set by id; 0, or -1 (logged) if an id is there twice. */
int	relset_sort(struct relset *);
/* The vector of id in the sorted set, or NULL. */
struct relvec *relset_find(const struct relset *, const char *id);
/*
 * For each report of s, the index + 1 of its vector in set (0: none), in
 * an array of s->nreports (free() it): lookups of every report at once.
 */
uint32_t *relset_map(const struct relset *, const struct site *);
void	relset_free(struct relset *);
/*
 * Reads OUTDIR.related into set (sorted), its strings into str (new and
 * empty); NM_ENOTFOUND if there is none, it was made for another
 * content tree than tree, or it is damaged (then a full build makes it
 * again).
 */
int	relset_read(struct relset *, struct relstr *, const char *outdir,
	    const git_oid *tree);
/*
 * The same from the size bytes at data (OUTDIR.related's contents) and
 * the lsize bytes at less (OUTDIR.lessons'): 0, or NM_ENOTFOUND (not
 * logged) if they are damaged, do not belong together, or were made for
 * another tree.  The vectors' lessons point into less, which must
 * outlive them.
 */
int	relset_parse(struct relset *, struct relstr *, const void *data,
	    size_t size, const void *less, size_t lsize, const git_oid *tree);
/*
 * Appends set, made for content tree tree, to b as OUTDIR.related: each
 * vector's lessons as its lessoff and length in OUTDIR.lessons.
 */
void	relset_format(struct buf *b, const struct relset *,
	    const git_oid *tree);
/*
 * Writes set, made for content tree tree: the lessons that are new to
 * OUTDIR.lessons appended to it (or, when it holds more dead bytes than
 * live ones, or there is none, all of them into a new one, written
 * atomically), then OUTDIR.related atomically.  Sets the vectors'
 * lessoff.  0, or -1 (logged).
 */
int	relset_write(struct relset *, const char *outdir,
	    const git_oid *tree, int sync);
/*
 * 1 if OUTDIR.related, made for content tree tree, says that some
 * related reports are stale (struct relset); 0 if not, or if there is
 * no such file.
 */
int	relset_stale(const char *outdir, const git_oid *tree);
/*
 * Sets each vector's rel[] from the related reports of every report of
 * s (rel: rel_compute()'s), whose vectors set holds.
 */
void	relset_keep(struct relset *, const struct site *, const size_t *rel);

/*
 * The related reports of every report of s: out[i * REL_MAX + k] is the
 * k-th of s->reports[i] (an index into s->reports), SIZE_MAX for none.
 * set holds a vector for each report that has one (reports without
 * one get none).  Near-linear: each term's postings are cut to the best
 * few.  Runs on jobs threads.
 *
 * With redo NULL, every report is scored and a new array returned.  Else
 * out holds each report's related reports of the last build and only
 * some are scored again (an incremental build): those with redo[i] set,
 * and, for each report with redo[i] == REL_CHANGED (its vector changed),
 * every report that reaches it through a term's postings, so that it
 * enters the lists it now belongs to.  The others keep theirs, which
 * the weights of this build might order otherwise: the set is then
 * stale until a build scores every report again.  Returns out.
 */
/*
 * Up to this many reports, an incremental build scores every list (a
 * few milliseconds), so that a small archive is never stale.
 */
#define REL_LAZY_MIN	1000
#define REL_REDO	1	/* score again */
#define REL_CHANGED	2	/* its vector changed: and who reaches it */
size_t	*rel_compute(const struct site *, const struct relset *, int jobs,
	    unsigned char *redo, size_t *out);
/*
 * 1 if the theme of s shows what the vectors make (related reports,
 * stats/ or lessons/): else a build neither keeps nor reads them.  And
 * 1 if it shows related reports (_related.html).
 */
int	rel_wanted(const struct site *);
int	rel_shown(const struct site *);

/*
 * The previous (older) and next (newer) report of each report in its
 * incident type, as indexes into s->reports, SIZE_MAX for none.
 */
void	rel_neighbours(const struct site *, size_t **prev, size_t **next);
/* The hash of what report i's slot shows (rel: its REL_MAX related). */
uint64_t rel_deps(const struct site *, size_t i, const size_t *rel,
	    size_t prev, size_t next);

/*
 * The slot of report i of s: REL_OPEN, the theme's _related.html with
 * its related reports rel (REL_MAX, SIZE_MAX ends) and its neighbours
 * in its incident type, REL_CLOSE.  Empty slot if the theme has no
 * _related.html.  0 or -1 (logged).
 */
int	rel_slot(struct buf *out, const struct site *, struct arena *,
	    size_t i, const size_t *rel, size_t prev, size_t next);
/*
 * Replaces the slot of page (len bytes) with slot into out.  0, or
 * NM_ENOTFOUND if the page has no slot (a theme without one).
 */
int	rel_splice(struct buf *out, const char *page, size_t len,
	    const struct buf *slot);
/*
 * Where the slot is in page (len bytes): *off its first byte, *cut its
 * length.  0, or NM_ENOTFOUND if the page has none.
 */
int	rel_find(const char *page, size_t len, size_t *off, size_t *cut);

#endif /* NM_RELATED_H */
