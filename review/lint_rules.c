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
 * The word rules of the de-identification check: names (given names,
 * titles before a name, names by their shape or their letters,
 * nicknames), places and businesses, agencies, addresses and
 * intersections, ZIP codes, dates with a day, badge and case numbers,
 * units of territory, call signs, ORI numbers, plates and signature
 * lines, each a pass over the words of the mask that adds its findings;
 * and the bidirectional controls, found in the text itself.
 */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "lint.h"
#include "lint_int.h"
#include "nm.h"
#include "utf8.h"

static int	 surname_like(const struct lint *, size_t, int);
static int	 small_surname(const struct lint *, size_t);
static int	 possessive(const struct lint *, size_t);
static int	 ordinary_word(const struct lint *, size_t);
static int	 has_latin(const struct lint *, size_t);
static int	 camel_name(const struct lint *, size_t);
static size_t	 quote_before(const struct lint *, size_t);
static size_t	 quote_after(const struct lint *, size_t);
static void	 rule_names_more(struct lint *);
static void	 rule_nicknames(struct lint *);
static void	 rule_designations(struct lint *);
static int	 num_goes_on(const struct lint *, size_t);
static int	 capitalised(const char *, size_t);
static void	 rule_callsigns(struct lint *);
static int	 street_part(const struct lint *, size_t, size_t *);
static int	 joined_by_and(const struct lint *, size_t, size_t);
static void	 rule_intersections(struct lint *);
static void	 rule_zip(struct lint *);
static void	 rule_ori(struct lint *);
static void	 rule_short_dates(struct lint *);
static int	 day_word(const struct lint *, size_t, int);
static int	 month_word(const struct lint *, size_t);
static void	 rule_names(struct lint *);
static int	 offcmp(const void *, const void *);
static int	 memcmp_key(const void *, const void *);
static void	 rule_name_memory(struct lint *);
static void	 rule_titles(struct lint *);
static int	 postal_word(const struct lint *, size_t);
static int	 state_word(const struct lint *, size_t, int *);
static int	 place_context(const struct lint *, size_t, size_t);
static void	 rule_places(struct lint *);
static int	 acronym_agency(const struct lint *, size_t);
static int	 generic_word(const struct lint *, size_t);
static void	 rule_agencies(struct lint *);
static int	 ordinal_word(const struct lint *, size_t);
static int	 house_number(const struct lint *, size_t);
static void	 rule_addresses(struct lint *);
static size_t	 weekday_before(const struct lint *, size_t);
static void	 rule_dates(struct lint *);
static void	 rule_numbers(struct lint *);
static int	 year_word(const struct lint *, size_t);
static size_t	 plate_shape(const struct lint *, size_t);
static void	 rule_plates(struct lint *);
static void	 rule_signatures(struct lint *);
static void	 rule_bidi(struct lint *);

/* US postal codes of states, DC and territories. */
static const char *const postal[] = {
	"AK", "AL", "AR", "AS", "AZ", "CA", "CO", "CT", "DC", "DE", "FL",
	"GA", "GU", "HI", "IA", "ID", "IL", "IN", "KS", "KY", "LA", "MA",
	"MD", "ME", "MI", "MN", "MO", "MP", "MS", "MT", "NC", "ND", "NE",
	"NH", "NJ", "NM", "NV", "NY", "OH", "OK", "OR", "PA", "PR", "RI",
	"SC", "SD", "TN", "TX", "UT", "VA", "VI", "VT", "WA", "WI", "WV",
	"WY",
};

/*
 * 1 if word i could be a surname after a given name or a title: a
 * capitalised word that is no function word, month, title or generic
 * agency word.  caps: the word before was in capitals too.
 */
static int
surname_like(const struct lint *L, size_t i, int caps)
{
	const struct entry	*e;
	int			 nw;

	if (i >= L->nt || !(TFL(L, i) & TF_CAP) || (TFL(L, i) & TF_DIGIT))
		return 0;
	if ((TFL(L, i) & TF_UPPER) && !caps)
		return 0;
	if (lint_fixed_class(L, i, FX_STOP) || lint_fixed_class(L, i,
	    FX_MONTH) || lint_fixed_class(L, i, FX_WEEKDAY) ||
	    lint_fixed_class(L, i, FX_NOTNAME) || lint_fixed_class(L, i,
	    FX_STREET) || lint_fixed_class(L, i, FX_STREET_WEAK))
		return 0;
	if ((e = lint_dict_match(L, &L->d->titles, i, &nw)) != NULL)
		return 0;
	/* Park, Church, College: surnames too; Police, County: not. */
	if ((e = lint_dict_match(L, &L->d->agency, i, &nw)) != NULL &&
	    e->mark != M_INST)
		return 0;
	return 1;
}

/* Word i is a day of the month: 1-31, optionally 1st, 2nd, 3rd, 4th. */
static int
day_word(const struct lint *L, size_t i, int need_suffix)
{
	const char	*s = L->m + TOFF(L, i);
	size_t		 n = L->t[i].len, d;
	int		 v;

	if (i >= L->nt || (d = lint_digits_at(s, n, 0)) == 0 || d > 2)
		return 0;
	v = atoi(s);
	if (v < 1 || v > 31)
		return 0;
	if (d == n)
		return !need_suffix;
	if (n - d != 2)
		return 0;
	return strncasecmp(s + d, "st", 2) == 0 ||
	    strncasecmp(s + d, "nd", 2) == 0 ||
	    strncasecmp(s + d, "rd", 2) == 0 ||
	    strncasecmp(s + d, "th", 2) == 0;
}

/* Word i is a month name (capitalised or in capitals). */
static int
month_word(const struct lint *L, size_t i)
{
	return i < L->nt && (TFL(L, i) & TF_CAP) && lint_fixed_class(L, i,
	    FX_MONTH);
}

/*
 * Given names: alone (by their mark), or with the capitalised words that
 * follow them (a surname, an initial and a surname).
 */
static void
rule_names(struct lint *L)
{
	const struct entry	*e;
	size_t			 i, j, k;
	int			 nw, caps;

	for (i = 0; i < L->nt; i++) {
		if (!(TFL(L, i) & TF_CAP) || (TFL(L, i) & TF_DIGIT))
			continue;
		if ((e = lint_dict_match(L, &L->d->names, i, &nw)) == NULL)
			continue;
		caps = (TFL(L, i) & TF_UPPER) != 0;
		j = i + (size_t)nw;
		k = i + (size_t)nw - 1;
		/* An initial: "John Q. Public", "John Q Public". */
		if (j + 1 < L->nt && L->t[j].len == 1 && (TFL(L, j) & TF_CAP) &&
		    lint_adjacent(L, k, j, 0) && lint_adjacent(L, j, j + 1,
		    1) && surname_like(L, j + 1, caps))
			j++;
		if (j < L->nt && lint_adjacent(L, j - 1, j, j - 1 > k) &&
		    surname_like(L, j, caps)) {
			k = j;
			/*
			 * One more at most, on the same line: "Mary Ann
			 * Smith", not "Mike Johnson" and a next line.
			 */
			while (k + 1 < L->nt && k + 1 < j + 2 &&
			    lint_adjacent(L, k, k + 1, 0) &&
			    memchr(L->m + TEND(L, k), '\n', TOFF(L, k + 1) -
			    TEND(L, k)) == NULL &&
			    surname_like(L, k + 1, caps))
				k++;
			lint_add(L, K_NAME, TOFF(L, i), TEND(L, k));
			i = k;
			continue;
		}
		/* A common word in capitals ("WILL") is shouting. */
		if (e->mark == M_PLAIN || (e->mark == M_COMMON &&
		    !(TFL(L, i) & (TF_START | TF_UPPER))))
			lint_add(L, K_NAME, TOFF(L, i), TEND(L, k));
	}
}

/* Orders findings by offset, for rule_name_memory(). */
static int
offcmp(const void *a, const void *b)
{
	const struct finding	*x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return 0;
}

/* Orders the remembered words, for qsort() and bsearch(). */
static int
memcmp_key(const void *a, const void *b)
{
	return strcmp(a, b);
}

/*
 * A name flagged once is flagged everywhere: every other capitalised use
 * of its words ("Rivera said", "Holly says hello").  Linear but for the
 * sorts: the findings in text order, the words looked up by bsearch().
 */
