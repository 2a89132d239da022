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
 * The search index's text pipeline: a report's plain text per field
 * (with the field weights), words out of hostile UTF-8 with their
 * positions, Snowball English stems and stop-word flags, and the
 * synonym groups of nearmiss.ini's [synonyms] as extra search terms.
 */

#ifndef NM_TOKEN_H
#define NM_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct config;

/*
 * Words.  tok_text() reads text as UTF-8 and cuts it into words, each
 * a run of letters and digits, folded so that what a person types and
 * what a report says meet:
 *
 * - ASCII is lowercased; the Latin letters with diacritics of Latin-1
 *   and Latin Extended-A (U+00C0 to U+017F) are folded to their base
 *   letters ("é" to "e", "ß" to "ss", "æ" to "ae", "Œ" to "oe", "þ" to
 *   "th"); combining marks (U+0300 to U+036F and the like), the soft
 *   hyphen, zero-width joiners and variation selectors are dropped, so
 *   "e" + U+0301 is "e" too; Greek and Cyrillic capitals are lowercased;
 *   fullwidth ASCII letters and digits are ASCII; every other code point
 *   that is not punctuation, a symbol, a space, a control or private use
 *   is a letter and kept as it is.
 * - An apostrophe (', U+2019, U+02BC) between two letters or digits is
 *   dropped: "driver's" is "drivers", "don't" is "dont".
 * - A word ends at anything else (punctuation, hyphens, spaces, invalid
 *   UTF-8 bytes, NUL), and also where letters meet digits: "K9", "K-9"
 *   and "k 9" are all the two words "k" "9", and so meet as a phrase;
 *   "I-95" and "i95" are "i" "95"; "10-33" is "10" "33".  Numbers are
 *   kept as words.
 * - A word is at most TOK_WORD_MAX bytes: a longer one is cut there (at
 *   a character boundary), flagged TOK_CUT, and the rest of it skipped.
 *
 * Each word gets the next position (0, 1, 2, ... across the calls on
 * one list), its Snowball English stem (libstemmer's "english", which
 * changes only ASCII words), merged by a short table in token.c for the
 * forms Snowball leaves apart ("pursuing" is "pursu" to Snowball, but
 * "pursuit", "pursuits", "pursue" and "pursuing" are all "pursuit" here;
 * "shot" is "shoot", "fled" "flee"), and TOK_STOP if the folded word is
 * on Snowball's English stop list (with its contractions as folded here,
 * less those that are also words: "shell", "ill", "id", "well").  Stop
 * words are flagged,
 * not dropped: they keep their positions, so that a phrase with one in
 * it ("shot in the vest") can still be matched word by word, while the
 * index may leave them out of single-word postings or rank them low.
 */
#define TOK_WORD_MAX		64
#define TOK_TEXT_MAX		(4 * 1024 * 1024)	/* bytes per call */
/* Words of one synonym phrase after folding (config.h caps the rest). */
#define TOK_SYN_WORDS_MAX	8

enum tok_flag {
	TOK_STOP = 0x01,	/* on the stop list */
	TOK_CUT = 0x02,		/* longer than TOK_WORD_MAX, cut */
	TOK_SYN = 0x04		/* a synonym group's term, see below */
};

struct tok {
	uint32_t	 pos;	/* word position */
	uint32_t	 off;	/* byte offset of the word in the text */
	uint32_t	 len;	/* its length in bytes there */
	uint32_t	 word;	/* offset of the folded word in strs */
	uint32_t	 stem;	/* offset of the stem (or "~name") in strs */
	uint8_t		 nwords; /* 1; for TOK_SYN, the phrase's words */
	uint8_t		 flags;	/* enum tok_flag */
};

/* Tokens in text order; their strings NUL-terminated in strs. */
struct toklist {
	struct tok	*v;
	size_t		 n, cap;
	uint32_t	 npos;	/* the position the next word gets */
	struct buf	 strs;
	/* The tokenizer's mark of the words already in strs (token.c). */
	const void	*owner;
	uint32_t	 stamp;
};
#define TOKLIST_INIT	{ NULL, 0, 0, 0, BUF_INIT, NULL, 0 }

/*
 * A tokenizer holds a Snowball stemmer, which is not thread-safe, and a
 * cache of the stems of the last 32,768 distinct words: make one per
 * thread.  tok_new() is fatal if libstemmer cannot make one (out of
 * memory).  tok_free(NULL) is a no-op.  Everything else here is
 * reentrant, and a tok_syn is read-only once made: threads may share it.
 */
