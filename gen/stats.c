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
 * stats/: the patterns of the archive (charts drawn here as inline SVG,
 * each beside a table of its numbers), the trends of the last twelve
 * months with an exact test, and the emerging patterns of the last three
 * months, also as the Atom feed stats/emerging.xml.  Every count goes
 * through count_text() (the small-count rule); see nearmiss-gen(1).
 */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "gen.h"
#include "html.h"
#include "nm.h"
#include "termstat.h"
#include "tmpl.h"

#define MONTHS_SHOWN	36	/* months of the per-month chart */
#define TREND_MONTHS	12	/* the recent window of the trends */
#define EMERGE_MONTHS	3	/* the recent window of emergence */
#define EMERGE_HISTORY	12	/* months of history it needs */
#define EMERGE_MIN	5	/* recent reports a signal needs at least */
#define EMERGE_MAX	20	/* signals shown and in the feed */
#define EMERGE_LINKS	10	/* reports listed per signal */
#define TREND_ALPHA	0.05L	/* family-wise, Holm */
#define EMERGE_ALPHA	0.01L	/* family-wise, Bonferroni */

/* Chart geometry, in viewBox units. */
#define CH_W		480
#define CH_LABEL	190	/* the labels' column */
#define CH_BAR		220	/* the longest bar */
#define CH_ROW		24
#define CH_STUB		12	/* a hidden bar: fixed, never its size */

/* How a cell is shown: its count, "< k", or withheld (see cells_guard). */
enum { C_SHOW, C_SMALL, C_HELD };

struct cell {
	const char	*label;
	const char	*url;		/* site-relative, or NULL */
	size_t		 n;
	int		 how;
};

/* A trend or an emerging signal. */
struct signal {
	const char	*kind;		/* "term", or a facet's label */
	const char	*label;
	const char	*slug;		/* for ids */
	const char	*url;		/* its list, or NULL */
	size_t		 a, na;		/* recent: with it, of */
	size_t		 b, nb;		/* before: with it, of */
	long double	 p;		/* (adjusted) p-value */
	int		 dir;		/* +1 rose, -1 fell, 0 none */
	int		 how;		/* of the pair (a, b) */
	enum facet_id	 facet;
	size_t		 term;
	uint32_t	 tid;		/* term: its termstat id */
};

/* What both outputs compute from the site. */
struct model {
	int		 newest;	/* month of the newest event */
	int		 oldest;
	size_t		*recent;	/* reports of the last 3 months */
	size_t		 nrecent;
	struct signal	*em;		/* emerging signals */
	size_t		 nem;
	size_t		 emtested;
	int		 emok;		/* enough history to look */
};

static int
month_of(const struct report *r)
{
	return r->event_year * 12 + r->event_month - 1;
}

/* "< k" or the count; "withheld" for a cell hidden to guard another. */
static const char *
cell_text(struct arena *a, const struct site *s, const struct cell *c)
{
	if (c->how == C_HELD)
		return "withheld";
	return count_text(a, s, c->n);
}

static void
add_esc(struct buf *b, const char *s)
{
	html_text(b, s, strlen(s));
}

/*
 * Appends a count as every page shows one, <span class="count">, so
 * that the small-count test finds it; "withheld" as plain text.
 */
static void
add_count(struct buf *b, const char *text)
{
	if (strcmp(text, "withheld") == 0) {
		buf_addstr(b, text);
		return;
	}
	buf_addstr(b, "<span class=\"count\">");
	add_esc(b, text);
	buf_addstr(b, "</span>");
}

/*
 * The small-count rule, with its totals in mind: every cell below k is
 * shown as "< k"; when a group of cells has a published total (the
 * reports of a year are the months' sum, all reports the types' sum)
 * and exactly one of its cells is hidden, the total minus the others
 * would give it away, so the smallest other cell is withheld too.
 * Returns 1 if a cell changed.
 */
static int
cells_guard(struct cell *c, size_t n, size_t stride, int k)
{
	size_t	 i, hid = 0, best = (size_t)-1;
	int	 changed = 0;

	for (i = 0; i < n; i++) {
		struct cell *x = &c[i * stride];

		if (x->how == C_SHOW && x->n < (size_t)k) {
			x->how = C_SMALL;
			changed = 1;
		}
		if (x->how != C_SHOW)
			hid++;
		else if (best == (size_t)-1 || x->n < c[best * stride].n)
			best = i;
	}
	if (hid == 1 && best != (size_t)-1) {
		c[best * stride].how = C_HELD;
		changed = 1;
	}
	return changed;
}

/* A label for month number m: "Mar 2025". */
static const char *
month_label(struct arena *a, int m)
{
	return arena_printf(a, "%.3s %d", month_name(m % 12 + 1), m / 12);
}

/*
 * A bar chart of the cells (an SVG, role img, named by its title and
 * pointing at the table) and the table of its numbers beside it.  A
 * hidden cell's bar is a hatched stub of fixed length, labelled as its
 * table cell is.
 */