static void
rule_name_memory(struct lint *L)
{
	char		 (*mem)[LINT_KEY_MAX] = NULL;
	char		 w[LINT_KEY_MAX];
	size_t		 nmem = 0, cap = 0, nf = L->nf, f, i, first = 0;
	int		 nw;

	if (nf > 0)
		qsort(L->f, nf, sizeof(*L->f), offcmp);
	for (f = 0; f < nf; f++) {
		if (L->f[f].kind != K_NAME)
			continue;
		while (first < L->nt && TEND(L, first) <= L->f[f].off)
			first++;
		for (i = first; i < L->nt && TOFF(L, i) < L->f[f].end; i++) {
			if (!(TFL(L, i) & TF_CAP) || L->t[i].len < 2 ||
			    lint_fixed_class(L, i, FX_STOP) ||
			    lint_fixed_class(L, i, FX_NOTNAME) ||
			    lint_dict_match(L, &L->d->titles, i, &nw) != NULL ||
			    lint_tok_word(L, i, w, sizeof(w)) == 0)
				continue;
			if (nmem == cap) {
				cap = cap ? cap * 2 : 16;
				mem = xreallocarray(mem, cap, sizeof(*mem));
			}
			memcpy(mem[nmem++], w, sizeof(w));
		}
	}
	if (nmem == 0)
		return;
	qsort(mem, nmem, sizeof(*mem), memcmp_key);
	for (i = 0; i < L->nt; i++) {
		if (!(TFL(L, i) & TF_CAP) ||
		    lint_tok_word(L, i, w, sizeof(w)) == 0)
			continue;
		if (bsearch(w, mem, nmem, sizeof(*mem), memcmp_key) != NULL)
			lint_add(L, K_NAME, TOFF(L, i), TEND(L, i));
	}
	free(mem);
}

/* Titles and ranks followed by a name: "Sgt. Alvarez", "Officer Kim". */
static void
rule_titles(struct lint *L)
{
	const struct entry	*e, *last;
	size_t			 i, j, k;
	int			 nw, lower, row;

	for (i = 0; i < L->nt; i++) {
		if (!(TFL(L, i) & (TF_CAP | TF_LOWER)))
			continue;
		if ((e = lint_dict_match(L, &L->d->titles, i, &nw)) == NULL)
			continue;
		lower = (TFL(L, i) & TF_LOWER) != 0;
		j = i + (size_t)nw;
		last = e;
		/*
		 * Titles in a row: "Deputy Chief", "Sgt. Maj.".  At most
		 * TITLE_ROW of them, so that a long run of titles costs linear
		 * time (each start would otherwise scan to its end).
		 */
		row = 1;
		while (row++ < TITLE_ROW && j < L->nt &&
		    lint_adjacent(L, j - 1, j, last->abbrev) &&
		    (e = lint_dict_match(L, &L->d->titles, j, &nw)) != NULL &&
		    (TFL(L, j) & TF_CAP)) {
			last = e;
			j += (size_t)nw;
		}
		if (j >= L->nt || !lint_adjacent(L, j - 1, j, last->abbrev))
			continue;
		/* An initial first: "Officer J. Smith". */
		if (L->t[j].len == 1 && (TFL(L, j) & TF_CAP) && j + 1 < L->nt &&
		    lint_adjacent(L, j, j + 1, 1) && surname_like(L, j + 1,
		    (TFL(L, i) & TF_UPPER) != 0))
			j++;
		/*
		 * "officer reilly": a surname written in small letters; not
		 * after "officer's", nor before "the" ("nurse clears the").
		 */
		if (!possessive(L, j - 1) && small_surname(L, j) &&
		    !(j + 1 < L->nt && lint_adjacent(L, j, j + 1, 0) &&
		    lint_fixed_class(L, j + 1, FX_OBJECT))) {
			lint_add(L, K_NAME, TOFF(L, i), TEND(L, j));
			i = j;
			continue;
		}
		if (!surname_like(L, j, (TFL(L, i) & TF_UPPER) != 0))
			continue;
		if (lower && (TFL(L, j) & TF_UPPER))
			continue;
		k = j;
		/* "Ofc. Dana Whitfield", over a line break at most once. */
		while (k + 1 < L->nt && k + 1 < j + 2 &&
		    lint_adjacent(L, k, k + 1, 0) && (k == j ||
		    memchr(L->m + TEND(L, k), '\n',
		    TOFF(L, k + 1) - TEND(L, k)) == NULL) &&
		    surname_like(L, k + 1, (TFL(L, i) & TF_UPPER) != 0))
			k++;
		lint_add(L, K_NAME, TOFF(L, i), TEND(L, k));
		i = k;
	}
}

/* Word i is a US postal code of a state or territory, in capitals. */
static int
postal_word(const struct lint *L, size_t i)
{
	size_t	 k;

	if (i >= L->nt || L->t[i].len != 2 || !(TFL(L, i) & TF_UPPER))
		return 0;
	for (k = 0; k < NM_NELEM(postal); k++)
		if (memcmp(L->m + TOFF(L, i), postal[k], 2) == 0)
			return 1;
	return 0;
}

/* Word i starts a state's name; *nw its words. */
static int
state_word(const struct lint *L, size_t i, int *nw)
{
	static const char *const states[] = {
	    "Alabama", "Alaska", "Arizona", "Arkansas", "California",
	    "Colorado", "Connecticut", "Delaware", "Florida", "Georgia",
	    "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa", "Kansas",
	    "Kentucky", "Louisiana", "Maine", "Maryland", "Massachusetts",
	    "Michigan", "Minnesota", "Mississippi", "Missouri", "Montana",
	    "Nebraska", "Nevada", "New Hampshire", "New Jersey",
	    "New Mexico", "New York", "North Carolina", "North Dakota",
	    "Ohio", "Oklahoma", "Oregon", "Pennsylvania", "Rhode Island",
	    "South Carolina", "South Dakota", "Tennessee", "Texas", "Utah",
	    "Vermont", "Virginia", "Washington", "West Virginia",
	    "Wisconsin", "Wyoming", "Puerto Rico", "Guam",
	};
	const struct entry	*e;
	size_t			 k;

	if ((e = lint_dict_match(L, &L->d->places, i, nw)) == NULL)
		return 0;
	for (k = 0; k < NM_NELEM(states); k++)
		if (strcmp(e->key, states[k]) == 0)
			return 1;
	return 0;
}

/*
 * 1 if the place that words i..j spell is named a place by its
 * context: a preposition before it, or ", STATE" after it.
 */
static int
place_context(const struct lint *L, size_t i, size_t j)
{
	size_t	 p;
	int	 nw;

	if (i > 0 && lint_adjacent(L, i - 1, i, 0) && (TFL(L, i - 1) &
	    TF_LOWER) && lint_fixed_class(L, i - 1, FX_PREP))
		return 1;
	if (j + 1 < L->nt) {
		for (p = TEND(L, j); p < TOFF(L, j + 1) && L->m[p] == ' ';
		    p++)
			;
		if (p < TOFF(L, j + 1) && L->m[p] == ',' &&
		    (postal_word(L, j + 1) || state_word(L, j + 1, &nw)))
			return 1;
	}
	return 0;
}

/*
 * Places from the gazetteer, and "Town, ST" (with a ZIP code, an
 * address) for towns the gazetteer lacks.
 */
static void
rule_places(struct lint *L)
{
	const struct entry	*e;
	size_t			 i, j, k, p;
	int			 nw;

	for (i = 0; i < L->nt; i++) {
		if (!(TFL(L, i) & TF_CAP))
			continue;
		if ((e = lint_dict_match(L, &L->d->places, i, &nw)) != NULL) {
			j = i + (size_t)nw - 1;
			if (e->mark == M_PLAIN || ((e->mark == M_COMMON &&
			    !(TFL(L, i) & TF_START)) || place_context(L, i, j)))
				lint_add(L, K_PLACE, TOFF(L, i), TEND(L, j));
		}
		/* Capitalised words, a comma and a postal code. */
		for (j = i; j < L->nt && j < i + 3; j++) {
			if (!(TFL(L, j) & TF_CAP) || (TFL(L, j) & TF_UPPER) ||
			    lint_fixed_class(L, j, FX_STOP) ||
			    (j > i && !lint_adjacent(L, j - 1, j, 1)))
				break;
			for (p = TEND(L, j); j + 1 < L->nt &&
			    p < TOFF(L, j + 1) && L->m[p] == ' '; p++)
				;
			if (j + 1 >= L->nt || p >= TOFF(L, j + 1) ||
			    L->m[p] != ',' || !postal_word(L, j + 1))
				continue;
			for (p++; p < TOFF(L, j + 1) && L->m[p] == ' '; p++)
				;
			if (p != TOFF(L, j + 1))
				continue;
			k = j + 1;
			/* A ZIP code makes it an address. */
			if (k + 1 < L->nt && lint_adjacent(L, k, k + 1, 0) &&
			    (TFL(L, k + 1) & TF_DIGIT) &&
			    lint_digits_at(L->m, L->len, TOFF(L, k + 1)) == 5) {
				lint_add(L, K_ADDRESS, TOFF(L, i),
				    TEND(L, k + 1));
				break;
			}
			/* OK, IN, ME, OR, HI, AS are words too. */
			if (lint_word_char(L->m, L->len, TEND(L, k)) ||
			    lint_tok_is(L, k, "OK") || lint_tok_is(L, k,
			    "IN") || lint_tok_is(L, k, "ME") ||
			    lint_tok_is(L, k, "OR") || lint_tok_is(L, k,
			    "HI") || lint_tok_is(L, k, "AS"))
				break;
			lint_add(L, K_PLACE, TOFF(L, i), TEND(L, k));
			break;
		}
	}
}

