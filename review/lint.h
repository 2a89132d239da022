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
 * The de-identification check of a Markdown report: flags text that
 * likely identifies a person, place or agency (e-mail, phone, address,
 * names, agencies, plates, badge and case numbers, dates with a day,
 * signature lines).  Text in [brackets] is a reviewer's replacement and
 * is never flagged.  Used by "nearmiss-review lint", "draft" and
 * "approve".  It is a second pair of eyes, never the only check: what
 * it does not know (a rare name, a nickname, a landmark) it misses.
 *
 * The kinds of finding: email, phone, ip, url, number (badge, unit,
 * case, report numbers), plate, address, date, name, agency, place,
 * signature; and bidi, a bidirectional control anywhere in the file
 * (printed "U+202E RIGHT-TO-LEFT OVERRIDE"), which no acceptance covers.
 */

#ifndef NM_LINT_H
#define NM_LINT_H

#include <stddef.h>
#include <stdio.h>

/* Why "--accept bidi:..." is refused, for lint and approve. */
#define LINT_BIDI_NOACCEPT	"bidirectional controls cannot be accepted: " \
	"they make text read differently from what it is; remove them"

/*
 * A finding the reviewer accepted (--accept KIND:TEXT): a finding whose
 * kind equals kind and whose text equals text (exactly, case included)
 * is not counted and not printed.  A bidi finding is always counted.
 */
struct lint_accept {
	const char	*kind;
	const char	*text;
};

/* The word lists (given names, places, agency words, titles...). */
struct lint_data;

/*
 * One finding of lint_text(): bytes [off, end) of the text; its line
 * and column, from 1, the column in characters; its kind ("name",
 * "bidi"..., static); its text as printed (see lint_text()).
 */
struct lint_finding {
	size_t		 off, end;
	unsigned long	 line, col;
	const char	*kind;
	char		*text;
};

/* The findings of one text, in text order. */
struct lint_result {
	struct lint_finding	*v;
	size_t			 n;
};

/*
 * Parses the argument of --accept, "KIND:TEXT", into out (whose text
 * points into arg, whose kind is static).  0, or -1 (logged, naming the
 * kinds) if arg has no ':' or no text, or KIND is no kind of finding or
 * is bidi: a usage error.
 */
int	lint_accept_parse(struct lint_accept *out, const char *arg);

/*
 * Reads the word lists from dir, or, if dir is NULL, from the folder of
 * $NEARMISS_DATA, else NM_DATADIR (the install folder), else ../data
 * beside the program (a build tree).  0 and *out (caller frees with
 * lint_data_free()), or -1 (logged: a file missing or a bad line).
 */
int	lint_data_load(struct lint_data **out, const char *dir);
/* Frees what lint_data_load() read; NULL is a no-op. */
void	lint_data_free(struct lint_data *);

/*
 * Checks the len bytes at text (a Markdown report; NUL bytes are
 * blanks) with the word lists d, and fills out with every finding not
 * accepted by one of the nacc entries of acc: a finding inside a longer
 * one is dropped, except bidi findings.  A finding's text has its blanks
 * (newlines too) as one space, control characters and bidirectional
 * controls as '?', and is cut at about 120 bytes ("..."); a bidi
 * finding's text is its code point and name.  No I/O, no state kept:
 * the same input gives the same result.  Free out with
 * lint_result_free().
 */
void	lint_text(struct lint_result *out, const struct lint_data *d,
	    const char *text, size_t len, const struct lint_accept *acc,
	    size_t nacc);
/* Frees the findings of r and empties it; a no-op on an empty one. */
void	lint_result_free(struct lint_result *r);

/*
 * Checks the len bytes at text, read from path, with the word lists
 * found as lint_data_load(.., NULL) finds them (read at the first call
 * and kept for the life of the program); prints the findings not
 * accepted as "path:line:col: kind: text" to out and sets *found to
 * their number.  0, or -1 (logged) if the word lists cannot be read.
 */
int	lint_mem(const char *path, const char *text, size_t len,
	    const struct lint_accept *acc, size_t nacc, FILE *out,
	    size_t *found);
/*
 * lint_mem() on the file at path (at most 4 MiB).  0, or -1 (logged) if
 * the file or the word lists cannot be read.
 */
int	lint_file(const char *path, const struct lint_accept *acc, size_t nacc,
	    FILE *out, size_t *found);

#endif /* NM_LINT_H */
