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
 * The build driver.  A full build renders everything into a staging
 * folder beside the output and swaps it in with one atomic
 * renameat2(RENAME_EXCHANGE), so the previous site stays servable until
 * the new one is complete.  An incremental build diffs the content tree
 * against the one recorded in the build state and rewrites, each
 * atomically, only the files whose bytes change; the state is written
 * last.  Report pages are rendered by a pool of threads.
 */

#define _GNU_SOURCE	/* renameat2, syncfs */

#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>

#include "buf.h"
#include "file.h"
#include "gen.h"
#include "log.h"
#include "md.h"
#include "nm.h"
#include "receipts.h"
#include "tmpl.h"

#define JOBS_MAX	16
#define PAGE_MAX	(512 * 1024)
#define INCR_MAX_SHARE	10	/* incremental while changes < 1/10 */

static const char *const required_templates[] = {
	"home.html", "report.html", "list.html", "terms.html", "page.html",
	"404.html",
};

/* Names the site uses at its root; a page may not take them. */
static const char *const reserved[] = {
	"reports", "incident-type", "factor", "loss-potential", "year",
	"search", "static", "feeds", "status",
};

/* A pool of threads working through items 0..n-1. */
struct pool {
	atomic_size_t	 next;
	atomic_size_t	 done;
	size_t		 n;
	const char	*what;
	int		 progress;
	int		 failed;	/* set under lock */
	pthread_mutex_t	 lock;
	pthread_t	 owner;		/* the thread that shows progress */
	struct timespec	 last;
};

/* The report phase of a full build. */
struct rjob {
	struct pool		 pool;
	const struct site	*s;
	const struct gitsrc	*src;
	const struct srcfile	*files;
	struct report		*reports;	/* one per file */
	int			*ok;
	int			*written;
	const char		*dir;
	/* Claimed ids: open addressing on file indexes, under pool.lock. */
	size_t			*claims;
	size_t			 nclaims;
};

/* The list/feed phase. */
struct ojob {
	struct pool		 pool;
	const struct site	*s;
	const struct outfile	*files;
	const char		*dir;
	struct publish		*pub;		/* NULL: full build */
	const unsigned char	*todo;		/* NULL: all */
	atomic_size_t		 written;
};

/* Milliseconds since *t0; sets *t0 to now (for -v phase timings). */
static long
lap(struct timespec *t0)
{
	struct timespec	 now;
	long		 ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (now.tv_sec - t0->tv_sec) * 1000 +
	    (now.tv_nsec - t0->tv_nsec) / 1000000;
	*t0 = now;
	return ms;
}

static void
progress(struct pool *p, int force)
{
	struct timespec	 now;
	size_t		 done = atomic_load(&p->done);

	if (!p->progress)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!force && (now.tv_sec - p->last.tv_sec) * 1000 +
	    (now.tv_nsec - p->last.tv_nsec) / 1000000 < 200)
		return;
	p->last = now;
	fprintf(stderr, "\r%s %zu/%zu%s", p->what, done, p->n,
	    force ? "\n" : "");
}

static void
pool_init(struct pool *p, size_t n, const char *what, int prog)
{
	memset(p, 0, sizeof(*p));
	atomic_init(&p->next, 0);
	atomic_init(&p->done, 0);
	p->n = n;
	p->what = what;
	p->progress = prog && n > 500;
	p->owner = pthread_self();
	pthread_mutex_init(&p->lock, NULL);
}

/* Runs fn(arg, worker) on jobs threads (the caller is worker 0). */
static void
pool_run(int jobs, void *(*fn)(void *), void **args)
{
	pthread_t	 t[JOBS_MAX];
	int		 i, started = 0;

	for (i = 1; i < jobs; i++) {
		if (pthread_create(&t[i], NULL, fn, args[i]) != 0)
			break;
		started = i;
	}
	fn(args[0]);
	for (i = 1; i <= started; i++)
		pthread_join(t[i], NULL);
}

