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
 * Term statistics of the archive (termstat.c): per report, the strongest
 * stems of its search index document (title, summary, narrative,
 * lessons; no stop words, no synonym terms), from its vector of related
 * reports (related.h), which both builds have; and Dunning's log-likelihood of a group of reports
 * against the rest, for "what these reports keep mentioning" and for
 * the emerging patterns of stats/ (stats.c).
 */

#ifndef NM_TERMSTAT_H
#define NM_TERMSTAT_H

#include <stddef.h>
#include <stdint.h>

struct relset;
struct site;
struct termstat;

/* One term of a group, as termstat_top() and termstat_rising() give it. */
struct termstat_term {
	uint32_t	 id;		/* for termstat_has() */
	const char	*stem;
	const char	*word;		/* its most used word form */
	size_t		 in;		/* reports of the group */
	size_t		 all;		/* reports of the archive */
	double		 g2;		/* log-likelihood */
};

/*
 * Makes *out from the vectors of set (related.h, sorted by id): the
 * terms of report i of the statistics, s->reports[i], are the REL_KEEP
 * strongest of its search index document; a report without a vector has
 * none.  Linear in the number of reports.  Returns 0.  Caller frees with
 * termstat_free().
 */
int	termstat_build(struct termstat **out, const struct site *s,
	    const struct relset *set);
void	termstat_free(struct termstat *);
/*
 * The k (at most) most characteristic terms of the reports members[0..n)
 * (indexes into s->reports, no duplicates) against the rest of the
 * archive, into out: the terms over-represented in the group and in at
 * least 3 of its reports, by log-likelihood, highest first (ties: by
 * stem).  Returns how many.  Thread-safe; strings live as long as ts.
 */
size_t	termstat_top(const struct termstat *ts, const size_t *members,
	    size_t n, size_t k, struct termstat_term *out);
/*
 * Every term over-represented in members[0..n) against the rest, in at
 * least minin of the group's reports, whose log-likelihood is at least
 * g2min, highest first, into *out (caller frees).  Returns how many;
 * *ntested gets how many terms had at least minin reports in the group
 * (for a correction for multiple tests).
 */
size_t	termstat_rising(const struct termstat *ts, const size_t *members,
	    size_t n, size_t minin, double g2min, struct termstat_term **out,
	    size_t *ntested);
/* 1 if report i has term id. */
int	termstat_has(const struct termstat *ts, size_t i, uint32_t id);
/*
 * Dunning's log-likelihood G2 of a 2x2 table: a of n1 in one group and
 * b of n2 in the other.  0 when there is nothing to compare.
 */
double	termstat_g2(size_t a, size_t n1, size_t b, size_t n2);

#endif /* NM_TERMSTAT_H */
