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
 * The parts of the de-identification check that its files share, and
 * nothing else includes: the word lists (lint_dict.c), the character
 * scanners (lint_scan.c), the word rules (lint_rules.c) and the driver
 * that masks, cuts into words and merges the findings (lint.c).
 */

#ifndef NM_LINT_INT_H
#define NM_LINT_INT_H

#include <stddef.h>

/* The longest row of titles before a name ("Deputy Chief ..."). */
#define TITLE_ROW	8
#define LINT_DATA_MAX	(4 * 1024 * 1024)	/* one data file */
#define LINT_KEY_MAX	128	/* bytes of a normalised dictionary key */
#define LINT_WORDS_MAX	5	/* words of a dictionary entry */

/* Sentence and masked-region boundary in the mask. */
#define BOUNDARY	'\001'

enum kind {
	K_EMAIL, K_URL, K_IP, K_PHONE, K_DATE, K_NUMBER, K_PLATE,
	K_ADDRESS, K_AGENCY, K_PLACE, K_NAME, K_SIGNATURE, K_BIDI, K__MAX
};

/* The marks of dictionary entries (see the data files' headers). */
enum mark {
	M_PLAIN,	/* (none) */
	M_COMMON,	/* ~ */
	M_CONTEXT,	/* = */
	M_INST,		/* % an institution: a place */
	M_SELF,		/* ! an agency by itself */
	M_GENERIC	/* - */
};

struct entry {
	char		*key;	/* normalised, as written */
	char		*upkey;	/* the same in capitals */
	char		*lokey;	/* the same in lower case */
	enum mark	 mark;
	int		 nwords;
	int		 abbrev;	/* written with a final '.' */
	int		 cls;	/* the fixed words: enum fixed_class */
};

struct ref {
	const char		*key;
	const struct entry	*e;
};

struct dict {
	struct entry	*v;
	size_t		 n;
	struct ref	*exact, *upper, *lower;
	size_t		 nlower;
	int		 maxwords;
};

/* The word lists: what lint_data_load() reads (lint.h). */
struct lint_data {
	struct dict	 names, places, agency, titles, fixed;
};

/* Word flags. */
#define TF_CAP		0x001	/* starts with a capital letter */
#define TF_LOWER	0x002	/* starts with a small letter */
#define TF_UPPER	0x004	/* two or more letters, all capitals */
#define TF_DIGIT	0x008	/* has a digit */
#define TF_NUM		0x010	/* digits only */
#define TF_START	0x020	/* a sentence's first word */
#define TF_DOT		0x040	/* a '.' follows directly */
#define TF_ALPHA	0x080	/* no digit */

struct tok {
	size_t		 off, len;
	unsigned int	 fl;
};

struct finding {
	size_t		 off, end;
	enum kind	 kind;
};

/*
 * One check of one text.  m is the mask: a copy of the text, NUL at
 * m[len], with what is not prose to check blanked (lint.c).
 */
struct lint {
	const char		*text;	/* the file */
	char			*m;	/* the mask */
	size_t			 len;
	struct tok		*t;
	size_t			 nt;
	struct finding		*f;
	size_t			 nf, fcap;
	const struct lint_data	*d;
};

/* Classes of the fixed dictionary (the kinds' own words). */
enum fixed_class {
	FX_STOP, FX_MONTH, FX_WEEKDAY, FX_HOLIDAY, FX_STREET, FX_STREET_WEAK,
	FX_NOTNAME, FX_NUMCTX, FX_PLATECTX, FX_FILLER, FX_MEASURE, FX_PREP,
	FX_DIRECTION, FX_ROAD, FX_APT, FX_DATEAFTER, FX_CLOSING, FX_TLD,
	FX_COMMON, FX_DESIG, FX_ORDINAL, FX_PHONETIC, FX_NOTCALL, FX_DATECTX,
	FX_NICKCTX, FX_CORNER, FX_ZIPCTX, FX_OBJECT, FX__MAX
};