static void
chart(struct buf *b, struct arena *a, const struct site *s, const char *id,
    const char *title, const char *col, const struct cell *c, size_t n,
    const char *note)
{
	size_t	 i, max = 0, w, h = n * CH_ROW + 8;
	const char *t;

	for (i = 0; i < n; i++)
		if (c[i].how == C_SHOW && c[i].n > max)
			max = c[i].n;
	buf_printf(b, "<section class=\"stats-block\" "
	    "aria-labelledby=\"%s-h\">\n<h2 id=\"%s-h\">", id, id);
	add_esc(b, title);
	buf_addstr(b, "</h2>\n");
	if (note != NULL) {
		buf_addstr(b, "<p>");
		add_esc(b, note);
		buf_addstr(b, "</p>\n");
	}
	buf_printf(b, "<div class=\"chart-pair\">\n<svg class=\"chart\" "
	    "viewBox=\"0 0 %d %zu\" role=\"img\" aria-labelledby=\"%s-t\" "
	    "aria-describedby=\"%s-d\" xmlns=\"http://www.w3.org/2000/svg\">"
	    "\n<title id=\"%s-t\">", CH_W, h, id, id, id);
	add_esc(b, title);
	buf_printf(b, "</title>\n<desc id=\"%s-d\">Bar chart; the table "
	    "beside it (", id);
	add_esc(b, title);
	buf_addstr(b, ") has the same numbers.</desc>\n");
	buf_printf(b, "<defs><pattern id=\"%s-hatch\" width=\"6\" "
	    "height=\"6\" patternUnits=\"userSpaceOnUse\" "
	    "patternTransform=\"rotate(45)\"><line class=\"hatch\" x1=\"0\" "
	    "y1=\"0\" x2=\"0\" y2=\"6\" stroke-width=\"3\"/></pattern>"
	    "</defs>\n", id);
	for (i = 0; i < n; i++) {
		size_t	 y = i * CH_ROW + 4;

		buf_printf(b, "<g class=\"row\">\n<text class=\"chart-label\" "
		    "x=\"%d\" y=\"%zu\" text-anchor=\"end\">", CH_LABEL - 8,
		    y + 16);
		add_esc(b, c[i].label);
		buf_addstr(b, "</text>\n");
		t = cell_text(a, s, &c[i]);
		if (c[i].how == C_SHOW) {
			w = max > 0 ? c[i].n * CH_BAR / max : 0;
			if (w == 0 && c[i].n > 0)
				w = 1;
			buf_printf(b, "<rect class=\"bar\" x=\"%d\" y=\"%zu\" "
			    "width=\"%zu\" height=\"%d\"/>\n", CH_LABEL, y + 4,
			    w, CH_ROW - 8);
		} else {
			w = CH_STUB;
			buf_printf(b, "<rect class=\"bar-stub\" x=\"%d\" "
			    "y=\"%zu\" width=\"%d\" height=\"%d\" "
			    "fill=\"url(#%s-hatch)\"/>\n", CH_LABEL, y + 4,
			    CH_STUB, CH_ROW - 8, id);
		}
		buf_printf(b, "<text class=\"chart-value\" x=\"%zu\" "
		    "y=\"%zu\">", CH_LABEL + w + 6, y + 16);
		add_esc(b, t);
		buf_addstr(b, "</text>\n</g>\n");
	}
	buf_printf(b, "</svg>\n<table class=\"stats-table\" id=\"%s\">\n"
	    "<caption>", id);
	add_esc(b, title);
	buf_addstr(b, "</caption>\n<thead><tr><th scope=\"col\">");
	add_esc(b, col);
	buf_addstr(b, "</th><th scope=\"col\" class=\"num\">Reports</th>"
	    "</tr></thead>\n<tbody>\n");
	for (i = 0; i < n; i++) {
		buf_addstr(b, "<tr><th scope=\"row\">");
		if (c[i].url != NULL && c[i].n > 0) {
			buf_addstr(b, "<a href=\"../");
			html_attr(b, c[i].url, strlen(c[i].url));
			buf_addstr(b, "\">");
			add_esc(b, c[i].label);
			buf_addstr(b, "</a>");
		} else
			add_esc(b, c[i].label);
		buf_printf(b, "</th><td class=\"num%s\">", c[i].how ==
		    C_SHOW ? "" : " small");
		add_count(b, cell_text(a, s, &c[i]));
		buf_addstr(b, "</td></tr>\n");
	}
	buf_addstr(b, "</tbody>\n</table>\n</div>\n</section>\n");
}

/* The cells of a taxonomy facet: every term, its count. */
static struct cell *
facet_cells(struct arena *a, const struct site *s, enum facet_id f,
    enum tax_id t)
{
	struct cell	*c;
	size_t		 i, n = s->cfg.tax[t].nterms;