/* "NYPD", "JSO", "PCSO": a police or sheriff's acronym. */
static int
acronym_agency(const struct lint *L, size_t i)
{
	const char	*s = L->m + TOFF(L, i);
	size_t		 n = L->t[i].len;

	if (!(TFL(L, i) & TF_UPPER) || (TFL(L, i) & TF_DIGIT) || n < 3 ||
	    n > 7)
		return 0;
	if (memcmp(s + n - 2, "PD", 2) == 0)
		return 1;
	if (n >= 4 && memcmp(s + n - 2, "SO", 2) == 0 &&
	    !(n == 4 && memcmp(s, "ALSO", 4) == 0))
		return 1;
	return 0;
}

/* Word i alone is a generic agency word ("State", "County"). */
static int
generic_word(const struct lint *L, size_t i)
{
	const struct dict	*d = &L->d->agency;
	const struct ref	*r, *idx;
	struct ref		 k;
	char			 w[LINT_KEY_MAX];
	size_t			 n, j;

	if ((n = lint_tok_word(L, i, w, sizeof(w))) == 0)
		return 0;
	idx = d->exact;
	if (TFL(L, i) & TF_UPPER) {
		for (j = 0; j < n; j++)
			w[j] = (char)toupper((unsigned char)w[j]);
		idx = d->upper;
	}
	k.key = w;
	if ((r = bsearch(&k, idx, d->n, sizeof(*r), lint_refcmp)) == NULL)
		return 0;
	while (r > idx && strcmp(r[-1].key, w) == 0)
		r--;
	for (; r < idx + d->n && strcmp(r->key, w) == 0; r++)
		if (r->e->mark == M_GENERIC)
			return 1;
	return 0;
}

/*
 * Agencies: a suffix ("Police Department", "County", "PD") with the
 * capitalised name words before it, or an agency named by itself.
 */
static void
rule_agencies(struct lint *L)
{
	const struct entry	*e;
	size_t			 i, j, k, first;
	int			 nw, gw, named, allcaps;

	for (i = 0; i < L->nt; i++) {
		if (acronym_agency(L, i)) {
			lint_add(L, K_AGENCY, TOFF(L, i), TEND(L, i));
			continue;
		}
		if (!(TFL(L, i) & TF_CAP))
			continue;
		if ((e = lint_dict_match(L, &L->d->agency, i, &nw)) == NULL ||
		    e->mark == M_GENERIC)
			continue;
		j = i + (size_t)nw - 1;
		if (e->mark == M_SELF) {
			lint_add(L, K_AGENCY, TOFF(L, i), TEND(L, j));
			continue;
		}
		allcaps = (TFL(L, i) & TF_UPPER) != 0;
		named = 0;
		first = i;
		for (k = i; k > 0 && i - k < 4; k--) {
			size_t	 w = k - 1;

			/* "St. Luke's": a sentence starts at no "St.". */
			if ((TFL(L, k) & TF_START) && !(L->t[w].len <= 2 &&
			    (TFL(L, w) & TF_CAP) && L->m[TEND(L, w)] == '.' &&
			    lint_adjacent(L, w, k, 1)))
				break;
			/*
			 * Not across a line (a signature's name and agency),
			 * nor a full stop ("God. Tribal Police"), only the
			 * dot of a short abbreviation ("St. Mary's").
			 */
			if (!lint_adjacent(L, w, k, L->t[w].len <= 2) ||
			    !(TFL(L, w) & TF_CAP) ||
			    lint_fixed_class(L, w, FX_STOP) || memchr(L->m +
			    TEND(L, w), '\n', TOFF(L, k) - TEND(L, w)) != NULL)
				break;
			/*
			 * "Marion SO": the name in small letters, or "WAS SO"
			 * in a shouted sentence would be an agency.
			 */
			if (allcaps && (TFL(L, w) & TF_UPPER) &&
			    lint_tok_is(L, i, "SO"))
				break;
			/* Titles ("Deputy Sheriff") are generic here. */
			if (!generic_word(L, w) &&
			    lint_dict_match(L, &L->d->titles, w, &gw) == NULL)
				named = 1;
			first = w;
		}
		if (named)
			lint_add(L, e->mark == M_INST ? K_PLACE : K_AGENCY,
			    TOFF(L, first), TEND(L, j));
	}
}

/* Word i is an ordinal: 1st, 22nd, 103rd, 5th. */
static int
ordinal_word(const struct lint *L, size_t i)
{
	const char	*s = L->m + TOFF(L, i);
	size_t		 n = L->t[i].len, d;

	if ((d = lint_digits_at(s, n, 0)) == 0 || n - d != 2)
		return 0;
	return strncasecmp(s + d, "st", 2) == 0 ||
	    strncasecmp(s + d, "nd", 2) == 0 ||
	    strncasecmp(s + d, "rd", 2) == 0 ||
	    strncasecmp(s + d, "th", 2) == 0;
}

/* Word i is a house number: 1-6 digits, maybe a letter or a range. */
static int
house_number(const struct lint *L, size_t i)
{
	const char	*s = L->m + TOFF(L, i);
	size_t		 n = L->t[i].len, d;

	if ((d = lint_digits_at(s, n, 0)) == 0 || d > 6)
		return 0;
	if (d == n)
		return 1;
	if (n == d + 1 && isupper((unsigned char)s[d]))
		return 1;
	return s[d] == '-' && lint_digits_at(s, n, d + 1) == n - d - 1;
}

/*
 * Addresses: "1400 Main Street", "1400 block of Main", "Elm St",
 * "5th Ave", "Highway 101", "I-95", "Apt 4B", "PO Box 12".
 */
