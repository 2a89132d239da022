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
 * The search index (docs/nearmiss-index.5).  It is made in two steps:
 *
 * 1. Per report, on the render workers: ix_doc() turns a report into a
 *    document, a small binary record of its terms (stems with their
 *    impact, word forms and first positions), its facet values and the
 *    JSON of its result metadata.  Documents go to a spool file, the
 *    index cache, so that they do not sit in memory and so that an
 *    incremental build has every other report's terms without reading
 *    it again.  The cache lives beside the output folder, as
 *    OUTDIR.index (like OUTDIR.lock): it is not part of the site, and a
 *    build writes it as OUTDIR.index.tmp first.
 * 2. Once the reports are known: ix_write() reads the documents in id
 *    order and writes search/: the entry file, the vocabulary shards,
 *    postings and positions files, the metadata chunks and the columns.
 *    Every impact depends on its own report only, so that the index of
 *    an incremental build is byte for byte that of a full build.
 */

#ifndef NM_INDEX_H
#define NM_INDEX_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <git2.h>

#include "buf.h"
#include "md.h"
#include "report.h"

struct publish;
struct report;
struct site;
struct tok_syn;

#define IX_CACHE	".index"	/* the cache: OUTDIR.index */
#define IX_DIR		"search"		/* the index, in the site */
#define IX_CHUNK	16	/* documents per metadata chunk */
#define IX_POS_MAX	32	/* positions kept per term and document */
#define IX_LEAD_MAX	280	/* bytes of the narrative's beginning */
#define IX_GAP		16	/* positions between two fields */
#define IX_DOC_MAX	(8 * 1024 * 1024)	/* bytes of one document */

/*
 * One thread's tokenizer and scratch space.  Without search, documents
 * are only for the related reports and the terms of stats/ (related.h):
 * they carry no result metadata and no positions.
 */
struct ixwork;

struct ixwork	*ix_work_new(const struct tok_syn *, int search);
void		 ix_work_free(struct ixwork *);
/*
 * Makes r's document into *out, reset first, from its title, summary
 * and text, the plain text of its body's parts (struct md_report's
 * text).  Returns 0, or -1 if the text is too long (logged).
 */
int		 ix_doc(struct ixwork *, const struct report *r,
		    const char *path, const struct buf text[MD_PARTS],
		    struct buf *out);

/*
 * Reading a document back (index.c describes the format): ix_doc_open()
 * reads its head, then ix_doc_term() each of its nterms terms; or
 * ix_doc_next() gives a term's record (whose stem ends inside it) and
 * ix_doc_parse() reads it, so that a reader can skip a term by its stem.
 * They return 0, or -1 if the bytes are not a whole document: every
 * pointer they give points inside it, and each string ends inside it.
 */
#define IX_NSINGLE	7	/* facets with one value */
struct ixdoc {
	int		 month;		/* (year - 1900) * 12 + month - 1 */
	int		 single[IX_NSINGLE];	/* -1: none */
	int		 factors[REPORT_FACTORS_MAX];
	int		 nfactors;
	const char	*meta;		/* the metadata JSON, metalen bytes */
	size_t		 metalen;
	uint64_t	 nterms;
	const unsigned char *p, *end;	/* the terms not read yet */
};
struct ixdterm {
	const char	*stem;
	uint8_t		 flags, impact, nforms, npos;
	const char	*forms;		/* nforms strings, each NUL-ended */
	const unsigned char *pos;	/* npos numbers for ix_doc_pos() */
	const unsigned char *end;	/* the end of its record */
};
int	ix_doc_open(struct ixdoc *, const void *data, size_t len);
int	ix_doc_term(struct ixdoc *, struct ixdterm *);
int	ix_doc_next(struct ixdoc *, const unsigned char **rec, size_t *len);
int	ix_doc_parse(const unsigned char *rec, size_t len, struct ixdterm *);
/* Reads a position number at *p (before end): 0, or -1. */
int	ix_doc_pos(const unsigned char **p, const unsigned char *end,
	    uint64_t *v);