	c = arena_alloc(a, (n ? n : 1) * sizeof(*c));
	for (i = 0; i < n; i++) {
		c[i].label = s->cfg.tax[t].terms[i].label;
		c[i].url = arena_printf(a, "%s/%s/", facet_dir(f),
		    s->cfg.tax[t].terms[i].slug);
		c[i].n = i < s->ncoll[f] ? s->coll[f][i].n : 0;
		c[i].how = C_SHOW;
	}
	return c;
}

static void
charts(struct buf *b, struct arena *a, const struct site *s,
    const struct model *m)
{
	struct cell	*c;
	size_t		 i, n, j;
	int		 first, k = s->cfg.min_count, mo, changed;

	/* Per month: the 36 months up to the newest, by year groups. */
	first = m->newest - MONTHS_SHOWN + 1;
	c = arena_alloc(a, MONTHS_SHOWN * sizeof(*c));
	for (i = 0; i < MONTHS_SHOWN; i++) {
		c[i].label = month_label(a, first + (int)i);
		c[i].url = NULL;
		c[i].n = 0;
		c[i].how = C_SHOW;
	}
	for (i = 0; i < s->nreports; i++) {
		mo = month_of(&s->reports[i]);
		if (mo >= first && mo <= m->newest)
			c[mo - first].n++;
	}
	/*
	 * The groups with a published total: each calendar year, and the
	 * last 12 and 3 months (the totals of the trends and the emerging
	 * patterns), which overlap, so until nothing changes.
	 */
	do {
		changed = 0;
		for (i = 0; i < MONTHS_SHOWN; i = j) {
			for (j = i + 1; j < MONTHS_SHOWN && (first + (int)j) /
			    12 == (first + (int)i) / 12; j++)
				;
			changed |= cells_guard(c + i, j - i, 1, k);
		}
		changed |= cells_guard(c + MONTHS_SHOWN - TREND_MONTHS,
		    TREND_MONTHS, 1, k);
		changed |= cells_guard(c + MONTHS_SHOWN - EMERGE_MONTHS,
		    EMERGE_MONTHS, 1, k);
	} while (changed);
	chart(b, a, s, "per-month", "Reports per month of the event",
	    "Month", c, MONTHS_SHOWN, arena_printf(a, "The %d months up to "
	    "%s, the newest event month in the archive.", MONTHS_SHOWN,
	    month_label(a, m->newest)));

	/* Per year: every year, oldest first. */
	n = s->nyears;
	c = arena_alloc(a, (n ? n : 1) * sizeof(*c));
	for (i = 0; i < n; i++) {
		c[i].label = arena_printf(a, "%d", s->years[n - 1 - i]);
		c[i].url = arena_printf(a, "year/%d/", s->years[n - 1 - i]);
		c[i].n = s->coll[FACET_YEAR][n - 1 - i].n;
		c[i].how = C_SHOW;
	}
	cells_guard(c, n, 1, k);
	chart(b, a, s, "per-year", "Reports per year of the event", "Year",
	    c, n, NULL);

	c = facet_cells(a, s, FACET_TYPE, TAX_INCIDENT_TYPE);
	n = s->cfg.tax[TAX_INCIDENT_TYPE].nterms;
	cells_guard(c, n, 1, k);
	chart(b, a, s, "by-type", "Reports by incident type",
	    "Incident type", c, n, NULL);

	/* Factors: a report has several, so no total to guard. */
	c = facet_cells(a, s, FACET_FACTOR, TAX_FACTORS);
	n = s->cfg.tax[TAX_FACTORS].nterms;
	for (i = 0; i < n; i++)
		if (c[i].n < (size_t)k)
			c[i].how = C_SMALL;
	chart(b, a, s, "by-factor", "How often each contributing factor "
	    "was named", "Contributing factor", c, n, "A report names one "
	    "to five factors, so these add up to more than the reports.");

	c = facet_cells(a, s, FACET_LOSS, TAX_LOSS);
	n = s->cfg.tax[TAX_LOSS].nterms;
	cells_guard(c, n, 1, k);
	chart(b, a, s, "by-loss", "Reports by loss potential",
	    "Loss potential", c, n, NULL);
}

/*
 * The factor x incident type matrix, as a table whose cells are shaded
 * by their count (five classes of the largest shown).  A factor's row
 * adds up to its count (each report has one type), so each row is
 * guarded as cells_guard() says.
 */
