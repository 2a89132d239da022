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
 * What each page of the site shows: the template context of report
 * pages, lists (paginated, per facet term, by publication and by event
 * date), facet indexes, browse/, the home page, static pages, search and
 * 404; and the XML files written without a
 * theme (Atom feeds, sitemap) plus robots.txt and _headers.
 *
 * Dependency rule that keeps incremental builds exact: a report page sees
 * only its own report and site-wide settings; counts and lists appear
 * only on home, list, terms, browse, feed and sitemap outputs, which
 * page_depends() knows about.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "gen.h"
#include "html.h"
#include "log.h"
#include "nm.h"
#include "related.h"
#include "termstat.h"
#include "tmpl.h"

#define SITEMAP_URLS	50000
#define SITEMAP_CHUNK	45000

static size_t	sitemap_parts(const struct site *);
static const char *lessons_url(const struct site *, enum facet_id, size_t,
		    int, struct arena *);
#define LESSONS_TERMS	12	/* characteristic terms on a lessons page */
/* The terms with lessons pages: incident types, then factors. */
static const enum facet_id lessons_facets[] = { FACET_TYPE, FACET_FACTOR };
static int	has_browse(const struct site *);
static int	has_data_page(const struct site *);
static int	has_stats(const struct site *);

/*
 * _headers: the response headers of the site, for the hosts that read
 * this file from the site's root (Netlify, Cloudflare Pages).
 * docs/examples/nginx-archive.conf sends the same from nginx; keep the
 * two, and the theme's <meta> policies, in step.
 *
 * The browser enforces both this policy and a page's <meta> one, so
 * this one allows all that any page of the default theme needs (the
 * search and status pages run their script from the site and fetch
 * its index from it) and each page's own policy narrows it;
 * frame-ancestors works only in a header.  Such a host joins the values
 * of a header that two matching rules set, so no header is set twice
 * for one path: only the files named by their content (the search
 * index's chunks) get a Cache-Control; every other file keeps the
 * host's default, revalidated on each use.
 */
static const char headers_file[] =
    "# The response headers of this site, for the hosts that read a\n"
    "# _headers file (Netlify, Cloudflare Pages); written by nearmiss-gen.\n"
    "/*\n"
    "  Content-Security-Policy: default-src 'none'; script-src 'self'; "
    "connect-src 'self'; style-src 'self'; img-src 'self'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'; "
    "require-trusted-types-for 'script'\n"
    "  X-Content-Type-Options: nosniff\n"
    "  Referrer-Policy: no-referrer\n"
    "  Permissions-Policy: accelerometer=(), browsing-topics=(), "
    "camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=()\n"
    "  Cross-Origin-Opener-Policy: same-origin\n"
    "# Named by their contents: a changed file gets a new name.\n"
    "/search/x/*\n"
    "  Cache-Control: public, max-age=31536000, immutable\n"
    "/search/m/*\n"
    "  Cache-Control: public, max-age=31536000, immutable\n";

static const char *const months[12] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December",
};

static const char *const facet_dirs[FACET_MAX] = {
	"incident-type", "factor", "loss-potential", "year", "agency-type",
	"region", "time-of-day", "lighting", "weather", "reports",
};
static const char *const facet_names[FACET_MAX] = {
	"incident_type", "contributing_factors", "loss_potential", "year",
	"agency_type", "region", "time_of_day", "lighting", "weather", "all",
};
static const char *const facet_labels[FACET_MAX] = {
	"Incident type", "Contributing factor", "Loss potential", "Year",
	"Agency type", "Region", "Time of day", "Lighting", "Weather",
	"All reports",
};
static const enum tax_id facet_tax[FACET_MAX] = {
	TAX_INCIDENT_TYPE, TAX_FACTORS, TAX_LOSS, TAX_MAX, TAX_AGENCY,
	TAX_REGION, TAX_TIME_OF_DAY, TAX_LIGHTING, TAX_WEATHER, TAX_MAX,
};

/* The folder of a list in each order, below the list's own folder. */
static const char *const order_dirs[ORDER_MAX] = { "", "by-event/" };
static const char *const order_names[ORDER_MAX] = { "published", "event" };

const char *
month_name(int m)
{
	return m >= 1 && m <= 12 ? months[m - 1] : "";
}

const char *
facet_dir(enum facet_id f)
{
	return facet_dirs[f];
}

/* Collection slug and label of term t of facet f. */
static const char *
term_slug(const struct site *s, enum facet_id f, size_t t,
    struct arena *a)
{
	if (f == FACET_YEAR)
		return arena_printf(a, "%d", s->years[t]);
	if (f == FACET_ALL)
		return "";
	return s->cfg.tax[facet_tax[f]].terms[t].slug;
}

static const char *
term_label(const struct site *s, enum facet_id f, size_t t,
    struct arena *a)
{
	if (f == FACET_YEAR)
		return arena_printf(a, "%d", s->years[t]);
	if (f == FACET_ALL)
		return facet_labels[FACET_ALL];
	return s->cfg.tax[facet_tax[f]].terms[t].label;
}

const char *
count_text(struct arena *a, const struct site *s, size_t n)
{
	if (n < (size_t)s->cfg.min_count)
		return arena_printf(a, "< %d", s->cfg.min_count);
	return arena_printf(a, "%zu", n);
}

/*
 * Site-relative URL of page pageno (1-based) of a collection in order o:
 * "<facet>/<term>/" and "<facet>/<term>/by-event/", then "page/N/".
 * Report ids have a digit, so "reports/by-event/" is no report's folder.
 */
/* Appends the decimal digits of v (not negative) to b. */
static void
add_uint(struct buf *b, unsigned int v)
{
	char	 d[16];
	size_t	 i = sizeof(d);

	do
		d[--i] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	buf_add(b, d + i, sizeof(d) - i);
}

/*
 * Appends coll_url()'s URL to b.  Built without printf: the plan of a
 * large site makes one for each of its tens of thousands of list pages.
 */
static void
coll_url_add(struct buf *b, const struct site *s, enum facet_id f,
    size_t t, int pageno, enum list_order o)
{
	if (f == FACET_ALL)
		buf_addstr(b, "reports/");
	else {
		buf_addstr(b, facet_dirs[f]);
		buf_addch(b, '/');
		if (f == FACET_YEAR)
			add_uint(b, (unsigned int)s->years[t]);
		else
			buf_addstr(b, s->cfg.tax[facet_tax[f]].terms[t].slug);
		buf_addch(b, '/');
	}
	buf_addstr(b, order_dirs[o]);
	if (pageno > 1) {
		buf_addstr(b, "page/");
		add_uint(b, (unsigned int)pageno);
		buf_addch(b, '/');
	}
}

static const char *
coll_url(const struct site *s, enum facet_id f, size_t t, int pageno,
    enum list_order o, struct arena *a)
{
	struct buf	 b = BUF_INIT;
	char		*url;

	coll_url_add(&b, s, f, t, pageno, o);
	url = arena_strdup(a, b.data);
	buf_free(&b);
	return url;
}

/* The members of collection c in order o. */
static const size_t *
coll_members(const struct coll *c, enum list_order o)
{
	return o == ORDER_EVENT ? c->ev : c->idx;
}

/* Is report r a member of term t of facet f? */
static int
in_term(const struct site *s, enum facet_id f, size_t t,
    const struct report *r)
{
	int	 i;

	switch (f) {
	case FACET_TYPE:
		return r->incident_type == (int)t;
	case FACET_LOSS:
		return r->loss == (int)t;
	case FACET_FACTOR:
		for (i = 0; i < r->nfactors; i++)
			if (r->factors[i] == (int)t)
				return 1;
		return 0;
	case FACET_YEAR:
		return r->event_year == s->years[t];
	case FACET_AGENCY:
		return r->agency == (int)t;
	case FACET_REGION:
		return r->region == (int)t;
	case FACET_TOD:
		return r->time_of_day == (int)t;
	case FACET_LIGHTING:
		return r->lighting == (int)t;
	case FACET_WEATHER:
		return r->weather == (int)t;
	default:
		return 1;
	}
}

