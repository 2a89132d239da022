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
 * The report fields a submitter may fill and a report holds: one table
 * (key, label, kind, taxonomy, required, maximum length in characters)
 * and the checks of their values.  The form, the e-mail parser, the
 * record, the report reader, draft and lint all call these, so that a
 * value one of them accepts the others accept too; each caller words its
 * own message from the FIELD_E* code and the table.
 */

#ifndef NM_FIELD_H
#define NM_FIELD_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "record.h"

#define FIELD_TERMS_MAX		5	/* contributing factors */
#define FIELD_COUNT_MAX		999	/* officers on scene */
#define FIELD_YEAR_MIN		1900
/* The bytes a value of n characters may take in UTF-8. */
#define FIELD_BYTES(n)		((n) * 4)

enum field_kind {
	FIELD_LINE,		/* one line of text */
	FIELD_PARA,		/* text; newlines allowed */
	FIELD_MONTH,		/* YYYY-MM, never a day */
	FIELD_COUNT,		/* a whole number, 1 to FIELD_COUNT_MAX */
	FIELD_TERM,		/* one term (slug) of a taxonomy */
	FIELD_TERMS,		/* 1 to FIELD_TERMS_MAX distinct terms */
	FIELD_KIND_MAX
};

/*
 * The expected failures of a value, all negative; field_strerror() has a
 * short English phrase for each.
 */
#define FIELD_EEMPTY	(-2)	/* nothing given */
#define FIELD_ELONG	(-3)	/* more than max characters */
#define FIELD_EUTF8	(-4)	/* not UTF-8, or a NUL byte */
#define FIELD_ECTRL	(-5)	/* a control character, or a newline in a line */
#define FIELD_EBIDI	(-6)	/* a bidirectional control (utf8_is_bidi()) */
#define FIELD_EDAY	(-7)	/* a month given with a day */
#define FIELD_EMONTH	(-8)	/* not YYYY-MM, or out of range */
#define FIELD_ECOUNT	(-9)	/* not a number from 1 to FIELD_COUNT_MAX */
#define FIELD_ETERM	(-10)	/* not a term of the taxonomy */
#define FIELD_EDUP	(-11)	/* a term given twice */
#define FIELD_EMANY	(-12)	/* more than FIELD_TERMS_MAX terms */

struct field {
	/* The record key, form field name and front-matter key. */
	const char	*key;
	const char	*label;		/* "Month of the event" */
	enum field_kind	 kind;
	int		 tax;		/* enum tax_id, or -1 */
	/*
	 * 1 if a published report must have it.  A submitter never has to
	 * give it: reviewers complete what is missing.
	 */
	int		 required;
	size_t		 max;		/* characters (code points) */
};

/* The entry of record key k; k must be below RECORD_KEY_MAX. */
const struct field *field_get(enum record_key k);
/* The record key named key (NUL-terminated), or -1. */
int		 field_lookup(const char *key);

/*
 * Checks text of a LINE or PARA field: len bytes (need not be
 * NUL-terminated) of UTF-8 without NUL bytes, not empty, at most max
 * characters, no bidirectional control, no control character but a
 * newline (PARA only; "\r" is not one) or a tab (PARA only).  Returns 0
 * or FIELD_EEMPTY, FIELD_EUTF8, FIELD_ECTRL, FIELD_EBIDI, FIELD_ELONG
 * (checked in that order).
 */
int		 field_text(const char *v, size_t len, size_t max, int para);
/*
 * Checks a month, "YYYY-MM" with YYYY from FIELD_YEAR_MIN to 9999 and MM
 * from 01 to 12, and sets *year and *month (either may be NULL).  A date
 * with a day ("2024-03-15") is FIELD_EDAY, anything else FIELD_EMONTH.
 * Whether the month lies in the future is the caller's question.
 */
int		 field_month(const char *v, size_t len, int *year,
		    int *month);
/*
 * Checks a count: one to three ASCII digits, value 1 to FIELD_COUNT_MAX
 * ("007" is 7; callers store the value as "%d" so that every reader sees
 * the same text).  Sets *out (may be NULL).  Returns 0 or FIELD_ECOUNT.
 */
int		 field_count(const char *v, size_t len, int *out);
/*
 * Checks a term of taxonomy tax: a valid slug and, when cfg is not NULL,
 * one of cfg's terms.  Returns the term's index (0 without cfg), or
 * FIELD_ETERM.
 */
int		 field_term(const struct config *cfg, enum tax_id tax,
		    const char *v, size_t len);
/*
 * Checks a list of terms of taxonomy tax, given as n strings: 1 to
 * FIELD_TERMS_MAX, each as field_term(), none twice.  Returns 0 or
 * FIELD_EEMPTY, FIELD_ETERM, FIELD_EDUP, FIELD_EMANY; *bad (may be NULL)
 * is set to the index of the offending string.
 */
int		 field_terms(const struct config *cfg, enum tax_id tax,
		    const char *const *v, size_t n, size_t *bad);
/*
 * Checks the value of field k as a record holds it (the terms of a TERMS
 * field comma-separated, without spaces): the checks above by kind, with
 * the table's limits; cfg may be NULL (terms are then checked only as
 * slugs).  Returns 0 or a FIELD_E* code.
 */
int		 field_check(enum record_key k, const struct config *cfg,
		    const char *v, size_t len);
/*
 * A short phrase for a FIELD_E* code, e.g. "is longer than allowed":
 * callers put the field and the limit around it.
 */
const char	*field_strerror(int e);
/*
 * The Unicode name of the bidirectional control cp ("RIGHT-TO-LEFT
 * OVERRIDE"), for messages that point at one; NULL if cp is not one
 * (utf8_is_bidi()).
 */
const char	*field_bidi_name(uint32_t cp);

#endif /* NM_FIELD_H */