static void
matrix(struct buf *b, struct arena *a, const struct site *s)
{
	const struct taxonomy *ft = &s->cfg.tax[TAX_FACTORS];
	const struct taxonomy *tt = &s->cfg.tax[TAX_INCIDENT_TYPE];
	struct cell	*c;
	const struct report *r;
	size_t		 nf = ft->nterms, nt = tt->nterms, i, j, max = 0;
	size_t		 nc = nf * nt > 0 ? nf * nt : 1;
	int		 f, k = s->cfg.min_count, q;

	c = arena_alloc(a, nc * sizeof(*c));
	memset(c, 0, nc * sizeof(*c));
	for (i = 0; i < s->nreports; i++) {
		r = &s->reports[i];
		if (r->incident_type < 0 || (size_t)r->incident_type >= nt)
			continue;
		for (f = 0; f < r->nfactors; f++) {
			if (r->factors[f] < 0 || (size_t)r->factors[f] >= nf)
				continue;
			/* A factor named twice counts once. */
			for (j = 0; j < (size_t)f; j++)
				if (r->factors[j] == r->factors[f])
					break;
			if (j == (size_t)f)
				c[(size_t)r->factors[f] * nt +
				    (size_t)r->incident_type].n++;
		}
	}
	for (i = 0; i < nf; i++)
		cells_guard(c + i * nt, nt, 1, k);
	for (i = 0; i < nf * nt; i++)
		if (c[i].how == C_SHOW && c[i].n > max)
			max = c[i].n;
	buf_addstr(b, "<section class=\"stats-block\" aria-labelledby=\""
	    "matrix-h\">\n<h2 id=\"matrix-h\">Contributing factors by "
	    "incident type</h2>\n<p>How many reports of each incident type "
	    "name each factor; the darker a cell, the more reports.</p>\n"
	    "<div class=\"matrix-wrap\" role=\"region\" aria-labelledby=\""
	    "matrix-c\" tabindex=\"0\">\n<table class=\"matrix\" id=\"matrix\">"
	    "\n<caption id=\"matrix-c\">Reports by contributing factor "
	    "(rows) and incident type (columns)</caption>\n<thead><tr>"
	    "<th scope=\"col\">Factor</th>");
	for (j = 0; j < nt; j++) {
		buf_addstr(b, "<th scope=\"col\" class=\"num\">");
		add_esc(b, tt->terms[j].label);
		buf_addstr(b, "</th>");
	}
	buf_addstr(b, "</tr></thead>\n<tbody>\n");
	for (i = 0; i < nf; i++) {
		buf_addstr(b, "<tr><th scope=\"row\">");
		add_esc(b, ft->terms[i].label);
		buf_addstr(b, "</th>");
		for (j = 0; j < nt; j++) {
			struct cell *x = &c[i * nt + j];

			q = x->how != C_SHOW || max == 0 ? -1 :
			    (int)((x->n * 4 + max - 1) / max);
			if (q < 0)
				buf_addstr(b, "<td class=\"num small\">");
			else
				buf_printf(b, "<td class=\"num q%d\">", q);
			add_count(b, cell_text(a, s, x));
			buf_addstr(b, "</td>");
		}
		buf_addstr(b, "</tr>\n");
	}
	buf_addstr(b, "</tbody>\n</table>\n</div>\n</section>\n");
}

/* ln P(X = x) for X ~ Binomial(n, p), 0 < p < 1. */
static long double
binom_lpmf(size_t x, size_t n, long double p)
{
	return lgammal((long double)n + 1) - lgammal((long double)x + 1) -
	    lgammal((long double)(n - x) + 1) + x * logl(p) +
	    (n - x) * log1pl(-p);
}

/*
 * Two-sided exact binomial test of x of n against p: twice the smaller
 * tail, at most 1.  The tails are summed from x outwards with the ratio
 * of neighbouring terms until what is left is negligible.
 */
static long double
binom_test(size_t x, size_t n, long double p)
{
	long double	 lo = 0, hi = 0, t, t0, q = 1 - p, v;
	size_t		 i;

	if (n == 0 || p <= 0 || p >= 1)
		return 1;
	t0 = expl(binom_lpmf(x, n, p));
	for (i = x, t = t0;; i--) {
		lo += t;
		if (i == 0)
			break;
		t *= (long double)i / (long double)(n - i + 1) * q / p;
		if (t < lo * 1e-20L && (long double)i < n * p)
			break;
	}
	for (i = x, t = t0;; i++) {
		hi += t;
		if (i == n)
			break;
		t *= (long double)(n - i) / (long double)(i + 1) * p / q;
		if (t < hi * 1e-20L && (long double)i > n * p)
			break;
	}
	v = 2 * (lo < hi ? lo : hi);
	return v > 1 ? 1 : v;
}

static int
cmp_p(const void *pa, const void *pb)
{
	const struct signal *const *a = pa, *const *b = pb;

	if ((*a)->p != (*b)->p)
		return (*a)->p < (*b)->p ? -1 : 1;
	return (*a < *b) ? -1 : (*a > *b);
}

/* Holm's step-down adjustment of the p-values of v[0..n). */
static void
holm(struct signal *v, size_t n)
{
	struct signal	**o;
	long double	 run = 0, adj;
	size_t		 i;

	if (n == 0)
		return;
	o = xreallocarray(NULL, n, sizeof(*o));
	for (i = 0; i < n; i++)
		o[i] = &v[i];
	qsort(o, n, sizeof(*o), cmp_p);
	for (i = 0; i < n; i++) {
		adj = o[i]->p * (long double)(n - i);
		if (adj > 1)
			adj = 1;
		if (adj < run)
			adj = run;
		run = adj;
		o[i]->p = adj;
	}
	free(o);
}