static size_t
hash_str(const char *s)
{
	size_t	 h = 1469598103934665603ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* Claims id for file i; returns the index of an earlier owner or -1. */
static long
claim_id(struct rjob *j, size_t i)
{
	size_t	 h, k;
	long	 owner = -1;

	pthread_mutex_lock(&j->pool.lock);
	h = hash_str(j->reports[i].id) % j->nclaims;
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
 * Reads, checks and renders one report into page (the HTML of its page).
 * Returns 0, or -1 with the problems logged.
 */
static int
render_one(struct buf *page, struct report *r, const struct site *s,
    git_repository *repo, const git_oid *oid, const char *relpath,
    struct arena *a, struct buf *text, struct md_report *md)
{
	char	 path[PATH_MAX], fileid[REPORT_ID_MAX + 1];
	int	 rc = -1;

	buf_reset(text);
	buf_reset(md->narrative);
	buf_reset(md->lessons);
	buf_reset(md->comments);
	if (file_path(path, sizeof(path), "%s/%s", s->opts->path,
	    relpath) != 0) {
		memset(r, 0, sizeof(*r));
		r->path = xstrdup(relpath);
		goto out;
	}
	if (repo_read(text, repo, oid, REPORT_FILE_MAX, path) != 0) {
		memset(r, 0, sizeof(*r));
		r->path = xstrdup(relpath);
		goto out;
	}
	if (report_parse(r, &s->cfg, path, text->data, text->len) != 0)
		goto out;
	if (!report_path_ok(relpath, fileid, sizeof(fileid)) ||
	    strcmp(fileid, r->id) != 0) {
		log_at(path, r->id_line, "id: \"%s\" does not match the file "
		    "name (reports/<yyyy>/%s.md)", r->id, r->id);
		goto out;
	}
	if (md_render_report(md, path, r->body_line, r->body, r->body_len) !=
	    0)
		goto out;
	if (page_report(page, s, a, r, md->narrative->data,
	    md->narrative->len, md->lessons->data, md->lessons->len,
	    md->comments->data, md->comments->len) != 0)
		goto out;
	rc = 0;
out:
	/* The body lives in text, which the next report reuses. */
	r->body = NULL;
	r->body_len = 0;
	free(r->path);
	r->path = xstrdup(relpath);
	return rc;
}

static void *
report_worker(void *arg)
{
	struct rjob	*j = arg;
	struct buf	 text = BUF_INIT, page = BUF_INIT;
	struct buf	 nb = BUF_INIT, lb = BUF_INIT, cb = BUF_INIT;
	struct md_report md = { &nb, &lb, &cb };
	git_repository	*repo = NULL;
	struct arena	*a = arena_new();
	char		 path[PATH_MAX];
	size_t		 i;
	int		 w;

	if (repo_reopen(&repo, j->src) != 0) {
		pthread_mutex_lock(&j->pool.lock);
		j->pool.failed = 1;
		pthread_mutex_unlock(&j->pool.lock);
		goto out;
	}
	while ((i = atomic_fetch_add(&j->pool.next, 1)) < j->pool.n) {
		buf_reset(&page);
		arena_reset(a);
		if (render_one(&page, &j->reports[i], j->s, repo,
		    &j->files[i].oid, j->files[i].path, a, &text, &md) != 0)
			goto next;
		if (claim_id(j, i) != -1)
			goto next;	/* reported after the phase */
		w = snprintf(path, sizeof(path), "%s/reports/%s", j->dir,
		    j->reports[i].id);
		if (w < 0 || (size_t)w >= sizeof(path) - 12 ||
		    mkdir(path, 0755) == -1) {
			log_warn("%s", path);
			goto fail;
		}
		strcat(path, "/index.html");
		if (file_write(path, page.data, page.len, 0644, 0) != 0)
			goto fail;
		j->written[i] = 1;
		j->ok[i] = 1;
		goto next;
fail:
		pthread_mutex_lock(&j->pool.lock);
		j->pool.failed = 1;
		pthread_mutex_unlock(&j->pool.lock);
next:
		atomic_fetch_add(&j->pool.done, 1);
		if (j->pool.progress && pthread_equal(pthread_self(),
		    j->pool.owner))
			progress(&j->pool, 0);
	}
out:
	git_repository_free(repo);
	arena_free(a);
	buf_free(&text);
	buf_free(&page);
	buf_free(&nb);
	buf_free(&lb);
	buf_free(&cb);
	return NULL;
}

/*
 * The files an incremental build changes.  Each is written in full to
 * OUTDIR/.nearmiss-tmp/ first; publish_commit() makes them durable with
 * one syncfs() and only then renames them into place, one atomic rename
 * each, so a crash leaves every file either old or new, never partial.
 */
struct publish {
	pthread_mutex_t	 lock;
	char		 tmpdir[PATH_MAX];
	char		**tmp, **dst;
	size_t		 n;
};

static int
publish_init(struct publish *p, const char *outdir)
{
	if (file_path(p->tmpdir, sizeof(p->tmpdir), "%s/.nearmiss-tmp",
	    outdir) != 0 || file_remove_tree(p->tmpdir) != 0)
		return -1;
	if (mkdir(p->tmpdir, 0755) == -1) {
		log_warn("%s", p->tmpdir);
		return -1;
	}
	return 0;
}

static int
publish_add(struct publish *p, const char *dst, const struct buf *data)
{
	char	 tmp[PATH_MAX];
	size_t	 n;

	pthread_mutex_lock(&p->lock);
	n = p->n++;
	p->tmp = xreallocarray(p->tmp, p->n, sizeof(char *));
	p->dst = xreallocarray(p->dst, p->n, sizeof(char *));
	p->tmp[n] = p->dst[n] = NULL;
	pthread_mutex_unlock(&p->lock);
	if (file_path(tmp, sizeof(tmp), "%s/%zu", p->tmpdir, n) != 0 ||
	    file_write(tmp, data->data, data->len, 0644, 0) != 0)
		return -1;
	pthread_mutex_lock(&p->lock);
	p->tmp[n] = xstrdup(tmp);
	p->dst[n] = xstrdup(dst);
	pthread_mutex_unlock(&p->lock);
	return 0;
}

static int sync_tree(const char *);

static int
publish_commit(struct publish *p, int sync)
{
	char	 dir[PATH_MAX], *slash;
	size_t	 i;

	if (sync && p->n > 0 && sync_tree(p->tmpdir) != 0)
		return -1;
	for (i = 0; i < p->n; i++) {
		if (rename(p->tmp[i], p->dst[i]) == 0)
			continue;
		if (errno != ENOENT) {
			log_warn("rename %s", p->dst[i]);
			return -1;
		}
		/* A new page in a new folder. */
		snprintf(dir, sizeof(dir), "%s", p->dst[i]);
		if ((slash = strrchr(dir, '/')) != NULL)
			*slash = '\0';
		if (file_mkdirs(dir, 0755) != 0)
			return -1;
		if (rename(p->tmp[i], p->dst[i]) == -1) {
			log_warn("rename %s", p->dst[i]);
			return -1;
		}
	}
	if (sync && p->n > 0 && sync_tree(p->tmpdir) != 0)
		return -1;
	return 0;
}

static void
publish_free(struct publish *p)
{
	size_t	 i;

	if (p->tmpdir[0] != '\0')
		file_remove_tree(p->tmpdir);
	for (i = 0; i < p->n; i++) {
		free(p->tmp[i]);
		free(p->dst[i]);
	}
	free(p->tmp);
	free(p->dst);
	pthread_mutex_destroy(&p->lock);
	memset(p, 0, sizeof(*p));
}

/*
 * Writes data to dir/rel.  In a full build (pub NULL) the file is new in
 * the staging tree; otherwise it is staged for publish_commit(), and only
 * if its bytes differ from the file in place (*changed says which).
 */
static int
write_out(struct publish *pub, const char *dir, const char *rel,
    const struct buf *data, int *changed)
{
	struct buf	 old = BUF_INIT;
	char		 path[PATH_MAX];
	int		 rc;

	*changed = 0;
	if (file_path(path, sizeof(path), "%s/%s", dir, rel) != 0)
		return -1;
	if (pub == NULL)
		return file_write(path, data->data, data->len, 0644,
		    FILE_MKDIRS);
	rc = file_read(&old, path, PAGE_MAX * 64);
	if (rc == 0 && old.len == data->len &&
	    memcmp(old.data, data->data, data->len) == 0) {
		buf_free(&old);
		return 0;
	}
	buf_free(&old);
	*changed = 1;
	return publish_add(pub, path, data);
}

static void *
out_worker(void *arg)
{
	struct ojob	*j = arg;
	struct buf	 page = BUF_INIT;
	struct arena	*a = arena_new();
	size_t		 i;
	int		 changed;

	while ((i = atomic_fetch_add(&j->pool.next, 1)) < j->pool.n) {
		if (j->todo != NULL && !j->todo[i])
			goto next;
		buf_reset(&page);
		arena_reset(a);
		if (page_render(&page, j->s, a, &j->files[i]) != 0 ||
		    write_out(j->pub, j->dir, j->files[i].path, &page,
		    &changed) != 0) {
			pthread_mutex_lock(&j->pool.lock);
			j->pool.failed = 1;
			pthread_mutex_unlock(&j->pool.lock);
		} else if (changed || j->pub == NULL)
			atomic_fetch_add(&j->written, 1);
next:
		atomic_fetch_add(&j->pool.done, 1);
		if (j->pool.progress && pthread_equal(pthread_self(),
		    j->pool.owner))
			progress(&j->pool, 0);
	}
	arena_free(a);
	buf_free(&page);
	return NULL;
}

static int
run_outfiles(const struct site *s, const struct outfile *files, size_t n,
    const char *dir, struct publish *pub, const unsigned char *todo,
    size_t *written)
{
	struct ojob	 j;
	void		*args[JOBS_MAX];
	int		 i;

	memset(&j, 0, sizeof(j));
	pool_init(&j.pool, n, "pages", s->opts->progress);
	j.s = s;
	j.files = files;
	j.dir = dir;
	j.pub = pub;
	j.todo = todo;
	atomic_init(&j.written, 0);
	for (i = 0; i < s->opts->jobs; i++)
		args[i] = &j;
	pool_run(s->opts->jobs, out_worker, args);
	progress(&j.pool, 1);
	pthread_mutex_destroy(&j.pool.lock);
	*written = atomic_load(&j.written);
	return j.pool.failed ? -1 : 0;
}

/* Pages: pages/<slug>.md, rendered up front (there are few). */
static int
load_pages(struct site *s, const struct gitsrc *src)
{
	struct srcfile	*f = NULL;
	struct buf	 text = BUF_INIT, title = BUF_INIT, path = BUF_INIT;
	struct page	*p;
	size_t		 n = 0, i, k, len;
	const char	*name;
	int		 rc, errors = 0;

	if ((rc = repo_list(&f, &n, src, "pages")) != 0)
		errors++;
	s->pages = xcalloc(n ? n : 1, sizeof(*s->pages));
	for (i = 0; i < n; i++) {
		buf_reset(&path);
		buf_printf(&path, "%s/%s", src->path, f[i].path);
		name = strrchr(f[i].path, '/') + 1;
		len = strlen(name);
		if (len < 4 || strcmp(name + len - 3, ".md") != 0 ||
		    strchr(f[i].path + 6, '/') != NULL) {
			log_at(path.data, 0, "not a page (expected "
			    "pages/<name>.md)");
			errors++;
			continue;
		}
		p = &s->pages[s->npages];
		memset(p, 0, sizeof(*p));
		p->slug = xstrndup(name, len - 3);
		for (k = 0; k < NM_NELEM(reserved); k++)
			if (strcmp(p->slug, reserved[k]) == 0)
				break;
		if (!slug_valid(p->slug) || k < NM_NELEM(reserved)) {
			log_at(path.data, 0, "\"%s\" cannot be a page name "
			    "(lowercase letters, digits and hyphens; not a "
			    "name the site uses)", p->slug);
			free(p->slug);
			errors++;
			continue;
		}
		git_oid_cpy(&p->oid, &f[i].oid);
		buf_reset(&text);
		buf_reset(&title);
		p->html = xcalloc(1, sizeof(struct buf));
		buf_init(p->html);
		s->npages++;
		if (repo_read(&text, src->repo, &f[i].oid, MD_BODY_MAX,
		    path.data) != 0 || md_render_page(&title, p->html,
		    path.data, text.data, text.len) != 0) {
			/* A page with errors is left out, like a report. */
			errors++;
			s->npages--;
			free(p->slug);
			buf_free(p->html);
			free(p->html);
			continue;
		}
		p->title = buf_detach(&title, NULL);
	}
	srcfiles_free(f, n);
	buf_free(&text);
	buf_free(&title);
	buf_free(&path);
	return errors ? -1 : 0;
}

static int
cmp_idx(const void *a, const void *b, void *arg)
{
	const struct report *r = arg;

	return report_cmp_newest(&r[*(const size_t *)a],
	    &r[*(const size_t *)b]);
}

void
site_sort(struct site *s)
{
	struct report	*r;
	git_oid		*o;
	size_t		*idx, i;

	idx = xcalloc(s->nreports ? s->nreports : 1, sizeof(*idx));
	for (i = 0; i < s->nreports; i++)
		idx[i] = i;
	qsort_r(idx, s->nreports, sizeof(*idx), cmp_idx, s->reports);
	r = xcalloc(s->nreports ? s->nreports : 1, sizeof(*r));
	o = xcalloc(s->nreports ? s->nreports : 1, sizeof(*o));
	for (i = 0; i < s->nreports; i++) {
		r[i] = s->reports[idx[i]];
		o[i] = s->oids[idx[i]];
	}
	free(s->reports);
	free(s->oids);
	free(idx);
	s->reports = r;
	s->oids = o;
}

void
site_free(struct site *s)
{
	size_t	 i, t;
	int	 f;

	for (i = 0; i < s->nreports; i++)
		report_free(&s->reports[i]);
	free(s->reports);
	free(s->oids);
	for (i = 0; i < s->npages; i++) {
		free(s->pages[i].slug);
		free(s->pages[i].title);
		if (s->pages[i].html != NULL)
			buf_free(s->pages[i].html);
		free(s->pages[i].html);
	}
	free(s->pages);
	free(s->years);
	receipts_free(s->receipts);
	for (f = 0; f < FACET_MAX; f++) {
		for (t = 0; t < s->ncoll[f]; t++)
			free(s->coll[f][t].idx);
		free(s->coll[f]);
	}
	config_free(&s->cfg);
	memset(s, 0, sizeof(*s));
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Hashes every file of the theme (names and bytes) into one id. */
static int
hash_dir(struct buf *acc, const char *dir, const char *rel)
{
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	char		**names = NULL, path[PATH_MAX];
	size_t		 n = 0, i;
	int		 rc = 0, w;

	if ((d = opendir(dir)) == NULL) {
		log_warn("theme %s", dir);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		names = xreallocarray(names, n + 1, sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n && rc == 0; i++) {
		w = snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (w < 0 || (size_t)w >= sizeof(path) ||
		    lstat(path, &st) == -1) {
			log_warnx("theme %s: cannot read", path);
			rc = -1;
			break;
		}
		buf_printf(acc, "%s%s%c", rel, names[i], 0);
		if (S_ISDIR(st.st_mode)) {
			struct buf sub = BUF_INIT;

			buf_printf(&sub, "%s%s/", rel, names[i]);
			rc = hash_dir(acc, path, sub.data);
			buf_free(&sub);
		} else if (S_ISREG(st.st_mode))
			rc = file_read(acc, path, 16 * 1024 * 1024);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

/* Copies the files of the theme's static/ into dir (same structure). */
static int
copy_static(const char *from, const char *to, struct publish *pub)
{
	struct dirent	*de;
	struct stat	 st;
	struct buf	 data = BUF_INIT;
	DIR		*d;
	char		 src[PATH_MAX], dst[PATH_MAX];
	int		 rc = 0, changed;

	if ((d = opendir(from)) == NULL)
		return errno == ENOENT ? 0 : (log_warn("%s", from), -1);
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(src, sizeof(src), "%s/%s", from,
		    de->d_name) >= sizeof(src) || (size_t)snprintf(dst,
		    sizeof(dst), "%s/%s", to, de->d_name) >= sizeof(dst) ||
		    lstat(src, &st) == -1) {
			log_warnx("%s: cannot copy", src);
			rc = -1;
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			if (mkdir(dst, 0755) == -1 && errno != EEXIST) {
				log_warn("%s", dst);
				rc = -1;
			} else
				rc = copy_static(src, dst, pub);
			continue;
		}
		if (!S_ISREG(st.st_mode))
			continue;
		buf_reset(&data);
		if ((rc = file_read(&data, src, 64 * 1024 * 1024)) != 0)
			break;
		rc = write_out(pub, to, de->d_name, &data, &changed);
	}
	closedir(d);
	buf_free(&data);
	return rc;
}

static int
theme_load(struct site *s, git_oid *hash)
{
	struct buf	 acc = BUF_INIT;
	size_t		 i;
	int		 rc = -1;

	s->theme = tmpl_set_new();
	if (tmpl_set_load(s->theme, s->opts->themedir) != 0)
		goto out;
	for (i = 0; i < NM_NELEM(required_templates); i++)
		if (!tmpl_set_has(s->theme, required_templates[i])) {
			log_warnx("theme %s: %s is missing",
			    s->opts->themedir, required_templates[i]);
			goto out;
		}
	if (hash_dir(&acc, s->opts->themedir, "") != 0)
		goto out;
	if (git_odb_hash(hash, acc.data, acc.len, GIT_OBJECT_BLOB) != 0) {
		git_fail("theme hash");
		goto out;
	}
	rc = 0;
out:
	buf_free(&acc);
	return rc;
}

static int
cmp_id(const void *a, const void *b, void *arg)
{
	const struct report *r = arg;
	int	 c;

	c = strcmp(r[*(const size_t *)a].id, r[*(const size_t *)b].id);
	if (c != 0)
		return c;
	return strcmp(r[*(const size_t *)a].path, r[*(const size_t *)b].path);
}

/*
 * Finds ids used by more than one report of r[0..n) (those with ok[i]);
 * logs each and clears their ok flags.  Returns the number of reports
 * so excluded.
 */
static size_t
find_duplicates(struct report *r, int *ok, size_t n, const char *prefix)
{
	size_t	*idx, m = 0, i, k, bad = 0;

	idx = xcalloc(n ? n : 1, sizeof(*idx));
	for (i = 0; i < n; i++)
		if (ok[i])
			idx[m++] = i;
	qsort_r(idx, m, sizeof(*idx), cmp_id, r);
	for (i = 0; i < m; i = k) {
		for (k = i + 1; k < m && strcmp(r[idx[k]].id,
		    r[idx[i]].id) == 0; k++)
			;
		if (k - i == 1)
			continue;
		for (size_t x = i; x < k; x++) {
			char p[PATH_MAX];

			if (file_path(p, sizeof(p), "%s/%s", prefix,
			    r[idx[x]].path) != 0)
				continue;
			log_at(p, r[idx[x]].id_line, "id: \"%s\" is also "
			    "used by %s/%s", r[idx[x]].id, prefix,
			    r[idx[x == i ? i + 1 : i]].path);
			ok[idx[x]] = 0;
			bad++;
		}
	}
	free(idx);
	return bad;
}

static int
swap_in(const char *staging, const char *outdir)
{
	struct stat	 st;

	if (stat(outdir, &st) == -1) {
		if (errno != ENOENT) {
			log_warn("%s", outdir);
			return -1;
		}
		if (rename(staging, outdir) == -1) {
			log_warn("rename %s to %s", staging, outdir);
			return -1;
		}
		return 0;
	}
	if (renameat2(AT_FDCWD, staging, AT_FDCWD, outdir,
	    RENAME_EXCHANGE) == -1) {
		log_warn("exchange %s and %s", staging, outdir);
		return -1;
	}
	/* staging now holds the previous site. */
	return file_remove_tree(staging);
}

/* Refuses to replace a folder that is not ours. */
static int
outdir_ok(const char *outdir)
{
	struct dirent	*de;
	DIR		*d;
	char		 path[PATH_MAX];
	int		 empty = 1;

	if ((d = opendir(outdir)) == NULL) {
		if (errno == ENOENT)
			return 0;
		log_warn("%s", outdir);
		return -1;
	}
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0) {
			empty = 0;
			break;
		}
	closedir(d);
	if (file_path(path, sizeof(path), "%s/%s", outdir, STATE_FILE) != 0)
		return -1;
	if (!empty && access(path, F_OK) == -1) {
		log_warnx("%s: exists and was not made by nearmiss-gen "
		    "(no %s); remove it or choose another output folder",
		    outdir, STATE_FILE);
		return -1;
	}
	return 0;
}

/* fsyncs the folder that holds path, making a rename in it durable. */
static int
parent_sync(const char *path)
{
	char	 dir[PATH_MAX], *slash;

	if (file_path(dir, sizeof(dir), "%s", path) != 0)
		return -1;
	if ((slash = strrchr(dir, '/')) == NULL)
		return file_sync_dir(".");
	if (slash == dir)
		slash++;
	*slash = '\0';
	return file_sync_dir(dir);
}

static int
sync_tree(const char *dir)
{
	int	 fd, rc = 0;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		log_warn("%s", dir);
		return -1;
	}
	if (syncfs(fd) == -1) {
		log_warn("syncfs %s", dir);
		rc = -1;
	}
	close(fd);
	return rc;
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

static int
full_build(struct site *s, const struct gitsrc *src, const git_oid *theme)
{
	const struct gen_opts *o = s->opts;
	struct srcfile	*files = NULL;
	struct outfile	*outs = NULL;
	struct rjob	 j;
	struct timespec	 t0;
	void		*args[JOBS_MAX];
	char		 staging[PATH_MAX], path[PATH_MAX];
	size_t		 nfiles = 0, nouts = 0, i, m, bad, written;
	int		 rc = -1, list_rc, k, have_staging = 0;

	memset(&j, 0, sizeof(j));
	if (outdir_ok(o->outdir) != 0)
		return -1;
	list_rc = repo_list(&files, &nfiles, src, "reports");
	if (list_rc != 0 && !o->keep_going)
		goto out;
	/* The two-person rule: short reports are not there at all. */
	if (rule_filter(s->rule, files, &nfiles, src, o->jobs) != 0)
		goto out;
	k = snprintf(staging, sizeof(staging), "%s.tmp-XXXXXX", o->outdir);
	if (k < 0 || (size_t)k >= sizeof(staging) ||
	    mkdtemp(staging) == NULL) {
		log_warn("%s: cannot create a staging folder beside it",
		    o->outdir);
		goto out;
	}
	have_staging = 1;
	if (chmod(staging, 0755) == -1) {
		log_warn("%s", staging);
		goto out;
	}
	if (file_path(path, sizeof(path), "%s/reports", staging) != 0)
		goto out;
	if (mkdir(path, 0755) == -1) {
		log_warn("%s", path);
		goto out;
	}

	pool_init(&j.pool, nfiles, "reports", o->progress);
	j.s = s;
	j.src = src;
	j.files = files;
	j.reports = xcalloc(nfiles ? nfiles : 1, sizeof(*j.reports));
	j.ok = xcalloc(nfiles ? nfiles : 1, sizeof(int));
	j.written = xcalloc(nfiles ? nfiles : 1, sizeof(int));
	j.dir = staging;
	j.nclaims = nfiles * 2 + 1;
	j.claims = xcalloc(j.nclaims, sizeof(size_t));
	memset(j.claims, 0xff, j.nclaims * sizeof(size_t));
	for (k = 0; k < o->jobs; k++)
		args[k] = &j;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pool_run(o->jobs, report_worker, args);
	progress(&j.pool, 1);
	log_debug("reports: %zu in %ld ms", nfiles, lap(&t0));
	if (j.pool.failed)
		goto out;
	for (i = 0, bad = 0; i < nfiles; i++)
		if (!j.ok[i] && j.reports[i].id != NULL &&
		    report_id_valid(j.reports[i].id) && !j.written[i]) {
			/* Rendered fine but lost its id to another file. */
			int dup = 0;

			for (m = 0; m < nfiles && !dup; m++)
				dup = m != i && j.reports[m].id != NULL &&
				    strcmp(j.reports[m].id,
				    j.reports[i].id) == 0 && j.written[m];
			if (dup)
				j.ok[i] = 1;
		}
	bad = find_duplicates(j.reports, j.ok, nfiles, src->path);
	for (i = 0; i < nfiles; i++) {
		if (j.written[i] && !j.ok[i]) {
			if (file_path(path, sizeof(path), "%s/reports/%s",
			    staging, j.reports[i].id) != 0 ||
			    file_remove_tree(path) != 0)
				goto out;
		}
		if (!j.ok[i])
			bad++;
	}
	if (bad > 0 || list_rc != 0) {
		if (!o->keep_going) {
			log_warnx("%zu report%s with errors; nothing was "
			    "published (the previous site is untouched; "
			    "--keep-going publishes the valid ones)", bad,
			    bad == 1 ? "" : "s");
			goto out;
		}
		log_warnx("%zu report%s with errors left out", bad,
		    bad == 1 ? "" : "s");
	}
	s->reports = xcalloc(nfiles ? nfiles : 1, sizeof(*s->reports));
	s->oids = xcalloc(nfiles ? nfiles : 1, sizeof(*s->oids));
	for (i = 0, m = 0; i < nfiles; i++) {
		if (!j.ok[i]) {
			report_free(&j.reports[i]);
			continue;
		}
		s->reports[m] = j.reports[i];
		s->oids[m] = files[i].oid;
		m++;
	}
	s->nreports = m;
	site_sort(s);
	site_index(s);

	if (pages_plan(&outs, &nouts, s) != 0)
		goto out;
	if (run_outfiles(s, outs, nouts, staging, NULL, NULL, &written) != 0)
		goto out;
	log_debug("lists, feeds and pages: %zu in %ld ms", nouts, lap(&t0));
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
	have_staging = 0;
	log_debug("swap and removal of the old site: %ld ms", lap(&t0));
	if (o->sync && parent_sync(o->outdir) != 0)
		goto out;
	log_info("%s: %zu reports, %zu other files (full build)", o->outdir,
	    s->nreports, nouts);
	rc = bad > 0 || list_rc != 0 ? 1 : 0;
out:
	if (have_staging)
		file_remove_tree(staging);
	if (j.reports != NULL && s->reports == NULL)
		for (i = 0; i < nfiles; i++)
			report_free(&j.reports[i]);
	free(j.reports);
	free(j.ok);
	free(j.written);
	free(j.claims);
	if (j.pool.n)
		pthread_mutex_destroy(&j.pool.lock);
	srcfiles_free(files, nfiles);
	outfiles_free(outs, nouts);
	return rc;
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

static int
cmp_outpath(const void *a, const void *b)
{
	return strcmp(((const struct outfile *)a)->path,
	    ((const struct outfile *)b)->path);
}

/* Removes dir/rel, then its parent folders that became empty. */
static int
remove_out(const char *dir, const char *rel)
{
	char	 path[PATH_MAX], *slash;
	size_t	 base = strlen(dir);
	int	 w;

	w = snprintf(path, sizeof(path), "%s/%s", dir, rel);
	if (w < 0 || (size_t)w >= sizeof(path))
		return -1;
	if (file_remove_tree(path) != 0)
		return -1;
	while ((slash = strrchr(path, '/')) != NULL &&
	    (size_t)(slash - path) > base) {
		*slash = '\0';
		if (rmdir(path) == -1)
			break;
	}
	return 0;
}

/*
 * Returns 0 when done, 1 when done with reports left out, -1 on error,
 * and NM_ENOTFOUND when a full build is needed instead.
 */
static int
incremental_build(struct site *s, const struct gitsrc *src,
    struct state *st, const git_oid *theme)
{
	const struct gen_opts *o = s->opts;
	struct change	*ch = NULL;
	struct site	 old;
	struct outfile	*oldp = NULL, *newp = NULL;
	struct report	*nr = NULL;
	struct buf	 text = BUF_INIT, page = BUF_INIT;
	struct buf	 nb = BUF_INIT, lb = BUF_INIT, cb = BUF_INIT;
	struct md_report md = { &nb, &lb, &cb };
	struct arena	*a = arena_new();
	struct report	 tmp;
	const struct report **dirty = NULL;
	size_t		 ndirty = 0;
	unsigned char	*todo = NULL;
	size_t		 nch = 0, i, k, x, nold = 0, nnew = 0, nnr = 0;
	size_t		 written;
	size_t		 rewritten = 0;
	struct publish	 pub;
	struct statusfile *sf = NULL;
	char		**sgone = NULL;
	size_t		 nsf = 0, nsgone = 0;
	int		*keep = NULL, *ok = NULL, rc = -1, changed, bad = 0;
	char		 id[REPORT_ID_MAX + 1], path[PATH_MAX];

	memset(&old, 0, sizeof(old));
	memset(&pub, 0, sizeof(pub));
	pthread_mutex_init(&pub.lock, NULL);
	if ((rc = repo_changes(&ch, &nch, src, &st->tree)) != 0)
		goto out;
	/* Approvals and reviewers decide which reports are there. */
	if ((rc = rule_changes(&ch, &nch, s->rule, src)) != 0)
		goto out;
	rc = NM_ENOTFOUND;
	if (nch > 16 && nch > st->nreports / INCR_MAX_SHARE)
		goto out;
	/* An output made before it had a status index. */
	if (file_path(path, sizeof(path), "%s/status/index.json",
	    o->outdir) != 0 || access(path, F_OK) == -1)
		goto out;
	for (i = 0; i < nch; i++) {
		if (strncmp(ch[i].path, "pages/", 6) != 0)
			continue;
		/* Pages appear in every page's navigation. */
		k = page_of(s, ch[i].path);
		if (ch[i].deleted || k == s->npages || k >= st->npages ||
		    strcmp(st->pages[k].title, s->pages[k].title) != 0 ||
		    s->npages != st->npages)
			goto out;
	}
	if (s->npages != st->npages)
		goto out;
	for (k = 0; k < s->npages; k++)
		if (strcmp(st->pages[k].slug, s->pages[k].slug) != 0 ||
		    strcmp(st->pages[k].title, s->pages[k].title) != 0)
			goto out;

	/* The site as it was, from the state. */
	old.cfg = s->cfg;
	old.opts = o;
	old.theme = s->theme;
	old.receipts = s->receipts;
	old.pages = s->pages;
	old.npages = s->npages;
	old.reports = st->reports;
	old.oids = st->report_oids;
	old.nreports = st->nreports;
	site_index(&old);

	/* Which old reports go, and the new versions of changed ones. */
	keep = xcalloc(st->nreports ? st->nreports : 1, sizeof(int));
	for (i = 0; i < st->nreports; i++)
		keep[i] = 1;
	nr = xcalloc(nch ? nch : 1, sizeof(*nr));
	ok = xcalloc(nch ? nch : 1, sizeof(int));
	rc = -1;
	for (i = 0; i < nch; i++) {
		if (strncmp(ch[i].path, "reports/", 8) != 0)
			continue;
		for (k = 0; k < st->nreports; k++)
			if (strcmp(st->reports[k].path, ch[i].path) == 0)
				keep[k] = 0;
		if (ch[i].deleted)
			continue;
		snprintf(path, sizeof(path), "%s/%s", src->path, ch[i].path);
		if (!report_path_ok(ch[i].path, id, sizeof(id)) ||
		    (ch[i].mode != GIT_FILEMODE_BLOB &&
		    ch[i].mode != GIT_FILEMODE_BLOB_EXECUTABLE)) {
			log_at(path, 0, "not a report file (expected a "
			    "regular file reports/<yyyy>/<id>.md)");
			bad++;
			continue;
		}
		buf_reset(&page);
		arena_reset(a);
		if (render_one(&page, &nr[nnr], s, src->repo, &ch[i].oid,
		    ch[i].path, a, &text, &md) != 0) {
			report_free(&nr[nnr]);
			bad++;
			continue;
		}
		ok[nnr] = 1;
		nnr++;
	}
	/* The new site: kept reports plus the new versions. */
	s->reports = xcalloc(st->nreports + nnr + 1, sizeof(*s->reports));
	s->oids = xcalloc(st->nreports + nnr + 1, sizeof(*s->oids));
	for (i = 0; i < st->nreports; i++)
		if (keep[i]) {
			struct report *r = &s->reports[s->nreports];

			*r = st->reports[i];
			r->path = xstrdup(r->path);
			r->id = xstrdup(r->id);
			r->title = xstrdup(r->title);
			r->summary = xstrdup(r->summary);
			s->oids[s->nreports++] = st->report_oids[i];
		}
	for (i = 0, k = 0; i < nch && k < nnr; i++)
		if (strncmp(ch[i].path, "reports/", 8) == 0 &&
		    !ch[i].deleted && strcmp(ch[i].path, nr[k].path) == 0) {
			s->reports[s->nreports] = nr[k];
			s->oids[s->nreports++] = ch[i].oid;
			memset(&nr[k], 0, sizeof(nr[k]));
			k++;
		}
	{
		int *vok = xcalloc(s->nreports + 1, sizeof(int));

		for (i = 0; i < s->nreports; i++)
			vok[i] = 1;
		bad += (int)find_duplicates(s->reports, vok, s->nreports,
		    src->path);
		for (i = 0, k = 0; i < s->nreports; i++) {
			if (!vok[i]) {
				report_free(&s->reports[i]);
				continue;
			}
			s->reports[k] = s->reports[i];
			s->oids[k++] = s->oids[i];
		}
		s->nreports = k;
		free(vok);
	}
	if (bad > 0 && !o->keep_going) {
		log_warnx("%d report%s with errors; nothing was published "
		    "(the previous site is untouched; --keep-going publishes "
		    "the valid ones)", bad, bad == 1 ? "" : "s");
		goto out;
	}
	site_sort(s);
	site_index(s);

	if (publish_init(&pub, o->outdir) != 0)
		goto out;

	/* 1. Report pages of new and changed reports. */
	for (i = 0; i < s->nreports; i++) {
		for (k = 0; k < nch; k++)
			if (!ch[k].deleted && strcmp(ch[k].path,
			    s->reports[i].path) == 0)
				break;
		if (k == nch)
			continue;
		buf_reset(&page);
		arena_reset(a);
		if (render_one(&page, &tmp, s, src->repo, &s->oids[i],
		    s->reports[i].path, a, &text, &md) != 0) {
			report_free(&tmp);
			goto out;
		}
		report_free(&tmp);
		if (file_path(path, sizeof(path), "reports/%s/index.html",
		    s->reports[i].id) != 0 || write_out(&pub, o->outdir,
		    path, &page, &changed) != 0)
			goto out;
		rewritten += (size_t)changed;
	}

	/* 2. Lists, feeds, counts: those that show a changed report. */
	if (pages_plan(&oldp, &nold, &old) != 0 ||
	    pages_plan(&newp, &nnew, s) != 0)
		goto out;
	todo = xcalloc(nnew ? nnew : 1, 1);
	qsort(oldp, nold, sizeof(*oldp), cmp_outpath);
	/* The versions, old and new, whose list-visible data changed. */
	for (k = 0; k < st->nreports; k++) {
		if (keep[k])
			continue;
		for (i = 0; i < s->nreports; i++)
			if (strcmp(s->reports[i].path,
			    st->reports[k].path) == 0)
				break;
		if (i < s->nreports && meta_equal(&s->reports[i],
		    &st->reports[k]))
			continue;
		dirty = xreallocarray(dirty, ndirty + 2, sizeof(*dirty));
		dirty[ndirty++] = &st->reports[k];
		if (i < s->nreports)
			dirty[ndirty++] = &s->reports[i];
	}
	/* Added: a changed path that no old report had. */
	for (x = 0; x < nch; x++) {
		if (ch[x].deleted || strncmp(ch[x].path, "reports/", 8) != 0)
			continue;
		for (k = 0; k < st->nreports; k++)
			if (strcmp(ch[x].path, st->reports[k].path) == 0)
				break;
		if (k < st->nreports)
			continue;
		for (i = 0; i < s->nreports; i++)
			if (strcmp(ch[x].path, s->reports[i].path) == 0) {
				dirty = xreallocarray(dirty, ndirty + 1,
				    sizeof(*dirty));
				dirty[ndirty++] = &s->reports[i];
			}
	}
	for (i = 0; i < nnew; i++) {
		const struct outfile *op;

		op = bsearch(&newp[i], oldp, nold, sizeof(*oldp),
		    cmp_outpath);
		if (op == NULL) {
			todo[i] = 1;
			continue;
		}
		for (k = 0; k < ndirty && !todo[i]; k++)
			if (page_depends(s, &newp[i], dirty[k]))
				todo[i] = 1;
		/*
		 * A list page that shows a dirty report may still be the
		 * same bytes when only another page of its list changed:
		 * page_window_same() narrows it to the pages whose window
		 * of reports, count or page count differ.
		 */
		if (todo[i] && (newp[i].kind == OUT_LIST ||
		    newp[i].kind == OUT_FEED) && page_window_same(&old, op, s, &newp[i], dirty, ndirty))
			todo[i] = 0;
	}
	if (run_outfiles(s, newp, nnew, o->outdir, &pub, todo,
	    &written) != 0)
		goto out;
	rewritten += written;

	/* 3. Changed static pages. */
	for (i = 0; i < nch; i++) {
		if (strncmp(ch[i].path, "pages/", 6) != 0)
			continue;
		for (k = 0; k < nnew; k++)
			if (newp[k].kind == OUT_PAGE &&
			    newp[k].page == page_of(s, ch[i].path))
				break;
		if (k == nnew)
			continue;
		buf_reset(&page);
		arena_reset(a);
		if (page_render(&page, s, a, &newp[k]) != 0 ||
		    write_out(&pub, o->outdir, newp[k].path, &page,
		    &changed) != 0)
			goto out;
		rewritten += (size_t)changed;
	}
	/*
	 * 3b. The status index: the shards whose bytes change when the
	 * receipts or the set of published reports did.
	 */
	for (i = 0; i < nch; i++)
		if (strcmp(ch[i].path, RECEIPTS_FILE) == 0 &&
		    status_load(&old.receipts, src, &st->tree) != 0)
			goto out;
	status_changes(&sf, &nsf, &sgone, &nsgone, &old, s);
	for (i = 0; i < nsf; i++) {
		if (write_out(&pub, o->outdir, sf[i].path, sf[i].data,
		    &changed) != 0)
			goto out;
		rewritten += (size_t)changed;
	}

	/* 4. Publish: one sync, then the renames. */
	if (publish_commit(&pub, o->sync) != 0)
		goto out;

	/* 5. What is gone: old outputs and pages of removed reports. */
	qsort(newp, nnew, sizeof(*newp), cmp_outpath);
	for (i = 0; i < nold; i++)
		if (bsearch(&oldp[i], newp, nnew, sizeof(*newp),
		    cmp_outpath) == NULL) {
			if (remove_out(o->outdir, oldp[i].path) != 0)
				goto out;
			rewritten++;
		}
	for (i = 0; i < nsgone; i++) {
		if (remove_out(o->outdir, sgone[i]) != 0)
			goto out;
		rewritten++;
	}
	for (i = 0; i < st->nreports; i++) {
		if (keep[i])
			continue;
		for (k = 0; k < s->nreports; k++)
			if (strcmp(s->reports[k].id, st->reports[i].id) == 0)
				break;
		if (k < s->nreports)
			continue;
		if (file_path(path, sizeof(path), "reports/%s",
		    st->reports[i].id) != 0 ||
		    remove_out(o->outdir, path) != 0)
			goto out;
		rewritten++;
	}
	if (state_write(s, s->oids, src, theme, bad > 0 ? STATE_PARTIAL : 0,
	    o->outdir, o->sync) != 0)
		goto out;
	log_info("%s: %zu reports; %zu file%s changed (incremental: %zu "
	    "path%s changed)", o->outdir, s->nreports, rewritten,
	    rewritten == 1 ? "" : "s", nch, nch == 1 ? "" : "s");
	rc = bad > 0 ? 1 : 0;
out:
	if (rc == NM_ENOTFOUND || rc == -1) {
		/* Leave s as the caller gave it for a full build. */
		for (i = 0; i < s->nreports; i++)
			report_free(&s->reports[i]);
		free(s->reports);
		free(s->oids);
		s->reports = NULL;
		s->oids = NULL;
		s->nreports = 0;
	}
	for (i = 0; i < nnr; i++)
		report_free(&nr[i]);
	free(nr);
	free(ok);
	free(keep);
	free(todo);
	free(dirty);
	publish_free(&pub);
	free(old.years);
	for (k = 0; k < FACET_MAX; k++) {
		for (i = 0; i < old.ncoll[k]; i++)
			free(old.coll[k][i].idx);
		free(old.coll[k]);
	}
	outfiles_free(oldp, nold);
	outfiles_free(newp, nnew);
	statusfiles_free(sf, nsf);
	for (i = 0; i < nsgone; i++)
		free(sgone[i]);
	free(sgone);
	if (old.receipts != s->receipts)
		receipts_free(old.receipts);
	changes_free(ch, nch);
	arena_free(a);
	buf_free(&text);
	buf_free(&page);
	buf_free(&nb);
	buf_free(&lb);
	buf_free(&cb);
	return rc;
}

/*
 * Takes OUTDIR.lock (one build at a time per output) and then removes
 * what a killed build left beside the output: OUTDIR.tmp-XXXXXX staging
 * folders.  Returns the lock's descriptor, or -1.
 */
static int
lock_output(const char *outdir)
{
	struct dirent	*de;
	DIR		*d;
	char		 path[PATH_MAX], dir[PATH_MAX], *slash;
	const char	*base;
	size_t		 n;
	int		 fd;

	if (file_path(path, sizeof(path), "%s.lock", outdir) != 0)
		return -1;
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) == -1) {
		log_warn("%s", path);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		log_warnx("%s: another nearmiss-gen is building this output",
		    path);
		close(fd);
		return -1;
	}
	if (file_path(dir, sizeof(dir), "%s", outdir) != 0) {
		close(fd);
		return -1;
	}
	if ((slash = strrchr(dir, '/')) != NULL) {
		*slash = '\0';
		base = outdir + (slash - dir) + 1;
		if (dir[0] == '\0')
			memcpy(dir, "/", 2);
	} else {
		memcpy(dir, ".", 2);
		base = outdir;
	}
	n = strlen(base);
	if ((d = opendir(dir)) == NULL)
		return fd;
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, base, n) == 0 &&
		    strncmp(de->d_name + n, ".tmp-", 5) == 0 &&
		    strlen(de->d_name + n + 5) == 6 &&
		    file_path(path, sizeof(path), "%s/%s", dir,
		    de->d_name) == 0) {
			log_info("%s: removing what an interrupted build left",
			    path);
			file_remove_tree(path);
		}
	closedir(d);
	return fd;
}

