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
 * The full build: a pool of threads checks each report's approvals and
 * renders its page into a staging folder beside the output, then the
 * lists, feeds and status index; the staging folder is swapped in with
 * one atomic exchange, so the previous site stays servable until then.
 */

#include <sys/stat.h>
#include <sys/types.h>

#include <limits.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include <git2.h>

#include "buf.h"
#include "build.h"
#include "file.h"
#include "gen.h"
#include "index.h"
#include "log.h"
#include "nm.h"
#include "related.h"
#include "render.h"
#include "termstat.h"
#include "tmpl.h"

/* The report phase of a full build. */
struct rjob {
	struct pool		 pool;
	const struct site	*s;
	const struct gitsrc	*src;
	struct srcfile		*files;
	size_t			 nfiles;
	struct report		*reports;	/* one per file */
	int			*ok;		/* rendered, page or not */
	int			*written;	/* its page is in dir */
	/*
	 * Per file, what it lacks to be published, when the workers check
	 * the approvals (check); NULL: approved or not checked.
	 */
	int			 check;
	char			**why;
	/* Per file: left out as withdrawn; their ids, after the phase. */
	unsigned char		*wd;
	char			**wids;
	size_t			 nwids;
	const char		*dir;
	/* Claimed ids: open addressing on file indexes, under pool.lock. */
	size_t			*claims;
	size_t			 nclaims;
	/* The search index's documents (s->index), per file. */
	struct ixcache		 cache;
	uint64_t		*ixoff;
	uint32_t		*ixlen;
	/* Per file: its related reports' vector (related.h). */
	struct relvec		*vec;
	struct relstr		*str;		/* their strings */
	/* Per file: where its page's related slot is, SIZE_MAX: none. */
	size_t			*slotoff, *slotcut;
	/* The texts of the open data, spooled. */
	struct odtext		*od;
};

/* Claims id for file i; returns the index of an earlier owner or -1. */
static long
claim_id(struct rjob *j, size_t i)
{
	size_t	 h, k;
	long	 owner = -1;

	pthread_mutex_lock(&j->pool.lock);
	h = nm_hash(j->reports[i].id, strlen(j->reports[i].id),
	    NM_HASH_INIT) % j->nclaims;
	for (k = h; ; k = (k + 1) % j->nclaims) {
		if (j->claims[k] == (size_t)-1) {
			j->claims[k] = i;
			break;
		}
		if (strcmp(j->reports[j->claims[k]].id,
		    j->reports[i].id) == 0) {
			owner = (long)j->claims[k];
			break;
		}
	}
	pthread_mutex_unlock(&j->pool.lock);
	return owner;
}

/*
 * 1 if file i is short of approvals (its why is kept for after the
 * phase).  The Ed25519 checks cost about as much as the rendering, so
 * they run here, on every worker, rather than in a pass of their own.
 * A file whose path the rule cannot read is rendered, which reports it.
 */
static int
unapproved(struct rjob *j, git_repository *repo, size_t i)
{
	char	*why = NULL;
	int	 w = 0;

	if (!j->check)
		return 0;
	/* An approved report's oid becomes that of its approved version. */
	if (rule_check(j->s->rule, repo, j->files[i].path, &j->files[i].oid,
	    &why, &w) != 0 || why == NULL) {
		free(why);
		return 0;
	}
	j->why[i] = why;
	j->wd[i] = (unsigned char)w;
	return 1;
}

