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
 * The report schema: a report file is YAML front matter between "---"
 * lines, then Markdown (narrative, "## Lessons learned", optional
 * "## Reviewer comments").  The front matter is read with libyaml's event
 * API under hard limits (block <= 16 KiB, depth <= 4, scalars <= 4 KiB, no
 * anchors, aliases or tags, known keys only); the report fields are
 * checked as lib/field.h says, against the taxonomy of the content
 * repository's nearmiss.ini.  No bidirectional control may appear
 * anywhere in the file.
 */

#ifndef NM_REPORT_H
#define NM_REPORT_H

#include <stddef.h>

#include "config.h"
#include "field.h"

/*
 * Bytes.  A scalar may hold the longest field, the summary of 1024
 * characters, in 4-byte characters; the block that and the title (800
 * bytes) with YAML escapes and the other fields.  Lengths shown to people
 * are field.h's, in characters.
 */
#define REPORT_FM_MAX		(16 * 1024)
#define REPORT_SCALAR_MAX	FIELD_BYTES(1024)
#define REPORT_DEPTH_MAX	4
#define REPORT_FACTORS_MAX	FIELD_TERMS_MAX
#define REPORT_ID_MAX		32
/*
 * discussion: optional, 2 to REPORT_QUESTIONS_MAX questions for a
 * roll-call briefing, each one line of at most REPORT_QUESTION_MAX
 * characters, checked as field_text() checks a line.
 */
#define REPORT_QUESTIONS_MIN	2
#define REPORT_QUESTIONS_MAX	3
#define REPORT_QUESTION_MAX	300

struct report {
	char	*path;		/* repository path, for messages */
	char	*id;
	char	*title;
	char	*summary;
	int	 event_year, event_month;
	int	 pub_year, pub_month, pub_day;
	int	 incident_type;			/* term index */
	int	 factors[REPORT_FACTORS_MAX];	/* term indexes */
	int	 nfactors;
	int	 loss;				/* term index */
	int	 officers;			/* 0: not given */
	int	 time_of_day, lighting, weather;	/* term index or -1 */
	int	 agency, region;			/* term index or -1 */
	unsigned long	 id_line;	/* line of the id field */
	char	*discussion[REPORT_QUESTIONS_MAX];	/* or NULL */
	int	 ndiscussion;		/* 0: none given */
	/* Body: borrowed from the text given to report_parse(). */
	const char	*body;
	size_t		 body_len;
	unsigned long	 body_line;	/* line number of the body's start */
};

/*
 * Parses and validates the report in text (len bytes).  Every problem is
 * logged as "path:line: what is wrong"; returns 0 if there was none, -1
 * otherwise.  A bidirectional control anywhere (utf8_is_bidi()) is one
 * problem, logged at the first one's line and column, and nothing else
 * is checked.  out must be released with report_free() in both cases.
 * out->body points into text.
 */
int	report_parse(struct report *out, const struct config *,
	    const char *path, const char *text, size_t len);
void	report_free(struct report *);
/*
 * 1 if s is a valid report id: [a-z0-9][a-z0-9-]{1,30}[a-z0-9] with at
 * least one digit (so that no id is a folder name the site uses).
 */
int	report_id_valid(const char *s);
/* Compares by publication date, newest first, then by id. */
int	report_cmp_newest(const struct report *, const struct report *);

#endif /* NM_REPORT_H */