static const char *
p_text(struct arena *a, long double p)
{
	if (p < 0.001L)
		return "< 0.001";
	return arena_printf(a, "%.3f", (double)p);
}

/*
 * The trends: for each incident type, factor and loss potential, the
 * reports of the last 12 event months against those before, tested
 * against the share of all reports in the last 12 months (an exact
 * conditional binomial test; Holm over all of them).
 */
static void
trends(struct buf *b, struct arena *a, const struct site *s,
    const struct model *m)
{
	static const enum facet_id fs[] = { FACET_TYPE, FACET_FACTOR,
	    FACET_LOSS };
	static const enum tax_id tx[] = { TAX_INCIDENT_TYPE, TAX_FACTORS,
	    TAX_LOSS };
	static const char *const names[] = { "Incident type",
	    "Contributing factor", "Loss potential" };
	struct signal	*v;
	struct cell	 pair[2];
	size_t		 nv = 0, cap = 0, i, t, x = 0, y = 0, nsig = 0;
	int		 cut = m->newest - TREND_MONTHS + 1, g;
	long double	 p0;

	for (i = 0; i < s->nreports; i++)
		if (month_of(&s->reports[i]) >= cut)
			x++;
		else
			y++;
	buf_addstr(b, "<section class=\"stats-block\" aria-labelledby=\""
	    "trends-h\">\n<h2 id=\"trends-h\">Trends: the last 12 months "
	    "against the years before</h2>\n");
	if (x == 0 || y == 0) {
		buf_addstr(b, "<p>Not enough history yet: trends need reports "
		    "both in the last 12 months and before them.</p>\n"
		    "</section>\n");
		return;
	}
	v = NULL;
	for (g = 0; g < 3; g++)
		for (t = 0; t < s->cfg.tax[tx[g]].nterms; t++) {
			const struct coll *c = &s->coll[fs[g]][t];
			size_t	 k, ra = 0;

			if (c->n == 0)
				continue;
			for (k = 0; k < c->n; k++)
				if (month_of(&s->reports[c->idx[k]]) >= cut)
					ra++;
			if (nv == cap) {
				cap = cap ? cap * 2 : 32;
				v = xreallocarray(v, cap, sizeof(*v));
			}
			memset(&v[nv], 0, sizeof(v[nv]));
			v[nv].kind = names[g];
			v[nv].label = s->cfg.tax[tx[g]].terms[t].label;
			v[nv].url = arena_printf(a, "%s/%s/", facet_dir(fs[g]),
			    s->cfg.tax[tx[g]].terms[t].slug);
			v[nv].a = ra;
			v[nv].na = x;
			v[nv].b = c->n - ra;
			v[nv].nb = y;
			p0 = (long double)x / (long double)(x + y);
			v[nv].p = binom_test(ra, c->n, p0);
			v[nv].dir = (long double)ra > p0 * c->n ? 1 : -1;
			nv++;
		}
	holm(v, nv);
	buf_printf(b, "<p>For each value, the reports of the last 12 event "
	    "months (to %s: ", month_label(a, m->newest));
	add_count(b, count_text(a, s, x));
	buf_addstr(b, " reports) against those before (");
	add_count(b, count_text(a, s, y));
	buf_addstr(b, " reports). A change is called a rise or a fall only "
	    "when an exact binomial test of the recent count against the "
	    "value's long-run share says so at the 5% level after Holm's "
	    "correction for the number of values tested; otherwise it is "
	    "\"no significant change\".</p>\n");
	buf_addstr(b, "<div class=\"matrix-wrap\" role=\"region\" "
	    "aria-labelledby=\"trends-c\" tabindex=\"0\">\n<table "
	    "class=\"stats-table trends\" id=\"trends\">\n<caption "
	    "id=\"trends-c\">Trends by incident type, contributing factor "
	    "and loss potential</caption>\n<thead><tr><th scope=\"col\">"
	    "Value</th><th scope=\"col\" class=\"num\">Last 12 months</th>"
	    "<th scope=\"col\" class=\"num\">Before</th><th scope=\"col\">"
	    "Change</th><th scope=\"col\" class=\"num\">p (Holm)</th></tr>"
	    "</thead>\n<tbody>\n");
	for (i = 0; i < nv; i++) {
		const struct signal *e = &v[i];
		int	 sig = e->p < TREND_ALPHA;

		pair[0].n = e->a;
		pair[1].n = e->b;
		pair[0].how = pair[1].how = C_SHOW;
		cells_guard(pair, 2, 1, s->cfg.min_count);
		buf_printf(b, "<tr class=\"%s\"><th scope=\"row\">",
		    !sig ? "same" : e->dir > 0 ? "rose" : "fell");
		add_esc(b, e->kind);
		buf_addstr(b, ": <a href=\"../");
		html_attr(b, e->url, strlen(e->url));
		buf_addstr(b, "\">");
		add_esc(b, e->label);
		buf_printf(b, "</a></th><td class=\"num%s\">",
		    pair[0].how == C_HELD ? " held" : "");
		add_count(b, cell_text(a, s, &pair[0]));
		buf_printf(b, "</td><td class=\"num%s\">",
		    pair[1].how == C_HELD ? " held" : "");
		add_count(b, cell_text(a, s, &pair[1]));
		buf_addstr(b, "</td><td>");
		add_esc(b, !sig ? "no significant change" : e->dir > 0 ?
		    "rose" : "fell");
		buf_addstr(b, "</td><td class=\"num p\">");
		/* A p-value would narrow down a hidden count. */
		add_esc(b, pair[0].how != C_SHOW || pair[1].how != C_SHOW ?
		    "–" : p_text(a, e->p));
		buf_addstr(b, "</td></tr>\n");
		nsig += sig;
	}
	buf_addstr(b, "</tbody>\n</table>\n</div>\n");
	buf_printf(b, "<p class=\"trend-summary\">%s</p>\n", nsig == 0 ?
	    "No value rose or fell significantly." : nsig == 1 ?
	    "One value rose or fell significantly." :
	    "Several values rose or fell significantly.");
	buf_addstr(b, "</section>\n");
	free(v);
}