#define TOFF(L, i)	((L)->t[(i)].off)
#define TEND(L, i)	((L)->t[(i)].off + (L)->t[(i)].len)
#define TFL(L, i)	((L)->t[(i)].fl)

/* The names of enum kind, as printed and as --accept takes them. */
extern const char *const lint_kind_names[K__MAX];

/* lint.c: the findings and the words. */

/*
 * Adds the finding [off, end) of kind k; nothing if it is empty or runs
 * across a blank line.
 */
void	 lint_add(struct lint *, enum kind, size_t, size_t);
/*
 * 1 if words a and b (a < b) follow each other with only blanks between
 * (one line break at most), and a '.' right after a when dot is set.
 */
int	 lint_adjacent(const struct lint *, size_t, size_t, int);
/*
 * Word i normalised (U+2019 as "'", a final "'s" or "'" dropped) into
 * out; returns its length (0 if it does not fit).
 */
size_t	 lint_tok_word(const struct lint *, size_t, char *, size_t);
/* 1 if word i is w, in any case (0 past the last word). */
int	 lint_tok_is(const struct lint *, size_t, const char *);

/* lint_dict.c: the word lists. */

/*
 * Normalises a dictionary key or a piece of text: dots go, every run of
 * blanks becomes one space, U+2019 becomes "'".  Returns the length, or
 * 0 if it does not fit in outsz.
 */
size_t	 lint_normalise(char *, size_t, const char *, size_t);
/* Orders struct ref by key (strcmp), for qsort() and bsearch(). */
int	 lint_refcmp(const void *, const void *);
/*
 * 1 if word i (with the following words of a fixed phrase) is of class
 * cls among the fixed words (0 past the last word).
 */
int	 lint_fixed_class(const struct lint *, size_t, int);
/*
 * 1 if the n bytes at s, compared without regard to case, are a fixed
 * phrase of class cls.
 */
int	 lint_fixed_is(const struct lint_data *, const char *, size_t, int);
/*
 * The longest entry of d that the words from i on spell; *nw is set to
 * its number of words.  A key is matched as written; in capitals when
 * all its words are; in lower case when the dictionary allows it;
 * without its diacritics and inner capitals ("Zoë", "DeShawn"); the
 * last word without its "'s", else with it ("Love's").  Of a key
 * written twice, generic and not ("General -", "General %"), the one
 * not generic.
 */
const struct entry *lint_dict_match(const struct lint *, const struct dict *,
	    size_t, int *);

/* lint_scan.c: characters, and the patterns made of them. */

/* Letters, roughly: ASCII and the Latin and other alphabets. */
int	 lint_is_letter(unsigned int);
/* Capitals: ASCII, Latin-1's and Latin Extended-A's. */
int	 lint_is_upper(unsigned int);
/* Letters that are not capitals (past Latin-1, every letter). */
int	 lint_is_lower(unsigned int);
/*
 * Decodes the UTF-8 character at s[i] (n bytes in all) into *cp and
 * returns its length; a bad sequence is one byte of U+FFFD.
 */
int	 lint_utf8_get(const char *, size_t, size_t, unsigned int *);
/* The length of the run of ASCII digits at m[i] (0 if none). */
size_t	 lint_digits_at(const char *, size_t, size_t);
/* 1 if a letter or a digit starts at m[i] (0 at or past len). */
int	 lint_word_char(const char *, size_t, size_t);
/*
 * The character patterns: e-mail addresses, URLs and host names, IP
 * addresses, phone numbers, dates in digits, social security numbers,
 * "#1234" and other long numbers.
 */
void	 lint_scan_chars(struct lint *);

/* lint_rules.c: the rules on words. */

/* Runs every word rule, and the bidirectional controls' check. */
void	 lint_rules(struct lint *);

#endif /* NM_LINT_INT_H */