struct tokenizer;

struct tokenizer	*tok_new(void);
void			 tok_free(struct tokenizer *);
/*
 * Appends the words of text (len bytes, any bytes) to out, as above.
 * Returns 0, or -1 after logging "path: text longer than ..." if len is
 * above TOK_TEXT_MAX (out is then unchanged).
 */
int			 tok_text(struct toklist *out, struct tokenizer *,
			    const char *path, const char *text, size_t len);
/* The folded word and the stem of a token of l (borrowed). */
const char		*tok_word(const struct toklist *l, const struct tok *);
const char		*tok_stem(const struct toklist *l, const struct tok *);
/* Empties l for reuse, keeping its memory; toklist_free() releases it. */
void			 toklist_reset(struct toklist *l);
void			 toklist_free(struct toklist *l);
/* 1 if the folded word w is on the stop list, else 0. */
int			 tok_is_stop(const char *w);
/* The stop list, sorted (strcmp); *n gets its length. */
const char *const	*tok_stop_list(size_t *n);

/*
 * Synonyms.  Each group of [synonyms] (lib/config.h) becomes one search
 * term, "~" followed by the group's name ("~ois"), which cannot collide
 * with a stem since words have no "~".  Each phrase of the group is
 * tokenized as above, and its key is its stems joined by single spaces
 * ("officer-involved shooting" is "offic involv shoot", "OIS" is "oi",
 * "K-9" is "k 9").
 *
 * The index writer: tok_syn_apply() on each field's list appends, for
 * every position where a phrase's words (stop words included) start, one
 * TOK_SYN token whose stem is the group's term, at that position, with
 * nwords the phrase's length; where phrases of several lengths start at
 * one position, the longest wins.  Index it like any other term, so that
 * the term is found wherever any phrase of the group is.  The writer
 * also publishes tok_syn_table() for the client, and a vocabulary that
 * maps each folded word of the text and of the phrases to its stem.
 *
 * The client (no stemmer): it folds what was typed by the rules above
 * (in JavaScript: NFD, drop U+0300 to U+036F, lowercase, the few
 * multi-letter folds, apostrophes, splits), maps each word to its stem
 * through the vocabulary (a prefix while typing: to the stems of the
 * words that start with it), then, from the first word on, finds the
 * longest run of words (at most TOK_SYN_WORDS_MAX) whose stems joined by
 * spaces are a key of the table; it searches that run as the one term
 * "~name" and goes on after it, and searches other words as their stems.
 * So "OIS" and "officer involved shooting" find each other's reports.
 */
struct tok_syn;

struct tok_syn_ent {
	const char	*key;	/* stems joined by single spaces */
	const char	*term;	/* "~name" */
	size_t		 nwords;
	size_t		 group;	/* index in struct config's syn */
};

/*
 * Compiles c's [synonyms] with t (path for messages).  Logs "path:line:
 * what" for a phrase without words, with more than TOK_SYN_WORDS_MAX
 * words, or whose key is also that of another group's phrase (e.g.
 * "chase" and "chases" in two groups); returns -1 then, else 0 with the
 * table in *out (caller frees with tok_syn_free(); NULL is a no-op).
 */
int			 tok_syn_new(struct tok_syn **out, struct tokenizer *t,
			    const struct config *c, const char *path);
void			 tok_syn_free(struct tok_syn *);
/* The table, sorted by key (strcmp); *n gets its length.  Borrowed. */
const struct tok_syn_ent *tok_syn_table(const struct tok_syn *, size_t *n);
/*
 * The term ("~name") of the longest phrase whose words start at the
 * word token l->v[i], with its length in *nwords; NULL if there is none.
 */
const char		*tok_syn_match(const struct tok_syn *,
			    const struct toklist *l, size_t i,
			    size_t *nwords);
/* Appends a TOK_SYN token to l for each match, as described above. */
void			 tok_syn_apply(const struct tok_syn *,
			    struct toklist *l);

/*
 * The fields of a report's text for indexing (title, summary, and the
 * three parts of struct md_report's text), and the weight of each
 * field's terms (title highest).
 */
enum tok_field {
	TF_TITLE,
	TF_SUMMARY,
	TF_NARRATIVE,
	TF_LESSONS,
	TF_COMMENTS,
	TF_MAX
};

struct tok_field_info {
	const char	*name;
	int		 weight;
};

/* Name and weight of each field: the one table of weights. */
extern const struct tok_field_info tok_fields[TF_MAX];

#endif /* NM_TOKEN_H */