/*
 * The terms of facet f that report r is in, into t (at most
 * REPORT_FACTORS_MAX): what in_term() says of each term, at once.
 */
static size_t
terms_of(const struct site *s, enum facet_id f, const struct report *r,
    size_t *t)
{
	size_t	 n = 0, k;
	int	 v = -1, i, j;

	switch (f) {
	case FACET_TYPE:
		v = r->incident_type;
		break;
	case FACET_LOSS:
		v = r->loss;
		break;
	case FACET_FACTOR:
		for (i = 0; i < r->nfactors; i++) {
			if (r->factors[i] < 0 ||
			    (size_t)r->factors[i] >= s->ncoll[f])
				continue;
			for (j = 0; j < i; j++)
				if (r->factors[j] == r->factors[i])
					break;
			if (j == i)
				t[n++] = (size_t)r->factors[i];
		}
		return n;
	case FACET_YEAR:
		for (k = 0; k < s->nyears; k++)
			if (s->years[k] == r->event_year) {
				t[0] = k;
				return 1;
			}
		return 0;
	case FACET_AGENCY:
		v = r->agency;
		break;
	case FACET_REGION:
		v = r->region;
		break;
	case FACET_TOD:
		v = r->time_of_day;
		break;
	case FACET_LIGHTING:
		v = r->lighting;
		break;
	case FACET_WEATHER:
		v = r->weather;
		break;
	default:
		t[0] = 0;
		return 1;
	}
	if (v < 0 || (size_t)v >= s->ncoll[f])
		return 0;
	t[0] = (size_t)v;
	return 1;
}

/* Newest event month first; ties: the higher id first. */
static int
cmp_event(const void *pa, const void *pb)
{
	const struct report *a = *(const struct report *const *)pa;
	const struct report *b = *(const struct report *const *)pb;
	int	 da = a->event_year * 100 + a->event_month;
	int	 db = b->event_year * 100 + b->event_month;

	if (da != db)
		return da > db ? -1 : 1;
	return strcmp(b->id, a->id);
}

void
site_index_free(struct site *s)
{
	size_t	 t;
	int	 f;

	free(s->years);
	s->years = NULL;
	s->nyears = 0;
	for (f = 0; f < FACET_MAX; f++) {
		for (t = 0; t < s->ncoll[f]; t++) {
			free(s->coll[f][t].idx);
			free(s->coll[f][t].ev);
		}
		free(s->coll[f]);
		s->coll[f] = NULL;
		s->ncoll[f] = 0;
	}
}

void
site_index(struct site *s)
{
	const struct report **byev;
	size_t	 i, t, n, k, ts[REPORT_FACTORS_MAX + 1];
	int	 f, y;

	site_index_free(s);
	for (i = 0; i < s->nreports; i++) {
		y = s->reports[i].event_year;
		for (t = 0; t < s->nyears; t++)
			if (s->years[t] == y)
				break;
		if (t < s->nyears)
			continue;
		s->years = xreallocarray(s->years, s->nyears + 1,
		    sizeof(int));
		s->years[s->nyears++] = y;
	}
	/* Newest year first (insertion sort: a few dozen years). */
	for (i = 1; i < s->nyears; i++)
		for (t = i; t > 0 && s->years[t - 1] < s->years[t]; t--) {
			y = s->years[t];
			s->years[t] = s->years[t - 1];
			s->years[t - 1] = y;
		}
	for (f = 0; f < FACET_MAX; f++) {
		n = f == FACET_YEAR ? s->nyears : f == FACET_ALL ? 1 :
		    s->cfg.tax[facet_tax[f]].nterms;
		s->ncoll[f] = n;
		s->coll[f] = xcalloc(n, sizeof(struct coll));
	}
	/*
	 * The members counted first, so that each list is made at its
	 * size: grown by doubling, the lists of 50,000 reports touched
	 * twice the memory they keep.
	 */
	for (i = 0; i < s->nreports; i++)
		for (f = 0; f < FACET_MAX; f++) {
			n = terms_of(s, f, &s->reports[i], ts);
			for (k = 0; k < n; k++)
				s->coll[f][ts[k]].n++;
		}
	for (f = 0; f < FACET_MAX; f++)
		for (t = 0; t < s->ncoll[f]; t++) {
			n = s->coll[f][t].n ? s->coll[f][t].n : 1;
			s->coll[f][t].idx = xreallocarray(NULL, n,
			    sizeof(size_t));
			s->coll[f][t].ev = xreallocarray(NULL, n,
			    sizeof(size_t));
			s->coll[f][t].n = 0;
		}
	/* Reports are sorted newest first, so members come out sorted. */
	for (i = 0; i < s->nreports; i++)
		for (f = 0; f < FACET_MAX; f++) {
			n = terms_of(s, f, &s->reports[i], ts);
			for (k = 0; k < n; k++) {
				struct coll *c = &s->coll[f][ts[k]];

				c->idx[c->n++] = i;
			}
		}
	/* The same members again, in event order: n counts up again. */
	for (f = 0; f < FACET_MAX; f++)
		for (t = 0; t < s->ncoll[f]; t++)
			s->coll[f][t].n = 0;
	byev = xreallocarray(NULL, s->nreports ? s->nreports : 1,
	    sizeof(*byev));
	for (i = 0; i < s->nreports; i++)
		byev[i] = &s->reports[i];
	qsort(byev, s->nreports, sizeof(*byev), cmp_event);
	for (k = 0; k < s->nreports; k++) {
		i = (size_t)(byev[k] - s->reports);
		for (f = 0; f < FACET_MAX; f++) {
			n = terms_of(s, f, byev[k], ts);
			for (t = 0; t < n; t++) {
				struct coll *c = &s->coll[f][ts[t]];

				c->ev[c->n++] = i;
			}
		}
	}
	free(byev);
}

/* 1 if the site has data/index.html (the theme has data.html). */
static int
has_data_page(const struct site *s)
{
	return s->theme != NULL && tmpl_set_has(s->theme, "data.html");
}

/* 1 if the site has browse/ (the theme has browse.html). */
static int
has_browse(const struct site *s)
{
	return s->theme != NULL && tmpl_set_has(s->theme, "browse.html");
}

/* 1 if the site has stats/ (the theme has stats.html). */
static int
has_stats(const struct site *s)
{
	return s->theme != NULL && tmpl_set_has(s->theme, "stats.html");
}

/* 1 if the site has lessons/ (the theme has both its templates). */
static int
has_lessons(const struct site *s)
{
	return s->theme != NULL && tmpl_set_has(s->theme, "lessons.html") &&
	    tmpl_set_has(s->theme, "lessons-index.html");
}

/* Relative path from a file at out-path rel to the site root. */
static const char *
root_of(struct arena *a, const char *rel)
{
	struct buf	 b = BUF_INIT;
	const char	*p, *r;

	for (p = rel; *p != '\0'; p++)
		if (*p == '/')
			buf_addstr(&b, "../");
	r = arena_strdup(a, b.data);
	buf_free(&b);
	return r;
}