/* Where each report's document is in the cache file. */
struct ixref {
	char		*id;
	uint64_t	 off;
	uint32_t	 len;
};

/*
 * The cache file: documents one after the other in any order, then a
 * table of the live ones (ixref) sorted by id, then a trailer with the
 * content tree the table belongs to.
 */
struct ixcache {
	int		 fd;
	char		 path[4096];
	uint64_t	 end;		/* where the next document goes */
	uint64_t	 live;		/* bytes of the table's documents */
	pthread_mutex_t	 lock;
	struct ixref	*refs;		/* the table, when read */
	size_t		 nrefs;
	git_oid		 tree;
};

/* Creates the cache file path (empty) for writing.  0 or -1 (logged). */
int	ix_cache_create(struct ixcache *, const char *path);
/* The cache's path for outdir: OUTDIR.index, or with tmp OUTDIR.index.tmp. */
int	ix_cache_path(char *out, size_t outsz, const char *outdir, int tmp);
/* Renames the finished OUTDIR.index.tmp over OUTDIR.index. */
int	ix_cache_commit(const char *outdir, int sync);
/*
 * Opens the cache of the last build in outdir for reading and appending,
 * and reads its table;
 * NM_ENOTFOUND if there is none, or it is not for tree, or it is
 * damaged, -1 on error.
 */
int	ix_cache_open(struct ixcache *, const char *outdir,
	    const git_oid *tree);
/* Appends the document r of from to to; *off gets its new place. */
int	ix_cache_copy(struct ixcache *to, struct ixcache *from,
	    const struct ixref *r, uint64_t *off);
/* Appends doc to the cache (thread-safe); *off gets its place. */
int	ix_cache_add(struct ixcache *, const struct buf *doc, uint64_t *off);
/* Writes the table refs[0..n) (sorted here by id) and the trailer. */
int	ix_cache_finish(struct ixcache *, struct ixref *refs, size_t n,
	    const git_oid *tree, int sync);
/* Closes the file and frees the table (not a finished file). */
void	ix_cache_close(struct ixcache *);
void	ixrefs_free(struct ixref *, size_t);
/* Compares two ixref by id (bsearch() in a table). */
int	ixref_cmp(const void *, const void *);

/*
 * What an incremental build knows of the last build: with it, ix_write()
 * patches the last build's index where the changed documents are, when
 * the last build left its state (OUTDIR.index.state) and only changed or
 * added documents at the end (ixstate.c).
 */
struct ixprev {
	struct ixcache	*cache;		/* the last build's, its old table */
	const git_oid	*tree;		/* the last build's content tree */
	char *const	*changed;	/* ids of the new and changed reports */
	size_t		 nchanged;
};

/*
 * Writes the index of the documents refs[0..n) of c (sorted by id) into
 * dir/search/ as docs/nearmiss-index.5 says, through write_out() (pub
 * NULL: a full build's new folder).  Adds each file's site-relative
 * path to *names (for ix_prune()); *written counts the files written.
 * With prev, patches the last build's index if it can.  The state for
 * the next build goes into *state (if not NULL), for ix_state_commit().
 * Returns 0, NM_ENOTFOUND if a document of c is damaged (logged: only a
 * full build can help), or -1.
 */
int	ix_write(const struct site *, struct ixcache *c,
	    const struct ixref *refs, size_t n, const char *dir,
	    struct publish *pub, char ***names, size_t *nnames,
	    size_t *written, const struct ixprev *prev, struct buf *state);
/*
 * Writes state as OUTDIR.index.state, atomically, once the site it
 * describes is in place; an empty state removes the file.
 */
int	ix_state_commit(const char *outdir, const struct buf *state,
	    int sync);
/* Removes the files of dir/search/ that are not in names. */
int	ix_prune(const char *dir, char **names, size_t nnames);

#endif /* NM_INDEX_H */