static void
rule_addresses(struct lint *L)
{
	size_t	 i, j, k, first;
	int	 names, lowname;

	for (i = 0; i < L->nt; i++) {
		/* A house number, names and a suffix. */
		if (house_number(L, i) && i + 1 < L->nt &&
		    lint_adjacent(L, i, i + 1, 0)) {
			j = i + 1;
			if (lint_tok_is(L, j, "block") && j + 1 < L->nt &&
			    lint_tok_is(L, j + 1, "of") &&
			    lint_adjacent(L, j, j + 1, 0)) {
				k = j + 1;
				while (k + 1 < L->nt && k < j + 5 &&
				    lint_adjacent(L, k, k + 1, 1) &&
				    ((TFL(L, k + 1) & TF_CAP) ||
				    ordinal_word(L, k + 1)))
					k++;
				lint_add(L, K_ADDRESS, TOFF(L, i), TEND(L, k));
				i = k;
				continue;
			}
			if (lint_fixed_class(L, j, FX_DIRECTION) &&
			    j + 1 < L->nt && lint_adjacent(L, j, j + 1, 1) &&
			    ((TFL(L, j) & TF_CAP)))
				j++;
			names = lowname = 0;
			for (k = j; k < L->nt && k < j + 4; k++) {
				if (k > j && !lint_adjacent(L, k - 1, k, 1))
					break;
				if (k > j && (lint_fixed_class(L, k,
				    FX_STREET) || lint_fixed_class(L, k,
				    FX_STREET_WEAK)) && ((TFL(L, k) & TF_CAP) ||
				    (lowname && names == 1 && L->t[k].len > 3)))
					break;
				if ((TFL(L, k) & TF_CAP) || ordinal_word(L, k))
					names++;
				else if (k == j && (TFL(L, k) & TF_LOWER) &&
				    !lint_fixed_class(L, k, FX_STOP) &&
				    !lint_fixed_class(L, k, FX_STREET) &&
				    !lint_fixed_class(L, k, FX_STREET_WEAK)) {
					names++;
					lowname = 1;
				} else
					break;
			}
			if (names > 0 && k < L->nt && k == j + (size_t)names &&
			    lint_adjacent(L, k - 1, k, 1) &&
			    (lint_fixed_class(L, k, FX_STREET) ||
			    lint_fixed_class(L, k, FX_STREET_WEAK)) &&
			    ((TFL(L, k) & TF_CAP) || (lowname &&
			    L->t[k].len > 3))) {
				lint_add(L, K_ADDRESS, TOFF(L, i), TEND(L, k));
				i = k;
				continue;
			}
		}
		/* Names and a strong suffix: "Elm St", "5th Ave". */
		if ((TFL(L, i) & TF_CAP) && lint_fixed_class(L, i, FX_STREET) &&
		    i > 0 && lint_adjacent(L, i - 1, i, 1)) {
			int	 sdot = 0;

			/* "St. Louis", "Dr. Smith": a title, not a street. */
			if ((lint_tok_is(L, i, "St") ||
			    lint_tok_is(L, i, "Dr")) && i + 1 < L->nt &&
			    lint_adjacent(L, i, i + 1, 1) &&
			    (TFL(L, i + 1) & TF_CAP))
				sdot = 1;
			first = i;
			for (k = i; k > 0 && i - k < 3; k--) {
				size_t	 w = k - 1;

				if (!lint_adjacent(L, w, k, 1))
					break;
				if (!((TFL(L, w) & TF_CAP) || ordinal_word(L,
				    w)) || lint_fixed_class(L, w, FX_STOP) ||
				    lint_tok_is(L, w, "State") ||
				    lint_tok_is(L, w, "County") ||
				    lint_tok_is(L, w, "Interstate"))
					break;
				first = w;
				if (TFL(L, w) & TF_START)
					break;
			}
			if (first < i && !sdot)
				lint_add(L, K_ADDRESS, TOFF(L, first),
				    TEND(L, i));
		}
		/*
		 * Road numbers: "Highway 101", "route 66", "I-95"; in small
		 * letters only highway, route and interstate.
		 */
		if (lint_fixed_class(L, i, FX_ROAD) && i + 1 < L->nt &&
		    ((TFL(L, i) & TF_CAP) || lint_tok_is(L, i, "highway") ||
		    lint_tok_is(L, i, "route") || lint_tok_is(L, i,
		    "interstate")) && lint_adjacent(L, i, i + 1, 0) &&
		    (TFL(L, i + 1) & TF_DIGIT) && lint_digits_at(L->m, L->len,
		    TOFF(L, i + 1)) > 0 && lint_digits_at(L->m, L->len,
		    TOFF(L, i + 1)) <= 4 && !lint_fixed_class(L, i + 2,
		    FX_MEASURE)) {
			first = i;
			if (i > 0 && lint_adjacent(L, i - 1, i, 0) &&
			    (TFL(L, i - 1) & TF_CAP) &&
			    (lint_tok_is(L, i - 1, "State") ||
			    lint_tok_is(L, i - 1, "County") ||
			    lint_tok_is(L, i - 1, "Farm") ||
			    lint_tok_is(L, i - 1, "US") ||
			    lint_tok_is(L, i - 1, "Ranch")))
				first = i - 1;
			lint_add(L, K_ADDRESS, TOFF(L, first), TEND(L, i + 1));
			i++;
			continue;
		}
		if ((TFL(L, i) & TF_UPPER) && (TFL(L, i) & TF_DIGIT)) {
			const char	*s = L->m + TOFF(L, i);
			size_t		 n = L->t[i].len, h;

			for (h = 0; h < n && s[h] != '-'; h++)
				;
			if (h < n && h <= 3 && lint_digits_at(s, n, h + 1) >
			    0 && (memcmp(s, "US-", 3) == 0 ||
			    memcmp(s, "SR-", 3) == 0 ||
			    memcmp(s, "CR-", 3) == 0 ||
			    memcmp(s, "FM-", 3) == 0)) {
				lint_add(L, K_ADDRESS, TOFF(L, i), TEND(L, i));
				continue;
			}
		}
		if (L->t[i].len > 2 && L->m[TOFF(L, i)] == 'I' &&
		    L->m[TOFF(L, i) + 1] == '-' &&
		    lint_digits_at(L->m, L->len, TOFF(L, i) + 2) ==
		    L->t[i].len - 2) {
			lint_add(L, K_ADDRESS, TOFF(L, i), TEND(L, i));
			continue;
		}
		/* Apartments and suites; PO boxes. */
		if (lint_fixed_class(L, i, FX_APT) && i + 1 < L->nt &&
		    lint_adjacent(L, i, i + 1, 1) &&
		    (((TFL(L, i + 1) & TF_DIGIT) && !lint_fixed_class(L, i + 2,
		    FX_MEASURE)) || (L->t[i + 1].len == 1 &&
		    (TFL(L, i + 1) & TF_CAP) && !lint_tok_is(L, i + 1, "I") &&
		    !lint_tok_is(L, i + 1, "A"))) && ((TFL(L, i) & TF_CAP) ||
		    lint_tok_is(L, i, "apartment") || lint_tok_is(L, i,
		    "apt") || lint_tok_is(L, i, "suite"))) {
			lint_add(L, K_ADDRESS, TOFF(L, i), TEND(L, i + 1));
			i++;
			continue;
		}
		if ((lint_tok_is(L, i, "PO") || (lint_tok_is(L, i, "P") &&
		    i + 1 < L->nt && lint_tok_is(L, i + 1, "O"))) &&
		    (TFL(L, i) & TF_CAP)) {
			j = lint_tok_is(L, i, "PO") ? i + 1 : i + 2;
			if (j + 1 < L->nt && lint_tok_is(L, j, "Box") &&
			    lint_adjacent(L, j - 1, j, 1) &&
			    lint_adjacent(L, j, j + 1, 0) &&
			    (TFL(L, j + 1) & TF_DIGIT)) {
				lint_add(L, K_ADDRESS, TOFF(L, i),
				    TEND(L, j + 1));
				i = j + 1;
			}
		}
	}
}

/*
 * The weekday before word i ("Friday the 14th", "Saturday, November
 * 29"): its index, or i.
 */
static size_t
weekday_before(const struct lint *L, size_t i)
{
	size_t	 p;

	if (i == 0 || !(TFL(L, i - 1) & TF_CAP) || !lint_fixed_class(L, i - 1,
	    FX_WEEKDAY))
		return i;
	for (p = TEND(L, i - 1); p < TOFF(L, i); p++)
		if (L->m[p] != ' ' && L->m[p] != ',')
			return i;
	return i - 1;
}

/*
 * Dates with a day: "March 3", "3 March", "3rd of March", "the 14th",
 * holidays.  (Dates in digits are character patterns.)
 */