/* Site-relative URL of an output file: "x/index.html" becomes "x/". */
static const char *
url_of(struct arena *a, const char *rel)
{
	size_t	 n = strlen(rel);
	char	*u;

	if (n >= 10 && strcmp(rel + n - 10, "index.html") == 0) {
		u = arena_alloc(a, n - 9);
		memcpy(u, rel, n - 10);
		u[n - 10] = '\0';
		return u;
	}
	return rel;
}

static struct tval *
browse_val(struct arena *a)
{
	struct tval	*l = tv_list(a), *m;
	int		 f;

	for (f = 0; f < FACET_MAX; f++) {
		m = tv_map(a);
		tv_set_str(a, m, "name", facet_names[f]);
		tv_set_str(a, m, "label", facet_labels[f]);
		tv_set_str(a, m, "url", f == FACET_ALL ? "reports/" :
		    arena_printf(a, "%s/", facet_dirs[f]));
		tv_push(a, l, m);
	}
	return l;
}

static struct tval *
ctx_base(struct arena *a, const struct site *s, const char *rel,
    const char *kind, const char *title, const char *feed)
{
	struct tval	*ctx = tv_map(a), *site = tv_map(a), *page = tv_map(a);
	struct tval	*pages = tv_list(a), *p;
	const char	*url = url_of(a, rel);
	size_t		 i;

	tv_set_str(a, site, "title", s->cfg.title);
	tv_set_str(a, site, "description", s->cfg.description);
	tv_set_str(a, site, "base_url", s->cfg.base_url);
	tv_set_str(a, site, "intake_url", s->cfg.intake_url);
	tv_set_str(a, site, "intake_email", s->cfg.intake_email);
	tv_set_str(a, site, "language", s->cfg.language);
	/* The small-count rule's k, for the scripts that count (search.js). */
	tv_set_int(a, site, "min_count", s->cfg.min_count);
	tv_set(a, ctx, "site", site);
	tv_set_str(a, ctx, "generator", "nearmiss-gen " NM_VERSION);
	tv_set_str(a, ctx, "root", strcmp(kind, "404") == 0 ?
	    s->cfg.base_url : root_of(a, rel));
	tv_set_str(a, page, "title", title);
	tv_set_str(a, page, "kind", kind);
	tv_set_str(a, page, "url", url);
	tv_set_str(a, page, "canonical", arena_printf(a, "%s%s",
	    s->cfg.base_url, url));
	tv_set_str(a, page, "feed", feed != NULL ? feed : "");
	tv_set(a, ctx, "page", page);
	for (i = 0; i < s->npages; i++) {
		p = tv_map(a);
		tv_set_str(a, p, "slug", s->pages[i].slug);
		tv_set_str(a, p, "title", s->pages[i].title);
		tv_set_str(a, p, "url", arena_printf(a, "%s/",
		    s->pages[i].slug));
		tv_set_int(a, p, "current", strncmp(url, s->pages[i].slug,
		    strlen(s->pages[i].slug)) == 0 &&
		    strcmp(url + strlen(s->pages[i].slug), "/") == 0);
		tv_push(a, pages, p);
	}
	tv_set(a, ctx, "pages", pages);
	/* The ways to browse, without counts (those live on a few pages). */
	tv_set(a, ctx, "browse", browse_val(a));
	return ctx;
}

static struct tval *
term_val(struct arena *a, const struct site *s, enum tax_id t, int i,
    enum facet_id f)
{
	struct tval	*v = tv_map(a);

	if (i < 0)
		return NULL;
	tv_set_str(a, v, "slug", s->cfg.tax[t].terms[i].slug);
	tv_set_str(a, v, "label", s->cfg.tax[t].terms[i].label);
	if (f != FACET_MAX)
		tv_set_str(a, v, "url", arena_printf(a, "%s/%s/",
		    facet_dirs[f], s->cfg.tax[t].terms[i].slug));
	return v;
}

static void
set_term(struct arena *a, struct tval *m, const char *key,
    const struct site *s, enum tax_id t, int i, enum facet_id f)
{
	struct tval	*v;

	if ((v = term_val(a, s, t, i, f)) != NULL)
		tv_set(a, m, key, v);
	else
		tv_set_str(a, m, key, "");
}

/* The report item of r: everything but the body. */
static struct tval *
item(struct arena *a, const struct site *s, const struct report *r)
{
	struct tval	*m = tv_map(a), *l = tv_list(a), *env = tv_map(a);
	const char	*url;
	int		 i;

	url = arena_printf(a, "reports/%s/", r->id);
	tv_set_str(a, m, "id", r->id);
	tv_set_str(a, m, "title", r->title);
	tv_set_str(a, m, "url", url);
	tv_set_str(a, m, "permalink", arena_printf(a, "%s%s",
	    s->cfg.base_url, url));
	tv_set_str(a, m, "summary", r->summary);
	tv_set_str(a, m, "event_date", arena_printf(a, "%04d-%02d",
	    r->event_year, r->event_month));
	tv_set_str(a, m, "event_date_label", arena_printf(a, "%s %d",
	    month_name(r->event_month), r->event_year));
	tv_set_str(a, m, "published", arena_printf(a, "%04d-%02d-%02d",
	    r->pub_year, r->pub_month, r->pub_day));
	tv_set_str(a, m, "published_label", arena_printf(a, "%d %s %d",
	    r->pub_day, month_name(r->pub_month), r->pub_year));
	tv_set_int(a, m, "year", r->event_year);
	set_term(a, m, "incident_type", s, TAX_INCIDENT_TYPE,
	    r->incident_type, FACET_TYPE);
	for (i = 0; i < r->nfactors; i++)
		tv_push(a, l, term_val(a, s, TAX_FACTORS, r->factors[i],
		    FACET_FACTOR));
	tv_set(a, m, "contributing_factors", l);
	set_term(a, m, "loss_potential", s, TAX_LOSS, r->loss, FACET_LOSS);
	tv_set_int(a, m, "officers_on_scene", r->officers);
	set_term(a, env, "time_of_day", s, TAX_TIME_OF_DAY, r->time_of_day,
	    FACET_TOD);
	set_term(a, env, "lighting", s, TAX_LIGHTING, r->lighting,
	    FACET_LIGHTING);
	set_term(a, env, "weather", s, TAX_WEATHER, r->weather,
	    FACET_WEATHER);
	if (r->time_of_day >= 0 || r->lighting >= 0 || r->weather >= 0)
		tv_set(a, m, "environment", env);
	else
		tv_set_str(a, m, "environment", "");
	set_term(a, m, "agency_type", s, TAX_AGENCY, r->agency,
	    FACET_AGENCY);
	set_term(a, m, "region", s, TAX_REGION, r->region, FACET_REGION);
	return m;
}

static const char *
feed_of(const struct site *s, enum facet_id f, size_t t, struct arena *a)
{
	if (f == FACET_ALL)
		return "atom.xml";
	if (f == FACET_TYPE || f == FACET_FACTOR || f == FACET_LOSS ||
	    f == FACET_YEAR)
		return arena_printf(a, "%s/%s/atom.xml", facet_dirs[f],
		    term_slug(s, f, t, a));
	return "";
}

static struct tval *
facet_val(struct arena *a, const struct site *s, enum facet_id f)
{
	struct tval	*m = tv_map(a), *terms = tv_list(a), *t;
	size_t		 i;

	tv_set_str(a, m, "name", facet_names[f]);
	tv_set_str(a, m, "label", facet_labels[f]);
	tv_set_str(a, m, "url", arena_printf(a, "%s/", facet_dirs[f]));
	for (i = 0; i < s->ncoll[f]; i++) {
		if (s->coll[f][i].n == 0)
			continue;
		t = tv_map(a);
		tv_set_str(a, t, "slug", term_slug(s, f, i, a));
		tv_set_str(a, t, "label", term_label(s, f, i, a));
		tv_set_str(a, t, "count", count_text(a, s, s->coll[f][i].n));
		tv_set_str(a, t, "url", coll_url(s, f, i, 1, ORDER_PUB, a));
		tv_set_str(a, t, "url_event", coll_url(s, f, i, 1,
		    ORDER_EVENT, a));
		tv_set_str(a, t, "feed", feed_of(s, f, i, a));
		tv_push(a, terms, t);
	}
	tv_set(a, m, "terms", terms);
	return m;
}

