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
 * The build driver: gen_build() loads the configuration, the rule, the
 * theme and the pages, then runs an incremental build (incr.c) when the
 * state beside the output allows, else a full one (full.c).  Here too
 * are the pieces both use: rendering a report, the list and feed phase,
 * the duplicate-id check, the theme's static files, the site's upkeep.
 */

#define _GNU_SOURCE	/* qsort_r */

#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>

#include "buf.h"
#include "build.h"
#include "related.h"
#include "file.h"
#include "gen.h"
#include "index.h"
#include "log.h"
#include "md.h"
#include "nm.h"
#include "receipts.h"
#include "render.h"
#include "termstat.h"
#include "tmpl.h"
#include "token.h"

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

static const char *const required_templates[] = {
	"home.html", "report.html", "list.html", "terms.html", "page.html",
	"404.html",
};

/* Names the site uses at its root; a page may not take them. */
static const char *const reserved[] = {
	"reports", "incident-type", "factor", "loss-potential", "year",
	"search", "static", "feeds", "status", "data",
};

static void *
out_worker(void *arg)
{
	struct ojob	*j = arg;
	struct render	 ctx;
	size_t		 i;
	int		 changed;

	render_init(&ctx, arena_new());
	while ((i = atomic_fetch_add(&j->pool.next, 1)) < j->pool.n) {
		if (j->todo != NULL && !j->todo[i])
			goto next;
		/* Written by data_write() or data_patch(). */
		if (j->files[i].kind == OUT_DATA &&
		    data_streamed(j->files[i].pageno))
			goto next;
		buf_reset(&ctx.page);
		arena_reset(ctx.arena);
		if (page_render(&ctx.page, j->s, ctx.arena,
		    &j->files[i]) != 0 || write_out(j->pub, j->dir,
		    j->files[i].path, &ctx.page, &changed) != 0)
			pool_fail(&j->pool);
		else if (changed || j->pub == NULL)
			atomic_fetch_add(&j->written, 1);
next:
		pool_step(&j->pool);
	}
	arena_free(ctx.arena);
	render_free(&ctx);
	return NULL;
}

int
run_outfiles(const struct site *s, const struct outfile *files, size_t n,
    const char *dir, struct publish *pub, const unsigned char *todo,
    size_t *written)
{
	struct ojob	 j;

	memset(&j, 0, sizeof(j));
	pool_init(&j.pool, n, "pages", s->opts->progress);
	j.s = s;
	j.files = files;
	j.dir = dir;
	j.pub = pub;
	j.todo = todo;
	atomic_init(&j.written, 0);
	pool_run(s->opts->jobs, out_worker, &j);
	pool_end(&j.pool);
	*written = atomic_load(&j.written);
	return j.pool.failed ? -1 : 0;
}

int
report_body(struct render *rc, struct report *rr, const struct site *s,
    git_repository *repo, const struct report *r, const git_oid *oid)
{
	char	 path[PATH_MAX];

	memset(rr, 0, sizeof(*rr));
	if (file_path(path, sizeof(path), "%s/%s", s->opts->path,
	    r->path) != 0 || repo_read(&rc->text, repo, oid, REPORT_FILE_MAX,
	    path) != 0 || report_parse(rr, &s->cfg, path, rc->text.data,
	    rc->text.len) != 0 || md_render_report(&rc->md, path,
	    rr->body_line, rr->body, rr->body_len) != 0)
		return -1;
	return 0;
}

/* The bodies' pass: reports to read, on the pool. */
struct bjob {
	struct pool		 pool;
	struct site		*s;
	const struct gitsrc	*src;
	size_t			*idx;
};

static void *
body_worker(void *arg)
{
	struct bjob	*j = arg;
	struct site	*s = j->s;
	const struct report *r;
	struct render	 rc;
	struct report	 rr;
	struct buf	 b = BUF_INIT;
	git_repository	*repo = NULL;
	size_t		 i, x;

	render_init(&rc, NULL);
	if (repo_reopen(&repo, j->src) != 0) {
		pool_fail(&j->pool);
		goto out;
	}
	while ((i = atomic_fetch_add(&j->pool.next, 1)) < j->pool.n) {
		x = j->idx[i];
		r = &s->reports[x];
		render_reset(&rc);
		if (report_body(&rc, &rr, s, repo, r, &s->oids[x]) != 0) {
			report_free(&rr);
			pool_fail(&j->pool);
			pool_step(&j->pool);
			continue;
		}
		report_free(&rr);
		buf_reset(&b);
		buf_add(&b, rc.narrative.data, rc.narrative.len);
		buf_addstr(&b, "<h2>Lessons learned</h2>\n");
		buf_add(&b, rc.lessons.data, rc.lessons.len);
		s->body[x] = buf_detach(&b, &s->bodylen[x]);
		pool_step(&j->pool);
	}
out:
	git_repository_free(repo);
	render_free(&rc);
	buf_free(&b);
	return NULL;
}