static void
rule_dates(struct lint *L)
{
	const struct entry	*e;
	size_t			 i, j, k;
	int			 nw;

	for (i = 0; i < L->nt; i++) {
		/* Month, optional "the", day, optional year. */
		if (month_word(L, i)) {
			j = i + 1;
			if (j < L->nt && lint_tok_is(L, j, "the") &&
			    lint_adjacent(L, i, j, 1))
				j++;
			if (j < L->nt && lint_adjacent(L, j - 1, j, 1) &&
			    day_word(L, j, j > i + 1) &&
			    !(TOFF(L, j) > 0 && L->m[TEND(L, j)] == ':') &&
			    !lint_fixed_class(L, j + 1, FX_MEASURE)) {
				k = j;
				/* ", 2024" */
				if (k + 1 < L->nt && (TFL(L, k + 1) & TF_NUM) &&
				    L->t[k + 1].len == 4 &&
				    TOFF(L, k + 1) - TEND(L, k) <= 2 &&
				    L->m[TEND(L, k)] == ',')
					k++;
				lint_add(L, K_DATE,
				    TOFF(L, weekday_before(L, i)), TEND(L, k));
				i = k;
				continue;
			}
		}
		/* Day, optional "of", month. */
		if (day_word(L, i, 0) && i + 1 < L->nt &&
		    lint_adjacent(L, i, i + 1, 0)) {
			j = i + 1;
			if (lint_tok_is(L, j, "of") && j + 1 < L->nt &&
			    lint_adjacent(L, j, j + 1, 0))
				j++;
			if (month_word(L, j) && (j > i + 1 ||
			    L->t[i].len <= 2 || day_word(L, i, 1))) {
				k = j;
				if (k + 1 < L->nt && (TFL(L, k + 1) & TF_NUM) &&
				    L->t[k + 1].len == 4 &&
				    lint_adjacent(L, k, k + 1, 0))
					k++;
				lint_add(L, K_DATE, TOFF(L, i), TEND(L, k));
				i = k;
				continue;
			}
		}
		/* "the 14th" on its own, or before "at", "of June"... */
		if (lint_tok_is(L, i, "the") && i + 1 < L->nt &&
		    lint_adjacent(L, i, i + 1, 0) && day_word(L, i + 1, 1)) {
			j = i + 1;
			/* "the 3rd of June": the day-first form, below. */
			if (j + 2 < L->nt && lint_tok_is(L, j + 1, "of") &&
			    month_word(L, j + 2))
				continue;
			k = TEND(L, j);
			if (k >= L->len || j + 1 >= L->nt ||
			    strchr(".,;:!?)", L->m[k]) != NULL ||
			    (lint_adjacent(L, j, j + 1, 0) &&
			    lint_fixed_class(L, j + 1, FX_DATEAFTER))) {
				k = weekday_before(L, i);
				lint_add(L, K_DATE, TOFF(L, k < i ? k : j),
				    TEND(L, j));
				i = j;
				continue;
			}
		}
		/* Holidays. */
		if ((TFL(L, i) & TF_CAP) && (e =
		    lint_dict_match(L, &L->d->fixed, i, &nw)) != NULL &&
		    e->cls == FX_HOLIDAY && e->mark == M_PLAIN) {
			lint_add(L, K_DATE, TOFF(L, i),
			    TEND(L, i + (size_t)nw - 1));
			i += (size_t)nw - 1;
		}
	}
}

/*
 * Badge, unit, case and report numbers: a context word ("badge", "Unit",
 * "case #", "CAD") and a word with a digit.
 */
static void
rule_numbers(struct lint *L)
{
	size_t	 i, j, p, end;
	int	 skips;

	for (i = 0; i < L->nt; i++) {
		if (!lint_fixed_class(L, i, FX_NUMCTX) ||
		    (TFL(L, i) & TF_DIGIT))
			continue;
		/* "license plate" is the plate rule's. */
		if (i + 1 < L->nt && lint_fixed_class(L, i + 1, FX_PLATECTX))
			continue;
		j = i + 1;
		for (skips = 0; j < L->nt && skips < 2 &&
		    lint_adjacent(L, j - 1, j, 1) && (lint_tok_is(L, j, "no") ||
		    lint_tok_is(L, j, "number") || lint_tok_is(L, j, "num") ||
		    lint_tok_is(L, j, "nr") || lint_tok_is(L, j, "was") ||
		    lint_tok_is(L, j, "is") || lint_fixed_class(L, j,
		    FX_NUMCTX)); skips++)
			j++;
		if (j >= L->nt || !(TFL(L, j) & TF_DIGIT))
			continue;
		/* Only blanks, '#', ':' or the dot of "no." between. */
		for (p = TEND(L, j - 1), end = TOFF(L, j); p < end; p++)
			if (strchr(" \t\r\n#:", L->m[p]) == NULL &&
			    !(L->m[p] == '.' && p == TEND(L, j - 1) &&
			    (lint_tok_is(L, j - 1, "no") ||
			    lint_tok_is(L, j - 1, "nr") ||
			    lint_tok_is(L, j - 1, "num"))))
				break;
		if (p < end)
			continue;
		/* "911", and quantities ("car 20 minutes"). */
		if (L->t[j].len == 3 && memcmp(L->m + TOFF(L, j), "911", 3) ==
		    0)
			continue;
		if (j + 1 < L->nt && lint_fixed_class(L, j + 1, FX_MEASURE))
			continue;
		/* A number of several words: "CAD 24 118833". */
		end = j;
		while (end + 1 < L->nt && (TFL(L, end + 1) & TF_DIGIT) &&
		    TOFF(L, end + 1) == TEND(L, end) + 1 &&
		    strchr("-/", L->m[TEND(L, end)]) != NULL)
			end++;
		lint_add(L, K_NUMBER, TOFF(L, i), TEND(L, end));
		i = end;
	}
}

/* Word i is a year, 1900-2099. */
static int
year_word(const struct lint *L, size_t i)
{
	const char	*s = L->m + TOFF(L, i);

	return (TFL(L, i) & TF_NUM) && L->t[i].len == 4 &&
	    ((s[0] == '1' && s[1] == '9') || (s[0] == '2' && s[1] == '0'));
}

/* Word i looks like a plate by itself: ABC-1234, ABC1234, 7ABC123. */
static size_t
plate_shape(const struct lint *L, size_t i)
{
	const char	*s = L->m + TOFF(L, i);
	size_t		 n = L->t[i].len, a = 0, k;

	if (!(TFL(L, i) & TF_DIGIT) || (TFL(L, i) & TF_LOWER))
		return 0;
	for (k = 0; k < n; k++)
		if (islower((unsigned char)s[k]))
			return 0;
	while (a < n && isupper((unsigned char)s[a]))
		a++;
	/* ABC-1234, ABC1234, ABC-123 */
	if (a == 3 && ((n == 8 && s[3] == '-' && lint_digits_at(s, n, 4) ==
	    4) || (n == 7 && lint_digits_at(s, n, 3) == 4) || (n == 7 &&
	    s[3] == '-' && lint_digits_at(s, n, 4) == 3)))
		return 1;
	/* 7ABC123 */
	if (n == 7 && isdigit((unsigned char)s[0]) && isupper((unsigned
	    char)s[1]) && isupper((unsigned char)s[2]) &&
	    isupper((unsigned char)s[3]) && lint_digits_at(s, n, 4) == 3)
		return 1;
	return 0;
}

/*
 * Vehicle plates: after "plate", "tag", "registration" (and a few
 * words), or in a common state format anywhere.
 */
static void
rule_plates(struct lint *L)
{
	size_t	 i, j, k, n, p;
	int	 skips, nw;

	for (i = 0; i < L->nt; i++) {
		if (plate_shape(L, i)) {
			lint_add(L, K_PLATE, TOFF(L, i), TEND(L, i));
			continue;
		}
		/* ABC 1234 */
		if ((TFL(L, i) & TF_UPPER) && L->t[i].len == 3 &&
		    i + 1 < L->nt && (TFL(L, i + 1) & TF_NUM) &&
		    L->t[i + 1].len == 4 && TOFF(L, i + 1) == TEND(L, i) + 1 &&
		    L->m[TEND(L, i)] == ' ' && !lint_fixed_class(L, i,
		    FX_NUMCTX) && !year_word(L, i + 1) &&
		    !lint_fixed_class(L, i, FX_ROAD) &&
		    !lint_word_char(L->m, L->len, TEND(L, i + 1)) &&
		    L->m[TEND(L, i + 1)] != '-' && !lint_fixed_class(L, i + 2,
		    FX_MEASURE)) {
			lint_add(L, K_PLATE, TOFF(L, i), TEND(L, i + 1));
			i++;
			continue;
		}
		if (!lint_fixed_class(L, i, FX_PLATECTX) &&
		    !((lint_tok_is(L, i, "license") || lint_tok_is(L, i,
		    "licence")) && i + 1 < L->nt && lint_fixed_class(L, i + 1,
		    FX_PLATECTX)))
			continue;
		j = i + 1;
		for (skips = 0; j < L->nt && skips < 4 &&
		    lint_adjacent(L, j - 1, j, 1); skips++) {
			if (lint_fixed_class(L, j, FX_FILLER) ||
			    lint_fixed_class(L, j, FX_PLATECTX) ||
			    postal_word(L, j))
				j++;
			else if ((TFL(L, j) & TF_CAP) && state_word(L, j, &nw))
				j += (size_t)nw;
			else
				break;
		}
		if (j >= L->nt)
			continue;
		for (p = TEND(L, j - 1); p < TOFF(L, j); p++)
			if (strchr(" \t\r\n#:,\"'", L->m[p]) == NULL)
				break;
		if (p < TOFF(L, j) || (TFL(L, j) & TF_LOWER))
			continue;
		n = L->t[j].len;
		if (n < 2 || n > 8)
			continue;
		if (!(TFL(L, j) & TF_DIGIT) && !((TFL(L, j) & TF_UPPER) &&
		    n >= 4))
			continue;
		k = j;
		/* "ABC 1234" as two words */
		if (k + 1 < L->nt && L->t[k].len <= 4 && L->t[k + 1].len <= 4 &&
		    TOFF(L, k + 1) == TEND(L, k) + 1 && L->m[TEND(L, k)] ==
		    ' ' && ((TFL(L, k + 1) & TF_NUM) || (TFL(L, k + 1) &
		    TF_UPPER)))
			k++;
		if (lint_fixed_class(L, k + 1, FX_MEASURE))
			continue;
		lint_add(L, K_PLATE, TOFF(L, j), TEND(L, k));
		i = k;
	}
}