/* The facets before end, with their terms and counts. */
static struct tval *
facets_val(struct arena *a, const struct site *s, enum facet_id end)
{
	struct tval	*l = tv_list(a);
	int		 f;

	for (f = 0; f < (int)end; f++)
		tv_push(a, l, facet_val(a, s, f));
	return l;
}

int
page_report(struct buf *out, const struct site *s, struct arena *a,
    const struct report *r, const char *narrative, size_t nlen,
    const char *lessons, size_t llen, const char *comments, size_t clen)
{
	struct tval	*ctx, *it, *dq;
	const char	*rel;
	int		 i;

	rel = arena_printf(a, "reports/%s/index.html", r->id);
	ctx = ctx_base(a, s, rel, "report", r->title, NULL);
	it = item(a, s, r);
	tv_set_html(a, it, "narrative", narrative, nlen);
	tv_set_html(a, it, "lessons", lessons, llen);
	tv_set_html(a, it, "comments", comments, clen);
	/* --drafts: what an unapproved report lacks, for its banner. */
	tv_set_str(a, it, "draft", rule_draft(s->rule, r->id));
	tv_set_str(a, it, "revised", rule_revised(s->rule, r->id));
	/* Filled once every report is known (related.h). */
	tv_set_html(a, it, "related", REL_OPEN REL_CLOSE,
	    sizeof(REL_OPEN REL_CLOSE) - 1);
	dq = tv_list(a);
	for (i = 0; i < r->ndiscussion; i++)
		tv_push(a, dq, tv_str(a, r->discussion[i]));
	tv_set(a, it, "discussion", dq);
	tv_set(a, ctx, "report", it);
	return tmpl_render(out, s->theme, "report.html", ctx);
}

int
page_related(struct buf *out, const struct site *s, struct arena *a,
    size_t i, const size_t *rel, size_t prev, size_t next)
{
	const struct report *r = &s->reports[i];
	struct tval	*ctx, *l = tv_list(a);
	size_t		 k;

	ctx = ctx_base(a, s, arena_printf(a, "reports/%s/index.html", r->id),
	    "report", r->title, NULL);
	tv_set(a, ctx, "report", item(a, s, r));
	for (k = 0; k < REL_MAX && rel[k] != SIZE_MAX; k++)
		tv_push(a, l, item(a, s, &s->reports[rel[k]]));
	tv_set(a, ctx, "related", l);
	if (prev != SIZE_MAX)
		tv_set(a, ctx, "prev", item(a, s, &s->reports[prev]));
	else
		tv_set_str(a, ctx, "prev", "");
	if (next != SIZE_MAX)
		tv_set(a, ctx, "next", item(a, s, &s->reports[next]));
	else
		tv_set_str(a, ctx, "next", "");
	return tmpl_render(out, s->theme, "_related.html", ctx);
}

static int
coll_pages(const struct site *s, const struct coll *c)
{
	int	 per = s->cfg.per_page;

	return c->n == 0 ? 1 : (int)((c->n + (size_t)per - 1) / (size_t)per);
}

static void
plan_add(struct outfile **v, size_t *n, enum out_kind k, enum facet_id f,
    int term, int pageno, char *path)
{
	struct outfile	*o;

	/* Doubling: a big archive has tens of thousands of outputs. */
	if ((*n & (*n - 1)) == 0)
		*v = xreallocarray(*v, *n ? *n * 2 : 1, sizeof(**v));
	o = &(*v)[(*n)++];
	memset(o, 0, sizeof(*o));
	o->kind = k;
	o->facet = f;
	o->term = term;
	o->pageno = pageno;
	o->path = path;
}

int
pages_plan(struct outfile **out, size_t *nout, const struct site *s)
{
	struct outfile	*v = NULL;
	struct wkpin	*wp = NULL;
	struct arena	*a = arena_new();
	struct buf	 b = BUF_INIT;
	size_t		 n = 0, t, i, nw;
	int		 f, p, np, o;

	plan_add(&v, &n, OUT_HOME, FACET_ALL, -1, 0, xstrdup("index.html"));
	/* Lessons learned: an index, then pages per type and factor. */
	if (has_lessons(s)) {
		plan_add(&v, &n, OUT_LESSONS, FACET_ALL, -1, 0,
		    xstrdup("lessons/index.html"));
		for (i = 0; i < NM_NELEM(lessons_facets); i++) {
			f = lessons_facets[i];
			for (t = 0; t < s->ncoll[f]; t++) {
				if (s->coll[f][t].n == 0)
					continue;
				np = coll_pages(s, &s->coll[f][t]);
				for (p = 1; p <= np; p++)
					plan_add(&v, &n, OUT_LESSONS, f,
					    (int)t, p, xstrdup(arena_printf(a,
					    "%sindex.html", lessons_url(s, f,
					    t, p, a))));
			}
		}
	}
	/* The report of the week: week/, its feed, a page a week. */
	if ((nw = week_pins(s, &wp)) > 0) {
		plan_add(&v, &n, OUT_WEEKS, FACET_ALL, -1, 0,
		    xstrdup("week/index.html"));
		plan_add(&v, &n, OUT_WEEKFEED, FACET_ALL, -1, 0,
		    xstrdup("week/atom.xml"));
		for (i = 0; i < nw; i++)
			plan_add(&v, &n, OUT_WEEK, FACET_ALL, wp[i].pin->week,
			    0, xstrdup(week_path(a, wp[i].pin->week)));
	}
	free(wp);
	plan_add(&v, &n, OUT_FEED, FACET_ALL, 0, 0, xstrdup("atom.xml"));
	plan_add(&v, &n, OUT_SITEMAP, FACET_ALL, -1, 0,
	    xstrdup("sitemap.xml"));
	np = (int)sitemap_parts(s);
	for (p = 1; p <= np; p++)
		plan_add(&v, &n, OUT_SITEMAP, FACET_ALL, -1, p,
		    xstrdup(arena_printf(a, "sitemap-%d.xml", p)));
	plan_add(&v, &n, OUT_ROBOTS, FACET_ALL, -1, 0,
	    xstrdup("robots.txt"));
	plan_add(&v, &n, OUT_HEADERS, FACET_ALL, -1, 0,
	    xstrdup("_headers"));
	plan_add(&v, &n, OUT_404, FACET_ALL, -1, 0, xstrdup("404.html"));
	plan_add(&v, &n, OUT_SEARCH, FACET_ALL, -1, 0,
	    xstrdup("search/index.html"));
	/* The receipt status page, when the theme has one. */
	if (s->theme != NULL && tmpl_set_has(s->theme, "status.html"))
		plan_add(&v, &n, OUT_STATUS, FACET_ALL, -1, 0,
		    xstrdup("status/index.html"));
	/* The open data; its dictionary page when the theme has one. */
	for (p = 0; p < DATA_FILE_MAX; p++)
		if (p != DATA_PAGE || has_data_page(s))
			plan_add(&v, &n, OUT_DATA, FACET_ALL, -1, p,
			    xstrdup(data_path(p)));
	/* Patterns (stats.c) and their feed, when the theme has them. */
	if (has_stats(s)) {
		plan_add(&v, &n, OUT_STATS, FACET_ALL, -1, 0,
		    xstrdup("stats/index.html"));
		plan_add(&v, &n, OUT_STATS, FACET_ALL, -1, 1,
		    xstrdup("stats/emerging.xml"));
	}
	/* The index of every facet, when the theme has one. */
	if (has_browse(s))
		plan_add(&v, &n, OUT_BROWSE, FACET_ALL, -1, 0,
		    xstrdup("browse/index.html"));
	for (f = 0; f < FACET_MAX; f++) {
		if (f != FACET_ALL)
			plan_add(&v, &n, OUT_TERMS, f, -1, 0, xstrdup(
			    arena_printf(a, "%s/index.html", facet_dirs[f])));
		for (t = 0; t < s->ncoll[f]; t++) {
			if (s->coll[f][t].n == 0 && f != FACET_ALL)
				continue;
			np = coll_pages(s, &s->coll[f][t]);
			for (o = 0; o < ORDER_MAX; o++)
				for (p = 1; p <= np; p++) {
					buf_reset(&b);
					coll_url_add(&b, s, f, t, p, o);
					buf_addstr(&b, "index.html");
					plan_add(&v, &n, OUT_LIST, f, (int)t,
					    p, xstrdup(b.data));
					v[n - 1].order = o;
				}
			if (f != FACET_ALL && *feed_of(s, f, t, a) != '\0')
				plan_add(&v, &n, OUT_FEED, f, (int)t, 0,
				    xstrdup(feed_of(s, f, t, a)));
		}
	}
	for (i = 0; i < s->npages; i++) {
		buf_reset(&b);
		buf_printf(&b, "%s/index.html", s->pages[i].slug);
		plan_add(&v, &n, OUT_PAGE, FACET_ALL, -1, 0,
		    buf_detach(&b, NULL));
		v[n - 1].page = i;
	}
	buf_free(&b);
	arena_free(a);
	*out = v;
	*nout = n;
	return 0;
}

