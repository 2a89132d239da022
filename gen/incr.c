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
 * The incremental build: diffs the content tree against the one in the
 * build state and rewrites, each atomically, only the files whose bytes
 * change, in the numbered steps of incremental_build(); the state is
 * written last.  Too many changes, or a change to the list of pages,
 * sends the caller to a full build instead.
 */

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>

#include "buf.h"
#include "build.h"
#include "file.h"
#include "gen.h"
#include "index.h"
#include "log.h"
#include "nm.h"
#include "receipts.h"
#include "related.h"
#include "render.h"
#include "termstat.h"
#include "tmpl.h"

#define INCR_MAX_SHARE	10	/* incremental while changes < 1/10 */

/* One incremental build: the site as it was and as it becomes. */
struct incr {
	struct site		*s;	/* the new site */
	const struct gitsrc	*src;
	struct state		*st;	/* the last build, loaded in full */
	struct change		*ch;	/* changed paths of the content */
	size_t			 nch;
	struct site		 old;	/* the site as it was, from st */
	int			*keep;	/* per old report: unchanged */
	struct report		*nr;	/* new versions of changed reports */
	size_t			 nnr;
	int			 bad;	/* reports with errors */
	struct outfile		*oldp, *newp;	/* outputs before, after */
	size_t			 nold, nnew;
	struct publish		 pub;
	struct render		 ctx;
	size_t			 rewritten;	/* files changed or removed */
	/* The search index: the last build's cache, the new documents. */
	struct ixwork		*iw;
	struct ixcache		 cache, ncache;
	struct buf		 ixstate;	/* for the next build */
	char			**ndid;		/* id of each new document */
	struct buf		*ndoc;
	size_t			 nnd;
	char			**ixnames;	/* the index's files */
	size_t			 nixnames;
	char			**oldwd;	/* withdrawn before (ids) */
	size_t			 noldwd;
	/* Related reports: the last build's vectors, and the new ones. */
	struct relset		 oldrel, rel;
	struct relstr		*relstr;	/* their strings */
	struct bgtask		 relbg;		/* reading oldrel */
	int			 relrc;
	size_t			*relto, *prev, *next;
	unsigned char		*done;		/* page written in step 1 */
	int			 refresh;	/* score every report again */
	uint32_t		*omap;	/* each report's old vector + 1 */
	/* The lessons learned (HTML) of each new or changed report. */
	char			**lid;
	struct buf		*less;
	size_t			 nlid;
	struct odbatch		*odb;	/* their texts for the open data */
	char			**pend;	/* records waiting (OUTDIR.data) */
	size_t			 npend;
	int			 pendkeep;	/* they still wait */
};

/* The related reports' cache, written while the index's are. */
struct reljob {
	struct relset		*set;
	const struct site	*s;
	const size_t		*relto;
	const git_oid		*tree;
	int			 rc;
};

/* The terms of stats/ and of the lessons pages (termstat_build()). */
struct termsjob {
	const struct site	*s;
	const struct relset	*set;
	struct termstat		*out;
};

static void	incr_dirty(struct incr *, const struct report ***, size_t *);
static void	*terms_thread(void *);
static void	*relread_thread(void *);
static void	*relwrite_thread(void *);

/* The report of s whose id is id, or NULL (s->rel is sorted by id). */
static const struct report *
report_by_id(const struct site *s, const char *id)
{
	size_t	 i;

	for (i = 0; i < s->nreports; i++)
		if (strcmp(s->reports[i].id, id) == 0)
			return &s->reports[i];
	return NULL;
}

/* The value of lowercase hex digit c (state_read() checked it). */
static int
hexval(int c)
{
	return c >= 'a' ? c - 'a' + 10 : c - '0';
}

/* Index of the page whose file is path ("pages/<slug>.md"), or npages. */
static size_t
page_of(const struct site *s, const char *path)
{
	size_t	 k, n;

	if (strncmp(path, "pages/", 6) != 0)
		return s->npages;
	path += 6;
	for (k = 0; k < s->npages; k++) {
		n = strlen(s->pages[k].slug);
		if (strncmp(path, s->pages[k].slug, n) == 0 &&
		    strcmp(path + n, ".md") == 0)
			return k;
	}
	return s->npages;
}

/* 1 if the two versions show the same in every list, feed and count. */
static int
meta_equal(const struct report *a, const struct report *b)
{
	int	 i;

	if (strcmp(a->id, b->id) || strcmp(a->title, b->title) ||
	    strcmp(a->summary, b->summary) ||
	    a->event_year != b->event_year ||
	    a->event_month != b->event_month || a->pub_year != b->pub_year ||
	    a->pub_month != b->pub_month || a->pub_day != b->pub_day ||
	    a->incident_type != b->incident_type || a->loss != b->loss ||
	    a->nfactors != b->nfactors || a->officers != b->officers ||
	    a->time_of_day != b->time_of_day || a->lighting != b->lighting ||
	    a->weather != b->weather || a->agency != b->agency ||
	    a->region != b->region)
		return 0;
	for (i = 0; i < a->nfactors; i++)
		if (a->factors[i] != b->factors[i])
			return 0;
	return 1;
}

/* A plan's outputs by path: open addressing, of indexes + 1. */
struct pathix {
	const struct outfile	*v;
	size_t			*slot;
	size_t			 mask;
};

static void
pathix_make(struct pathix *x, const struct outfile *v, size_t n)
{
	size_t	 i, k, cap = 16;

	while (cap < 2 * n)
		cap *= 2;
	x->v = v;
	x->mask = cap - 1;
	x->slot = xcalloc(cap, sizeof(*x->slot));
	for (i = 0; i < n; i++) {
		for (k = nm_hash(v[i].path, strlen(v[i].path), NM_HASH_INIT) &
		    x->mask; x->slot[k] != 0; k = (k + 1) & x->mask)
			;
		x->slot[k] = i + 1;
	}
}

/* The output of x at path, or NULL. */
static const struct outfile *
pathix_find(const struct pathix *x, const char *path)
{
	size_t	 k;

	for (k = nm_hash(path, strlen(path), NM_HASH_INIT) & x->mask;
	    x->slot[k] != 0; k = (k + 1) & x->mask)
		if (strcmp(x->v[x->slot[k] - 1].path, path) == 0)
			return &x->v[x->slot[k] - 1];
	return NULL;
}

