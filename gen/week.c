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
 * The report of the week (nearmiss.ini [report_of_the_week]): which pins
 * the site shows, the pinned reports read and rendered again for their
 * discussion questions and lessons, the home page's heading, the
 * roll-call view of each week, week/ and its Atom feed.
 */

#define _GNU_SOURCE	/* qsort_r */

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "build.h"
#include "file.h"
#include "gen.h"
#include "html.h"
#include "log.h"
#include "nm.h"
#include "render.h"
#include "tmpl.h"

/* What week_load() keeps of each pinned report shown. */
struct week {
	struct wkpin	*pins;
	size_t		 n;
	struct wkbody {
		char	*lessons;	/* HTML */
		size_t	 llen;
		char	*q[REPORT_QUESTIONS_MAX];
		int	 nq;
	}		*body;		/* per pin */
};

static int
cmp_idx_id(const void *a, const void *b, void *arg)
{
	const struct report *r = arg;

	return strcmp(r[*(const size_t *)a].id, r[*(const size_t *)b].id);
}

int
week_current(const struct site *s)
{
	const struct report *r;

	/* Reports are sorted newest first. */
	if (s->nreports == 0)
		return 0;
	r = &s->reports[0];
	return iso_week(r->pub_year, r->pub_month, r->pub_day);
}

/*
 * Finds report id in s through byid (indexes sorted by id); returns its
 * index or s->nreports.
 */
static size_t
find_id(const struct site *s, const size_t *byid, const char *id)
{
	size_t	 lo = 0, hi = s->nreports, mid;
	int	 c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(s->reports[byid[mid]].id, id)) == 0)
			return byid[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return s->nreports;
}

/*
 * The pins of s that the site shows into *out (caller frees): those of
 * weeks up to week_current() whose report is published, newest week
 * first.  With warn, logs each pin (of any week) whose report is not.
 */
static size_t
pins_of(const struct site *s, struct wkpin **out, int warn)
{
	const struct config *c = &s->cfg;
	struct wkpin	*v;
	char		 ini[PATH_MAX];
	size_t		*byid, i, k, n = 0;
	int		 cur = week_current(s);

	*out = NULL;
	if (c->npins == 0)
		return 0;
	ini[0] = '\0';
	if (warn && file_path(ini, sizeof(ini), "%s/nearmiss.ini",
	    s->opts->path) != 0)
		ini[0] = '\0';
	byid = xreallocarray(NULL, s->nreports + 1, sizeof(*byid));
	for (i = 0; i < s->nreports; i++)
		byid[i] = i;
	qsort_r(byid, s->nreports, sizeof(*byid), cmp_idx_id, s->reports);
	v = xreallocarray(NULL, c->npins, sizeof(*v));
	/* cfg.pins is sorted by week: walk it from the newest. */
	for (i = c->npins; i-- > 0;) {
		k = find_id(s, byid, c->pins[i].id);
		if (k == s->nreports) {
			if (warn)
				log_at(ini, c->pins[i].line,
				    "[report_of_the_week]: %04d-W%02d: report "
				    "%s is not published; the week is "
				    "skipped", c->pins[i].week / 100,
				    c->pins[i].week % 100, c->pins[i].id);
			continue;
		}
		if (c->pins[i].week > cur)
			continue;
		v[n].pin = &c->pins[i];
		v[n++].r = k;
	}
	free(byid);
	if (n == 0) {
		free(v);
		v = NULL;
	}
	*out = v;
	return n;
}

size_t
week_pins(const struct site *s, struct wkpin **out)
{
	if (s->theme == NULL || !tmpl_set_has(s->theme, "week.html") ||
	    !tmpl_set_has(s->theme, "weeks.html")) {
		*out = NULL;
		return 0;
	}
	return pins_of(s, out, 0);
}

const char *
week_path(struct arena *a, int week)
{
	return arena_printf(a, "week/%04d-w%02d/index.html", week / 100,
	    week % 100);
}

void
week_free(struct week *w)
{
	size_t	 i;
	int	 k;

	if (w == NULL)
		return;
	for (i = 0; i < w->n; i++) {
		free(w->body[i].lessons);
		for (k = 0; k < w->body[i].nq; k++)
			free(w->body[i].q[k]);
	}
	free(w->body);
	free(w->pins);
	free(w);
}

/*
 * Reads and renders report r (blob oid) again: its discussion questions
 * and its lessons as HTML into b.  0, or -1 (logged).
 */