int
bodies_load(struct site *s, const struct gitsrc *src,
    const struct outfile *files, size_t n, const unsigned char *todo)
{
	struct bjob	 j;
	const struct coll *c;
	unsigned char	*need;
	size_t		 i, k, m = 0;

	bodies_free(s);
	s->body = xcalloc(s->nreports + 1, sizeof(*s->body));
	s->bodylen = xcalloc(s->nreports + 1, sizeof(*s->bodylen));
	need = xcalloc(s->nreports + 1, 1);
	for (i = 0; i < n; i++) {
		if (files[i].kind != OUT_FEED || (todo != NULL && !todo[i]))
			continue;
		c = &s->coll[files[i].facet][files[i].term];
		for (k = 0; k < c->n && k < (size_t)s->cfg.feed_items; k++)
			need[c->idx[k]] = 1;
	}
	memset(&j, 0, sizeof(j));
	j.idx = xcalloc(s->nreports + 1, sizeof(*j.idx));
	for (k = 0; k < s->nreports; k++)
		if (need[k])
			j.idx[m++] = k;
	free(need);
	pool_init(&j.pool, m, "feeds", s->opts->progress);
	j.s = s;
	j.src = src;
	pool_run(s->opts->jobs, body_worker, &j);
	pool_end(&j.pool);
	free(j.idx);
	return j.pool.failed ? -1 : 0;
}

void
bodies_free(struct site *s)
{
	size_t	 i;

	for (i = 0; s->body != NULL && i < s->nreports; i++)
		free(s->body[i]);
	free(s->body);
	free(s->bodylen);
	s->body = NULL;
	s->bodylen = NULL;
}

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
	struct report	 tr;
	git_oid		 to;
	size_t		*idx, i, j, k;

	idx = xcalloc(s->nreports ? s->nreports : 1, sizeof(*idx));
	for (i = 0; i < s->nreports; i++)
		idx[i] = i;
	qsort_r(idx, s->nreports, sizeof(*idx), cmp_idx, s->reports);
	/*
	 * Place i takes the report at idx[i]: moved in place, cycle by
	 * cycle, rather than into new arrays as big as the archive's.
	 */
	for (i = 0; i < s->nreports; i++) {
		if (idx[i] == i)
			continue;
		tr = s->reports[i];
		to = s->oids[i];
		for (j = i;; j = k) {
			k = idx[j];
			idx[j] = j;
			if (k == i)
				break;
			s->reports[j] = s->reports[k];
			s->oids[j] = s->oids[k];
		}
		s->reports[j] = tr;
		s->oids[j] = to;
	}
	free(idx);
}