/* 1 if change c is of a report file that is still there. */
static int
report_changed(const struct change *c)
{
	return !c->deleted && strncmp(c->path, "reports/", 8) == 0;
}

/*
 * The changes since the last build, and whether an incremental build
 * can take them: 0, NM_ENOTFOUND (build in full) or -1.
 */
static int
incr_changes(struct incr *in)
{
	const struct site *s = in->s;
	const struct state *st = in->st;
	char		 path[PATH_MAX];
	size_t		 i, k;
	int		 rc;

	if ((rc = repo_changes(&in->ch, &in->nch, in->src, &st->tree)) != 0)
		return rc;
	/* Approvals and reviewers decide which reports are there. */
	/*
	 * The last build's withdrawn reports (by their receipts), updated
	 * for the changes.
	 */
	for (i = 0; s->receipts != NULL && i < st->nwithdrawn; i++) {
		const struct receipt_entry *e;
		unsigned char	 h[32];
		size_t		 j;

		for (j = 0; j < 32; j++)
			h[j] = (unsigned char)(hexval(st->withdrawn[i][2 * j])
			    << 4 | hexval(st->withdrawn[i][2 * j + 1]));
		if ((e = receipts_find(s->receipts, h)) == NULL ||
		    e->state != RECEIPT_DRAFT ||
		    ids_has(in->oldwd, in->noldwd, e->arg))
			continue;
		ids_add(&in->oldwd, &in->noldwd, e->arg);
		ids_add(&in->s->withdrawn, &in->s->nwithdrawn, e->arg);
		ids_sort(in->oldwd, in->noldwd);
	}
	ids_sort(in->s->withdrawn, in->s->nwithdrawn);
	if ((rc = rule_changes(&in->ch, &in->nch, s->rule, in->src,
	    &in->s->withdrawn, &in->s->nwithdrawn)) != 0)
		return rc;
	if (in->nch > 16 && in->nch > st->nreports / INCR_MAX_SHARE)
		return NM_ENOTFOUND;
	/* An output made before it had a status index. */
	if (file_path(path, sizeof(path), "%s/status/index.json",
	    s->opts->outdir) != 0 || access(path, F_OK) == -1)
		return NM_ENOTFOUND;
	for (i = 0; i < in->nch; i++) {
		if (strncmp(in->ch[i].path, "pages/", 6) != 0)
			continue;
		/* Pages appear in every page's navigation. */
		k = page_of(s, in->ch[i].path);
		if (in->ch[i].deleted || k == s->npages || k >= st->npages ||
		    strcmp(st->pages[k].title, s->pages[k].title) != 0 ||
		    s->npages != st->npages)
			return NM_ENOTFOUND;
	}
	if (s->npages != st->npages)
		return NM_ENOTFOUND;
	for (k = 0; k < s->npages; k++)
		if (strcmp(st->pages[k].slug, s->pages[k].slug) != 0 ||
		    strcmp(st->pages[k].title, s->pages[k].title) != 0)
			return NM_ENOTFOUND;
	return 0;
}

/* The site as it was, from the state (sharing what did not change). */
static void
incr_old_site(struct incr *in)
{
	struct site	*old = &in->old;

	old->cfg = in->s->cfg;
	old->opts = in->s->opts;
	old->theme = in->s->theme;
	old->receipts = in->s->receipts;
	old->pages = in->s->pages;
	old->npages = in->s->npages;
	old->reports = in->st->reports;
	old->oids = in->st->report_oids;
	old->nreports = in->st->nreports;
	old->withdrawn = in->oldwd;
	old->nwithdrawn = in->noldwd;
	site_index(old);
}

/* Which old reports go, and the new versions of changed ones. */
static void
incr_read_changed(struct incr *in)
{
	const struct state *st = in->st;
	const struct change *c;
	struct report	*r;
	char		 id[REPORT_ID_MAX + 1], path[PATH_MAX];
	size_t		 i, k;

	in->keep = xcalloc(st->nreports ? st->nreports : 1, sizeof(int));
	for (i = 0; i < st->nreports; i++)
		in->keep[i] = 1;
	in->nr = xcalloc(in->nch ? in->nch : 1, sizeof(*in->nr));
	in->ndid = xcalloc(in->nch ? in->nch : 1, sizeof(*in->ndid));
	in->ndoc = xcalloc(in->nch ? in->nch : 1, sizeof(*in->ndoc));
	in->lid = xcalloc(in->nch ? in->nch : 1, sizeof(*in->lid));
	in->less = xcalloc(in->nch ? in->nch : 1, sizeof(*in->less));
	for (i = 0; i < in->nch; i++) {
		buf_init(&in->ndoc[i]);
		buf_init(&in->less[i]);
	}
	for (i = 0; i < in->nch; i++) {
		c = &in->ch[i];
		if (strncmp(c->path, "reports/", 8) != 0)
			continue;
		for (k = 0; k < st->nreports; k++)
			if (strcmp(st->reports[k].path, c->path) == 0)
				in->keep[k] = 0;
		if (c->deleted)
			continue;
		snprintf(path, sizeof(path), "%s/%s", in->src->path, c->path);
		if (!report_path_ok(c->path, id, sizeof(id)) ||
		    (c->mode != GIT_FILEMODE_BLOB &&
		    c->mode != GIT_FILEMODE_BLOB_EXECUTABLE)) {
			log_at(path, 0, "not a report file (expected a "
			    "regular file reports/<yyyy>/<id>.md)");
			in->bad++;
			continue;
		}
		r = &in->nr[in->nnr];
		if (render_one(&in->ctx, r, in->s, in->src->repo, &c->oid,
		    c->path, in->iw, &in->ndoc[in->nnd]) != 0) {
			report_free(r);
			in->bad++;
			continue;
		}
		in->nnr++;
		/* In memory: the spool never fails then. */
		(void)odtext_add(in->s->odtext, in->odb, r->id, &in->ctx.md);
		if (in->iw != NULL)
			in->ndid[in->nnd++] = xstrdup(r->id);
		in->lid[in->nlid] = xstrdup(r->id);
		buf_add(&in->less[in->nlid++], in->ctx.lessons.data,
		    in->ctx.lessons.len);
	}
}