void
outfiles_free(struct outfile *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(v[i].path);
	free(v);
}

/* The URL of page p of term t of facet f's lessons learned. */
static const char *
lessons_url(const struct site *s, enum facet_id f, size_t t, int p,
    struct arena *a)
{
	if (p > 1)
		return arena_printf(a, "lessons/%s/%s/page/%d/",
		    facet_dirs[f], term_slug(s, f, t, a), p);
	return arena_printf(a, "lessons/%s/%s/", facet_dirs[f],
	    term_slug(s, f, t, a));
}

/* Page p of a list (o) or, when o is ORDER_MAX, of lessons learned. */
static const char *
pg_url(const struct site *s, enum facet_id f, size_t t, int p,
    enum list_order o, struct arena *a)
{
	if (o == ORDER_MAX)
		return lessons_url(s, f, t, p, a);
	return coll_url(s, f, t, p, o, a);
}

static void
pagination(struct arena *a, const struct site *s, struct tval *list,
    enum facet_id f, size_t t, enum list_order o, int pageno, int npages)
{
	struct tval	*pg = tv_map(a), *links = tv_list(a), *l;
	int		 i;

	tv_set_int(a, pg, "page", pageno);
	tv_set_int(a, pg, "pages", npages);
	tv_set_str(a, pg, "prev", pageno > 1 ?
	    pg_url(s, f, t, pageno - 1, o, a) : "");
	tv_set_str(a, pg, "next", pageno < npages ?
	    pg_url(s, f, t, pageno + 1, o, a) : "");
	tv_set_str(a, pg, "first", pg_url(s, f, t, 1, o, a));
	tv_set_str(a, pg, "last", pg_url(s, f, t, npages, o, a));
	for (i = 1; i <= npages; i++) {
		/* Around the current page, plus the first and last. */
		if (npages > 11 && i != 1 && i != npages &&
		    (i < pageno - 3 || i > pageno + 3))
			continue;
		l = tv_map(a);
		tv_set_int(a, l, "number", i);
		tv_set_str(a, l, "url", pg_url(s, f, t, i, o, a));
		tv_set_int(a, l, "current", i == pageno);
		tv_push(a, links, l);
	}
	tv_set(a, pg, "links", links);
	tv_set(a, list, "pagination", pg);
}

static int
render_list(struct buf *out, const struct site *s, struct arena *a,
    const struct outfile *o)
{
	const struct coll *c = &s->coll[o->facet][o->term];
	const size_t	*m = coll_members(c, o->order);
	struct tval	*ctx, *list = tv_map(a), *items = tv_list(a), *term;
	const char	*title;
	size_t		 i, from, to;
	int		 np = coll_pages(s, c);

	if (o->facet == FACET_ALL)
		title = facet_labels[FACET_ALL];
	else
		title = arena_printf(a, "%s: %s", facet_labels[o->facet],
		    term_label(s, o->facet, (size_t)o->term, a));
	/* Each order has its own title, so no two pages share one. */
	if (o->order == ORDER_EVENT)
		title = arena_printf(a, "%s, by event date", title);
	if (np > 1)
		title = arena_printf(a, "%s (page %d of %d)", title,
		    o->pageno, np);
	ctx = ctx_base(a, s, o->path, "list", title,
	    feed_of(s, o->facet, (size_t)o->term, a));
	tv_set_str(a, list, "title", title);
	tv_set_str(a, list, "count", count_text(a, s, c->n));
	tv_set_str(a, list, "facet", o->facet == FACET_ALL ? "" :
	    facet_labels[o->facet]);
	/* The order this page shows, and the first page of the other. */
	tv_set_str(a, list, "order", order_names[o->order]);
	tv_set_str(a, list, "url_published", coll_url(s, o->facet,
	    (size_t)o->term, 1, ORDER_PUB, a));
	tv_set_str(a, list, "url_event", coll_url(s, o->facet,
	    (size_t)o->term, 1, ORDER_EVENT, a));
	if (o->facet != FACET_ALL) {
		term = tv_map(a);
		tv_set_str(a, term, "slug", term_slug(s, o->facet,
		    (size_t)o->term, a));
		tv_set_str(a, term, "label", term_label(s, o->facet,
		    (size_t)o->term, a));
		tv_set(a, list, "term", term);
	} else
		tv_set_str(a, list, "term", "");
	from = (size_t)(o->pageno - 1) * (size_t)s->cfg.per_page;
	to = from + (size_t)s->cfg.per_page;
	for (i = from; i < to && i < c->n; i++)
		tv_push(a, items, item(a, s, &s->reports[m[i]]));
	tv_set(a, list, "reports", items);
	pagination(a, s, list, o->facet, (size_t)o->term, o->order,
	    o->pageno, np);
	tv_set(a, ctx, "list", list);
	return tmpl_render(out, s->theme, "list.html", ctx);
}

/* lessons/index.html: every incident type and factor, with counts. */
static int
render_lessons_index(struct buf *out, const struct site *s,
    struct arena *a, const struct outfile *o)
{
	struct tval	*ctx, *groups = tv_list(a), *g, *terms, *m;
	size_t		 k, t;
	enum facet_id	 f;

	ctx = ctx_base(a, s, o->path, "lessons",
	    "Lessons learned, by incident type and factor", NULL);
	for (k = 0; k < NM_NELEM(lessons_facets); k++) {
		f = lessons_facets[k];
		g = tv_map(a);
		terms = tv_list(a);
		tv_set_str(a, g, "label", facet_labels[f]);
		tv_set_str(a, g, "name", facet_names[f]);
		for (t = 0; t < s->ncoll[f]; t++) {
			if (s->coll[f][t].n == 0)
				continue;
			m = tv_map(a);
			tv_set_str(a, m, "label", term_label(s, f, t, a));
			tv_set_str(a, m, "url", lessons_url(s, f, t, 1, a));
			tv_set_str(a, m, "count", count_text(a, s,
			    s->coll[f][t].n));
			tv_push(a, terms, m);
		}
		tv_set(a, g, "terms", terms);
		tv_push(a, groups, g);
	}
	tv_set(a, ctx, "groups", groups);
	tv_set_str(a, ctx, "total", count_text(a, s, s->nreports));
	return tmpl_render(out, s->theme, "lessons-index.html", ctx);
}