int
gen_build(const struct gen_opts *o)
{
	struct gitsrc	 src;
	struct site	 s;
	struct state	 st;
	struct rule	 rule;
	struct buf	 ini = BUF_INIT;
	git_oid		 theme;
	char		 path[PATH_MAX];
	int		 rc = -1, have_state = 0, lockfd;

	memset(&s, 0, sizeof(s));
	memset(&st, 0, sizeof(st));
	memset(&rule, 0, sizeof(rule));
	s.opts = o;
	if ((lockfd = lock_output(o->outdir)) == -1)
		return -1;
	if (repo_open(&src, o) != 0) {
		close(lockfd);
		return -1;
	}
	if (file_path(path, sizeof(path), "%s/nearmiss.ini", src.path) != 0 ||
	    repo_read(&ini, src.repo, &src.config, 256 * 1024, path) != 0 ||
	    config_parse(&s.cfg, path, ini.data, ini.len) != 0)
		goto out;
	if (rule_load(&rule, &src, &s.cfg, o->drafts) != 0)
		goto out;
	s.rule = &rule;
	/* A preview never replaces a public site, nor the other way. */
	if (state_read(&st, o->outdir, &s.cfg, 0) == 0 &&
	    !(st.opts & STATE_DRAFTS) != !o->drafts) {
		log_warnx(o->drafts ? "%s: holds a public site; --drafts "
		    "needs a folder of its own" : "%s: holds a --drafts "
		    "preview, which must never be published; remove it or "
		    "choose another output folder", o->outdir);
		goto out;
	}
	state_free(&st);
	if (theme_load(&s, &theme) != 0)
		goto out;
	if (!o->full && state_read(&st, o->outdir, &s.cfg, 0) == 0) {
		have_state = strcmp(st.version, NM_VERSION) == 0 &&
		    git_oid_equal(&st.theme, &theme) &&
		    git_oid_equal(&st.config, &src.config) && st.opts == 0;
		if (st.opts & STATE_PARTIAL)
			log_info("%s: the last build left reports out; "
			    "rebuilding", o->outdir);
		if (have_state && git_oid_equal(&st.tree, &src.tree)) {
			log_info("%s: up to date", o->outdir);
			rc = 0;
			goto out;
		}
		state_free(&st);
	}
	/* A bad receipts file stops every build, --keep-going too. */
	if (status_load(&s.receipts, &src, &src.tree) != 0)
		goto out;
	if (load_pages(&s, &src) != 0) {
		if (!o->keep_going)
			goto out;
		/* Left out pages make a partial site: build it whole. */
		s.page_errors = 1;
		have_state = 0;
	}
	if (have_state && state_read(&st, o->outdir, &s.cfg, 1) == 0) {
		rc = incremental_build(&s, &src, &st, &theme);
		if (rc != NM_ENOTFOUND)
			goto out;
		log_info("%s: rebuilding everything (many changes, or "
		    "the list of pages changed)", o->outdir);
	}
	rc = full_build(&s, &src, &theme);
out:
	state_free(&st);
	tmpl_set_free(s.theme);
	site_free(&s);
	rule_free(&rule);
	repo_close(&src);
	buf_free(&ini);
	close(lockfd);
	return rc;
}