/*
 * The new site: the kept reports plus the new versions, without those
 * whose id another report uses.  -1 if a report has errors and
 * --keep-going is not given (logged).
 */
static int
incr_new_site(struct incr *in)
{
	struct site	*s = in->s;
	const struct state *st = in->st;
	int		*vok, lent;
	size_t		 i, j, k;

	s->reports = xcalloc(st->nreports + in->nnr + 1, sizeof(*s->reports));
	s->oids = xcalloc(st->nreports + in->nnr + 1, sizeof(*s->oids));
	/*
	 * The unchanged reports' strings go to the site as they are: the
	 * state only reads them from here on, and does not free them.
	 */
	in->st->lent = xcalloc(st->nreports + 1, 1);
	for (i = 0; i < st->nreports; i++)
		if (in->keep[i]) {
			s->reports[s->nreports] = st->reports[i];
			in->st->lent[i] = 1;
			s->oids[s->nreports++] = st->report_oids[i];
		}
	for (i = 0, k = 0; i < in->nch && k < in->nnr; i++)
		if (report_changed(&in->ch[i]) &&
		    strcmp(in->ch[i].path, in->nr[k].path) == 0) {
			s->reports[s->nreports] = in->nr[k];
			s->oids[s->nreports++] = in->ch[i].oid;
			memset(&in->nr[k], 0, sizeof(in->nr[k]));
			k++;
		}
	vok = xcalloc(s->nreports + 1, sizeof(int));
	for (i = 0; i < s->nreports; i++)
		vok[i] = 1;
	in->bad += (int)find_duplicates(s->reports, vok, s->nreports,
	    in->src->path);
	for (i = 0, k = 0; i < s->nreports; i++) {
		if (!vok[i]) {
			/*
			 * An unchanged report left out goes as if removed:
			 * its page, and the lists that showed it.
			 */
			lent = 0;
			for (j = 0; j < st->nreports; j++)
				if (in->keep[j] && strcmp(st->reports[j].path,
				    s->reports[i].path) == 0) {
					in->keep[j] = 0;
					/* Its strings are the state's again. */
					lent = in->st->lent[j];
					in->st->lent[j] = 0;
					break;
				}
			if (!lent)
				report_free(&s->reports[i]);
			continue;
		}
		s->reports[k] = s->reports[i];
		s->oids[k++] = s->oids[i];
	}
	s->nreports = k;
	free(vok);
	if (in->bad > 0 && !s->opts->keep_going) {
		log_warnx("%d report%s with errors; nothing was published "
		    "(the previous site is untouched; --keep-going publishes "
		    "the valid ones)", in->bad, in->bad == 1 ? "" : "s");
		return -1;
	}
	/* As a full build says it. */
	if (in->bad > 0)
		log_warnx("%d report%s with errors left out", in->bad,
		    in->bad == 1 ? "" : "s");
	site_sort(s);
	site_index(s);
	return 0;
}

/* Step 1: the pages of new and changed reports. */
static int
incr_report_pages(struct incr *in)
{
	struct site	*s = in->s;
	struct report	 tmp;
	struct buf	 slot = BUF_INIT, page = BUF_INIT;
	char		 path[PATH_MAX];
	size_t		 i, k;
	int		 changed, rc = -1, r;

	for (i = 0; i < s->nreports; i++) {
		for (k = 0; k < in->nch; k++)
			if (!in->ch[k].deleted && strcmp(in->ch[k].path,
			    s->reports[i].path) == 0)
				break;
		if (k == in->nch)
			continue;
		if (render_one(&in->ctx, &tmp, s, in->src->repo, &s->oids[i],
		    s->reports[i].path, NULL, NULL) != 0) {
			report_free(&tmp);
			goto out;
		}
		report_free(&tmp);
		buf_reset(&slot);
		arena_reset(in->ctx.arena);
		if (rel_slot(&slot, s, in->ctx.arena, i,
		    &in->relto[i * REL_MAX], in->prev[i], in->next[i]) != 0)
			goto out;
		if ((r = rel_splice(&page, in->ctx.page.data,
		    in->ctx.page.len, &slot)) == NM_ENOTFOUND) {
			buf_reset(&page);
			buf_add(&page, in->ctx.page.data, in->ctx.page.len);
		} else if (r != 0)
			goto out;
		in->done[i] = 1;
		if (file_path(path, sizeof(path), "reports/%s/index.html",
		    s->reports[i].id) != 0 || write_out(&in->pub,
		    s->opts->outdir, path, &page, &changed) != 0)
			goto out;
		in->rewritten += (size_t)changed;
	}
	rc = 0;
out:
	buf_free(&slot);
	buf_free(&page);
	return rc;
}

/*
 * Starts reading the last build's vectors (OUTDIR.related) on a thread
 * of its own while the changes are read and rendered, which do not touch
 * them (without a second core, at once); incr_relread_end() waits.
 */
static void
incr_relread_start(struct incr *in)
{
	in->relstr = relstr_new();
	bg_start(&in->relbg, in->s->opts->jobs, relread_thread, in);
}

static void *
relread_thread(void *arg)
{
	struct incr	*in = arg;

	in->relrc = relset_read(&in->oldrel, in->relstr, in->s->opts->outdir,
	    &in->st->tree);
	return NULL;
}

/* The last build's vectors read: relset_read()'s return. */
static int
incr_relread_end(struct incr *in)
{
	if (in->relstr == NULL)
		incr_relread_start(in);
	bg_join(&in->relbg);
	return in->relrc;
}

/*
 * The vectors of the new site: the last build's for the kept reports,
 * made from the new documents for the changed ones; then each report's
 * related reports and neighbours.  The related reports are scored again
 * only for the changed reports, those whose list held a changed or
 * removed one, and those that reach a changed one (rel_compute()); the
 * others keep the last build's, and the set is stale until a build with
 * nothing new (in->refresh) scores them all.  Up to REL_LAZY_MIN
 * reports, all are scored.  NM_ENOTFOUND if the last
 * build left no vectors (build in full).
 */