static void *
report_worker(void *arg)
{
	struct rjob	*j = arg;
	struct render	 ctx;
	struct ixwork	*iw = NULL;
	struct odbatch	*ob = odbatch_new();
	struct buf	 doc = BUF_INIT;
	git_repository	*repo = NULL;
	char		 path[PATH_MAX];
	size_t		 i;

	render_init(&ctx, arena_new());
	if (j->s->analyze)
		iw = ix_work_new(j->s->syn, j->s->index);
	if (repo_reopen(&repo, j->src) != 0) {
		pool_fail(&j->pool);
		goto out;
	}
	while ((i = atomic_fetch_add(&j->pool.next, 1)) < j->pool.n) {
		if (unapproved(j, repo, i))
			goto next;
		if (render_one(&ctx, &j->reports[i], j->s, repo,
		    &j->files[i].oid, j->files[i].path, iw, &doc) != 0)
			goto next;
		if (claim_id(j, i) != -1) {
			/* Rendered fine: settle_ids() reports the id. */
			j->ok[i] = 1;
			goto next;
		}
		if (j->s->index) {
			if (ix_cache_add(&j->cache, &doc, &j->ixoff[i]) != 0)
				goto fail;
			j->ixlen[i] = (uint32_t)doc.len;
		}
		/* A theme that shows nothing made of vectors: empty ones. */
		if (rel_vec(&j->vec[i], j->str, j->reports[i].id, iw != NULL &&
		    rel_wanted(j->s) ? doc.data : NULL, doc.len) != 0) {
			log_warnx("%s: its search document is damaged",
			    j->files[i].path);
			goto fail;
		}
		rel_vec_lessons(&j->vec[i], ctx.lessons.data,
		    ctx.lessons.len);
		if (odtext_add(j->od, ob, j->reports[i].id, &ctx.md) != 0)
			goto fail;
		if (file_path(path, sizeof(path), "%s/reports/%s", j->dir,
		    j->reports[i].id) != 0)
			goto fail;
		if (mkdir(path, 0755) == -1) {
			log_warn("%s", path);
			goto fail;
		}
		if (file_path(path, sizeof(path), "%s/reports/%s/index.html",
		    j->dir, j->reports[i].id) != 0 ||
		    out_write(path, &ctx.page, 0) != 0)
			goto fail;
		if (rel_find(ctx.page.data, ctx.page.len, &j->slotoff[i],
		    &j->slotcut[i]) != 0)
			j->slotoff[i] = SIZE_MAX;
		j->written[i] = 1;
		j->ok[i] = 1;
		goto next;
fail:
		pool_fail(&j->pool);
next:
		pool_step(&j->pool);
	}
out:
	if (odtext_flush(j->od, ob) != 0)
		pool_fail(&j->pool);
	odbatch_free(ob);
	git_repository_free(repo);
	arena_free(ctx.arena);
	render_free(&ctx);
	ix_work_free(iw);
	buf_free(&doc);
	return NULL;
}

/*
 * Leaves out the files the workers found short of approvals, in file
 * order, as rule_filter() does before a build: each is logged and
 * counted in the rule's skipped.
 */
static void
drop_unapproved(struct rjob *j)
{
	struct rule	*ru = j->s->rule;
	struct buf	 p = BUF_INIT;
	size_t		 i, k;
	char		 id[REPORT_ID_MAX + 1];

	if (!j->check)
		return;
	for (i = 0, k = 0; i < j->nfiles; i++) {
		if (j->why[i] == NULL) {
			j->files[k] = j->files[i];
			j->reports[k] = j->reports[i];
			j->ok[k] = j->ok[i];
			j->written[k] = j->written[i];
			j->ixoff[k] = j->ixoff[i];
			j->ixlen[k] = j->ixlen[i];
			j->vec[k] = j->vec[i];
			j->slotoff[k] = j->slotoff[i];
			j->slotcut[k] = j->slotcut[i];
			k++;
			continue;
		}
		if (log_getverbose() >= 1) {
			buf_reset(&p);
			buf_printf(&p, "%s/%s", j->src->path, j->files[i].path);
			log_at(p.data, 0, "not published: %s", j->why[i]);
		}
		if (j->wd[i] && report_path_ok(j->files[i].path, id,
		    sizeof(id)))
			ids_add(&j->wids, &j->nwids, id);
		free(j->files[i].path);
		free(j->why[i]);
		j->why[i] = NULL;
		rel_vec_free(&j->vec[i]);
		ru->skipped++;
	}
	log_debug("approvals: %zu reports checked with the pages, %zu left "
	    "out", j->nfiles, j->nfiles - k);
	j->nfiles = k;
	buf_free(&p);
}

/* Writes the status index (status.c) into the staging tree dir. */
static int
write_status(const struct site *s, const char *dir)
{
	struct statusfile *f;
	size_t		 n, i;
	int		 rc = 0, changed;

	status_files(&f, &n, s);
	for (i = 0; i < n && rc == 0; i++)
		rc = write_out(NULL, dir, f[i].path, f[i].data, &changed);
	statusfiles_free(f, n);
	return rc;
}