/*
 * lessons/<facet>/<term>/[page/N/]: the lessons learned of the term's
 * reports, newest published first, per_page of them a page, each with
 * a link back to its report; printable as a briefing.
 */
static int
render_lessons(struct buf *out, const struct site *s, struct arena *a,
    const struct outfile *o)
{
	const struct coll *c = &s->coll[o->facet][o->term];
	const struct report *r;
	const struct relvec *v;
	struct tval	*ctx, *list = tv_map(a), *items = tv_list(a), *it;
	struct tval	*term = tv_map(a), *terms;
	struct termstat_term tt[LESSONS_TERMS];
	const char	*title, *label;
	size_t		 i, from, to, nt;
	int		 np = coll_pages(s, c);

	label = term_label(s, o->facet, (size_t)o->term, a);
	title = arena_printf(a, "Lessons learned: %s", label);
	if (np > 1)
		title = arena_printf(a, "%s (page %d of %d)", title,
		    o->pageno, np);
	ctx = ctx_base(a, s, o->path, "lessons", title, NULL);
	tv_set_str(a, list, "title", title);
	tv_set_str(a, list, "count", count_text(a, s, c->n));
	tv_set_str(a, list, "facet", facet_labels[o->facet]);
	tv_set_str(a, term, "label", label);
	tv_set_str(a, term, "slug", term_slug(s, o->facet, (size_t)o->term,
	    a));
	tv_set_str(a, term, "url", coll_url(s, o->facet, (size_t)o->term, 1,
	    ORDER_PUB, a));
	tv_set(a, list, "term", term);
	from = (size_t)(o->pageno - 1) * (size_t)s->cfg.per_page;
	to = from + (size_t)s->cfg.per_page;
	for (i = from; i < to && i < c->n; i++) {
		r = &s->reports[c->idx[i]];
		it = item(a, s, r);
		v = s->rel != NULL ? relset_find(s->rel, r->id) : NULL;
		if (v != NULL && v->lessons != NULL)
			tv_set_html(a, it, "lessons", v->lessons,
			    v->lessonslen);
		else
			tv_set_str(a, it, "lessons", "");
		tv_push(a, items, it);
	}
	tv_set(a, list, "reports", items);
	/* What these reports keep mentioning, on the first page. */
	terms = tv_list(a);
	if (s->terms != NULL && o->pageno == 1) {
		nt = termstat_top(s->terms, c->idx, c->n, LESSONS_TERMS, tt);
		for (i = 0; i < nt; i++) {
			it = tv_map(a);
			tv_set_str(a, it, "word", tt[i].word);
			tv_set_str(a, it, "reports", count_text(a, s,
			    tt[i].in));
			tv_push(a, terms, it);
		}
	}
	tv_set(a, list, "terms", terms);
	pagination(a, s, list, o->facet, (size_t)o->term, ORDER_MAX,
	    o->pageno, np);
	tv_set(a, ctx, "list", list);
	return tmpl_render(out, s->theme, "lessons.html", ctx);
}

static void
atom_date(struct buf *b, const struct report *r)
{
	buf_printf(b, "%04d-%02d-%02dT00:00:00Z", r->pub_year, r->pub_month,
	    r->pub_day);
}