static int
incr_related(struct incr *in)
{
	struct site	*s = in->s;
	struct relvec	*v, *ov;
	struct timespec	 t0;
	unsigned char	*redo = NULL;
	size_t		*o2n = NULL, i, k, j, r;
	int		 rc = NM_ENOTFOUND;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((rc = incr_relread_end(in)) != 0)
		return rc;
	rc = NM_ENOTFOUND;
	in->rel.str = in->relstr;
	/* The kept lessons stay where they are in OUTDIR.lessons. */
	in->rel.lgen = in->oldrel.lgen;
	in->rel.llen = in->oldrel.llen;
	in->rel.v = xcalloc(s->nreports + 1, sizeof(*in->rel.v));
	redo = xcalloc(s->nreports + 1, 1);
	/* Old vector index to new report index, and back. */
	o2n = xreallocarray(NULL, in->oldrel.n + 1, sizeof(*o2n));
	memset(o2n, 0xff, (in->oldrel.n + 1) * sizeof(*o2n));
	in->omap = relset_map(&in->oldrel, s);
	for (i = 0; i < s->nreports; i++) {
		v = &in->rel.v[in->rel.n++];
		ov = in->omap[i] != 0 ? &in->oldrel.v[in->omap[i] - 1] : NULL;
		if (ov != NULL)
			o2n[in->omap[i] - 1] = i;
		for (k = 0; k < in->nlid; k++)
			if (strcmp(in->lid[k], s->reports[i].id) == 0)
				break;
		if (k < in->nlid) {
			/* A new or changed report: its new document. */
			for (j = 0; j < in->nnd; j++)
				if (strcmp(in->ndid[j], in->lid[k]) == 0)
					break;
			if (rel_vec(v, in->relstr, in->lid[k], j < in->nnd ?
			    in->ndoc[j].data : NULL, j < in->nnd ?
			    in->ndoc[j].len : 0) != 0)
				goto out;
			rel_vec_lessons(v, in->less[k].data, in->less[k].len);
			redo[i] = REL_CHANGED;
			continue;
		}
		/* A report the last vectors do not know: build in full. */
		if (ov == NULL)
			goto out;
		/* Its lessons move over; the old vector keeps its id. */
		*v = *ov;
		v->id = xstrdup(ov->id);
		ov->lessbuf = NULL;
		v->deps = 0;
	}
	if (relset_sort(&in->rel) != 0) {
		rc = -1;
		goto out;
	}
	/*
	 * The last build's lists, in new report indexes; a list that held
	 * a changed or removed report is scored again.
	 */
	in->relto = xreallocarray(NULL, s->nreports ? s->nreports * REL_MAX :
	    1, sizeof(size_t));
	for (i = 0; i < s->nreports; i++)
		for (k = 0; k < REL_MAX; k++) {
			r = in->omap[i] == 0 ? 0 :
			    in->oldrel.v[in->omap[i] - 1].rel[k];
			j = r == 0 ? SIZE_MAX : o2n[r - 1];
			in->relto[i * REL_MAX + k] = j;
			if (r != 0 && (j == SIZE_MAX || redo[j] == REL_CHANGED)
			    && redo[i] == 0)
				redo[i] = REL_REDO;
		}
	if (in->refresh || s->nreports <= REL_LAZY_MIN) {
		free(in->relto);
		in->relto = rel_compute(s, &in->rel, s->opts->jobs, NULL,
		    NULL);
	} else
		rel_compute(s, &in->rel, s->opts->jobs, redo, in->relto);
	for (i = 0, k = 0; i < s->nreports; i++)
		k += redo[i] != 0;
	/*
	 * Some lists kept while others were scored (or kept stale ones):
	 * stale, unless the theme shows none.  A run with nothing new
	 * (one that writes waiting open data) keeps them as they were.
	 */
	in->rel.stale = !in->refresh && s->nreports > REL_LAZY_MIN &&
	    k < s->nreports && (k > 0 || in->oldrel.stale) &&
	    s->theme != NULL && tmpl_set_has(s->theme, "_related.html");
	rel_neighbours(s, &in->prev, &in->next);
	in->done = xcalloc(s->nreports + 1, 1);
	log_debug("related reports: computed in %ld ms", lap(&t0));
	rc = 0;
out:
	free(redo);
	free(o2n);
	return rc;
}

/*
 * A theme that shows nothing made of vectors: no vectors, no related
 * reports; each report's neighbours all the same (rel_slot() wants them).
 */
static void
incr_no_related(struct incr *in)
{
	struct site	*s = in->s;
	size_t		 n = s->nreports ? s->nreports * REL_MAX : 1;

	in->relstr = relstr_new();
	in->rel.str = in->relstr;
	in->relto = xreallocarray(NULL, n, sizeof(size_t));
	memset(in->relto, 0xff, n * sizeof(size_t));
	rel_neighbours(s, &in->prev, &in->next);
	in->done = xcalloc(s->nreports + 1, 1);
}