/* Makes the staging folder OUTDIR.tmp-XXXXXX (into staging) with reports/. */
static int
staging_new(char *staging, size_t sz, const char *outdir)
{
	char	 path[PATH_MAX];
	int	 w;

	w = snprintf(staging, sz, "%s.tmp-XXXXXX", outdir);
	if (w < 0 || (size_t)w >= sz || mkdtemp(staging) == NULL) {
		log_warn("%s: cannot create a staging folder beside it",
		    outdir);
		staging[0] = '\0';
		return -1;
	}
	if (chmod(staging, 0755) == -1) {
		log_warn("%s", staging);
		return -1;
	}
	if (file_path(path, sizeof(path), "%s/reports", staging) != 0)
		return -1;
	if (mkdir(path, 0755) == -1) {
		log_warn("%s", path);
		return -1;
	}
	return 0;
}

/* Checks and renders every report on the pool; -1 if a worker failed. */
static int
report_phase(struct rjob *j, const struct site *s, const struct gitsrc *src,
    struct srcfile *files, size_t nfiles, const char *staging)
{
	const struct gen_opts *o = s->opts;
	struct timespec	 t0;
	size_t		 n = nfiles ? nfiles : 1;

	pool_init(&j->pool, nfiles, "reports", o->progress);
	j->s = s;
	j->src = src;
	j->files = files;
	j->nfiles = nfiles;
	j->reports = xcalloc(n, sizeof(*j->reports));
	j->ok = xcalloc(n, sizeof(int));
	j->written = xcalloc(n, sizeof(int));
	j->check = !s->rule->drafts;
	j->why = xcalloc(n, sizeof(*j->why));
	j->wd = xcalloc(n, 1);
	j->dir = staging;
	j->nclaims = nfiles * 2 + 1;
	j->claims = xcalloc(j->nclaims, sizeof(size_t));
	memset(j->claims, 0xff, j->nclaims * sizeof(size_t));
	j->ixoff = xcalloc(n, sizeof(*j->ixoff));
	j->ixlen = xcalloc(n, sizeof(*j->ixlen));
	j->vec = xcalloc(n, sizeof(*j->vec));
	j->str = relstr_new();
	j->slotoff = xcalloc(n, sizeof(*j->slotoff));
	memset(j->slotoff, 0xff, n * sizeof(*j->slotoff));
	j->slotcut = xcalloc(n, sizeof(*j->slotcut));
	j->cache.fd = -1;
	if ((j->od = odtext_new(staging)) == NULL)
		return -1;
	if (s->index) {
		char	 path[PATH_MAX];

		if (ix_cache_path(path, sizeof(path), o->outdir, 1) != 0 ||
		    ix_cache_create(&j->cache, path) != 0)
			return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pool_run(o->jobs, report_worker, j);
	pool_end(&j->pool);
	log_debug("reports: %zu in %ld ms", nfiles, lap(&t0));
	if (j->pool.failed)
		return -1;
	drop_unapproved(j);
	return 0;
}

/*
 * Leaves out every report that rendered but shares its id with another
 * (find_duplicates() names each), and removes the page written for the
 * id.  Returns the number of reports left out, each counted once, or -1.
 */
static long
settle_ids(struct rjob *j, const char *staging)
{
	char	 path[PATH_MAX];
	size_t	 i, bad;

	/*
	 * find_duplicates() clears the ok flag of each report that shares
	 * an id, so the loop below counts those with the rest; adding its
	 * return too would count them twice.
	 */
	(void)find_duplicates(j->reports, j->ok, j->nfiles, j->src->path);
	for (i = 0, bad = 0; i < j->nfiles; i++) {
		if (j->written[i] && !j->ok[i]) {
			if (file_path(path, sizeof(path), "%s/reports/%s",
			    staging, j->reports[i].id) != 0 ||
			    file_remove_tree(path) != 0)
				return -1;
		}
		if (!j->ok[i])
			bad++;
	}
	return (long)bad;
}

/*
 * The search index is written on a thread of its own while the lists and
 * pages are rendered: it needs only the cache and the configuration.
 */
struct ixjob {
	const struct site *s;
	struct ixcache	*cache;
	struct ixref	*refs;
	size_t		 n;
	const char	*dir;
	struct bgtask	 bg;
	int		 rc;
	struct timespec	 t0;
	struct buf	 state;		/* for the next build */
};

static void *
ix_thread(void *arg)
{
	struct ixjob	*x = arg;
	char		**names = NULL;
	size_t		 i, nnames = 0, written = 0;

	x->rc = ix_write(x->s, x->cache, x->refs, x->n, x->dir, NULL,
	    &names, &nnames, &written, NULL, &x->state);
	if (x->rc == 0)
		log_debug("search index: %zu files in %ld ms", written,
		    lap(&x->t0));
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	return NULL;
}

/*
 * Starts the search index of the reports that passed (before
 * take_reports()): the cache's table, then search/ in the staging tree,
 * on its own thread (or here if there is none).
 */
static int
index_start(struct ixjob *x, struct rjob *j, const struct site *s,
    const struct gitsrc *src, const char *staging)
{
	size_t	 i;

	memset(x, 0, sizeof(*x));
	buf_init(&x->state);
	if (!s->index)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &x->t0);
	x->s = s;
	x->cache = &j->cache;
	x->dir = staging;
	x->refs = xcalloc(j->nfiles + 1, sizeof(*x->refs));
	for (i = 0; i < j->nfiles; i++)
		if (j->ok[i]) {
			x->refs[x->n].id = xstrdup(j->reports[i].id);
			x->refs[x->n].off = j->ixoff[i];
			x->refs[x->n++].len = j->ixlen[i];
		}
	if (ix_cache_finish(&j->cache, x->refs, x->n, &src->tree,
	    s->opts->sync) != 0)
		return -1;
	bg_start(&x->bg, s->opts->jobs, ix_thread, x);
	return x->bg.running ? 0 : x->rc;
}