static int
read_pinned(struct wkbody *b, const struct site *s, git_repository *repo,
    const struct report *r, const git_oid *oid)
{
	struct render	 rc;
	struct report	 rr;
	int		 i, ret = -1;

	render_init(&rc, NULL);
	if (report_body(&rc, &rr, s, repo, r, oid) != 0)
		goto out;
	b->lessons = buf_detach(&rc.lessons, &b->llen);
	for (i = 0; i < rr.ndiscussion; i++)
		b->q[i] = xstrdup(rr.discussion[i]);
	b->nq = rr.ndiscussion;
	ret = 0;
out:
	report_free(&rr);
	render_free(&rc);
	return ret;
}

int
week_load(struct site *s, git_repository *repo)
{
	struct wkpin	*p;
	struct week	*w;
	size_t		 i;

	week_free(s->week);
	s->week = NULL;
	/* Warned once per build, whatever the theme. */
	pins_of(s, &p, 1);
	free(p);
	w = xcalloc(1, sizeof(*w));
	w->n = week_pins(s, &w->pins);
	w->body = xcalloc(w->n + 1, sizeof(*w->body));
	s->week = w;
	for (i = 0; i < w->n; i++)
		if (read_pinned(&w->body[i], s, repo,
		    &s->reports[w->pins[i].r], &s->oids[w->pins[i].r]) != 0)
			return -1;
	return 0;
}

int
week_always(const struct outfile *o)
{
	return o->kind == OUT_HOME || o->kind == OUT_WEEK ||
	    o->kind == OUT_WEEKS || o->kind == OUT_WEEKFEED;
}

/* "Week 49, 2026" */
static const char *
week_label(struct arena *a, int week)
{
	return arena_printf(a, "Week %d, %04d", week % 100, week / 100);
}

/* The body kept for pin k of s->week, or NULL. */
static const struct wkbody *
body_of(const struct site *s, size_t k)
{
	if (s->week == NULL || k >= s->week->n)
		return NULL;
	return &s->week->body[k];
}

/* The template value of pin k: week, report, questions, lessons. */
static struct tval *
pin_val(struct arena *a, const struct site *s, size_t k)
{
	const struct wkpin *p = &s->week->pins[k];
	const struct wkbody *b = body_of(s, k);
	struct tval	*m = tv_map(a), *q = tv_list(a);
	int		 i, y, mo, d;

	tv_set_str(a, m, "label", week_label(a, p->pin->week));
	tv_set_str(a, m, "iso", arena_printf(a, "%04d-W%02d",
	    p->pin->week / 100, p->pin->week % 100));
	if (iso_monday(p->pin->week, &y, &mo, &d) == 0)
		tv_set_str(a, m, "monday", arena_printf(a, "%04d-%02d-%02d",
		    y, mo, d));
	tv_set_str(a, m, "url", page_url(a, week_path(a, p->pin->week)));
	tv_set(a, m, "report", page_item(a, s, &s->reports[p->r]));
	for (i = 0; b != NULL && i < b->nq; i++)
		tv_push(a, q, tv_str(a, b->q[i]));
	tv_set(a, m, "discussion", q);
	if (b != NULL && b->lessons != NULL)
		tv_set_html(a, m, "lessons", b->lessons, b->llen);
	else
		tv_set_str(a, m, "lessons", "");
	return m;
}

struct tval *
week_home(struct arena *a, const struct site *s)
{
	struct tval	*m;

	if (s->week == NULL || s->week->n == 0)
		return tv_str(a, "");
	m = pin_val(a, s, 0);
	tv_set_str(a, m, "past", "week/");
	return m;
}

/* Index in s->week of the pin of week w, or s->week->n. */
static size_t
pin_index(const struct site *s, int w)
{
	size_t	 k;

	for (k = 0; k < s->week->n; k++)
		if (s->week->pins[k].pin->week == w)
			break;
	return k;
}

static void
atom_day(struct buf *b, int week)
{
	int	 y = 1970, m = 1, d = 1;

	(void)iso_monday(week, &y, &m, &d);
	buf_printf(b, "%04d-%02d-%02dT00:00:00Z", y, m, d);
}