/* The chi-square (1 degree of freedom) tail of g: P(X >= g). */
static long double
chi1_tail(double g)
{
	return erfcl(sqrtl((long double)g / 2));
}

static int
cmp_signal(const void *pa, const void *pb)
{
	const struct signal *a = pa, *b = pb;
	int	 c;

	if (a->p != b->p)
		return a->p < b->p ? -1 : 1;
	if ((c = strcmp(a->kind, b->kind)) != 0)
		return c;
	return strcmp(a->slug, b->slug);
}

/*
 * The emerging signals: terms and factors whose share of the reports of
 * the last three event months is higher than the share of those before
 * explains: a log-likelihood test (G2, chi-square with one degree of
 * freedom), Bonferroni-corrected for the number of terms (or factors)
 * looked at, at 1%, with at least EMERGE_MIN (and k) recent reports.
 */
static void
model_make(struct model *m, const struct site *s, struct arena *a)
{
	struct termstat_term *tv = NULL;
	size_t		 i, ntv, nb, t, ra, cap = 0, minin, ntested;
	int		 cut, mo;
	long double	 p;

	memset(m, 0, sizeof(*m));
	m->newest = m->oldest = -1;
	for (i = 0; i < s->nreports; i++) {
		mo = month_of(&s->reports[i]);
		if (mo > m->newest)
			m->newest = mo;
		if (m->oldest == -1 || mo < m->oldest)
			m->oldest = mo;
	}
	if (m->newest < 0)
		return;
	cut = m->newest - EMERGE_MONTHS + 1;
	m->recent = xreallocarray(NULL, s->nreports, sizeof(size_t));
	for (i = 0; i < s->nreports; i++)
		if (month_of(&s->reports[i]) >= cut)
			m->recent[m->nrecent++] = i;
	nb = s->nreports - m->nrecent;
	m->emok = cut - m->oldest >= EMERGE_HISTORY && nb > 0;
	if (!m->emok)
		return;
	minin = (size_t)s->cfg.min_count > EMERGE_MIN ?
	    (size_t)s->cfg.min_count : EMERGE_MIN;
	/* Factors. */
	ntested = 0;
	for (t = 0; t < s->ncoll[FACET_FACTOR]; t++) {
		const struct coll *c = &s->coll[FACET_FACTOR][t];

		for (i = 0, ra = 0; i < c->n; i++)
			if (month_of(&s->reports[c->idx[i]]) >= cut)
				ra++;
		if (ra < minin)
			continue;
		ntested++;
		if ((long double)ra * nb <= (long double)(c->n - ra) *
		    m->nrecent)
			continue;
		if (m->nem == cap) {
			cap = cap ? cap * 2 : 16;
			m->em = xreallocarray(m->em, cap, sizeof(*m->em));
		}
		memset(&m->em[m->nem], 0, sizeof(*m->em));
		m->em[m->nem].kind = "factor";
		m->em[m->nem].label = s->cfg.tax[TAX_FACTORS].terms[t].label;
		m->em[m->nem].slug = s->cfg.tax[TAX_FACTORS].terms[t].slug;
		m->em[m->nem].url = arena_printf(a, "factor/%s/",
		    m->em[m->nem].slug);
		m->em[m->nem].facet = FACET_FACTOR;
		m->em[m->nem].term = t;
		m->em[m->nem].a = ra;
		m->em[m->nem].b = c->n - ra;
		m->em[m->nem].p = chi1_tail(termstat_g2(ra, m->nrecent,
		    c->n - ra, nb));
		m->nem++;
	}
	/* Keep those that pass the corrected threshold. */
	for (i = 0, t = 0; i < m->nem; i++)
		if (m->em[i].p * (long double)ntested < EMERGE_ALPHA) {
			m->em[t] = m->em[i];
			m->em[t++].p *= (long double)ntested;
		}
	m->nem = t;
	/* Terms. */
	ntv = termstat_rising(s->terms, m->recent, m->nrecent, minin, 0,
	    &tv, &ntested);
	m->emtested = ntested;
	for (i = 0; i < ntv; i++) {
		p = chi1_tail(tv[i].g2);
		if (p * (long double)ntested >= EMERGE_ALPHA)
			continue;
		if (m->nem == cap) {
			cap = cap ? cap * 2 : 16;
			m->em = xreallocarray(m->em, cap, sizeof(*m->em));
		}
		memset(&m->em[m->nem], 0, sizeof(*m->em));
		m->em[m->nem].kind = "term";
		m->em[m->nem].label = tv[i].word;
		m->em[m->nem].slug = tv[i].stem;
		m->em[m->nem].facet = FACET_MAX;
		m->em[m->nem].tid = tv[i].id;
		m->em[m->nem].a = tv[i].in;
		m->em[m->nem].b = tv[i].all - tv[i].in;
		m->em[m->nem].p = p * (long double)ntested;
		m->nem++;
	}
	free(tv);
	for (i = 0; i < m->nem; i++) {
		m->em[i].na = m->nrecent;
		m->em[i].nb = nb;
	}
	if (m->nem > 0)
		qsort(m->em, m->nem, sizeof(*m->em), cmp_signal);
	if (m->nem > EMERGE_MAX)
		m->nem = EMERGE_MAX;
}