/* 1 if revised days a and b (each NULL for none) are the same. */
static int
same_day(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/*
 * Step 1b: the related slot of every other report page whose related
 * reports or neighbours changed, or one of which changed how it shows.
 */
static int
incr_related_pages(struct incr *in)
{
	struct site	*s = in->s;
	const struct report **dirty = NULL;
	unsigned char	*shows;
	struct relvec	*v, *ov;
	struct buf	 slot = BUF_INIT, page = BUF_INIT, out = BUF_INIT;
	char		 path[PATH_MAX];
	uint32_t	*nmap, *omap = in->omap;
	size_t		 ndirty = 0, i, k, j, n = 0, x;
	int		 rc = -1, changed, r;

	/* The new site's reports that show differently. */
	shows = xcalloc(s->nreports + 1, 1);
	incr_dirty(in, &dirty, &ndirty);
	for (k = 0; k < ndirty; k++)
		if (dirty[k] >= s->reports &&
		    dirty[k] < s->reports + s->nreports)
			shows[dirty[k] - s->reports] = 1;
	nmap = relset_map(&in->rel, s);
	for (i = 0; i < s->nreports; i++) {
		v = &in->rel.v[nmap[i] - 1];
		v->deps = rel_deps(s, i, &in->relto[i * REL_MAX],
		    in->prev[i], in->next[i]);
		if (in->done[i])
			continue;
		ov = omap[i] != 0 ? &in->oldrel.v[omap[i] - 1] : NULL;
		x = ov != NULL && ov->deps == v->deps;
		for (k = 0; k < REL_MAX + 2 && x; k++) {
			j = k < REL_MAX ? in->relto[i * REL_MAX + k] :
			    k == REL_MAX ? in->prev[i] : in->next[i];
			if (j != SIZE_MAX && shows[j])
				x = 0;
		}
		if (x)
			continue;
		buf_reset(&slot);
		buf_reset(&page);
		arena_reset(in->ctx.arena);
		if (rel_slot(&slot, s, in->ctx.arena, i,
		    &in->relto[i * REL_MAX], in->prev[i], in->next[i]) != 0 ||
		    file_path(path, sizeof(path), "%s/reports/%s/index.html",
		    s->opts->outdir, s->reports[i].id) != 0 ||
		    file_read(&page, path, PAGE_MAX) != 0)
			goto out;
		if ((r = rel_splice(&out, page.data, page.len, &slot)) ==
		    NM_ENOTFOUND)
			continue;
		if (r != 0 || file_path(path, sizeof(path),
		    "reports/%s/index.html", s->reports[i].id) != 0 ||
		    write_out(&in->pub, s->opts->outdir, path, &out,
		    &changed) != 0)
			goto out;
		in->rewritten += (size_t)changed;
		n++;
	}
	log_debug("related reports: %zu other pages checked", n);
	rc = 0;
out:
	free(nmap);
	free(shows);
	free(dirty);
	buf_free(&slot);
	buf_free(&page);
	buf_free(&out);
	return rc;
}

/*
 * The reports, old and new versions, whose list-visible data changed:
 * those of changed paths unless meta_equal() with the same revised day,
 * and the added ones.
 */
static void
incr_dirty(struct incr *in, const struct report ***out, size_t *nout)
{
	const struct site *s = in->s;
	const struct state *st = in->st;
	const struct report **dirty = NULL;
	size_t		 ndirty = 0, i, k, x;

	for (k = 0; k < st->nreports; k++) {
		if (in->keep[k])
			continue;
		for (i = 0; i < s->nreports; i++)
			if (strcmp(s->reports[i].path,
			    st->reports[k].path) == 0)
				break;
		/* The open data shows the revised day too. */
		if (i < s->nreports && meta_equal(&s->reports[i],
		    &st->reports[k]) && same_day(st->revised[k],
		    rule_revised(s->rule, s->reports[i].id)))
			continue;
		dirty = xreallocarray(dirty, ndirty + 2, sizeof(*dirty));
		dirty[ndirty++] = &st->reports[k];
		if (i < s->nreports)
			dirty[ndirty++] = &s->reports[i];
	}
	/* Added: a changed path that no old report had. */
	for (x = 0; x < in->nch; x++) {
		if (!report_changed(&in->ch[x]))
			continue;
		for (k = 0; k < st->nreports; k++)
			if (strcmp(in->ch[x].path, st->reports[k].path) == 0)
				break;
		if (k < st->nreports)
			continue;
		for (i = 0; i < s->nreports; i++)
			if (strcmp(in->ch[x].path, s->reports[i].path) == 0) {
				dirty = xreallocarray(dirty, ndirty + 1,
				    sizeof(*dirty));
				dirty[ndirty++] = &s->reports[i];
			}
	}
	*out = dirty;
	*nout = ndirty;
}

/* Step 2: the lists, feeds and counts that show a changed report. */
static int
incr_lists(struct incr *in)
{
	struct site	*s = in->s;
	const struct report **dirty = NULL, *r, **chg = NULL;
	const struct outfile *op;
	struct pathix	 ox = { NULL, NULL, 0 };
	unsigned char	*todo = NULL;
	size_t		 nchg = 0;
	size_t		 ndirty = 0, i, k, written;
	int		 rc = -1;

	if (week_load(s, in->src->repo) != 0 ||
	    pages_plan(&in->oldp, &in->nold, &in->old) != 0 ||
	    pages_plan(&in->newp, &in->nnew, s) != 0)
		goto out;
	todo = xcalloc(in->nnew ? in->nnew : 1, 1);
	chg = xcalloc(in->nlid + 1, sizeof(*chg));
	for (k = 0; k < in->nlid; k++)
		if ((r = report_by_id(s, in->lid[k])) != NULL)
			chg[nchg++] = r;
	pathix_make(&ox, in->oldp, in->nold);
	incr_dirty(in, &dirty, &ndirty);
	for (i = 0; i < in->nnew; i++) {
		op = pathix_find(&ox, in->newp[i].path);
		if (op == NULL) {
			todo[i] = 1;
			continue;
		}
		for (k = 0; k < ndirty && !todo[i]; k++)
			if (page_depends(s, &in->newp[i], dirty[k]))
				todo[i] = 1;
		/*
		 * What shows a pinned report's body (week.c), and stats/,
		 * which reads every report's words, not only metadata.
		 */
		if (week_always(&in->newp[i]) ||
		    in->newp[i].kind == OUT_STATS)
			todo[i] = 1;
		/*
		 * A list page that shows a dirty report may still be the
		 * same bytes when only another page of its list changed:
		 * page_window_same() narrows it to the pages whose window
		 * of reports, count or page count differ.
		 */
		if (todo[i] && (in->newp[i].kind == OUT_LIST ||
		    in->newp[i].kind == OUT_FEED ||
		    in->newp[i].kind == OUT_LESSONS) &&
		    page_window_same(&in->old, op, s, &in->newp[i], dirty,
		    ndirty))
			todo[i] = 0;
		/* Feeds and lessons show text that meta_equal() ignores. */
		for (k = 0; k < nchg && !todo[i]; k++)
			if (page_shows(s, &in->newp[i], chg[k]))
				todo[i] = 1;
	}
	if (bodies_load(s, in->src, in->newp, in->nnew, todo) != 0 ||
	    run_outfiles(s, in->newp, in->nnew, s->opts->outdir, &in->pub,
	    todo, &written) != 0)
		goto out;
	bodies_free(s);
	in->rewritten += written;
	rc = 0;
out:
	free(ox.slot);
	free(chg);
	free(todo);
	free(dirty);
	return rc;
}

/* Step 3: the static pages whose file changed. */
static int
incr_static_pages(struct incr *in)
{
	struct site	*s = in->s;
	size_t		 i, k;
	int		 changed;

	for (i = 0; i < in->nch; i++) {
		if (strncmp(in->ch[i].path, "pages/", 6) != 0)
			continue;
		for (k = 0; k < in->nnew; k++)
			if (in->newp[k].kind == OUT_PAGE &&
			    in->newp[k].page == page_of(s, in->ch[i].path))
				break;
		if (k == in->nnew)
			continue;
		buf_reset(&in->ctx.page);
		arena_reset(in->ctx.arena);
		if (page_render(&in->ctx.page, s, in->ctx.arena,
		    &in->newp[k]) != 0 || write_out(&in->pub, s->opts->outdir,
		    in->newp[k].path, &in->ctx.page, &changed) != 0)
			return -1;
		in->rewritten += (size_t)changed;
	}
	return 0;
}

/*
 * Step 3b and 5 of the status index: writes the shards whose bytes
 * change when the receipts or the set of published reports did, and
 * hands back in *gone those to remove after publishing.
 */
static int
incr_status(struct incr *in, char ***gone, size_t *ngone)
{
	struct statusfile *sf = NULL;
	size_t		 nsf = 0, i;
	int		 changed, rc = -1;

	for (i = 0; i < in->nch; i++)
		if (strcmp(in->ch[i].path, RECEIPTS_FILE) == 0 &&
		    status_load(&in->old.receipts, in->src,
		    &in->st->tree) != 0)
			goto out;
	status_changes(&sf, &nsf, gone, ngone, &in->old, in->s);
	for (i = 0; i < nsf; i++) {
		if (write_out(&in->pub, in->s->opts->outdir, sf[i].path,
		    sf[i].data, &changed) != 0)
			goto out;
		in->rewritten += (size_t)changed;
	}
	rc = 0;
out:
	statusfiles_free(sf, nsf);
	return rc;
}

static void *
relwrite_thread(void *arg)
{
	struct reljob	*j = arg;

	relset_keep(j->set, j->s, j->relto);
	j->rc = relset_write(j->set, j->s->opts->outdir, j->tree,
	    j->s->opts->sync);
	return NULL;
}

static void *
terms_thread(void *arg)
{
	struct termsjob	*j = arg;

	/* It returns 0 whatever it meets: out is set. */
	(void)termstat_build(&j->out, j->s, j->set);
	return NULL;
}

/*
 * Step 3c: the search index, and the terms of stats/ beside it.  The
 * cache gets each published report's document: the new one of a new or
 * changed report, else the old one.  The index files are written where
 * their bytes change.  A cache left half written by a crash fails its
 * check, and the next build is full.
 */
static int
incr_index(struct incr *in)
{
	struct site	*s = in->s;
	struct ixref	*refs = NULL, key, *old;
	struct ixcache	*nc = &in->cache;
	struct ixprev	 prev;
	struct termsjob	 tj;
	struct bgtask	 bg = { .running = 0 };
	struct timespec	 t0;
	char		 path[PATH_MAX];
	size_t		 i, k, written = 0;
	int		 rc = -1, compact;

	/*
	 * The terms of stats/ and of the lessons pages, from the vectors:
	 * on a thread of their own while the index is written, which
	 * neither reads nor changes what they are made from.
	 */
	tj.out = NULL;
	if (tmpl_set_has(s->theme, "stats.html") ||
	    tmpl_set_has(s->theme, "lessons.html")) {
		tj.s = s;
		tj.set = &in->rel;
		bg_start(&bg, s->opts->jobs, terms_thread, &tj);
	}
	if (!s->index) {
		rc = 0;
		goto out;
	}
	refs = xcalloc(s->nreports + 1, sizeof(*refs));
	/*
	 * New documents are appended to the cache, with a new table after
	 * them; when old documents are more than half of it, the live ones
	 * are copied into a new file instead.
	 */
	compact = in->cache.end > 2 * in->cache.live + (4 << 20);
	if (compact) {
		nc = &in->ncache;
		if (ix_cache_path(path, sizeof(path), s->opts->outdir, 1) !=
		    0 || ix_cache_create(nc, path) != 0)
			goto out;
	}
	for (i = 0; i < s->nreports; i++) {
		refs[i].id = xstrdup(s->reports[i].id);
		for (k = 0; k < in->nnd; k++)
			if (strcmp(in->ndid[k], refs[i].id) == 0)
				break;
		if (k < in->nnd) {
			if (ix_cache_add(nc, &in->ndoc[k], &refs[i].off) != 0)
				goto out;
			refs[i].len = (uint32_t)in->ndoc[k].len;
			continue;
		}
		key.id = refs[i].id;
		if ((old = bsearch(&key, in->cache.refs, in->cache.nrefs,
		    sizeof(key), ixref_cmp)) == NULL) {
			/* Not in the cache: only a full build can help. */
			rc = NM_ENOTFOUND;
			goto out;
		}
		refs[i].off = old->off;
		refs[i].len = old->len;
		if (compact && ix_cache_copy(nc, &in->cache, old,
		    &refs[i].off) != 0)
			goto out;
	}
	if (ix_cache_finish(nc, refs, s->nreports, &in->src->tree,
	    s->opts->sync) != 0)
		goto out;
	/*
	 * The last build's index patched where the changed documents are
	 * (ixstate.c), or made from every document.  A damaged document:
	 * NM_ENOTFOUND, a full build.
	 */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	prev.cache = &in->cache;
	prev.tree = &in->st->tree;
	prev.changed = in->ndid;
	prev.nchanged = in->nnd;
	if ((rc = ix_write(s, nc, refs, s->nreports, s->opts->outdir,
	    &in->pub, &in->ixnames, &in->nixnames, &written, &prev,
	    &in->ixstate)) != 0)
		goto out;
	log_debug("search index: %zu files in %ld ms", written, lap(&t0));
	in->rewritten += written;
	rc = 0;
out:
	bg_join(&bg);
	/* What the lessons pages and stats/ read; termstat_build() is 0. */
	if (tj.out != NULL) {
		termstat_free(s->terms);
		s->terms = tj.out;
	}
	if (refs != NULL)
		ixrefs_free(refs, s->nreports);
	return rc;
}

/* Step 5: removes old outputs and the pages of removed reports. */
static int
incr_remove_gone(struct incr *in, char **sgone, size_t nsgone)
{
	const struct site *s = in->s;
	const struct state *st = in->st;
	const char	*outdir = s->opts->outdir;
	struct pathix	 nx;
	char		 path[PATH_MAX];
	size_t		 i, k;

	pathix_make(&nx, in->newp, in->nnew);
	for (i = 0; i < in->nold; i++)
		if (pathix_find(&nx, in->oldp[i].path) == NULL) {
			if (remove_out(outdir, in->oldp[i].path) != 0) {
				free(nx.slot);
				return -1;
			}
			in->rewritten++;
		}
	free(nx.slot);
	for (i = 0; i < nsgone; i++) {
		if (remove_out(outdir, sgone[i]) != 0)
			return -1;
		in->rewritten++;
	}
	for (i = 0; i < st->nreports; i++) {
		if (in->keep[i])
			continue;
		for (k = 0; k < s->nreports; k++)
			if (strcmp(s->reports[k].id, st->reports[i].id) == 0)
				break;
		if (k < s->nreports)
			continue;
		if (file_path(path, sizeof(path), "reports/%s",
		    st->reports[i].id) != 0 || remove_out(outdir, path) != 0)
			return -1;
		in->rewritten++;
	}
	return 0;
}

/*
 * 2b. data/reports.json and .csv.  They hold the text of every report:
 * at 50,000 reports 400 MB that each patch copies and the publish syncs.
 * So past REL_LAZY_MIN reports the records of new and changed reports
 * wait for the next run (the one with nothing new writes them), listed
 * in OUTDIR.data so that a crash cannot lose them.  A report gone (a
 * withdrawal) never waits: its record leaves the files in this run, and
 * the waiting records are written with it.  *written counts the files.
 */
static int
incr_data(struct incr *in, size_t *written)
{
	struct site	*s = in->s;
	const struct state *st = in->st;
	const struct report *r;
	struct report	 tmp;
	size_t		 i, k, n0;
	int		 gone = 0, changed = in->nnr > 0, rc;

	*written = 0;
	if ((rc = data_pending_read(s->opts->outdir, &in->pend,
	    &in->npend)) != 0)
		return rc;
	for (i = 0; i < st->nreports; i++) {
		if (in->keep[i])
			continue;
		changed = 1;
		if (report_by_id(s, st->reports[i].id) == NULL)
			gone = 1;
	}
	if (!in->refresh && !gone && in->nlid > 0 &&
	    s->nreports > REL_LAZY_MIN) {
		n0 = in->npend;
		for (i = 0; i < in->nlid; i++)
			if (!ids_has(in->pend, n0, in->lid[i]))
				ids_add(&in->pend, &in->npend, in->lid[i]);
		ids_sort(in->pend, in->npend);
		in->pendkeep = 1;
		log_debug("open data: %zu report%s wait%s for the next run",
		    in->npend, in->npend == 1 ? "" : "s",
		    in->npend == 1 ? "s" : "");
		if (in->npend != n0 && data_pending_write(s->opts->outdir,
		    in->pend, in->npend, s->opts->sync) != 0)
			return -1;
		return data_patch(s, &in->pub, 0, written);
	}
	/* The waiting records not read in this run: read them now. */
	for (i = 0; i < in->npend; i++) {
		if ((r = report_by_id(s, in->pend[i])) == NULL)
			continue;
		for (k = 0; k < in->nlid; k++)
			if (strcmp(in->lid[k], r->id) == 0)
				break;
		if (k < in->nlid)
			continue;
		k = (size_t)(r - s->reports);
		if (render_one(&in->ctx, &tmp, s, in->src->repo, &s->oids[k],
		    r->path, NULL, NULL) != 0) {
			report_free(&tmp);
			return -1;
		}
		report_free(&tmp);
		/* In memory: the spool never fails then. */
		(void)odtext_add(s->odtext, in->odb, r->id, &in->ctx.md);
	}
	return data_patch(s, &in->pub, changed || in->npend > 0, written);
}

/* Frees in; on failure also gives s back as the caller passed it. */
static void
incr_free(struct incr *in, int failed)
{
	struct site	*s = in->s;
	size_t		 i;

	if (failed) {
		/* Leave s as the caller gave it for a full build. */
		for (i = 0; i < s->nreports; i++)
			report_free(&s->reports[i]);
		free(s->reports);
		free(s->oids);
		s->reports = NULL;
		s->oids = NULL;
		s->nreports = 0;
		ids_free(s->withdrawn, s->nwithdrawn);
		s->withdrawn = NULL;
		s->nwithdrawn = 0;
		termstat_free(s->terms);
		s->terms = NULL;
	}
	for (i = 0; i < in->nnr; i++)
		report_free(&in->nr[i]);
	free(in->nr);
	for (i = 0; i < in->nnd; i++)
		free(in->ndid[i]);
	for (i = 0; in->ndoc != NULL && i < in->nch; i++)
		buf_free(&in->ndoc[i]);
	free(in->ndid);
	free(in->ndoc);
	for (i = 0; i < in->nlid; i++)
		free(in->lid[i]);
	for (i = 0; in->less != NULL && i < in->nch; i++)
		buf_free(&in->less[i]);
	free(in->lid);
	free(in->less);
	for (i = 0; i < in->nixnames; i++)
		free(in->ixnames[i]);
	free(in->ixnames);
	ix_work_free(in->iw);
	buf_free(&in->ixstate);
	if (in->cache.fd != -1)
		ix_cache_close(&in->cache);
	if (in->ncache.fd != -1) {
		if (failed)
			unlink(in->ncache.path);
		ix_cache_close(&in->ncache);
	}
	free(in->keep);
	free(in->omap);
	bg_join(&in->relbg);
	relset_free(&in->oldrel);
	relset_free(&in->rel);
	relstr_free(in->relstr);
	free(in->relto);
	free(in->prev);
	free(in->next);
	free(in->done);
	s->rel = NULL;
	ids_free(in->oldwd, in->noldwd);
	ids_free(in->pend, in->npend);
	publish_free(&in->pub);
	site_index_free(&in->old);
	outfiles_free(in->oldp, in->nold);
	outfiles_free(in->newp, in->nnew);
	if (in->old.receipts != s->receipts)
		receipts_free(in->old.receipts);
	changes_free(in->ch, in->nch);
	arena_free(in->ctx.arena);
	render_free(&in->ctx);
}

int
incremental_build(struct site *s, const struct gitsrc *src,
    struct state *st, const git_oid *theme, int refresh)
{
	const struct gen_opts *o = s->opts;
	struct incr	 in;
	struct reljob	 rj;
	struct bgtask	 relw = { .running = 0 };
	char		**sgone = NULL;
	size_t		 nsgone = 0, i, n;
	struct timespec	 t0;
	int		 rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(&in, 0, sizeof(in));
	buf_init(&in.ixstate);
	in.s = s;
	in.src = src;
	in.st = st;
	in.refresh = refresh;
	pthread_mutex_init(&in.pub.lock, NULL);
	render_init(&in.ctx, arena_new());
	in.cache.fd = in.ncache.fd = -1;
	s->odtext = odtext_new(NULL);
	in.odb = odbatch_new();
	if ((rc = incr_changes(&in)) != 0)
		goto out;
	if (rel_wanted(s))
		incr_relread_start(&in);
	if (s->index &&
	    (rc = ix_cache_open(&in.cache, o->outdir, &st->tree)) != 0)
		goto out;
	if (s->analyze)
		in.iw = ix_work_new(s->syn, s->index);
	incr_old_site(&in);
	incr_read_changed(&in);
	/* The revised days of the reports not checked again (open data). */
	for (i = 0; i < st->nreports; i++)
		if (in.keep[i] && st->revised[i] != NULL)
			rule_set_revised(s->rule, st->reports[i].id,
			    st->revised[i]);
	log_debug("incremental: changes and changed reports read: %ld ms",
	    lap(&t0));
	rc = -1;
	if (incr_new_site(&in) != 0)
		goto out;
	log_debug("incremental: new site: %ld ms", lap(&t0));
	if (rel_wanted(s) && (rc = incr_related(&in)) != 0)
		goto out;
	if (!rel_wanted(s))
		incr_no_related(&in);
	s->rel = &in.rel;
	rc = -1;
	if (publish_init(&in.pub, o->outdir) != 0)
		goto out;
	/* 1. Report pages of new and changed reports. */
	if (incr_report_pages(&in) != 0)
		goto out;
	log_debug("incremental: report pages: %ld ms", lap(&t0));
	/* 1b. The related reports of the others. */
	if (rel_shown(s) && incr_related_pages(&in) != 0)
		goto out;
	log_debug("incremental: related slots: %ld ms", lap(&t0));
	/*
	 * 2. The search index and its cache, before the lists: stats/
	 * reads every report's terms from the finished cache.
	 */
	if ((rc = incr_index(&in)) != 0)
		goto out;
	log_debug("incremental: search index: %ld ms", lap(&t0));
	/* 2b. The open data, before the data page gives its sizes. */
	if ((rc = incr_data(&in, &n)) != 0)
		goto out;
	in.rewritten += n;
	log_debug("incremental: open data: %ld ms", lap(&t0));
	rc = -1;
	/* 3. Lists, feeds, counts: those that show a changed report. */
	if (incr_lists(&in) != 0)
		goto out;
	log_debug("incremental: lists and feeds: %ld ms", lap(&t0));
	/* 3b. Changed static pages, and 3c. the status index. */
	if (incr_static_pages(&in) != 0 ||
	    incr_status(&in, &sgone, &nsgone) != 0)
		goto out;
	/* 4. Publish: one sync, then the renames. */
	if (publish_commit(&in.pub, o->sync) != 0)
		goto out;
	log_debug("incremental: static pages, status, publish: %ld ms",
	    lap(&t0));
	/*
	 * The related reports' cache on a thread of its own, while what
	 * is gone goes and the index's caches are written: they share
	 * nothing but the site, which all of them only read.
	 */
	if (rel_wanted(s)) {
		rj.set = &in.rel;
		rj.s = s;
		rj.relto = in.relto;
		rj.tree = &src->tree;
		bg_start(&relw, o->jobs, relwrite_thread, &rj);
	}
	/* The records that waited are in the files now. */
	if (in.npend > 0 && !in.pendkeep &&
	    data_pending_write(o->outdir, NULL, 0, o->sync) != 0)
		goto out;
	/* 5. What is gone: old outputs and pages of removed reports. */
	if (incr_remove_gone(&in, sgone, nsgone) != 0)
		goto out;
	if (s->index && ((in.ncache.fd != -1 &&
	    ix_cache_commit(o->outdir, o->sync) != 0) ||
	    ix_prune(o->outdir, in.ixnames, in.nixnames) != 0 ||
	    ix_state_commit(o->outdir, &in.ixstate, o->sync) != 0))
		goto out;
	bg_join(&relw);
	if (rel_wanted(s) && rj.rc != 0)
		goto out;
	log_debug("incremental: removals, index and related caches: %ld ms",
	    lap(&t0));
	/* 6. The state, last. */
	if (state_write(s, s->oids, src, theme, in.bad > 0 ? STATE_PARTIAL :
	    0, o->outdir, o->sync) != 0)
		goto out;
	log_info("%s: %zu reports; %zu file%s changed (incremental: %zu "
	    "path%s changed)", o->outdir, s->nreports, in.rewritten,
	    in.rewritten == 1 ? "" : "s", in.nch, in.nch == 1 ? "" : "s");
	rc = in.bad > 0 ? 1 : 0;
out:
	bg_join(&relw);
	for (i = 0; i < nsgone; i++)
		free(sgone[i]);
	free(sgone);
	odbatch_free(in.odb);
	odtext_free(s->odtext);
	s->odtext = NULL;
	incr_free(&in, rc == NM_ENOTFOUND || rc == -1);
	return rc;
}
