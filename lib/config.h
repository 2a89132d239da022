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
 * The content repository's nearmiss.ini: site settings, the taxonomy
 * (the allowed slugs, with display labels, of every list field) and the
 * search's synonym groups.  Parsed with libinih; every error is reported
 * as "path:line: what is wrong".
 */

#ifndef NM_CONFIG_H
#define NM_CONFIG_H

#include <stddef.h>

/* The largest min_approvals: as many as a reviewers file may list. */
#define APPROVALS_MIN_MAX	255

/* The taxonomies a report may use, in the order pages show them. */
enum tax_id {
	TAX_INCIDENT_TYPE,
	TAX_FACTORS,
	TAX_LOSS,
	TAX_AGENCY,
	TAX_REGION,
	TAX_TIME_OF_DAY,
	TAX_LIGHTING,
	TAX_WEATHER,
	TAX_MAX
};

struct term {
	char	*slug;
	char	*label;
};

struct taxonomy {
	struct term	*terms;
	size_t		 nterms;
};

/*
 * [synonyms]: at most SYN_GROUPS_MAX lines "name = phrase, phrase, ...",
 * each a group of SYN_PHRASES_MAX equivalent phrases at most, a phrase
 * being 1 to SYN_WORDS_MAX words (split at spaces and hyphens) and at
 * most SYN_PHRASE_MAX bytes of valid UTF-8.  The name is a slug that
 * names the group (gen/token.h makes the search term "~name" of it); it
 * is not a phrase itself.  No phrase may be in two groups or twice in one
 * (compared ignoring ASCII case and runs of spaces and hyphens).
 */
#define SYN_GROUPS_MAX	1000
#define SYN_PHRASES_MAX	16
#define SYN_WORDS_MAX	4
#define SYN_PHRASE_MAX	100

struct syn_group {
	char		 *name;
	char		**phrases;	/* as written, trimmed */
	size_t		  nphrases;
	unsigned long	  line;		/* of its line, for messages */
};

/*
 * [report_of_the_week]: lines "YYYY-Www = report-id" (ISO 8601 week,
 * e.g. "2026-W49 = 2026-0042"), at most PINS_MAX, no week twice.  week
 * is YYYY * 100 + ww, so that weeks compare as numbers.
 */
#define PINS_MAX	5000

struct pin {
	int		 week;		/* YYYY * 100 + ww */
	char		*id;		/* a valid report id */
	unsigned long	 line;		/* of its line, for messages */
};

struct config {
	char		*title;
	char		*description;
	char		*base_url;	/* absolute, always ends with '/' */
	char		*intake_url;
	char		*intake_email;
	char		*language;
	int		 per_page;
	int		 feed_items;
	int		 home_items;
	int		 min_approvals;	/* 1..APPROVALS_MIN_MAX, default 2 */
	/*
	 * k of the small-count rule: every count below it that gen
	 * publishes (pages, charts, tables, files) shows as "< k".
	 */
	int		 min_count;	/* 1..1000, default 3 */
	char		*data_licence;	/* of the open data: name, */
	char		*data_licence_url;	/* and its URL */
	struct taxonomy	 tax[TAX_MAX];
	struct syn_group *syn;		/* [synonyms], in file order */
	size_t		 nsyn;
	struct pin	*pins;		/* [report_of_the_week], by week */
	size_t		 npins;
};

/* The INI section name of each taxonomy ("incident_type", ...). */
const char	*config_tax_name(enum tax_id);
/*
 * Parses text (len bytes, need not be NUL-terminated) into out; path is
 * only used in messages.  Returns 0, or -1 after logging every error.
 * On failure out is left empty (config_free-safe).
 */
int		 config_parse(struct config *out, const char *path,
		    const char *text, size_t len);
void		 config_free(struct config *);
/* Index of slug in taxonomy t, or -1. */
int		 config_term(const struct config *, enum tax_id,
		    const char *slug);
/*
 * The ISO 8601 week (YYYY * 100 + ww, the week-numbering year) of the
 * date y-m-d, which must be valid.
 */
int		 iso_week(int y, int m, int d);
/*
 * The Monday of ISO week w (YYYY * 100 + ww) into *y, *m, *d.  0, or -1
 * if the year has no such week (weeks 53 exist in some years only).
 */
int		 iso_monday(int w, int *y, int *m, int *d);
/* 1 if s is a valid slug: [a-z0-9]+(-[a-z0-9]+)*, at most 48 bytes. */
int		 slug_valid(const char *s);

#endif /* NM_CONFIG_H */