/*
 * Signature lines: "-- ", "Sent from my ...", "Get Outlook for ...",
 * and a closing ("Regards,") on its own line before a short line.
 */
static void
rule_signatures(struct lint *L)
{
	const char	*m = L->m;
	size_t		 p, eol, a, b, q, qe, qa, qb, i;
	int		 lines;

	for (p = 0; p < L->len; p = eol + 1) {
		for (eol = p; eol < L->len && m[eol] != '\n'; eol++)
			;
		for (a = p; a < eol && (m[a] == ' ' || m[a] == '\t'); a++)
			;
		for (b = eol; b > a && isspace((unsigned char)m[b - 1]); b--)
			;
		if (a == b)
			continue;
		if (b - a >= 2 && m[a] == '-' && m[a + 1] == '-' &&
		    (b - a == 2 || m[a + 2] == ' ')) {
			lint_add(L, K_SIGNATURE, a, b);
			continue;
		}
		for (i = a; i + 12 <= b; i++)
			if ((strncasecmp(m + i, "sent from my", 12) == 0 ||
			    strncasecmp(m + i, "get outlook for", 15) == 0) &&
			    (i == a || !isalnum((unsigned char)m[i - 1]))) {
				lint_add(L, K_SIGNATURE, i, b);
				break;
			}
		if (i + 12 <= b)
			continue;
		/* "Regards," alone on its line */
		qe = b;
		if (strchr(",!.", m[qe - 1]) != NULL)
			qe--;
		if (qe <= a || !lint_fixed_is(L->d, m + a, qe - a, FX_CLOSING))
			continue;
		/* The next line with text, at most one blank line on. */
		q = eol + 1;
		for (lines = 0; q < L->len && lines < 2; lines++) {
			for (qe = q; qe < L->len && m[qe] != '\n'; qe++)
				;
			for (qa = q; qa < qe && isspace((unsigned char)m[qa]);
			    qa++)
				;
			if (qa < qe)
				break;
			q = qe + 1;
		}
		if (q >= L->len) {
			/* The last line of all: a closing if it has a comma. */
			if (m[b - 1] == ',')
				lint_add(L, K_SIGNATURE, a, b);
			continue;
		}
		for (qe = q; qe < L->len && m[qe] != '\n'; qe++)
			;
		for (qa = q; qa < qe && isspace((unsigned char)m[qa]); qa++)
			;
		for (qb = qe; qb > qa && isspace((unsigned char)m[qb - 1]);
		    qb--)
			;
		if (qa < qb && qb - qa <= 40 && isupper((unsigned char)m[qa]) &&
		    m[qb - 1] != '.' && m[qb - 1] != ':')
			lint_add(L, K_SIGNATURE, a, b);
	}
}

/*
 * Every bidirectional control in the file itself (not the mask: the
 * front matter and brackets too), one finding each.
 */
static void
rule_bidi(struct lint *L)
{
	long	 off;
	size_t	 p = 0;

	while (p < L->len && (off = utf8_find_bidi(L->text + p,
	    L->len - p)) >= 0) {
		p += (size_t)off;
		lint_add(L, K_BIDI, p, p + 3);	/* each is 3 bytes */
		p += 3;
	}
}

/*
 * 1 if word j, in small letters, reads as a surname after a title
 * ("officer reilly"): three letters or more, no word the rules or the
 * common words know, no title, and not ending as most verbs do (-ed,
 * -ing).
 */
static int
small_surname(const struct lint *L, size_t j)
{
	char	 w[LINT_KEY_MAX];
	size_t	 n;
	int	 nw;

	if (j >= L->nt || !(TFL(L, j) & TF_LOWER) || !(TFL(L, j) & TF_ALPHA))
		return 0;
	if ((n = lint_tok_word(L, j, w, sizeof(w))) < 3)
		return 0;
	if ((n > 4 && strcmp(w + n - 2, "ed") == 0) ||
	    (n > 5 && strcmp(w + n - 3, "ing") == 0))
		return 0;
	if (ordinary_word(L, j) ||
	    lint_dict_match(L, &L->d->titles, j, &nw) != NULL)
		return 0;
	return 1;
}

/* 1 if word i ends in "'s" or "’s", or an apostrophe follows it. */
static int
possessive(const struct lint *L, size_t i)
{
	const char	*s = L->m + TOFF(L, i);
	size_t		 n = L->t[i].len;

	if (n > 2 && s[n - 2] == '\'' && (s[n - 1] == 's' || s[n - 1] == 'S'))
		return 1;
	if (n > 4 && memcmp(s + n - 4, "\xe2\x80\x99", 3) == 0 &&
	    (s[n - 1] == 's' || s[n - 1] == 'S'))
		return 1;
	return TEND(L, i) < L->len && (L->m[TEND(L, i)] == '\'' ||
	    (TEND(L, i) + 3 <= L->len && memcmp(L->m + TEND(L, i),
	    "\xe2\x80\x99", 3) == 0));
}

/* 1 if word i is one of the fixed words, of any class but holidays. */
static int
ordinary_word(const struct lint *L, size_t i)
{
	int	 cls;

	for (cls = 0; cls < FX__MAX; cls++)
		if (cls != FX_HOLIDAY && lint_fixed_class(L, i, cls))
			return 1;
	return 0;
}

/* 1 if word i has a Latin letter with a diacritic ("Wójcik"). */
static int
has_latin(const struct lint *L, size_t i)
{
	unsigned int	 cp;
	size_t		 p;

	for (p = TOFF(L, i); p < TEND(L, i); ) {
		p += (size_t)lint_utf8_get(L->m, L->len, p, &cp);
		if (cp >= 0xc0 && cp <= 0x24f && cp != 0xd7 && cp != 0xf7)
			return 1;
	}
	return 0;
}

/*
 * 1 if word i is a surname by its shape: a prefix, a capital and small
 * letters ("McAllister", "DeShawn", "LaToya", "VanBuren").
 */
static int
camel_name(const struct lint *L, size_t i)
{
	static const char *const pre[] = {
		"Mc", "Mac", "De", "Di", "Da", "Du", "La", "Le", "Van", "Von",
		"Fitz",
	};
	const char	*s = L->m + TOFF(L, i);
	size_t		 n = L->t[i].len, k, p, pl;

	if (!(TFL(L, i) & TF_CAP) || (TFL(L, i) & (TF_UPPER | TF_DIGIT)))
		return 0;
	for (k = 0; k < NM_NELEM(pre); k++) {
		pl = strlen(pre[k]);
		if (n < pl + 3 || memcmp(s, pre[k], pl) != 0 ||
		    !isupper((unsigned char)s[pl]) ||
		    !islower((unsigned char)s[pl + 1]) ||
		    !islower((unsigned char)s[pl + 2]))
			continue;
		for (p = pl + 3; p < n; p++)
			if (!islower((unsigned char)s[p]) && s[p] != '\'')
				return 0;
		return !lint_fixed_class(L, i, FX_NOTNAME);
	}
	return 0;
}

/*
 * Names the given-name list cannot know: a surname by its shape
 * ("McAllister", with a surname after it), and two or three
 * capitalised words, one with a Latin letter with a diacritic
 * ("Tadeusz Wójcik").
 */