/* Waits for the search index; 0 if it was written. */
static int
index_end(struct ixjob *x)
{
	bg_join(&x->bg);
	if (x->refs != NULL) {
		ixrefs_free(x->refs, x->n);
		x->refs = NULL;
		x->n = 0;
#ifdef __GLIBC__
		/* Its big buffers back to the system. */
		malloc_trim(0);
#endif
	}
	return x->rc;
}

/*
 * The vectors of the reports that passed, one per report (empty when
 * there is no search index), into set, sorted by id.
 */
static int
take_vectors(struct relset *set, struct rjob *j)
{
	size_t	 i;

	/* The vectors move, in their array (25 MB at 50,000 reports). */
	set->v = j->vec;
	set->str = j->str;
	j->vec = NULL;
	for (i = 0; i < j->nfiles; i++) {
		if (!j->ok[i]) {
			rel_vec_free(&set->v[i]);
			continue;
		}
		if (set->n != i) {
			set->v[set->n] = set->v[i];
			memset(&set->v[i], 0, sizeof(set->v[i]));
		}
		if (set->v[set->n].id == NULL)
			set->v[set->n].id = xstrdup(j->reports[i].id);
		/* Until the slot pass, deps holds where the slot is. */
		set->v[set->n].deps = j->slotoff[i];
		set->v[set->n].slotcut = j->slotcut[i];
		set->n++;
	}
	return relset_sort(set);
}

/* The related reports' pass: every report page gets its slot filled. */
struct sjob {
	struct pool		 pool;
	const struct site	*s;
	struct relset		*set;
	const size_t		*rel, *prev, *next;
	const char		*dir;
};

static void *
slot_worker(void *arg)
{
	struct sjob	*x = arg;
	const struct site *s = x->s;
	struct arena	*a = arena_new();
	struct buf	 slot = BUF_INIT;
	struct relvec	*v;
	char		 path[PATH_MAX];
	size_t		 i, off;

	while ((i = atomic_fetch_add(&x->pool.next, 1)) < x->pool.n) {
		arena_reset(a);
		buf_reset(&slot);
		if (rel_slot(&slot, s, a, i, &x->rel[i * REL_MAX],
		    x->prev[i], x->next[i]) != 0)
			goto fail;
		if ((v = relset_find(x->set, s->reports[i].id)) == NULL)
			goto fail;
		off = (size_t)v->deps;
		v->deps = rel_deps(s, i, &x->rel[i * REL_MAX], x->prev[i],
		    x->next[i]);
		if (off == SIZE_MAX)
			goto next;
		/* In the staging tree nobody reads the page yet. */
		if (file_path(path, sizeof(path), "%s/reports/%s/index.html",
		    x->dir, s->reports[i].id) != 0 ||
		    out_splice(path, off, v->slotcut, &slot) != 0)
			goto fail;
		goto next;
fail:
		pool_fail(&x->pool);
next:
		pool_step(&x->pool);
	}
	arena_free(a);
	buf_free(&slot);
	return NULL;
}

/*
 * Fills the related slot of every report page in the staging tree dir
 * and the deps of set's vectors.
 */