void
site_free(struct site *s)
{
	size_t	 i;

	for (i = 0; i < s->nreports; i++)
		report_free(&s->reports[i]);
	free(s->reports);
	free(s->oids);
	tok_syn_free(s->syn);
	s->syn = NULL;
	termstat_free(s->terms);
	s->terms = NULL;
	for (i = 0; i < s->npages; i++) {
		free(s->pages[i].slug);
		free(s->pages[i].title);
		if (s->pages[i].html != NULL)
			buf_free(s->pages[i].html);
		free(s->pages[i].html);
	}
	free(s->pages);
	receipts_free(s->receipts);
	ids_free(s->withdrawn, s->nwithdrawn);
	week_free(s->week);
	bodies_free(s);
	site_index_free(s);
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

/*
 * Whether line [p, e) leaves a comment open: in is whether one was open
 * before it.  Quotes are not read, so a comment's opening in a string
 * only makes js_strip() keep more.
 */
static int
js_open(const char *p, const char *e, int in)
{
	for (; p + 1 < e; p++)
		if (!in && p[0] == '/' && p[1] == '*')
			in = 1, p++;
		else if (in && p[0] == '*' && p[1] == '/')
			in = 0, p++;
	return in;
}

/*
 * JavaScript text s[0..n) into out without the comments that fill whole
 * lines (from a line that starts with one, outside a comment, to the
 * end of the line where it ends), but the first (the licence): the theme's
 * comments are for its readers, and the client is sent in fewer bytes.
 */
static void
js_strip(struct buf *out, const char *s, size_t n)
{
	const char	*p = s, *end = s + n, *l, *e, *c;
	int		 in = 0, kept = 0;

	while (p < end) {
		if ((e = memchr(p, '\n', (size_t)(end - p))) == NULL)
			e = end;
		for (l = p; l < e && (*l == ' ' || *l == '\t'); l++)
			;
		if (!in && e - l >= 2 && l[0] == '/' && l[1] == '*') {
			/* The end of the comment, then blanks to the line's. */
			for (c = l + 2; c + 1 < end && !(c[0] == '*' &&
			    c[1] == '/'); c++)
				;
			c = c + 1 < end ? c + 2 : NULL;
			while (c != NULL && c < end && (*c == ' ' ||
			    *c == '\t' || *c == '\r'))
				c++;
			if (c != NULL && (c == end || *c == '\n')) {
				e = c;
				if (kept++ == 0)
					buf_add(out, p, (size_t)(e - p) +
					    (e < end));
				p = e < end ? e + 1 : end;
				continue;
			}
		}
		in = js_open(p, e, in);
		buf_add(out, p, (size_t)(e - p) + (e < end));
		p = e < end ? e + 1 : end;
	}
}

int
copy_static(const char *from, const char *to, struct publish *pub)
{
	struct dirent	*de;
	struct stat	 st;
	struct buf	 data = BUF_INIT, js = BUF_INIT;
	DIR		*d;
	char		 src[PATH_MAX], dst[PATH_MAX];
	size_t		 len;
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
		len = strlen(de->d_name);
		if (len > 3 && strcmp(de->d_name + len - 3, ".js") == 0) {
			buf_reset(&js);
			js_strip(&js, data.data, data.len);
			rc = write_out(pub, to, de->d_name, &js, &changed);
		} else
			rc = write_out(pub, to, de->d_name, &data, &changed);
	}
	closedir(d);
	buf_free(&data);
	buf_free(&js);
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

size_t
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

int
render_one(struct render *ctx, struct report *r, const struct site *s,
    git_repository *repo, const git_oid *oid, const char *relpath,
    struct ixwork *iw, struct buf *doc)
{
	char	 path[PATH_MAX], fileid[REPORT_ID_MAX + 1];
	int	 rc = -1;

	render_reset(ctx);
	arena_reset(ctx->arena);
	if (file_path(path, sizeof(path), "%s/%s", s->opts->path,
	    relpath) != 0) {
		memset(r, 0, sizeof(*r));
		r->path = xstrdup(relpath);
		goto out;
	}
	if (repo_read(&ctx->text, repo, oid, REPORT_FILE_MAX, path) != 0) {
		memset(r, 0, sizeof(*r));
		r->path = xstrdup(relpath);
		goto out;
	}
	if (report_parse(r, &s->cfg, path, ctx->text.data, ctx->text.len) != 0)
		goto out;
	if (!report_path_ok(relpath, fileid, sizeof(fileid)) ||
	    strcmp(fileid, r->id) != 0) {
		log_at(path, r->id_line, "id: \"%s\" does not match the file "
		    "name (reports/<yyyy>/%s.md)", r->id, r->id);
		goto out;
	}
	ctx->md.text = iw != NULL ? ctx->plain : NULL;
	if (md_render_report(&ctx->md, path, r->body_line, r->body,
	    r->body_len) != 0)
		goto out;
	if (page_report(&ctx->page, s, ctx->arena, r, ctx->narrative.data,
	    ctx->narrative.len, ctx->lessons.data, ctx->lessons.len,
	    ctx->comments.data, ctx->comments.len) != 0)
		goto out;
	if (iw != NULL && ix_doc(iw, r, path, ctx->plain, doc) != 0)
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

/*
 * The search index is made for a theme with a search page, and the
 * reports' text is analysed for it or for what rel_wanted() names:
 * compiles the synonyms of nearmiss.ini (path, for messages) once for
 * every thread, so that a report's document is the same either way.
 */
static int
index_setup(struct site *s, const char *path)
{
	struct tokenizer *t;
	int		 rc;

	s->index = tmpl_set_has(s->theme, "search.html");
	s->analyze = s->index || rel_wanted(s);
	if (!s->analyze)
		return 0;
	t = tok_new();
	rc = tok_syn_new(&s->syn, t, &s->cfg, path);
	tok_free(t);
	return rc;
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
	struct timespec	 t0;
	int		 rc = -1, have_state = 0, full = 0, lockfd, refresh = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
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
	if (index_setup(&s, path) != 0)
		goto out;
	if (!o->full && state_read(&st, o->outdir, &s.cfg, 0) == 0) {
		have_state = strcmp(st.version, NM_VERSION) == 0 &&
		    git_oid_equal(&st.theme, &theme) &&
		    git_oid_equal(&st.config, &src.config) && st.opts == 0;
		if (st.opts & STATE_PARTIAL)
			log_info("%s: the last build left reports out; "
			    "rebuilding", o->outdir);
		if (have_state && git_oid_equal(&st.tree, &src.tree)) {
			/*
			 * The last build kept some related reports, or
			 * left open data records for this run: score them
			 * all, write those, so that the site equals a full
			 * build's.
			 */
			refresh = relset_stale(o->outdir, &src.tree);
			if (!refresh && !data_pending(o->outdir)) {
				log_info("%s: up to date", o->outdir);
				rc = 0;
				goto out;
			}
			if (refresh)
				log_info("%s: up to date; scoring the related "
				    "reports again", o->outdir);
			else
				log_info("%s: up to date; writing the open "
				    "data records left for this run",
				    o->outdir);
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
	log_debug("setup (configuration, theme, state, pages): %ld ms",
	    lap(&t0));
	if (have_state && state_read(&st, o->outdir, &s.cfg, 1) == 0) {
		log_debug("state read: %ld ms", lap(&t0));
		rc = incremental_build(&s, &src, &st, &theme, refresh);
		if (rc != NM_ENOTFOUND)
			goto stamp;
		log_info("%s: rebuilding everything (many changes, or "
		    "the list of pages changed)", o->outdir);
	}
	rc = full_build(&s, &src, &theme);
	full = 1;
stamp:
	/* What was published gets the day's time (publish.c). */
	if ((rc == 0 || rc == 1) && site_stamp(o->outdir, full) != 0)
		rc = -1;
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
