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
 * The index writer's insides, shared by index.c (the writer, which
 * makes the index from every document) and ixstate.c (the state it
 * leaves for the next build, and the patch that uses it to rewrite only
 * what one report's change touches).  Not for the rest of gen.
 */

#ifndef NM_IXINT_H
#define NM_IXINT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "index.h"

#define IT_STOP		0x01
#define IT_SYN		0x02
#define IT_SELF		0x04	/* the stem is also one of the words */

#define IX_TOP		5	/* best postings per term in the vocabulary:
				   the first page of results of search.js */
#define IX_NFACETS	8	/* facets of the entry file */
#define IX_NOFILE	UINT32_MAX

struct ixterm {
	uint32_t	 s;		/* offset of the stem in strs */
	uint32_t	 df;
	uint32_t	 last;		/* last document + 1, 0: none yet */
	uint32_t	 group;		/* postings file */
	uint32_t	 xgroup;	/* positions file */
	uint8_t		 flags;
	uint64_t	 plen, poff, pfill;	/* postings characters */
	uint64_t	 xlen, xoff, xfill;	/* positions characters */
	uint32_t	 nzero;		/* postings without positions */
	uint32_t	 hgroup;	/* the group of its hash */
	uint32_t	 nself;		/* documents with its stem as a word */
	uint8_t		 selfw;		/* its stem is in the words */
	uint8_t		 big;		/* has a postings file of its own */
	uint8_t		 touched;	/* patch: its postings changed */
	uint8_t		 keep;		/* patch: still in the index */
	/* Where write_terms() put its strings: file and offset there. */
	uint32_t	 pfile, xfile;
	uint64_t	 pfoff, xfoff;
	/* Patch: where they were (the last build's files), IX_NOFILE. */
	uint32_t	 opfile, oxfile;
	uint64_t	 opoff, oxoff, oplen, oxlen;
	/*
	 * Patch: the strings to write, when not x->post and x->posx's: a
	 * head of phlen characters at pstr, then the rest at ptail (if
	 * not NULL), the rest of a string of the last build's.
	 */
	const char	*pstr, *xstr, *ptail, *xtail;
	uint64_t	 phlen, xhlen;
};

/* A term's best postings: impact, then the newer first. */
struct ixtop {
	uint32_t	 doc[IX_TOP];
	uint8_t		 imp[IX_TOP];
	uint8_t		 n;
};

struct word {
	uint32_t	 s;		/* offset of the word in strs */
	uint32_t	 term;
	uint32_t	 n;		/* documents with it as a form */
	uint8_t		 live;		/* a word of a synonym phrase */
};

/* Open addressing; each slot keeps its string's hash, so that most
 * probes compare numbers, not strings. */
struct hslot {
	uint32_t	 h;
	uint32_t	 v;		/* index + 1, 0: empty */
	uint64_t	 pre;	/* the string's first 8 bytes, NUL-padded */
};

struct htab {
	struct hslot	*v;
	size_t		 cap, n;
};

struct ix {
	const struct site	*s;
	const char		*dir;
	struct publish		*pub;
	char			***names;
	size_t			*nnames;
	size_t			*written;
	struct buf		 strs;
	struct ixterm		*t;
	size_t			 nt, capt;
	struct word		*w;
	size_t			 nw, capw;
	struct htab		 th, wh;
	char			*post, *posx;
	int			 patch;	/* strings in pstr and xstr */
	struct ixtop		*top;
	uint32_t		 ngroups, nposx;
	struct buf		 doc;
	struct buf		 chunk, chunks, months;
	struct buf		 col[IX_NFACETS];
	size_t			 nchunk;
	int			 ymin, ymax;
};

/* The postings and positions files of a plan (plan_groups()). */
struct groups {
	size_t		 npost, nposx, nbig;
	uint32_t	 P;
	uint32_t	*part;		/* the part of each postings file */
	uint32_t	*xpart;		/* and of each positions file */
	char		**post, **posx;	/* file names */
	uint64_t	*psize, *xsize;	/* file sizes */
	/* Each file's terms, in stem order: first[i] to first[i + 1]. */
	uint32_t	*pfirst, *pterms, *xfirst, *xterms;
};

extern const char b64[];
extern const struct ix *sort_ix;

void		 put_vu(struct buf *, uint64_t);
int		 get_vu(const unsigned char **, const unsigned char *,
		    uint64_t *);
size_t		 b64_vlen(uint64_t);
char		*b64_put(char *, uint64_t);
void		 b64_add(struct buf *, uint64_t);
uint32_t	 fnv_chars(const char *, int);
int		 pread_all(int, void *, size_t, uint64_t);

const char	*str_at(const struct ix *, uint32_t);
uint32_t	 str_hash(const char *);
struct ixterm	*term_find(struct ix *, const char *);
struct ixterm	*term_get(struct ix *, const char *);
uint32_t	 word_add(struct ix *, const char *, uint32_t term);
struct word	*word_find(struct ix *, const char *);
int		 chunk_flush(struct ix *);
int		 tidx_cmp(const void *, const void *);
int		 widx_cmp(const void *, const void *);
int		 ix_put(struct ix *, const struct buf *, const char *prefix,
		    char *name, size_t namesz, int short_hash);
int		 ix_keep(struct ix *, const char *name);
int		 doc_read(struct ix *, struct ixcache *, const struct ixref *);
int		 ix_doc_read(struct ixcache *, const struct ixref *, struct buf *);
int		 col_add(struct ix *, const int *single, const int *factors,
		    int nf);
int		 ix_facet_multi(size_t);
void		 syn_words(struct ix *);
void		 plan_groups(struct ix *, size_t n, struct groups *);
void		 plan_files(struct ix *, const uint32_t *order,
		    struct groups *);
int		 write_terms(struct ix *, struct groups *, int positions,
		    uint32_t file, char **name);
int		 write_vocab(struct ix *, const struct groups *, char ***,
		    size_t *, char ***);
int		 write_entry(struct ix *, size_t n, char **vnames, size_t nv,
		    char **vfirst, const char *chunks, const char *months,
		    char **cols, unsigned char hash[16]);
void		 groups_free(struct groups *);
int		 ix_finish(struct ix *, struct groups *, const uint32_t *order,
		    size_t n, const git_oid *tree, struct buf *state);
void		 ix_config_hash(const struct ix *, unsigned char out[16]);

/*
 * ixstate.c: ixs_save() writes x's state (its terms and words, where
 * each term's strings are, its files, chunks and columns) into *out;
 * ixs_patch() makes the index from the last build's state and files and
 * the changed documents only: 0, NM_ENOTFOUND if it cannot (nothing
 * written then: the caller makes the index from every document), -1.
 * ixs_parse() checks and reads a state of len bytes at data as
 * ixs_patch() reads the file, but for the entry file's hash, which it
 * does not check: 0, or -1 if the state is damaged or not of tree, of
 * nold documents (at least 1) and of x's configuration.  It puts the
 * state's terms and words into x (an ix as index.c makes it, with a
 * site), even on failure; the fuzz target tests/fuzz/fuzz_ixstate.c
 * calls it.
 */
void		 ixs_save(const struct ix *, const struct groups *,
		    const uint32_t *order, size_t n, const git_oid *tree,
		    const unsigned char entry[16], struct buf *out);
int		 ixs_patch(struct ix *, const struct ixprev *,
		    struct ixcache *c, const struct ixref *refs, size_t n,
		    struct buf *state);
int		 ixs_parse(struct ix *, size_t nold, const git_oid *tree,
		    const void *data, size_t len);

#endif /* NM_IXINT_H */