static void
rule_names_more(struct lint *L)
{
	size_t	 i, k;
	int	 latin;

	for (i = 0; i < L->nt; i++) {
		if (camel_name(L, i)) {
			k = i;
			if (k + 1 < L->nt && lint_adjacent(L, k, k + 1, 0) &&
			    memchr(L->m + TEND(L, k), '\n', TOFF(L, k + 1) -
			    TEND(L, k)) == NULL && surname_like(L, k + 1, 0))
				k++;
			lint_add(L, K_NAME, TOFF(L, i), TEND(L, k));
			i = k;
			continue;
		}
		if (!surname_like(L, i, 0) || L->t[i].len < 2)
			continue;
		latin = has_latin(L, i);
		for (k = i; k + 1 < L->nt && k < i + 2 &&
		    lint_adjacent(L, k, k + 1, 0) && memchr(L->m + TEND(L, k),
		    '\n', TOFF(L, k + 1) - TEND(L, k)) == NULL &&
		    surname_like(L, k + 1, 0) && L->t[k + 1].len >= 2; k++)
			latin |= has_latin(L, k + 1);
		if (k > i && latin) {
			lint_add(L, K_NAME, TOFF(L, i), TEND(L, k));
			i = k;
		}
	}
}

/*
 * The offset of an opening double quote (" or U+201C) right before word
 * i, or (size_t)-1.
 */
static size_t
quote_before(const struct lint *L, size_t i)
{
	size_t	 p = TOFF(L, i);

	if (p >= 1 && L->m[p - 1] == '"')
		return p - 1;
	if (p >= 3 && memcmp(L->m + p - 3, "\xe2\x80\x9c", 3) == 0)
		return p - 3;
	return (size_t)-1;
}

/*
 * The length of a closing double quote (" or U+201D, a comma before it
 * allowed) right after word i, or 0.
 */
static size_t
quote_after(const struct lint *L, size_t i)
{
	size_t	 p = TEND(L, i), c = 0;

	if (p < L->len && L->m[p] == ',')
		c = 1;
	if (p + c < L->len && L->m[p + c] == '"')
		return c + 1;
	if (p + c + 3 <= L->len && memcmp(L->m + p + c, "\xe2\x80\x9d",
	    3) == 0)
		return c + 3;
	return 0;
}

/*
 * Nicknames in quotes: after "called", "known as", "aka"..., or
 * between two names ("Robert "Smitty" Smith").  One or two capitalised
 * words.
 */
static void
rule_nicknames(struct lint *L)
{
	size_t	 i, j, q, p, after;
	int	 ctx, nw;

	for (i = 1; i < L->nt; i++) {
		if (!(TFL(L, i) & TF_CAP) || (TFL(L, i) & (TF_DIGIT |
		    TF_UPPER)) || (q = quote_before(L, i)) == (size_t)-1)
			continue;
		j = i;
		if (quote_after(L, j) == 0 && j + 1 < L->nt &&
		    (TFL(L, j + 1) & TF_CAP) &&
		    TOFF(L, j + 1) == TEND(L, j) + 1 && L->m[TEND(L, j)] == ' ')
			j++;
		if ((after = quote_after(L, j)) == 0)
			continue;
		/* Only blanks between the word before and the quote. */
		for (p = TEND(L, i - 1); p < q && (L->m[p] == ' ' ||
		    L->m[p] == '\t'); p++)
			;
		if (p != q || lint_fixed_class(L, i, FX_STOP))
			continue;
		/* "known as "Smitty"", "called him "Dutch"". */
		ctx = lint_fixed_class(L, i - 1, FX_NICKCTX) || (i >= 2 &&
		    (lint_tok_is(L, i - 1, "him") || lint_tok_is(L, i - 1,
		    "her") || lint_tok_is(L, i - 1, "them")) &&
		    lint_adjacent(L, i - 2, i - 1, 0) &&
		    lint_fixed_class(L, i - 2, FX_NICKCTX));
		/* Between names: a given name, or no sentence's first word. */
		if (!ctx && (TFL(L, i - 1) & TF_CAP) && j + 1 < L->nt &&
		    (!(TFL(L, i - 1) & TF_START) ||
		    lint_dict_match(L, &L->d->names, i - 1, &nw) != NULL) &&
		    surname_like(L, j + 1, 0) &&
		    TOFF(L, j + 1) == TEND(L, j) + after + 1 &&
		    L->m[TEND(L, j) + after] == ' ')
			ctx = 2;
		if (ctx == 2) {
			/* The whole name, nickname and all. */
			lint_add(L, K_NAME, TOFF(L, i - 1), TEND(L, j + 1));
			i = j + 1;
		} else if (ctx) {
			lint_add(L, K_NAME, TOFF(L, i), TEND(L, j));
			i = j;
		}
	}
}

/*
 * Units of territory: "the Third Precinct", "the 19th District",
 * "Troop G", "Sector B".  (With a number, "Precinct 12", they are
 * rule_numbers()'s.)
 */
static void
rule_designations(struct lint *L)
{
	size_t	 i;
	int	 cap;

	for (i = 0; i + 1 < L->nt; i++) {
		if (!lint_adjacent(L, i, i + 1, 0))
			continue;
		if ((lint_fixed_class(L, i, FX_ORDINAL) ||
		    ordinal_word(L, i)) && lint_fixed_class(L, i + 1,
		    FX_DESIG)) {
			cap = ((TFL(L, i) & TF_CAP) &&
			    !(TFL(L, i) & TF_START)) ||
			    (TFL(L, i + 1) & TF_CAP) ||
			    (TFL(L, i) & TF_DIGIT);
			if (cap) {
				lint_add(L, K_NUMBER, TOFF(L, i),
				    TEND(L, i + 1));
				i++;
			}
			continue;
		}
		if (lint_fixed_class(L, i, FX_DESIG) && (TFL(L, i) & TF_CAP) &&
		    L->t[i + 1].len == 1 && (TFL(L, i + 1) & TF_CAP) &&
		    !lint_tok_is(L, i + 1, "I")) {
			lint_add(L, K_NUMBER, TOFF(L, i), TEND(L, i + 1));
			i++;
		}
	}
}

/*
 * 1 if the number that word i is goes on after it ("3:16", "1/2",
 * "2.5", "1,000").
 */
static int
num_goes_on(const struct lint *L, size_t i)
{
	size_t	 e = TEND(L, i);

	return e + 1 < L->len && strchr(":/.,", L->m[e]) != NULL &&
	    isdigit((unsigned char)L->m[e + 1]);
}

/* 1 if the n bytes at s are a capital and small ASCII letters. */
static int
capitalised(const char *s, size_t n)
{
	size_t	 k;

	if (n == 0 || !isupper((unsigned char)s[0]))
		return 0;
	for (k = 1; k < n; k++)
		if (!islower((unsigned char)s[k]))
			return 0;
	return 1;
}

/*
 * Call signs and unit designators: a word of the radio alphabets, or a
 * unit's, and a number joined by hyphens ("Lincoln-14", "1-Adam-12",
 * "Medic-5"), or a word of the radio alphabets and a number ("Adam
 * 12").
 */
static void
rule_callsigns(struct lint *L)
{
	const char	*s;
	size_t		 i, n, a, b, words, nums, wa = 0, wn = 0, d;
	int		 ok;

	for (i = 0; i < L->nt; i++) {
		s = L->m + TOFF(L, i);
		n = L->t[i].len;
		if ((TFL(L, i) & TF_DIGIT) && memchr(s, '-', n) != NULL) {
			words = nums = 0;
			ok = 1;
			for (a = 0; a < n && ok; a = b + 1) {
				for (b = a; b < n && s[b] != '-'; b++)
					;
				d = lint_digits_at(s, b, a);
				if (d > 0 && d <= 4 && (a + d == b ||
				    (a + d + 1 == b && isupper((unsigned char)
				    s[a + d])))) {
					nums++;
					if (d == 4 && (s[a] == '1' ||
					    s[a] == '2'))
						ok = 0;
				} else if (d == 0 && b - a >= 2 &&
				    capitalised(s + a, b - a)) {
					words++;
					wa = a;
					wn = b - a;
				} else
					ok = 0;
			}
			/* "Lincoln-14", "Medic-5"; not "Latin-1". */
			if (ok && words == 1 && nums >= 1 && nums <= 2 &&
			    (lint_fixed_is(L->d, s + wa, wn, FX_PHONETIC) ||
			    lint_fixed_is(L->d, s + wa, wn, FX_NUMCTX) ||
			    lint_fixed_is(L->d, s + wa, wn, FX_DESIG)) &&
			    !lint_fixed_is(L->d, s + wa, wn, FX_NOTCALL) &&
			    !lint_fixed_is(L->d, s + wa, wn, FX_MONTH)) {
				lint_add(L, K_NUMBER, TOFF(L, i), TEND(L, i));
				continue;
			}
		}
		if ((TFL(L, i) & TF_CAP) && lint_fixed_class(L, i,
		    FX_PHONETIC) && !month_word(L, i) && i + 1 < L->nt &&
		    (TFL(L, i + 1) & TF_NUM) && L->t[i + 1].len <= 3 &&
		    TOFF(L, i + 1) == TEND(L, i) + 1 &&
		    L->m[TEND(L, i)] == ' ' &&
		    !lint_fixed_class(L, i + 2, FX_MEASURE) &&
		    !num_goes_on(L, i + 1)) {
			lint_add(L, K_NUMBER, TOFF(L, i), TEND(L, i + 1));
			i++;
		}
	}
}