static void
model_free(struct model *m)
{
	free(m->recent);
	free(m->em);
}

/* 1 if recent report i is behind signal e. */
static int
signal_has(const struct site *s, const struct signal *e, size_t i)
{
	const struct report *r = &s->reports[i];
	int	 f;

	if (e->facet == FACET_FACTOR) {
		for (f = 0; f < r->nfactors; f++)
			if (r->factors[f] == (int)e->term)
				return 1;
		return 0;
	}
	return termstat_has(s->terms, i, e->tid);
}

/* "term-<stem>-2026-03": the fragment of a signal, ASCII only. */
static const char *
signal_key(struct arena *a, const struct model *m, const struct signal *e)
{
	struct buf	 b = BUF_INIT;
	const unsigned char *p;
	const char	*k;

	buf_printf(&b, "%s-", e->kind);
	for (p = (const unsigned char *)e->slug; *p != '\0'; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-')
			buf_addch(&b, *p);
		else
			buf_printf(&b, "_%02x", *p);
	buf_printf(&b, "-%04d-%02d", m->newest / 12, m->newest % 12 + 1);
	k = arena_strdup(a, b.data);
	buf_free(&b);
	return k;
}

static const char *
signal_title(struct arena *a, const struct site *s, const struct signal *e)
{
	return arena_printf(a, "%s \xe2\x80\x9c%s\xe2\x80\x9d: %s of the %s "
	    "reports of the last %d months, %s of %s before",
	    strcmp(e->kind, "term") == 0 ? "Term" : "Contributing factor",
	    e->label, count_text(a, s, e->a), count_text(a, s, e->na),
	    EMERGE_MONTHS, count_text(a, s, e->b), count_text(a, s, e->nb));
}

static void
emerging(struct buf *b, struct arena *a, const struct site *s,
    const struct model *m)
{
	const struct signal *e;
	const struct report *r;
	size_t		 i, k, shown;

	buf_addstr(b, "<section class=\"stats-block\" aria-labelledby=\""
	    "emerging-h\" id=\"emerging\">\n<h2 id=\"emerging-h\">Emerging "
	    "patterns</h2>\n");
	buf_printf(b, "<p>Words and contributing factors that the reports of "
	    "the last %d event months (to %s) name far more often than the "
	    "archive's history explains: a log-likelihood test against the "
	    "reports before, significant at 1%% after a Bonferroni "
	    "correction for every word or factor looked at, in at least %d "
	    "recent reports. <a href=\"emerging.xml\" type=\"application/"
	    "atom+xml\">Atom feed of the signals</a>.</p>\n", EMERGE_MONTHS,
	    month_label(a, m->newest), (int)((size_t)s->cfg.min_count >
	    EMERGE_MIN ? (size_t)s->cfg.min_count : EMERGE_MIN));
	if (!m->emok) {
		buf_printf(b, "<p>Not enough history yet: this needs at least "
		    "%d months of reports before the last %d.</p>\n",
		    EMERGE_HISTORY, EMERGE_MONTHS);
		buf_addstr(b, "</section>\n");
		return;
	}
	if (m->nem == 0) {
		buf_addstr(b, "<p class=\"no-signal\">No emerging pattern: "
		    "nothing in the recent reports stands out from the "
		    "archive's history.</p>\n</section>\n");
		return;
	}
	buf_addstr(b, "<ol class=\"signals\">\n");
	for (i = 0; i < m->nem; i++) {
		e = &m->em[i];
		buf_addstr(b, "<li id=\"");
		add_esc(b, signal_key(a, m, e));
		buf_addstr(b, "\"><p class=\"signal-title\">");
		add_esc(b, signal_title(a, s, e));
		buf_addstr(b, "</p>\n<ul class=\"signal-reports\">\n");
		for (k = 0, shown = 0; k < m->nrecent && shown <
		    EMERGE_LINKS; k++) {
			if (!signal_has(s, e, m->recent[k]))
				continue;
			r = &s->reports[m->recent[k]];
			buf_addstr(b, "<li><a href=\"../reports/");
			html_attr(b, r->id, strlen(r->id));
			buf_addstr(b, "/\">");
			add_esc(b, r->title);
			buf_addstr(b, "</a></li>\n");
			shown++;
		}
		buf_addstr(b, "</ul>\n");
		if (e->url != NULL) {
			buf_addstr(b, "<p><a href=\"../");
			html_attr(b, e->url, strlen(e->url));
			buf_addstr(b, "\">Every report with this factor</a>"
			    "</p>\n");
		}
		buf_addstr(b, "</li>\n");
	}
	buf_addstr(b, "</ol>\n</section>\n");
}

/*
 * stats/emerging.xml: one entry a signal, its id and dates from the
 * content (the newest event month), so that two builds of the same
 * content give the same bytes.
 */
static int
emerging_feed(struct buf *b, const struct site *s, struct arena *a,
    const struct model *m)
{
	const struct signal *e;
	const char	*base = s->cfg.base_url, *date, *url;
	size_t		 i;

	date = m->newest < 0 ? "1970-01-01T00:00:00Z" : arena_printf(a,
	    "%04d-%02d-01T00:00:00Z", m->newest / 12, m->newest % 12 + 1);
	buf_addstr(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
	xml_elem(b, "title", arena_printf(a, "%s: emerging patterns",
	    s->cfg.title));
	buf_addstr(b, "<link rel=\"alternate\" type=\"text/html\" href=\"");
	xml_text(b, base, strlen(base));
	buf_addstr(b, "stats/#emerging\"/>\n<link rel=\"self\" href=\"");
	xml_text(b, base, strlen(base));
	buf_addstr(b, "stats/emerging.xml\"/>\n");
	xml_elem(b, "id", arena_printf(a, "%sstats/emerging.xml", base));
	xml_elem(b, "updated", date);
	buf_addstr(b, "<author><name>");
	xml_text(b, s->cfg.title, strlen(s->cfg.title));
	buf_addstr(b, "</name></author>\n<generator version=\"" NM_VERSION
	    "\">nearmiss-gen</generator>\n");
	for (i = 0; i < m->nem; i++) {
		e = &m->em[i];
		url = arena_printf(a, "%sstats/#%s", base,
		    signal_key(a, m, e));
		buf_addstr(b, "<entry>\n");
		xml_elem(b, "title", signal_title(a, s, e));
		buf_addstr(b, "<link rel=\"alternate\" type=\"text/html\" "
		    "href=\"");
		xml_text(b, url, strlen(url));
		buf_addstr(b, "\"/>\n");
		xml_elem(b, "id", url);
		xml_elem(b, "published", date);
		xml_elem(b, "updated", date);
		xml_elem(b, "summary", arena_printf(a, "%s (log-likelihood "
		    "test against the reports before, Bonferroni-corrected "
		    "p %s).", signal_title(a, s, e), p_text(a, e->p)));
		buf_addstr(b, "</entry>\n");
	}
	buf_addstr(b, "</feed>\n");
	return 0;
}

int
stats_render(struct buf *out, const struct site *s, struct arena *a,
    const struct outfile *o)
{
	struct model	 m;
	struct tval	*ctx, *st;
	struct buf	 h = BUF_INIT;
	int		 rc;

	model_make(&m, s, a);
	if (o->pageno == 1) {
		rc = emerging_feed(out, s, a, &m);
		model_free(&m);
		return rc;
	}
	if (m.newest >= 0) {
		charts(&h, a, s, &m);
		matrix(&h, a, s);
		trends(&h, a, s, &m);
		emerging(&h, a, s, &m);
	}
	ctx = page_ctx(a, s, o->path, "stats", "Patterns and trends",
	    "stats/emerging.xml");
	st = tv_map(a);
	tv_set_html(a, st, "body", arena_strdup(a, h.data), h.len);
	tv_set_str(a, st, "newest", m.newest < 0 ? "" : month_label(a,
	    m.newest));
	tv_set_str(a, st, "min_count", arena_printf(a, "%d",
	    s->cfg.min_count));
	tv_set(a, ctx, "stats", st);
	tv_set_str(a, ctx, "total", count_text(a, s, s->nreports));
	rc = tmpl_render(out, s->theme, "stats.html", ctx);
	buf_free(&h);
	model_free(&m);
	return rc;
}