static int
related_phase(const struct site *s, struct relset *set, const char *dir)
{
	struct sjob	 x;
	struct timespec	 t0;
	size_t		*rel, *prev, *next;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(&x, 0, sizeof(x));
	/*
	 * The pages were written with the empty slot that a theme
	 * without related reports shows.
	 */
	if (!rel_shown(s))
		return 0;
	rel = rel_compute(s, set, s->opts->jobs, NULL, NULL);
	rel_neighbours(s, &prev, &next);
	log_debug("related reports: computed in %ld ms", lap(&t0));
	pool_init(&x.pool, s->nreports, "related", s->opts->progress);
	x.s = s;
	x.set = set;
	x.rel = rel;
	x.prev = prev;
	x.next = next;
	x.dir = dir;
	pool_run(s->opts->jobs, slot_worker, &x);
	pool_end(&x.pool);
	log_debug("related reports: %zu pages in %ld ms", s->nreports,
	    lap(&t0));
	relset_keep(set, s, rel);
	free(rel);
	free(prev);
	free(next);
	return x.pool.failed ? -1 : 0;
}

/* Moves the reports that passed into s, in file order. */
static void
take_reports(struct site *s, struct rjob *j)
{
	size_t	 i, m, n = j->nfiles ? j->nfiles : 1;

	s->reports = xcalloc(n, sizeof(*s->reports));
	s->oids = xcalloc(n, sizeof(*s->oids));
	for (i = 0, m = 0; i < j->nfiles; i++) {
		if (!j->ok[i]) {
			report_free(&j->reports[i]);
			continue;
		}
		s->reports[m] = j->reports[i];
		s->oids[m] = j->files[i].oid;
		m++;
	}
	s->nreports = m;
	free(j->reports);
	j->reports = NULL;
}