/*
 * A street's name from word i: one to three capitalised words or an
 * ordinal, with a street suffix perhaps ("Elm", "4th", "Martin Luther
 * King Jr Blvd").  1 and its last word in *end, or 0.
 */
static int
street_part(const struct lint *L, size_t i, size_t *end)
{
	size_t	 k;

	for (k = i; k < L->nt && k < i + 4; k++) {
		if (k > i && !lint_adjacent(L, k - 1, k, 1))
			break;
		if (ordinal_word(L, k) || ((TFL(L, k) & TF_CAP) &&
		    !(TFL(L, k) & TF_DIGIT) && !lint_fixed_class(L, k,
		    FX_STOP) && !month_word(L, k) && !lint_fixed_class(L, k,
		    FX_WEEKDAY)))
			continue;
		break;
	}
	if (k == i)
		return 0;
	*end = k - 1;
	return 1;
}

/* 1 if words a and b are joined by "and" or "&" (b is a + 1 or a + 2). */
static int
joined_by_and(const struct lint *L, size_t a, size_t b)
{
	size_t	 p;
	int	 amp = 0;

	if (b == a + 2)
		return lint_tok_is(L, a + 1, "and") &&
		    lint_adjacent(L, a, a + 1, 0) &&
		    lint_adjacent(L, a + 1, b, 0);
	if (b != a + 1)
		return 0;
	for (p = TEND(L, a); p < TOFF(L, b); p++) {
		if (L->m[p] == '&' && !amp)
			amp = 1;
		else if (L->m[p] != ' ')
			return 0;
	}
	return amp;
}

/*
 * Intersections: "corner of Elm and Maple", "the intersection of 4th
 * Street & Main", and a numbered street with another ("4th and Main",
 * "Main and 4th").
 */
static void
rule_intersections(struct lint *L)
{
	size_t	 i, a, ae, b, be;

	for (i = 0; i < L->nt; i++) {
		if (lint_fixed_class(L, i, FX_CORNER) && i + 2 < L->nt &&
		    lint_tok_is(L, i + 1, "of") &&
		    lint_adjacent(L, i, i + 1, 0) &&
		    lint_adjacent(L, i + 1, i + 2, 0) &&
		    street_part(L, i + 2, &ae)) {
			a = i + 2;
			for (b = ae + 1; b <= ae + 2 && b < L->nt; b++)
				if (joined_by_and(L, ae, b) &&
				    street_part(L, b, &be)) {
					lint_add(L, K_ADDRESS, TOFF(L, a),
					    TEND(L, be));
					i = be;
					break;
				}
			continue;
		}
		if (!ordinal_word(L, i) && !((TFL(L, i) & TF_CAP) &&
		    street_part(L, i, &ae) && ae == i))
			continue;
		for (b = i + 1; b <= i + 2 && b < L->nt; b++) {
			if (!joined_by_and(L, i, b))
				continue;
			if ((ordinal_word(L, i) && (TFL(L, b) & TF_CAP) &&
			    street_part(L, b, &be) && be == b) ||
			    ((TFL(L, i) & TF_CAP) && ordinal_word(L, b))) {
				lint_add(L, K_ADDRESS, TOFF(L, i), TEND(L, b));
				i = b;
			}
			break;
		}
	}
}

/*
 * ZIP codes: five digits after "ZIP", "zip code", "postal code" or a
 * state ("Kansas 66604", "KS 66604").  (ZIP+4, 66604-1234, is a
 * character pattern.)
 */
static void
rule_zip(struct lint *L)
{
	size_t	 i, p, w;
	int	 nw, ctx;

	for (i = 1; i < L->nt; i++) {
		if (!(TFL(L, i) & TF_NUM) || L->t[i].len != 5)
			continue;
		w = i - 1;
		for (p = TEND(L, w); p < TOFF(L, i) && strchr(" :#,", L->m[p]);
		    p++)
			;
		if (p != TOFF(L, i) || memchr(L->m + TEND(L, w), '\n',
		    TOFF(L, i) - TEND(L, w)) != NULL)
			continue;
		ctx = lint_fixed_class(L, w, FX_ZIPCTX) || postal_word(L, w) ||
		    ((TFL(L, w) & TF_CAP) && state_word(L, w, &nw) &&
		    nw == 1);
		if (!ctx && w > 0 && lint_adjacent(L, w - 1, w, 0))
			ctx = (lint_tok_is(L, w, "code") &&
			    (lint_tok_is(L, w - 1, "zip") ||
			    lint_tok_is(L, w - 1, "postal"))) ||
			    ((TFL(L, w - 1) & TF_CAP) && state_word(L, w - 1,
			    &nw) && nw == 2);
		if (ctx)
			lint_add(L, K_ADDRESS, TOFF(L, i), TEND(L, i));
	}
}

/*
 * ORI numbers, the identifiers of agencies in NCIC: a state's postal
 * code and seven letters or digits, four digits at least ("CA0194200",
 * "TXDPS0000" is not one: five letters).
 */
static void
rule_ori(struct lint *L)
{
	const char	*s;
	size_t		 i, k, d;

	for (i = 0; i < L->nt; i++) {
		if (L->t[i].len != 9 || !(TFL(L, i) & TF_UPPER) ||
		    !(TFL(L, i) & TF_DIGIT))
			continue;
		s = L->m + TOFF(L, i);
		if (!isupper((unsigned char)s[0]) ||
		    !isupper((unsigned char)s[1]))
			continue;
		for (k = 0; k < NM_NELEM(postal); k++)
			if (memcmp(s, postal[k], 2) == 0)
				break;
		if (k == NM_NELEM(postal))
			continue;
		for (k = 2, d = 0; k < 9; k++) {
			if (isdigit((unsigned char)s[k]))
				d++;
			else if (!isupper((unsigned char)s[k]))
				break;
		}
		if (k == 9 && d >= 4)
			lint_add(L, K_NUMBER, TOFF(L, i), TEND(L, i));
	}
}

/*
 * Days without a year: "on 3/14", "since 11/2", "Friday, 3/14".
 * (Dates with a year are character patterns.)
 */
static void
rule_short_dates(struct lint *L)
{
	size_t	 i, p, e;
	int	 mo, d;

	for (i = 1; i + 1 < L->nt; i++) {
		if (!(TFL(L, i) & TF_NUM) || L->t[i].len > 2 ||
		    !(TFL(L, i + 1) & TF_NUM) || L->t[i + 1].len > 2 ||
		    TOFF(L, i + 1) != TEND(L, i) + 1 ||
		    L->m[TEND(L, i)] != '/')
			continue;
		e = TEND(L, i + 1);
		if (e < L->len && (L->m[e] == '/' || L->m[e] == '-' ||
		    isdigit((unsigned char)L->m[e])))
			continue;
		if (L->m[TOFF(L, i) - 1] == '/')
			continue;
		mo = atoi(L->m + TOFF(L, i));
		d = atoi(L->m + TOFF(L, i + 1));
		if (mo < 1 || mo > 12 || d < 1 || d > 31)
			continue;
		for (p = TEND(L, i - 1); p < TOFF(L, i) && (L->m[p] == ' ' ||
		    L->m[p] == ','); p++)
			;
		if (p != TOFF(L, i) || !lint_fixed_class(L, i - 1, FX_DATECTX))
			continue;
		lint_add(L, K_DATE, TOFF(L, i), e);
		i++;
	}
}

void
lint_rules(struct lint *L)
{
	rule_numbers(L);
	rule_plates(L);
	rule_addresses(L);
	rule_dates(L);
	rule_agencies(L);
	rule_places(L);
	rule_titles(L);
	/* After the titles: rule_name_memory() recalls their names too. */
	rule_names(L);
	rule_names_more(L);
	rule_nicknames(L);
	rule_name_memory(L);
	rule_designations(L);
	rule_callsigns(L);
	rule_intersections(L);
	rule_zip(L);
	rule_ori(L);
	rule_short_dates(L);
	rule_signatures(L);
	rule_bidi(L);
}