static int
render_feed(struct buf *b, const struct site *s, struct arena *a,
    const struct outfile *o)
{
	const struct coll *c = &s->coll[o->facet][o->term];
	const struct report *r;
	const char	*base = s->cfg.base_url, *url;
	size_t		 i;
	int		 k;

	url = o->facet == FACET_ALL ? "" : coll_url(s, o->facet,
	    (size_t)o->term, 1, ORDER_PUB, a);
	buf_addstr(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
	xml_elem(b, "title", o->facet == FACET_ALL ? s->cfg.title :
	    arena_printf(a, "%s: %s", s->cfg.title, term_label(s, o->facet,
	    (size_t)o->term, a)));
	if (*s->cfg.description != '\0')
		xml_elem(b, "subtitle", s->cfg.description);
	buf_addstr(b, "<link rel=\"alternate\" type=\"text/html\" href=\"");
	xml_text(b, base, strlen(base));
	xml_text(b, url, strlen(url));
	buf_addstr(b, "\"/>\n<link rel=\"self\" href=\"");
	xml_text(b, base, strlen(base));
	xml_text(b, o->path, strlen(o->path));
	buf_addstr(b, "\"/>\n");
	xml_elem(b, "id", arena_printf(a, "%s%s", base, o->path));
	/* Deterministic: the newest publication date, not the build time. */
	buf_addstr(b, "<updated>");
	if (c->n > 0)
		atom_date(b, &s->reports[c->idx[0]]);
	else
		buf_addstr(b, "1970-01-01T00:00:00Z");
	buf_addstr(b, "</updated>\n<author><name>");
	xml_text(b, s->cfg.title, strlen(s->cfg.title));
	buf_addstr(b, "</name></author>\n<generator version=\"" NM_VERSION
	    "\">nearmiss-gen</generator>\n");
	for (i = 0; i < c->n && i < (size_t)s->cfg.feed_items; i++) {
		r = &s->reports[c->idx[i]];
		url = arena_printf(a, "%sreports/%s/", base, r->id);
		buf_addstr(b, "<entry>\n");
		xml_elem(b, "title", r->title);
		buf_addstr(b, "<link rel=\"alternate\" type=\"text/html\" "
		    "href=\"");
		xml_text(b, url, strlen(url));
		buf_addstr(b, "\"/>\n");
		xml_elem(b, "id", url);
		buf_addstr(b, "<published>");
		atom_date(b, r);
		buf_addstr(b, "</published>\n<updated>");
		atom_date(b, r);
		buf_addstr(b, "</updated>\n");
		buf_addstr(b, "<category term=\"");
		xml_text(b, s->cfg.tax[TAX_INCIDENT_TYPE].terms[
		    r->incident_type].slug, strlen(s->cfg.tax[
		    TAX_INCIDENT_TYPE].terms[r->incident_type].slug));
		buf_addstr(b, "\" label=\"");
		xml_text(b, s->cfg.tax[TAX_INCIDENT_TYPE].terms[
		    r->incident_type].label, strlen(s->cfg.tax[
		    TAX_INCIDENT_TYPE].terms[r->incident_type].label));
		buf_addstr(b, "\"/>\n");
		for (k = 0; k < r->nfactors; k++) {
			const struct term *tm =
			    &s->cfg.tax[TAX_FACTORS].terms[r->factors[k]];

			buf_addstr(b, "<category term=\"");
			xml_text(b, tm->slug, strlen(tm->slug));
			buf_addstr(b, "\" label=\"");
			xml_text(b, tm->label, strlen(tm->label));
			buf_addstr(b, "\"/>\n");
		}
		xml_elem(b, "summary", r->summary);
		/* The whole report: readers read it in the feed. */
		if (s->body != NULL && s->body[c->idx[i]] != NULL) {
			buf_addstr(b, "<content type=\"html\">");
			xml_text(b, s->body[c->idx[i]],
			    s->bodylen[c->idx[i]]);
			buf_addstr(b, "</content>\n");
		}
		buf_addstr(b, "</entry>\n");
	}
	buf_addstr(b, "</feed>\n");
	return 0;
}

static void
sitemap_url(struct buf *b, const char *base, const char *url,
    const struct report *r)
{
	buf_addstr(b, "<url><loc>");
	xml_text(b, base, strlen(base));
	xml_text(b, url, strlen(url));
	buf_addstr(b, "</loc>");
	if (r != NULL)
		buf_printf(b, "<lastmod>%04d-%02d-%02d</lastmod>",
		    r->pub_year, r->pub_month, r->pub_day);
	buf_addstr(b, "</url>\n");
}

/*
 * The sitemap protocol allows 50,000 URLs a file.  A site that fits gets
 * one sitemap.xml; a larger one gets a sitemap index in sitemap.xml that
 * points at sitemap-1.xml (the lists and pages) and sitemap-2.xml, ...
 * (the reports, SITEMAP_CHUNK each).  Returns the number of parts, or 0
 * for a single file.
 */
static size_t
sitemap_parts(const struct site *s)
{
	size_t	 n, t;
	int	 f;

	n = 1 + (size_t)has_browse(s) + (size_t)has_data_page(s) +
	    (size_t)has_stats(s) + s->npages + s->nreports +
	    (size_t)has_lessons(s) * (1 + s->ncoll[FACET_TYPE] +
	    s->ncoll[FACET_FACTOR]) + s->cfg.npins + 1;
	for (f = 0; f < FACET_MAX; f++)
		for (t = 0, n++; t < s->ncoll[f]; t++)
			n++;
	if (n <= SITEMAP_URLS)
		return 0;
	return 1 + (s->nreports + SITEMAP_CHUNK - 1) / SITEMAP_CHUNK;
}

static void
sitemap_lists(struct buf *b, const struct site *s, struct arena *a)
{
	const char	*base = s->cfg.base_url;
	struct wkpin	*wp = NULL;
	size_t		 i, t, nw;
	int		 f;

	sitemap_url(b, base, "", NULL);
	if (has_browse(s))
		sitemap_url(b, base, "browse/", NULL);
	if (has_data_page(s))
		sitemap_url(b, base, "data/", NULL);
	if (has_stats(s))
		sitemap_url(b, base, "stats/", NULL);
	if (has_lessons(s)) {
		sitemap_url(b, base, "lessons/", NULL);
		for (i = 0; i < NM_NELEM(lessons_facets); i++)
			for (t = 0; t < s->ncoll[lessons_facets[i]]; t++)
				if (s->coll[lessons_facets[i]][t].n > 0)
					sitemap_url(b, base, lessons_url(s,
					    lessons_facets[i], t, 1, a), NULL);
	}
	/* The reports of the week and each roll-call view. */
	if ((nw = week_pins(s, &wp)) > 0) {
		sitemap_url(b, base, "week/", NULL);
		for (i = 0; i < nw; i++)
			sitemap_url(b, base, url_of(a, week_path(a,
			    wp[i].pin->week)), NULL);
	}
	free(wp);
	for (i = 0; i < s->npages; i++)
		sitemap_url(b, base, arena_printf(a, "%s/",
		    s->pages[i].slug), NULL);
	for (f = 0; f < FACET_MAX; f++) {
		if (f != FACET_ALL)
			sitemap_url(b, base, arena_printf(a, "%s/",
			    facet_dirs[f]), NULL);
		for (t = 0; t < s->ncoll[f]; t++)
			if (s->coll[f][t].n > 0 || f == FACET_ALL)
				sitemap_url(b, base, coll_url(s, f, t, 1,
				    ORDER_PUB, a),
				    NULL);
	}
}

static void
sitemap_reports(struct buf *b, const struct site *s, struct arena *a,
    size_t from, size_t to)
{
	size_t	 i;

	for (i = from; i < to && i < s->nreports; i++) {
		sitemap_url(b, s->cfg.base_url, arena_printf(a,
		    "reports/%s/", s->reports[i].id), &s->reports[i]);
		/* Keep the arena small over 45,000 reports. */
		if (i % 256 == 255)
			arena_reset(a);
	}
}

static int
render_sitemap(struct buf *b, const struct site *s, struct arena *a,
    int part)
{
	static const char head[] = "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
	    "\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
	    "\n";
	size_t	 parts = sitemap_parts(s), k;

	if (parts > 0 && part == 0) {
		buf_addstr(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
		    "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/"
		    "sitemap/0.9\">\n");
		for (k = 1; k <= parts; k++) {
			buf_addstr(b, "<sitemap><loc>");
			xml_text(b, s->cfg.base_url, strlen(s->cfg.base_url));
			buf_printf(b, "sitemap-%zu.xml</loc></sitemap>\n", k);
		}
		buf_addstr(b, "</sitemapindex>\n");
		return 0;
	}
	buf_addstr(b, head);
	if (part <= 1)
		sitemap_lists(b, s, a);
	if (part == 0)
		sitemap_reports(b, s, a, 0, s->nreports);
	else if (part >= 2)
		sitemap_reports(b, s, a, (size_t)(part - 2) * SITEMAP_CHUNK,
		    (size_t)(part - 1) * SITEMAP_CHUNK);
	buf_addstr(b, "</urlset>\n");
	return 0;
}

static int
render_search(struct buf *out, const struct site *s, struct arena *a,
    const struct outfile *o)
{
	struct tval	*ctx;
	struct buf	 h = BUF_INIT;
	const char	*html;
	int		 f, rc;

	/* The theme's search page: the client (static/search.js). */
	if (tmpl_set_has(s->theme, "search.html")) {
		ctx = ctx_base(a, s, o->path, "search", "Search the reports",
		    NULL);
		tv_set(a, ctx, "facets", facets_val(a, s, FACET_ALL));
		tv_set_str(a, ctx, "total", count_text(a, s, s->nreports));
		return tmpl_render(out, s->theme, "search.html", ctx);
	}
	buf_addstr(&h, "<p>Full-text search of the archive is not "
	    "available yet. Every report can be reached by browsing:</p>\n"
	    "<ul>\n");
	for (f = 0; f < FACET_MAX; f++) {
		buf_addstr(&h, "<li><a href=\"../");
		html_attr(&h, facet_dirs[f], strlen(facet_dirs[f]));
		buf_addstr(&h, "/\">");
		html_text(&h, facet_labels[f], strlen(facet_labels[f]));
		buf_addstr(&h, "</a></li>\n");
	}
	buf_addstr(&h, "</ul>\n");
	if (has_browse(s))
		buf_addstr(&h, "<p><a href=\"../browse/\">Every way to "
		    "browse, with counts</a></p>\n");
	html = arena_strdup(a, h.data);
	ctx = ctx_base(a, s, o->path, "page", "Search", NULL);
	tv_set_html(a, ctx, "content", html, h.len);
	buf_free(&h);
	rc = tmpl_render(out, s->theme, "page.html", ctx);
	return rc;
}

int
page_render(struct buf *out, const struct site *s, struct arena *a,
    const struct outfile *o)
{
	struct tval	*ctx, *latest;
	size_t		 i;

	switch (o->kind) {
	case OUT_HOME:
		ctx = ctx_base(a, s, o->path, "home", s->cfg.title,
		    "atom.xml");
		latest = tv_list(a);
		for (i = 0; i < s->nreports &&
		    i < (size_t)s->cfg.home_items; i++)
			tv_push(a, latest, item(a, s, &s->reports[i]));
		tv_set(a, ctx, "latest", latest);
		tv_set(a, ctx, "facets", facets_val(a, s, FACET_HOME));
		tv_set_str(a, ctx, "total", count_text(a, s, s->nreports));
		tv_set(a, ctx, "week", week_home(a, s));
		return tmpl_render(out, s->theme, "home.html", ctx);
	case OUT_LIST:
		return render_list(out, s, a, o);
	case OUT_TERMS:
		ctx = ctx_base(a, s, o->path, "terms",
		    facet_labels[o->facet], NULL);
		tv_set(a, ctx, "facet", facet_val(a, s, o->facet));
		tv_set(a, ctx, "facets", facets_val(a, s, FACET_HOME));
		tv_set_str(a, ctx, "total", count_text(a, s, s->nreports));
		return tmpl_render(out, s->theme, "terms.html", ctx);
	case OUT_BROWSE:
		ctx = ctx_base(a, s, o->path, "browse", "Browse the reports",
		    NULL);
		tv_set(a, ctx, "facets", facets_val(a, s, FACET_ALL));
		tv_set_str(a, ctx, "total", count_text(a, s, s->nreports));
		return tmpl_render(out, s->theme, "browse.html", ctx);
	case OUT_FEED:
		return render_feed(out, s, a, o);
	case OUT_LESSONS:
		if (o->term < 0)
			return render_lessons_index(out, s, a, o);
		return render_lessons(out, s, a, o);
	case OUT_PAGE:
		ctx = ctx_base(a, s, o->path, "page",
		    s->pages[o->page].title, NULL);
		tv_set_html(a, ctx, "content", s->pages[o->page].html->data,
		    s->pages[o->page].html->len);
		return tmpl_render(out, s->theme, "page.html", ctx);
	case OUT_SEARCH:
		return render_search(out, s, a, o);
	case OUT_STATUS:
		/* Static: the script fetches the status index (status.c). */
		ctx = ctx_base(a, s, o->path, "status",
		    "Check the status of a report", NULL);
		return tmpl_render(out, s->theme, "status.html", ctx);
	case OUT_404:
		ctx = ctx_base(a, s, o->path, "404", "Page not found", NULL);
		return tmpl_render(out, s->theme, "404.html", ctx);
	case OUT_SITEMAP:
		return render_sitemap(out, s, a, o->pageno);
	case OUT_ROBOTS:
		buf_printf(out, "User-agent: *\nAllow: /\n\nSitemap: "
		    "%ssitemap.xml\n", s->cfg.base_url);
		return 0;
	case OUT_HEADERS:
		buf_add(out, headers_file, sizeof(headers_file) - 1);
		return 0;
	case OUT_WEEK:
	case OUT_WEEKS:
	case OUT_WEEKFEED:
		return week_render(out, s, a, o);
	case OUT_DATA:
		if (o->pageno != DATA_PAGE)
			return data_render(out, s, a, o->pageno);
		ctx = ctx_base(a, s, o->path, "data", "Open data", NULL);
		tv_set(a, ctx, "data", data_page_val(a, s));
		return tmpl_render(out, s->theme, "data.html", ctx);
	case OUT_STATS:
		return stats_render(out, s, a, o);
	default:
		break;
	}
	return -1;
}

int
page_depends(const struct site *s, const struct outfile *o,
    const struct report *r)
{
	size_t	 t;

	switch (o->kind) {
	case OUT_HOME:
	case OUT_TERMS:
	case OUT_BROWSE:
	case OUT_SEARCH:	/* its filters have counts */
	case OUT_SITEMAP:
	case OUT_WEEK:		/* pins are few: always (week_always()) */
	case OUT_WEEKS:
	case OUT_WEEKFEED:
	case OUT_STATS:
		return 1;
	case OUT_LESSONS:
		/*
		 * The index has counts; a first page, the words its reports
		 * use more than the rest of the archive (any report).
		 */
		if (o->term < 0 || (o->pageno == 1 && s->terms != NULL))
			return 1;
		return in_term(s, o->facet, (size_t)o->term, r);
	case OUT_DATA:
		return data_depends(o->pageno);
	case OUT_LIST:
	case OUT_FEED:
		if (o->facet == FACET_YEAR) {
			/* Years are matched by value: indexes may shift. */
			for (t = 0; t < s->nyears; t++)
				if (s->years[t] == r->event_year)
					return (int)t == o->term;
			return 0;
		}
		return in_term(s, o->facet, (size_t)o->term, r);
	default:
		return 0;
	}
}

int
page_shows(const struct site *s, const struct outfile *o,
    const struct report *r)
{
	const struct coll *c;
	const size_t	*m;
	size_t		 from, to, j;

	/* The data page gives the size of files with every text. */
	if (o->kind == OUT_DATA)
		return o->pageno == DATA_PAGE;
	if ((o->kind != OUT_FEED && o->kind != OUT_LESSONS) || o->term < 0)
		return 0;
	/*
	 * The first lessons page shows the words its reports use more than
	 * the rest of the archive: any report's words count.
	 */
	if (o->kind == OUT_LESSONS && o->pageno == 1 && s->terms != NULL)
		return 1;
	c = &s->coll[o->facet][o->term];
	m = coll_members(c, ORDER_PUB);
	if (o->kind == OUT_LESSONS) {
		from = (size_t)(o->pageno - 1) * (size_t)s->cfg.per_page;
		to = from + (size_t)s->cfg.per_page;
	} else {
		from = 0;
		to = (size_t)s->cfg.feed_items;
	}
	for (j = from; j < to && j < c->n; j++)
		if (&s->reports[m[j]] == r)
			return 1;
	return 0;
}

int
page_window_same(const struct site *old, const struct outfile *op,
    const struct site *s, const struct outfile *o,
    const struct report *const *dirty, size_t ndirty)
{
	const struct coll *oc, *nc;
	const struct report *ro, *rn;
	const size_t	*om, *nm;
	size_t		 from, to, j, k;

	/* A first lessons page also shows words of the whole archive. */
	if (o->kind == OUT_LESSONS && o->pageno == 1 && s->terms != NULL)
		return 0;
	if ((o->kind != OUT_LIST && o->kind != OUT_FEED &&
	    o->kind != OUT_LESSONS) || o->term < 0 ||
	    op->kind != o->kind || op->facet != o->facet ||
	    op->order != o->order)
		return 0;
	oc = &old->coll[op->facet][op->term];
	nc = &s->coll[o->facet][o->term];
	om = coll_members(oc, op->order);
	nm = coll_members(nc, o->order);
	if (o->kind == OUT_LIST || o->kind == OUT_LESSONS) {
		/* Counts and page links show on every page of a list. */
		if (oc->n != nc->n)
			return 0;
		from = (size_t)(o->pageno - 1) * (size_t)s->cfg.per_page;
		to = from + (size_t)s->cfg.per_page;
	} else {
		from = 0;
		to = (size_t)s->cfg.feed_items;
	}
	if (to > oc->n || to > nc->n) {
		if (oc->n != nc->n)
			return 0;
		to = nc->n;
	}
	for (j = from; j < to; j++) {
		ro = &old->reports[om[j]];
		rn = &s->reports[nm[j]];
		if (strcmp(ro->id, rn->id) != 0)
			return 0;
		for (k = 0; k < ndirty; k++)
			if (dirty[k] == ro || dirty[k] == rn)
				return 0;
	}
	return 1;
}

struct tval *
page_ctx(struct arena *a, const struct site *s, const char *rel,
    const char *kind, const char *title, const char *feed)
{
	return ctx_base(a, s, rel, kind, title, feed);
}

struct tval *
page_item(struct arena *a, const struct site *s, const struct report *r)
{
	return item(a, s, r);
}

const char *
page_url(struct arena *a, const char *rel)
{
	return url_of(a, rel);
}
