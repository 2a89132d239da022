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
 * The search index's text pipeline (see token.h): a folding tokenizer
 * over hostile UTF-8, Snowball English stems and stop words, synonym
 * groups compiled to stem keys.  A report's plain text comes from
 * lib/md.c (struct md_report's text), made with its page.
 */

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libstemmer.h>

#include "buf.h"
#include "config.h"
#include "log.h"
#include "nm.h"
#include "token.h"
#include "utf8.h"

/* What a code point is to the tokenizer. */
enum cls {
	CL_SEP,		/* ends a word */
	CL_LETTER,
	CL_DIGIT,	/* ASCII and fullwidth digits */
	CL_IGN,		/* dropped, even inside a word */
	CL_APOS		/* dropped between two letters or digits */
};

/*
 * The stems and stop flags of the words seen last, so that Snowball and
 * the stop list run once per distinct word: a narrative repeats its
 * words, and the vocabulary of an archive is small.  Emptied when half
 * full, so hostile text cannot grow it.
 */
#define CACHE_SLOTS	(1 << 16)	/* a power of two */
#define CACHE_FILL	(CACHE_SLOTS / 2)

struct cache_ent {
	uint32_t	 hash;
	uint32_t	 word;	/* offset in strs; 0 for an empty slot */
	uint32_t	 stem;	/* offset in strs */
	uint16_t	 wlen, slen;
	uint8_t		 stop;
	/*
	 * The copies of the word and stem in the toklist of stamp lstamp
	 * (0: none), so that a text copies each word once.
	 */
	uint32_t	 lstamp, lword, lstem;
};

struct tokenizer {
	struct sb_stemmer	*stemmer;
	struct cache_ent	*cache;	/* CACHE_SLOTS of them */
	size_t			 ncache;
	struct buf		 strs;	/* words and stems, from offset 1 */
	uint32_t		 stamp;	/* the last toklist stamp given */
};

#define SYN_FILTER_BITS	4096	/* a power of two */

struct tok_syn {
	struct tok_syn_ent	*v;
	size_t			 n;
	size_t			 maxwords;
	struct buf		 strs;	/* keys and terms, NUL-separated */
	/* A bit per hash of the first stems of the keys: most words have none. */
	uint64_t		 filter[SYN_FILTER_BITS / 64];
};

static enum cls	 cls_of(uint32_t);
static size_t	 fold(char *, uint32_t);
static struct cache_ent *stem_of(struct tokenizer *, const char *,
		    size_t);
static void	 add_word(struct toklist *, struct tokenizer *, char *,
		    size_t, size_t, size_t, int);
static uint32_t	 add_str(struct toklist *, const char *, size_t);
static void	 push(struct toklist *, const struct tok *);
static uint32_t	 hash(const char *, size_t);
static int	 stop_cmp(const void *, const void *);
static int	 merge_cmp(const void *, const void *);
static int	 ent_cmp(const void *, const void *);
static int	 key_cmp(const void *, const void *);
static int	 key_of(struct buf *, const struct toklist *, size_t, size_t);
static const char *match_at(const struct tok_syn *, const struct toklist *,
		    size_t, size_t *, struct buf *);

/*
 * Snowball's English stop list (snowball.tartarus.org, english/stop.txt)
 * folded as tok_text() folds (apostrophes dropped), sorted for bsearch;
 * the folded contractions that are also words ("id", "ill", "shed",
 * "shell", "wed", "well", "hell") are left out.
 */
static const char *const stop_words[] = {
	"a", "about", "above", "after", "again", "against", "all", "am",
	"an", "and", "any", "are", "arent", "as", "at", "be", "because",
	"been", "before", "being", "below", "between", "both", "but",
	"by", "cannot", "cant", "could", "couldnt", "did", "didnt",
	"do", "does", "doesnt", "doing", "dont", "down", "during",
	"each", "few", "for", "from", "further", "had", "hadnt", "has",
	"hasnt", "have", "havent", "having", "he", "hed", "her", "here",
	"heres", "hers", "herself", "hes", "him", "himself", "his",
	"how", "hows", "i", "if", "im", "in", "into", "is", "isnt",
	"it", "its", "itself", "ive", "lets", "me", "more", "most",
	"mustnt", "my", "myself", "no", "nor", "not", "of", "off", "on",
	"once", "only", "or", "other", "ought", "our", "ours",
	"ourselves", "out", "over", "own", "same", "shant", "she",
	"shes", "should", "shouldnt", "so", "some", "such", "than",
	"that", "thats", "the", "their", "theirs", "them", "themselves",
	"then", "there", "theres", "these", "they", "theyd", "theyll",
	"theyre", "theyve", "this", "those", "through", "to", "too",
	"under", "until", "up", "very", "was", "wasnt", "we", "were",
	"werent", "weve", "what", "whats", "when", "whens", "where",
	"wheres", "which", "while", "who", "whom", "whos", "why",
	"whys", "with", "wont", "would", "wouldnt", "you", "youd",
	"youll", "your", "youre", "yours", "yourself", "yourselves",
	"youve"
};

/*
 * Stems that Snowball leaves apart but a search of near-miss accounts
 * should not: irregular verbs of the narratives, and "pursue", which
 * Porter's rules stem to "pursu" while "pursuit" keeps its "t".  Applied
 * to the stem; sorted by it for bsearch.  XXX a few words of a
 * lemmatizer: add to it only for words the archive is searched by.
 */
static const struct stem_merge {
	const char	*from, *to;
} stem_merges[] = {
	{ "caught", "catch" },
	{ "drove", "drive" },
	{ "fled", "flee" },
	{ "fought", "fight" },
	{ "held", "hold" },
	{ "knelt", "kneel" },
	{ "pursu", "pursuit" },
	{ "pursuer", "pursuit" },
	{ "ran", "run" },
	{ "shot", "shoot" },
	{ "stole", "steal" },
	{ "stolen", "steal" },
	{ "struck", "strike" },
	{ "threw", "throw" },
	{ "thrown", "throw" },
};

/*
 * U+00C0 to U+017F folded to ASCII: one letter each, except "A" for ae,
 * "T" for th, "S" for ss, "J" for ij, "Q" for oe.  "_" marks U+00D7
 * and U+00F7, the multiplication and division signs, which cls_of()
 * makes separators.
 */
static const char latin_fold[] =
    "aaaaaaAceeeeiiiidnooooo_ouuuuyTS"		/* U+00C0 */
    "aaaaaaAceeeeiiiidnooooo_ouuuuyTy"		/* U+00E0 */
    "aaaaaaccccccccddddeeeeeeeeeegggg"		/* U+0100 */
    "gggghhhhiiiiiiiiiiJJjjkkklllllll"		/* U+0120 */
    "lllnnnnnnnnnooooooQQrrrrrrssssss"		/* U+0140 */
    "sstttttt" "uuuuuuuuuuuu" "wwyyyzzzzzzs";	/* U+0160 */

const struct tok_field_info tok_fields[TF_MAX] = {
	{ "title", 8 },
	{ "summary", 4 },
	{ "narrative", 1 },
	{ "lessons", 2 },
	{ "comments", 1 },
};

static enum cls
cls_of(uint32_t c)
{
	if (c < 0x80) {
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			return CL_LETTER;
		if (c >= '0' && c <= '9')
			return CL_DIGIT;
		return c == '\'' ? CL_APOS : CL_SEP;
	}
	if (c == 0xad || (c >= 0x300 && c <= 0x36f) ||
	    (c >= 0x1ab0 && c <= 0x1aff) || (c >= 0x1dc0 && c <= 0x1dff) ||
	    (c >= 0x200b && c <= 0x200d) || c == 0x2060 ||
	    (c >= 0x20d0 && c <= 0x20ff) || (c >= 0xfe00 && c <= 0xfe0f) ||
	    (c >= 0xfe20 && c <= 0xfe2f) || c == 0xfeff)
		return CL_IGN;
	if (c == 0x2019 || c == 0x2bc)
		return CL_APOS;
	if (c < 0xc0 || c == 0xd7 || c == 0xf7 ||
	    (c >= 0x2b0 && c <= 0x2ff) || c == 0x37e || c == 0x387 ||
	    (c >= 0x2000 && c <= 0x2bff) || (c >= 0x2e00 && c <= 0x2e7f) ||
	    (c >= 0x3000 && c <= 0x303f) || (c >= 0xd800 && c <= 0xf8ff) ||
	    (c >= 0xfe10 && c <= 0xfe1f) || (c >= 0xfe30 && c <= 0xfe6f) ||
	    (c >= 0xff00 && c <= 0xff0f) || (c >= 0xff1a && c <= 0xff20) ||
	    (c >= 0xff3b && c <= 0xff40) || (c >= 0xff5b && c <= 0xff65) ||
	    (c >= 0xfff0 && c <= 0xffff) || (c >= 0x1f000 && c <= 0x1fbff) ||
	    c >= 0xe0000)
		return CL_SEP;
	if (c >= 0xff10 && c <= 0xff19)
		return CL_DIGIT;
	return CL_LETTER;
}

/*
 * Writes the folded form of letter or digit c to out (room for 4
 * bytes); returns its length.
 */
static size_t
fold(char *out, uint32_t c)
{
	/* The marks of latin_fold[] that stand for two letters. */
	static const struct {
		char	 mark;
		char	 out[3];
	} ligatures[] = {
		{ 'A', "ae" }, { 'T', "th" }, { 'S', "ss" }, { 'J', "ij" },
		{ 'Q', "oe" },
	};
	size_t	 i;
	char	 f;

	if (c < 0x80) {
		out[0] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') :
		    (char)c;
		return 1;
	}
	if (c >= 0xc0 && c <= 0x17f) {
		f = latin_fold[c - 0xc0];
		for (i = 0; i < NM_NELEM(ligatures); i++)
			if (ligatures[i].mark == f) {
				memcpy(out, ligatures[i].out, 2);
				return 2;
			}
		out[0] = f;
		return 1;
	}
	/* Fullwidth ASCII letters and digits. */
	if ((c >= 0xff10 && c <= 0xff19) || (c >= 0xff21 && c <= 0xff3a) ||
	    (c >= 0xff41 && c <= 0xff5a))
		return fold(out, c - 0xfee0);
	if ((c >= 0x391 && c <= 0x3a9) || (c >= 0x410 && c <= 0x42f))
		c += 0x20;
	else if (c >= 0x400 && c <= 0x40f)
		c += 0x50;
	if (c < 0x800) {
		out[0] = (char)(0xc0 | c >> 6);
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | c >> 12);
		out[1] = (char)(0x80 | (c >> 6 & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | c >> 18);
	out[1] = (char)(0x80 | (c >> 12 & 0x3f));
	out[2] = (char)(0x80 | (c >> 6 & 0x3f));
	out[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

/* FNV-1a of the n bytes at s. */
static uint32_t
hash(const char *s, size_t n)
{
	uint32_t	 h = 2166136261u;
	size_t		 i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static int
stop_cmp(const void *a, const void *b)
{
	return strcmp(a, *(const char *const *)b);
}

static int
merge_cmp(const void *a, const void *b)
{
	return strcmp(a, ((const struct stem_merge *)b)->from);
}

const char *const *
tok_stop_list(size_t *n)
{
	*n = NM_NELEM(stop_words);
	return stop_words;
}

int
tok_is_stop(const char *w)
{
	return bsearch(w, stop_words, NM_NELEM(stop_words),
	    sizeof(stop_words[0]), stop_cmp) != NULL;
}

struct tokenizer *
tok_new(void)
{
	struct tokenizer *t;

	t = xcalloc(1, sizeof(*t));
	t->cache = xcalloc(CACHE_SLOTS, sizeof(*t->cache));
	buf_init(&t->strs);
	buf_addch(&t->strs, '\0');
	if ((t->stemmer = sb_stemmer_new("english", "UTF_8")) == NULL)
		fatalx("sb_stemmer_new: out of memory");
	return t;
}

void
tok_free(struct tokenizer *t)
{
	if (t == NULL)
		return;
	sb_stemmer_delete(t->stemmer);
	free(t->cache);
	buf_free(&t->strs);
	free(t);
}

static uint32_t
add_str(struct toklist *l, const char *s, size_t n)
{
	uint32_t	 off = (uint32_t)l->strs.len;

	/* A list is for one report's field, never gigabytes. */
	assert(l->strs.len + n + 1 <= UINT32_MAX);
	buf_add(&l->strs, s, n);
	buf_addch(&l->strs, '\0');
	return off;
}

static void
push(struct toklist *l, const struct tok *t)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	l->v[l->n++] = *t;
}

/*
 * The cache entry of the folded word w (n bytes, NUL-terminated), made
 * with Snowball, the merges and the stop list if it was not there.  The
 * pointer is good until the next call.
 */
static struct cache_ent *
stem_of(struct tokenizer *t, const char *w, size_t n)
{
	const sb_symbol	*s;
	const struct stem_merge *m;
	struct cache_ent *e;
	uint32_t	 h = hash(w, n);
	size_t		 i, sn;

	for (i = h & (CACHE_SLOTS - 1); t->cache[i].word != 0;
	    i = (i + 1) & (CACHE_SLOTS - 1)) {
		e = &t->cache[i];
		if (e->hash == h && e->wlen == n &&
		    memcmp(t->strs.data + e->word, w, n) == 0)
			return e;
	}
	if (t->ncache >= CACHE_FILL) {
		memset(t->cache, 0, CACHE_SLOTS * sizeof(*t->cache));
		t->ncache = 0;
		buf_truncate(&t->strs, 1);
		i = h & (CACHE_SLOTS - 1);
	}
	e = &t->cache[i];
	t->ncache++;
	e->hash = h;
	e->wlen = (uint16_t)n;
	e->stop = (uint8_t)tok_is_stop(w);
	e->word = (uint32_t)t->strs.len;
	buf_add(&t->strs, w, n + 1);
	if ((s = sb_stemmer_stem(t->stemmer, (const sb_symbol *)w,
	    (int)n)) == NULL)
		fatalx("sb_stemmer_stem: out of memory");
	sn = (size_t)sb_stemmer_length(t->stemmer);
	e->stem = (uint32_t)t->strs.len;
	buf_add(&t->strs, s, sn);
	buf_addch(&t->strs, '\0');
	if ((m = bsearch(t->strs.data + e->stem, stem_merges,
	    NM_NELEM(stem_merges), sizeof(stem_merges[0]), merge_cmp)) !=
	    NULL) {
		e->stem = (uint32_t)t->strs.len;
		sn = strlen(m->to);
		buf_add(&t->strs, m->to, sn + 1);
	}
	e->slen = (uint16_t)sn;
	return e;
}

/* Adds the folded word w (n bytes) found at off, len bytes long. */
static void
add_word(struct toklist *l, struct tokenizer *t, char *w, size_t n,
    size_t off, size_t len, int cut)
{
	struct cache_ent *e;
	struct tok	 k;
	size_t		 i;

	w[n] = '\0';
	e = stem_of(t, w, n);
	memset(&k, 0, sizeof(k));
	k.pos = l->npos++;
	k.off = (uint32_t)off;
	k.len = (uint32_t)len;
	k.nwords = 1;
	k.flags = (cut ? TOK_CUT : 0) | (e->stop ? TOK_STOP : 0);
	if (l->owner != t || l->stamp == 0) {
		/* A new stamp for this list (and, once in 2^32, none). */
		if (++t->stamp == 0) {
			for (i = 0; i < CACHE_SLOTS; i++)
				t->cache[i].lstamp = 0;
			t->stamp = 1;
		}
		l->owner = t;
		l->stamp = t->stamp;
	}
	if (e->lstamp == l->stamp) {
		k.word = e->lword;
		k.stem = e->lstem;
	} else {
		k.word = add_str(l, w, n);
		if (e->slen == n &&
		    memcmp(t->strs.data + e->stem, w, n) == 0)
			k.stem = k.word;
		else
			k.stem = add_str(l, t->strs.data + e->stem, e->slen);
		e->lstamp = l->stamp;
		e->lword = k.word;
		e->lstem = k.stem;
	}
	push(l, &k);
}

int
tok_text(struct toklist *out, struct tokenizer *t, const char *path,
    const char *text, size_t len)
{
	char		 w[TOK_WORD_MAX + 4], f[4];
	const char	*p = text, *end = text + len, *start = NULL;
	size_t		 wn = 0, fn, step;
	uint32_t	 c, nc;
	enum cls	 k, prev = CL_SEP, nk;
	int		 l, cut = 0;

	if (len > TOK_TEXT_MAX) {
		log_at(path, 0, "text longer than %d bytes", TOK_TEXT_MAX);
		return -1;
	}
	while (p < end) {
		/*
		 * The common case, in a loop of its own: ASCII letters (or
		 * digits) that go on a word of their kind, up to the longest
		 * word; the rest below decides as it would for each.
		 */
		if (start != NULL && !cut) {
			while (p < end && wn < TOK_WORD_MAX &&
			    (unsigned char)*p < 0x80 &&
			    cls_of((unsigned char)*p) == prev) {
				w[wn++] = (*p >= 'A' && *p <= 'Z') ?
				    (char)(*p - 'A' + 'a') : *p;
				p++;
			}
			if (p == end)
				break;
		}
		if ((unsigned char)*p < 0x80) {
			c = (unsigned char)*p;
			step = 1;
		} else if ((l = utf8_decode(&c, p, (size_t)(end - p))) ==
		    -1) {
			c = 0;	/* an invalid byte ends a word */
			step = 1;
		} else
			step = (size_t)l;
		k = cls_of(c);
		if (k == CL_APOS && start != NULL && p + step < end) {
			/* Dropped only between letters or digits. */
			nk = CL_SEP;
			if ((unsigned char)p[step] < 0x80)
				nk = cls_of((unsigned char)p[step]);
			else if (utf8_decode(&nc, p + step,
			    (size_t)(end - p - step)) > 0)
				nk = cls_of(nc);
			if (nk == CL_LETTER || nk == CL_DIGIT) {
				p += step;
				continue;
			}
		}
		if (k == CL_IGN) {
			p += step;
			continue;
		}
		if (start != NULL && (k == CL_SEP || k == CL_APOS ||
		    k != prev)) {
			add_word(out, t, w, wn, (size_t)(start - text),
			    (size_t)(p - start), cut);
			start = NULL;
		}
		if (k == CL_SEP || k == CL_APOS) {
			p += step;
			continue;
		}
		if (start == NULL) {
			start = p;
			wn = 0;
			cut = 0;
		}
		prev = k;
		if (wn + (fn = fold(f, c)) > TOK_WORD_MAX)
			cut = 1;
		else if (!cut) {
			memcpy(w + wn, f, fn);
			wn += fn;
		}
		p += step;
	}
	if (start != NULL)
		add_word(out, t, w, wn, (size_t)(start - text),
		    (size_t)(p - start), cut);
	return 0;
}

const char *
tok_word(const struct toklist *l, const struct tok *t)
{
	return l->strs.data + t->word;
}

const char *
tok_stem(const struct toklist *l, const struct tok *t)
{
	return l->strs.data + t->stem;
}

void
toklist_reset(struct toklist *l)
{
	l->n = 0;
	l->npos = 0;
	l->stamp = 0;
	buf_reset(&l->strs);
}

void
toklist_free(struct toklist *l)
{
	free(l->v);
	buf_free(&l->strs);
	memset(l, 0, sizeof(*l));
	buf_init(&l->strs);
}

/* bsearch() of a key (a string) in the table: keys are unique there. */
static int
key_cmp(const void *key, const void *ent)
{
	return strcmp(key, ((const struct tok_syn_ent *)ent)->key);
}

static int
ent_cmp(const void *a, const void *b)
{
	const struct tok_syn_ent *x = a, *y = b;
	int	 c;

	if ((c = strcmp(x->key, y->key)) != 0)
		return c;
	return x->group < y->group ? -1 : x->group > y->group;
}

/*
 * The key of the n word tokens of l from i on (their stems joined by
 * spaces) into b; -1 if they are not n consecutive words.
 */
static int
key_of(struct buf *b, const struct toklist *l, size_t i, size_t n)
{
	size_t	 j;

	buf_reset(b);
	if (i + n > l->n)
		return -1;
	for (j = i; j < i + n; j++) {
		if ((l->v[j].flags & TOK_SYN) ||
		    l->v[j].pos != l->v[i].pos + (j - i))
			return -1;
		if (j > i)
			buf_addch(b, ' ');
		buf_addstr(b, tok_stem(l, &l->v[j]));
	}
	return 0;
}

int
tok_syn_new(struct tok_syn **out, struct tokenizer *t,
    const struct config *c, const char *path)
{
	struct tok_syn	*s;
	struct toklist	 l = TOKLIST_INIT;
	struct buf	 key = BUF_INIT;
	size_t		 i, j, n, *kof = NULL, *tof = NULL;
	const struct syn_group *g;
	int		 errors = 0, rc = -1;

	*out = NULL;
	s = xcalloc(1, sizeof(*s));
	buf_init(&s->strs);
	for (n = 0, i = 0; i < c->nsyn; i++)
		n += c->syn[i].nphrases;
	/* Offsets first: s->strs moves as it grows. */
	kof = xreallocarray(NULL, n + 1, sizeof(*kof));
	tof = xreallocarray(NULL, n + 1, sizeof(*tof));
	s->v = xreallocarray(NULL, n + 1, sizeof(*s->v));
	for (i = 0; i < c->nsyn; i++) {
		g = &c->syn[i];
		for (j = 0; j < g->nphrases; j++) {
			toklist_reset(&l);
			if (tok_text(&l, t, path, g->phrases[j],
			    strlen(g->phrases[j])) == -1 || l.n == 0 ||
			    l.n > TOK_SYN_WORDS_MAX) {
				log_at(path, g->line, "[synonyms]: %s: \"%s\" "
				    "has no words or more than %d", g->name,
				    g->phrases[j], TOK_SYN_WORDS_MAX);
				errors++;
				continue;
			}
			key_of(&key, &l, 0, l.n);
			kof[s->n] = s->strs.len;
			buf_add(&s->strs, key.data, key.len + 1);
			tof[s->n] = s->strs.len;
			buf_printf(&s->strs, "~%s", g->name);
			buf_addch(&s->strs, '\0');
			s->v[s->n].nwords = l.n;
			s->v[s->n].group = i;
			s->n++;
		}
	}
	for (i = 0; i < s->n; i++) {
		s->v[i].key = s->strs.data + kof[i];
		s->v[i].term = s->strs.data + tof[i];
		if (s->v[i].nwords > s->maxwords)
			s->maxwords = s->v[i].nwords;
		j = hash(s->v[i].key, strcspn(s->v[i].key, " ")) &
		    (SYN_FILTER_BITS - 1);
		s->filter[j / 64] |= (uint64_t)1 << (j % 64);
	}
	/*
	 * Sorted by key, then group.  A key twice in one group ("pursuit",
	 * "pursuits") is kept once; in two groups it is an error.
	 */
	qsort(s->v, s->n, sizeof(*s->v), ent_cmp);
	for (i = j = 0; i < s->n; i++) {
		if (j > 0 && strcmp(s->v[j - 1].key, s->v[i].key) == 0) {
			if (s->v[j - 1].group != s->v[i].group) {
				g = &c->syn[s->v[i].group];
				log_at(path, g->line, "[synonyms]: %s: a "
				    "phrase is \"%s\" when folded and "
				    "stemmed, as one of %s is", g->name,
				    s->v[i].key,
				    c->syn[s->v[j - 1].group].name);
				errors++;
			}
			continue;
		}
		s->v[j++] = s->v[i];
	}
	s->n = j;
	if (errors > 0)
		goto out;
	*out = s;
	s = NULL;
	rc = 0;
out:
	tok_syn_free(s);
	toklist_free(&l);
	buf_free(&key);
	free(kof);
	free(tof);
	return rc;
}

void
tok_syn_free(struct tok_syn *s)
{
	if (s == NULL)
		return;
	free(s->v);
	buf_free(&s->strs);
	free(s);
}

const struct tok_syn_ent *
tok_syn_table(const struct tok_syn *s, size_t *n)
{
	*n = s->n;
	return s->v;
}

/* tok_syn_match() with a scratch buffer for the keys. */
static const char *
match_at(const struct tok_syn *s, const struct toklist *l, size_t i,
    size_t *nwords, struct buf *key)
{
	struct tok_syn_ent	*e;
	const char		*stem;
	size_t			 n;
	uint32_t		 h;

	if (i >= l->n || (l->v[i].flags & TOK_SYN))
		return NULL;
	stem = tok_stem(l, &l->v[i]);
	h = hash(stem, strlen(stem)) & (SYN_FILTER_BITS - 1);
	if (!(s->filter[h / 64] & (uint64_t)1 << (h % 64)))
		return NULL;
	for (n = s->maxwords; n > 0; n--) {
		if (key_of(key, l, i, n) == -1)
			continue;
		if ((e = bsearch(key->data, s->v, s->n, sizeof(*s->v),
		    key_cmp)) != NULL) {
			*nwords = n;
			return e->term;
		}
	}
	return NULL;
}

const char *
tok_syn_match(const struct tok_syn *s, const struct toklist *l, size_t i,
    size_t *nwords)
{
	struct buf	 key = BUF_INIT;
	const char	*term;

	term = match_at(s, l, i, nwords, &key);
	buf_free(&key);
	return term;
}

void
tok_syn_apply(const struct tok_syn *s, struct toklist *l)
{
	struct tok	 k;
	struct buf	 key = BUF_INIT;
	const char	*term;
	size_t		 i, n = l->n, nw;

	for (i = 0; i < n; i++) {
		if (l->v[i].flags & TOK_SYN)
			continue;
		if ((term = match_at(s, l, i, &nw, &key)) == NULL)
			continue;
		memset(&k, 0, sizeof(k));
		k.pos = l->v[i].pos;
		k.off = l->v[i].off;
		k.len = l->v[i + nw - 1].off + l->v[i + nw - 1].len - k.off;
		k.nwords = (uint8_t)nw;
		k.flags = TOK_SYN;
		k.word = k.stem = add_str(l, term, strlen(term));
		push(l, &k);
	}
	buf_free(&key);
}
