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
 * "approve".
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

/*
 * Checks one Markdown report; prints findings "path:line:col: kind: text"
 * to out (line and column of the file, 1-based, the column counted in
 * characters); sets *found to the number not accepted.  0, or -1
 * (logged) if the file cannot be read, or the data files (given names,
 * gazetteer, agency words) cannot be found.
 */
int	lint_file(const char *path, const struct lint_accept *acc, size_t nacc,
	    FILE *out, size_t *found);

#endif /* NM_LINT_H */