int
full_build(struct site *s, const struct gitsrc *src, const git_oid *theme)
{
	const struct gen_opts *o = s->opts;
	struct srcfile	*files = NULL;
	struct outfile	*outs = NULL;
	struct rjob	 j;
	struct ixjob	 ixj;
	struct relset	 set;
	struct timespec	 t0;
	char		 staging[PATH_MAX], path[PATH_MAX];
	size_t		 nfiles = 0, nouts = 0, i, written;
	long		 bad;
	int		 rc = -1, list_rc;

	memset(&j, 0, sizeof(j));
	memset(&ixj, 0, sizeof(ixj));
	memset(&set, 0, sizeof(set));
	j.cache.fd = -1;
	staging[0] = '\0';
	if (outdir_ok(o->outdir) != 0)
		return -1;
	list_rc = repo_list(&files, &nfiles, src, "reports");
	if (list_rc != 0 && !o->keep_going)
		goto out;
	/*
	 * The two-person rule: short reports are not there at all.  The
	 * workers check it with the rendering, but for a --drafts preview,
	 * whose pages show what each report lacks, that must be known first.
	 */
	if (s->rule->drafts &&
	    rule_filter(s->rule, files, &nfiles, src, o->jobs) != 0)
		goto out;
	if (staging_new(staging, sizeof(staging), o->outdir) != 0)
		goto out;
	if (report_phase(&j, s, src, files, nfiles, staging) != 0)
		goto out;
	/* The withdrawn reports, for the status index and the state. */
	ids_free(s->withdrawn, s->nwithdrawn);
	ids_sort(j.wids, j.nwids);
	s->withdrawn = j.wids;
	s->nwithdrawn = j.nwids;
	j.wids = NULL;
	j.nwids = 0;
	/* Files left out for want of approvals were freed. */
	nfiles = j.nfiles;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((bad = settle_ids(&j, staging)) == -1)
		goto out;
	if (bad > 0 || list_rc != 0) {
		if (!o->keep_going) {
			log_warnx("%ld report%s with errors; nothing was "
			    "published (the previous site is untouched; "
			    "--keep-going publishes the valid ones)", bad,
			    bad == 1 ? "" : "s");
			goto out;
		}
		log_warnx("%ld report%s with errors left out", bad,
		    bad == 1 ? "" : "s");
	}
	if (index_start(&ixj, &j, s, src, staging) != 0)
		goto out;
	if (take_vectors(&set, &j) != 0)
		goto out;
	s->rel = &set;
	take_reports(s, &j);
	site_sort(s);
	site_index(s);
	log_debug("reports settled and sorted: %ld ms", lap(&t0));
	if (related_phase(s, &set, staging) != 0 ||
	    week_load(s, src->repo) != 0)
		goto out;
	(void)lap(&t0);
	/* The terms of stats/ and the lessons pages, from the vectors. */
	if (tmpl_set_has(s->theme, "stats.html") ||
	    tmpl_set_has(s->theme, "lessons.html")) {
		if (termstat_build(&s->terms, s, &set) != 0)
			goto out;
		log_debug("terms of stats/: %ld ms", lap(&t0));
	}

	if (pages_plan(&outs, &nouts, s) != 0)
		goto out;
	/* The open data's big files, before the data page gives sizes. */
	s->odtext = j.od;
	if (data_write(s, staging) != 0)
		goto out;
	log_debug("open data: %ld ms", lap(&t0));
	if (bodies_load(s, src, outs, nouts, NULL) != 0 ||
	    run_outfiles(s, outs, nouts, staging, NULL, NULL, &written) != 0)
		goto out;
	bodies_free(s);
	log_debug("lists, feeds and pages: %zu in %ld ms", nouts, lap(&t0));
	if (index_end(&ixj) != 0)
		goto out;
	if (write_status(s, staging) != 0)
		goto out;
	if (file_path(path, sizeof(path), "%s/static", o->themedir) != 0 ||
	    copy_static(path, staging, NULL) != 0)
		goto out;
	/* A partial site is never "up to date": the next run rechecks. */
	if (s->page_errors)
		bad++;
	if (state_write(s, s->oids, src, theme, (bad > 0 || list_rc != 0 ?
	    STATE_PARTIAL : 0) | (o->drafts ? STATE_DRAFTS : 0), staging,
	    0) != 0)
		goto out;
	if (o->sync && sync_tree(staging) != 0)
		goto out;
	log_debug("state and sync: %ld ms", lap(&t0));
	if (swap_in(staging, o->outdir) != 0)
		goto out;
	staging[0] = '\0';
	log_debug("swap and removal of the old site: %ld ms", lap(&t0));
	if (o->sync && parent_sync(o->outdir) != 0)
		goto out;
	/* No open data record waits after a full build. */
	if (data_pending_write(o->outdir, NULL, 0, o->sync) != 0)
		goto out;
	/* The index cache after the site: a cache is only ever newer. */
	if (s->index && (ix_cache_commit(o->outdir, o->sync) != 0 ||
	    ix_state_commit(o->outdir, &ixj.state, o->sync) != 0))
		goto out;
	if (rel_wanted(s) &&
	    relset_write(&set, o->outdir, &src->tree, o->sync) != 0)
		goto out;
	/*
	 * The old site's removal, synced here: left to the next build's
	 * sync, freeing its 100,000 files' blocks made a one-report
	 * rebuild after a full build take seconds.
	 */
	if (o->sync && sync_tree(o->outdir) != 0)
		goto out;
	log_debug("caches and the old site's removal synced: %ld ms",
	    lap(&t0));
	log_info("%s: %zu reports, %zu other files (full build)", o->outdir,
	    s->nreports, nouts);
	rc = bad > 0 || list_rc != 0 ? 1 : 0;
out:
	/* The index's thread writes into staging. */
	(void)index_end(&ixj);
	buf_free(&ixj.state);
	if (staging[0] != '\0')
		file_remove_tree(staging);
	if (j.reports != NULL && s->reports == NULL)
		for (i = 0; i < j.nfiles; i++)
			report_free(&j.reports[i]);
	if (j.why != NULL)
		for (i = 0; i < j.nfiles; i++)
			free(j.why[i]);
	if (j.cache.fd != -1) {
		if (rc == -1)
			unlink(j.cache.path);
		ix_cache_close(&j.cache);
	}
	free(j.ixoff);
	free(j.ixlen);
	if (j.vec != NULL)
		for (i = 0; i < j.nfiles; i++)
			rel_vec_free(&j.vec[i]);
	free(j.vec);
	free(j.slotoff);
	free(j.slotcut);
	s->rel = NULL;
	s->odtext = NULL;
	odtext_free(j.od);
	relset_free(&set);
	relstr_free(j.str);
	free(j.reports);
	free(j.ok);
	free(j.written);
	free(j.why);
	free(j.wd);
	ids_free(j.wids, j.nwids);
	free(j.claims);
	srcfiles_free(files, nfiles);
	outfiles_free(outs, nouts);
	return rc;
}