/* week/atom.xml: one entry per week shown, newest first. */
static int
render_feed(struct buf *b, const struct site *s, struct arena *a,
    const struct outfile *o)
{
	const struct wkbody *wb;
	const struct report *r;
	const char	*base = s->cfg.base_url, *url, *t;
	struct buf	 h = BUF_INIT;
	size_t		 k;
	int		 i, w;

	buf_addstr(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
	t = arena_printf(a, "%s: report of the week", s->cfg.title);
	xml_elem(b, "title", t);
	buf_addstr(b, "<link rel=\"alternate\" type=\"text/html\" href=\"");
	xml_text(b, base, strlen(base));
	buf_addstr(b, "week/\"/>\n<link rel=\"self\" href=\"");
	xml_text(b, base, strlen(base));
	xml_text(b, o->path, strlen(o->path));
	buf_addstr(b, "\"/>\n");
	xml_elem(b, "id", arena_printf(a, "%s%s", base, o->path));
	/* Deterministic: the newest week's Monday, not the build time. */
	buf_addstr(b, "<updated>");
	atom_day(b, s->week->pins[0].pin->week);
	buf_addstr(b, "</updated>\n<author><name>");
	xml_text(b, s->cfg.title, strlen(s->cfg.title));
	buf_addstr(b, "</name></author>\n<generator version=\"" NM_VERSION
	    "\">nearmiss-gen</generator>\n");
	for (k = 0; k < s->week->n && k < (size_t)s->cfg.feed_items; k++) {
		w = s->week->pins[k].pin->week;
		r = &s->reports[s->week->pins[k].r];
		wb = body_of(s, k);
		url = arena_printf(a, "%s%s", base,
		    page_url(a, week_path(a, w)));
		buf_addstr(b, "<entry>\n");
		xml_elem(b, "title", arena_printf(a, "%s: %s",
		    week_label(a, w), r->title));
		buf_addstr(b, "<link rel=\"alternate\" type=\"text/html\" "
		    "href=\"");
		xml_text(b, url, strlen(url));
		buf_addstr(b, "\"/>\n");
		xml_elem(b, "id", url);
		buf_addstr(b, "<published>");
		atom_day(b, w);
		buf_addstr(b, "</published>\n<updated>");
		atom_day(b, w);
		buf_addstr(b, "</updated>\n");
		xml_elem(b, "summary", r->summary);
		/* The questions, as escaped HTML. */
		buf_reset(&h);
		buf_addstr(&h, "<p>");
		html_text(&h, r->summary, strlen(r->summary));
		buf_addstr(&h, "</p>\n");
		if (wb != NULL && wb->nq > 0) {
			buf_addstr(&h, "<h2>Discussion questions</h2>\n<ol>\n");
			for (i = 0; i < wb->nq; i++) {
				buf_addstr(&h, "<li>");
				html_text(&h, wb->q[i], strlen(wb->q[i]));
				buf_addstr(&h, "</li>\n");
			}
			buf_addstr(&h, "</ol>\n");
		}
		buf_addstr(b, "<content type=\"html\">");
		xml_text(b, h.data, h.len);
		buf_addstr(b, "</content>\n</entry>\n");
	}
	buf_addstr(b, "</feed>\n");
	buf_free(&h);
	return 0;
}

int
week_render(struct buf *out, const struct site *s, struct arena *a,
    const struct outfile *o)
{
	struct tval	*ctx, *l;
	size_t		 k;

	if (s->week == NULL || s->week->n == 0) {
		log_warnx("%s: no report of the week loaded", o->path);
		return -1;
	}
	switch (o->kind) {
	case OUT_WEEKFEED:
		return render_feed(out, s, a, o);
	case OUT_WEEKS:
		ctx = page_ctx(a, s, o->path, "weeks", "Reports of the week",
		    "week/atom.xml");
		l = tv_list(a);
		for (k = 0; k < s->week->n; k++)
			tv_push(a, l, pin_val(a, s, k));
		tv_set(a, ctx, "weeks", l);
		return tmpl_render(out, s->theme, "weeks.html", ctx);
	case OUT_WEEK:
		if ((k = pin_index(s, o->term)) == s->week->n) {
			log_warnx("%s: week not loaded", o->path);
			return -1;
		}
		ctx = page_ctx(a, s, o->path, "week", arena_printf(a,
		    "%s: %s", week_label(a, o->term),
		    s->reports[s->week->pins[k].r].title), "week/atom.xml");
		tv_set(a, ctx, "week", pin_val(a, s, k));
		return tmpl_render(out, s->theme, "week.html", ctx);
	default:
		break;
	}
	return -1;
}
