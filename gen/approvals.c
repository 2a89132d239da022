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
 * The two-person rule in gen: a report is published only when at least
 * min_approvals distinct reviewers of the content tree's "reviewers"
 * file have valid signatures over one of its versions, read from
 * approvals/<yyyy>/<id> of the same tree; the approved version with the
 * highest revision is published (read by its blob id), unless a
 * reviewer withdrew it.  Everything here is read from
 * git objects, like the reports; in --drafts mode the rule marks
 * reports instead of leaving them out.
 */

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <git2.h>

#include "approval.h"
#include "buf.h"
#include "gen.h"
#include "log.h"
#include "nm.h"
#include "recipients.h"

#define REVIEWERS_FILE_MAX	(64 * 1024)
#define RULE_JOBS_MAX		16

/*
 * The revised reports and their dates, filled by rule_check() on the
 * report workers: entries never move once added, so a returned date
 * stays valid.  Every page, list item, open data record and state line
 * of a report asks for its date, and in an old archive many reports are
 * revised: entries are found through a hash table of their ids (open
 * addressing; slot holds index + 1 in v, 0 for none).
 */
struct revmark {
	char		 id[REPORT_ID_MAX + 1];
	char		 date[APPROVAL_DATE_LEN + 1];
};
struct revised {
	pthread_mutex_t	 lock;
	struct revmark	**v;
	size_t		 n;
	size_t		*slot;
	size_t		 nslot;		/* a power of two, or 0 */
	atomic_size_t	 count;		/* n, read without the lock */
};

/* The checks of a full build, shared out among threads. */
struct check {
	const struct rule	*ru;
	const struct gitsrc	*src;
	const struct srcfile	*files;
	size_t			 n;
	atomic_size_t		 next;
	char			**why;	/* per file: what it lacks */
	unsigned char		*err;	/* per file: error logged */
	pthread_mutex_t		 lock;
	int			 failed; /* a thread could not start */
};

static int	 cmp_mark(const void *, const void *);
static int	 cmp_id(const void *, const void *);
static int	 cmp_apv(const void *, const void *);
static int	 apv_cb(const char *, const git_tree_entry *, void *);
static int	 index_approvals(struct rule *, const struct gitsrc *,
		    git_tree *);
static void	*check_worker(void *);
static void	 skipped_msg(const struct gitsrc *, const char *,
		    const char *);

/* "content/reports/2024/2024-0007.md: not published: 1 of 2 ..." */
static void
skipped_msg(const struct gitsrc *src, const char *rel, const char *why)
{
	struct buf	 p = BUF_INIT;

	if (log_getverbose() < 1)
		return;
	buf_printf(&p, "%s/%s", src->path, rel);
	log_at(p.data, 0, "not published: %s", why);
	buf_free(&p);
}

static int
cmp_apv(const void *a, const void *b)
{
	return strcmp(((const struct apvfile *)a)->path,
	    ((const struct apvfile *)b)->path);
}

/* Collects the files <yyyy>/<id> of approvals/ (other names are unused). */
static int
apv_cb(const char *root, const git_tree_entry *e, void *arg)
{
	struct rule	*ru = arg;
	struct apvfile	*f;
	size_t		 n = strlen(root);

	if (git_tree_entry_type(e) == GIT_OBJECT_TREE)
		return n == 0 ? 0 : 1;	/* <yyyy>/ only, no deeper */
	if (n != 5 || strlen(git_tree_entry_name(e)) > REPORT_ID_MAX)
		return 0;
	if (ru->napv % 1024 == 0)
		ru->apv = xreallocarray(ru->apv, ru->napv + 1024,
		    sizeof(*ru->apv));
	f = &ru->apv[ru->napv++];
	f->path = xmalloc(n + strlen(git_tree_entry_name(e)) + 1);
	memcpy(f->path, root, n);
	memcpy(f->path + n, git_tree_entry_name(e),
	    strlen(git_tree_entry_name(e)) + 1);
	git_oid_cpy(&f->oid, git_tree_entry_id(e));
	f->mode = git_tree_entry_filemode(e);
	return 0;
}

/*
 * Lists approvals/ of the content tree once, sorted, so that each check
 * is a search and one blob read, not a walk down the trees (which
 * libgit2 does not cache when they are large).
 */
static int
index_approvals(struct rule *ru, const struct gitsrc *src, git_tree *tree)
{
	git_tree_entry	*e = NULL;
	git_tree	*sub = NULL;
	int		 rc = -1, err;

	if ((err = git_tree_entry_bypath(&e, tree, "approvals")) != 0) {
		if (err == GIT_ENOTFOUND)
			return 0;
		return git_fail("approvals");
	}
	if (git_tree_entry_type(e) != GIT_OBJECT_TREE) {
		rc = 0;		/* not a folder: no approvals */
		goto out;
	}
	if (git_tree_lookup(&sub, src->repo, git_tree_entry_id(e)) != 0 ||
	    git_tree_walk(sub, GIT_TREEWALK_PRE, apv_cb, ru) != 0) {
		git_fail("approvals");
		goto out;
	}
	if (ru->napv > 1)
		qsort(ru->apv, ru->napv, sizeof(*ru->apv), cmp_apv);
	rc = 0;
out:
	git_tree_free(sub);
	git_tree_entry_free(e);
	return rc;
}

int
rule_load(struct rule *ru, const struct gitsrc *src, const struct config *cfg,
    int drafts)
{
	git_tree	*tree = NULL;
	git_tree_entry	*e = NULL;
	struct buf	 text = BUF_INIT, path = BUF_INIT;
	int		 rc = -1, err;

	memset(ru, 0, sizeof(*ru));
	ru->revised = xcalloc(1, sizeof(*ru->revised));
	pthread_mutex_init(&ru->revised->lock, NULL);
	atomic_init(&ru->revised->count, 0);
	ru->min = cfg->min_approvals;
	ru->drafts = drafts;
	ru->prefix = src->path;
	buf_printf(&path, "%s/reviewers", src->path);
	if (git_tree_lookup(&tree, src->repo, &src->tree) != 0) {
		git_fail("content tree");
		goto out;
	}
	if ((err = git_tree_entry_bypath(&e, tree, "reviewers")) != 0) {
		if (err != GIT_ENOTFOUND) {
			git_fail(path.data);
			goto out;
		}
		if (!drafts)
			log_warnx("%s: not found: no report can be published "
			    "until the reviewers are listed there (see "
			    "nearmiss-content(5))", path.data);
		ru->noreviewers = 1;
	} else {
		if (git_tree_entry_filemode(e) != GIT_FILEMODE_BLOB &&
		    git_tree_entry_filemode(e) !=
		    GIT_FILEMODE_BLOB_EXECUTABLE) {
			log_at(path.data, 0, "not a regular file");
			goto out;
		}
		if (repo_read(&text, src->repo, git_tree_entry_id(e),
		    REVIEWERS_FILE_MAX, path.data) != 0)
			goto out;
		if (recipients_none(text.data, text.len)) {
			/* As nearmiss-review init makes it. */
			if (!drafts)
				log_warnx("%s: lists no reviewer yet: no "
				    "report can be published until the "
				    "reviewers are listed there (see "
				    "nearmiss-content(5))", path.data);
			ru->noreviewers = 1;
		} else if (recipients_parse(&ru->rv, &ru->nrv, path.data,
		    text.data, text.len) != 0)
			goto out;
	}
	if (index_approvals(ru, src, tree) != 0)
		goto out;
	rc = 0;
out:
	if (rc == 0) {
		ru->tree = tree;
		tree = NULL;
	}
	git_tree_entry_free(e);
	git_tree_free(tree);
	buf_free(&text);
	buf_free(&path);
	return rc;
}

void
rule_free(struct rule *ru)
{
	size_t	 i;

	if (ru == NULL)
		return;
	free(ru->rv);
	git_tree_free(ru->tree);
	for (i = 0; i < ru->napv; i++)
		free(ru->apv[i].path);
	free(ru->apv);
	for (i = 0; i < ru->nmarks; i++) {
		free(ru->marks[i].id);
		free(ru->marks[i].why);
	}
	free(ru->marks);
	if (ru->revised != NULL) {
		for (i = 0; i < ru->revised->n; i++)
			free(ru->revised->v[i]);
		free(ru->revised->v);
		free(ru->revised->slot);
		pthread_mutex_destroy(&ru->revised->lock);
		free(ru->revised);
	}
	memset(ru, 0, sizeof(*ru));
}

int
rule_check(const struct rule *ru, git_repository *repo, const char *rel,
    git_oid *blob, char **why, int *withdrawn)
{
	const struct apvfile *f;
	struct apvfile	 key;
	struct approvals as;
	struct approval_count c;
	struct approval_pick pk;
	struct buf	 text = BUF_INIT, b = BUF_INIT;
	git_odb		*odb = NULL;
	git_oid		 pub;
	const char	*file;
	char		 id[REPORT_ID_MAX + 1], hex[GIT_OID_HEXSZ + 1];
	int		 rc = -1, err;
	char		 name[5 + REPORT_ID_MAX + 1];

	*why = NULL;
	if (withdrawn != NULL)
		*withdrawn = 0;
	memset(&as, 0, sizeof(as));
	if (!report_path_ok(rel, id, sizeof(id)))
		return -1;	/* reported as a bad file name elsewhere */
	file = rel + strlen("reports/");
	if (ru->noreviewers) {
		*why = xstrdup("no reviewers file");
		rc = 0;
		goto out;
	}
	/* approvals/<yyyy>/<id>, found in the index of rule_load(). */
	snprintf(name, sizeof(name), "%.4s/%s", file, id);
	key.path = name;
	f = ru->napv == 0 ? NULL : bsearch(&key, ru->apv, ru->napv,
	    sizeof(*ru->apv), cmp_apv);
	if (f == NULL) {
		buf_printf(&b, "0 of %d approval%s", ru->min,
		    ru->min == 1 ? "" : "s");
		rc = 0;
		goto done;
	}
	buf_printf(&text, "%s/approvals/%s", ru->prefix, name);
	if (f->mode != GIT_FILEMODE_BLOB &&
	    f->mode != GIT_FILEMODE_BLOB_EXECUTABLE) {
		log_at(text.data, 0, "not a regular file");
		buf_printf(&b, "%s is not a regular file", text.data);
		rc = 0;
		goto done;
	}
	{
		struct buf data = BUF_INIT;

		err = repo_read(&data, repo, &f->oid, APPROVALS_FILE_MAX,
		    text.data);
		if (err == 0)
			err = approvals_parse(&as, text.data, data.data,
			    data.len);
		buf_free(&data);
	}
	if (err != 0) {
		buf_printf(&b, "%s is damaged", text.data);
		rc = 0;
		goto done;
	}
	git_oid_tostr(hex, sizeof(hex), blob);
	/*
	 * The newest approved revision is published, whatever the tree
	 * holds now (an edit never unpublishes, a restored old file never
	 * republishes an old version), unless withdrawn.
	 */
	approvals_pick(&pk, &as, ru->rv, ru->nrv, id, hex, ru->min);
	rc = 0;
	if (pk.state == PICK_WITHDRAWN) {
		buf_printf(&b, "withdrawn (revision %lu)", pk.wrev);
		if (withdrawn != NULL)
			*withdrawn = 1;
		goto done;
	}
	if (pk.state == PICK_PUBLISH && pk.revised && pk.date[0] != '\0')
		rule_set_revised(ru, id, pk.date);
	if (pk.state == PICK_PUBLISH && strcmp(pk.blob, hex) == 0)
		goto out;	/* approved: *why stays NULL */
	approvals_count(&c, &as, ru->rv, ru->nrv, id, hex);
	if (pk.state == PICK_PUBLISH && !ru->drafts) {
		/* An older (or, on rollback, newer) approved version. */
		if (git_oid_fromstr(&pub, pk.blob) != 0 ||
		    git_repository_odb(&odb, repo) != 0) {
			rc = git_fail(text.data);
			goto out;
		}
		if (!git_odb_exists(odb, &pub)) {
			buf_printf(&b, "its approved revision %lu (blob %s) "
			    "is not in the repository", pk.rev, pk.blob);
			goto done;
		}
		if (log_getverbose() >= 1)
			log_info("%s/%s: this version has %zu of %d "
			    "approval%s: revision %lu (blob %s) is published",
			    ru->prefix, rel, c.valid, ru->min,
			    ru->min == 1 ? "" : "s", pk.rev, pk.blob);
		git_oid_cpy(blob, &pub);
		goto out;
	}
	buf_printf(&b, "%zu of %d approval%s", c.valid, ru->min,
	    ru->min == 1 ? "" : "s");
	if (c.void_ + c.unknown + c.bad + c.dup > 0) {
		buf_addstr(&b, " (");
		approval_count_details(&b, &c);
		buf_addch(&b, ')');
	}
	if (pk.state == PICK_PUBLISH)
		buf_printf(&b, "; revision %lu, an approved version, is "
		    "published", pk.rev);
done:
	*why = buf_detach(&b, NULL);
out:
	git_odb_free(odb);
	approvals_free(&as);
	buf_free(&text);
	buf_free(&b);
	return rc;
}

static int
cmp_mark(const void *a, const void *b)
{
	return strcmp(((const struct draftmark *)a)->id,
	    ((const struct draftmark *)b)->id);
}

/* Checks files[i] for i from the shared counter, on its own handle. */
static void *
check_worker(void *arg)
{
	struct check	*c = arg;
	git_repository	*repo = NULL;
	git_oid		 oid;
	size_t		 i;

	if (repo_reopen(&repo, c->src) != 0) {
		pthread_mutex_lock(&c->lock);
		c->failed = 1;
		pthread_mutex_unlock(&c->lock);
		return NULL;
	}
	/* Drafts: the tree's version, marked unless it is the approved one. */
	while ((i = atomic_fetch_add(&c->next, 1)) < c->n) {
		git_oid_cpy(&oid, &c->files[i].oid);
		if (rule_check(c->ru, repo, c->files[i].path, &oid,
		    &c->why[i], NULL) != 0)
			c->err[i] = 1;
	}
	git_repository_free(repo);
	return NULL;
}

int
rule_filter(struct rule *ru, struct srcfile *files, size_t *n,
    const struct gitsrc *src, int jobs)
{
	struct check	 c;
	struct timespec	 t0, t1;
	pthread_t	 t[RULE_JOBS_MAX];
	size_t		 i, k;
	int		 j, started = 0, rc = -1;
	char		 id[REPORT_ID_MAX + 1];

	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(&c, 0, sizeof(c));
	c.ru = ru;
	c.src = src;
	c.files = files;
	c.n = *n;
	c.why = xcalloc(*n ? *n : 1, sizeof(*c.why));
	c.err = xcalloc(*n ? *n : 1, sizeof(*c.err));
	atomic_init(&c.next, 0);
	pthread_mutex_init(&c.lock, NULL);
	/* Ed25519 checks add up over a large archive: share them out. */
	if (jobs > RULE_JOBS_MAX)
		jobs = RULE_JOBS_MAX;
	for (j = 1; j < jobs && *n > 64; j++) {
		if (pthread_create(&t[j], NULL, check_worker, &c) != 0)
			break;
		started = j;
	}
	check_worker(&c);
	for (j = 1; j <= started; j++)
		pthread_join(t[j], NULL);
	if (c.failed)
		goto out;
	for (i = 0, k = 0; i < *n; i++) {
		if (c.err[i] || c.why[i] == NULL) {
			/* Approved, or an error reported with the report. */
			files[k++] = files[i];
			continue;
		}
		if (ru->drafts) {
			ru->marks = xreallocarray(ru->marks, ru->nmarks + 1,
			    sizeof(*ru->marks));
			report_path_ok(files[i].path, id, sizeof(id));
			ru->marks[ru->nmarks].id = xstrdup(id);
			ru->marks[ru->nmarks].why = c.why[i];
			c.why[i] = NULL;
			ru->nmarks++;
			files[k++] = files[i];
			continue;
		}
		skipped_msg(src, files[i].path, c.why[i]);
		free(files[i].path);
		ru->skipped++;
	}
	*n = k;
	if (ru->nmarks > 1)
		qsort(ru->marks, ru->nmarks, sizeof(*ru->marks), cmp_mark);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	log_debug("approvals: %zu reports checked in %ld ms, %zu left out",
	    c.n, (long)((t1.tv_sec - t0.tv_sec) * 1000 +
	    (t1.tv_nsec - t0.tv_nsec) / 1000000), ru->skipped);
	rc = 0;
out:
	for (i = 0; i < c.n; i++)
		free(c.why[i]);
	free(c.why);
	free(c.err);
	pthread_mutex_destroy(&c.lock);
	return rc;
}

/* The slot of id in rv's table (rv->nslot > 0): its entry's or an empty one. */
static size_t *
rev_slot(const struct revised *rv, const char *id)
{
	size_t	 k;

	for (k = nm_hash(id, strlen(id), NM_HASH_INIT) & (rv->nslot - 1);
	    rv->slot[k] != 0; k = (k + 1) & (rv->nslot - 1))
		if (strcmp(rv->v[rv->slot[k] - 1]->id, id) == 0)
			break;
	return &rv->slot[k];
}

/* Records (or updates) the day report id's published revision was made. */
void
rule_set_revised(const struct rule *ru, const char *id, const char *date)
{
	struct revised	*rv = ru->revised;
	struct revmark	*m;
	size_t		*sl, i, old;

	if (rv == NULL || strlen(id) > REPORT_ID_MAX)
		return;
	pthread_mutex_lock(&rv->lock);
	if (2 * (rv->n + 1) > rv->nslot) {
		old = rv->nslot;
		rv->nslot = old ? old * 2 : 64;
		free(rv->slot);
		rv->slot = xcalloc(rv->nslot, sizeof(*rv->slot));
		for (i = 0; i < rv->n; i++)
			*rev_slot(rv, rv->v[i]->id) = i + 1;
	}
	sl = rev_slot(rv, id);
	if (*sl == 0) {
		m = xcalloc(1, sizeof(*m));
		memcpy(m->id, id, strlen(id) + 1);
		rv->v = xreallocarray(rv->v, rv->n + 1, sizeof(*rv->v));
		rv->v[rv->n++] = m;
		*sl = rv->n;
		atomic_store(&rv->count, rv->n);
	} else
		m = rv->v[*sl - 1];
	memcpy(m->date, date, sizeof(m->date));
	pthread_mutex_unlock(&rv->lock);
}

const char *
rule_revised(const struct rule *ru, const char *id)
{
	struct revised	*rv;
	const char	*d = NULL;
	size_t		*sl;

	if (ru == NULL || (rv = ru->revised) == NULL ||
	    atomic_load(&rv->count) == 0)
		return NULL;
	pthread_mutex_lock(&rv->lock);
	if (*(sl = rev_slot(rv, id)) != 0)
		d = rv->v[*sl - 1]->date;
	pthread_mutex_unlock(&rv->lock);
	return d;
}

const char *
rule_draft(const struct rule *ru, const char *id)
{
	struct draftmark key, *m;

	if (ru == NULL || ru->nmarks == 0)
		return NULL;
	key.id = (char *)id;
	key.why = NULL;
	m = bsearch(&key, ru->marks, ru->nmarks, sizeof(*ru->marks),
	    cmp_mark);
	return m != NULL ? m->why : NULL;
}

int
rule_changes(struct change **chp, size_t *nchp, const struct rule *ru,
    const struct gitsrc *src, char ***wd, size_t *nwd)
{
	struct change	*ch = *chp;
	git_tree_entry	*e = NULL;
	struct buf	 rp = BUF_INIT;
	size_t		 n = *nchp, i, k, nbase = *nchp;
	const char	*p, *slash;
	char		*why, id[REPORT_ID_MAX + 1];
	int		 rc = -1, w;

	for (i = 0; i < nbase; i++) {
		if (strcmp(ch[i].path, "reviewers") == 0) {
			rc = NM_ENOTFOUND;	/* everything may change */
			goto out;
		}
		if (strncmp(ch[i].path, "approvals/", 10) != 0)
			continue;
		/* approvals/<yyyy>/<id> stands for reports/<yyyy>/<id>.md. */
		p = ch[i].path + 10;
		if ((slash = strchr(p, '/')) == NULL ||
		    strchr(slash + 1, '/') != NULL)
			continue;
		buf_reset(&rp);
		buf_printf(&rp, "reports/%s.md", p);
		for (k = 0; k < n; k++)
			if (strcmp(ch[k].path, rp.data) == 0)
				break;
		if (k < n)
			continue;
		ch = xreallocarray(ch, n + 1, sizeof(*ch));
		memset(&ch[n], 0, sizeof(ch[n]));
		ch[n].path = xstrdup(rp.data);
		git_tree_entry_free(e);
		e = NULL;
		if (ru->tree == NULL ||
		    git_tree_entry_bypath(&e, ru->tree, rp.data) != 0)
			ch[n].deleted = 1;
		else {
			git_oid_cpy(&ch[n].oid, git_tree_entry_id(e));
			ch[n].mode = git_tree_entry_filemode(e);
		}
		n++;
	}
	/*
	 * A report short of approvals is, for the site, not there; an
	 * approved one is built from its approved version.
	 */
	for (i = 0; i < n; i++) {
		if (strncmp(ch[i].path, "reports/", 8) != 0)
			continue;
		if (report_path_ok(ch[i].path, id, sizeof(id)))
			ids_del(*wd, nwd, id);
		if (ch[i].deleted)
			continue;
		/* Not a regular file: the build reports it as an error. */
		if (ch[i].mode != GIT_FILEMODE_BLOB &&
		    ch[i].mode != GIT_FILEMODE_BLOB_EXECUTABLE)
			continue;
		if (rule_check(ru, src->repo, ch[i].path, &ch[i].oid,
		    &why, &w) != 0 || why == NULL)
			continue;
		if (w)
			ids_add(wd, nwd, id);
		skipped_msg(src, ch[i].path, why);
		free(why);
		ch[i].deleted = 1;
	}
	ids_sort(*wd, *nwd);
	rc = 0;
out:
	*chp = ch;
	*nchp = n;
	git_tree_entry_free(e);
	buf_free(&rp);
	return rc;
}

static int
cmp_id(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
ids_add(char ***v, size_t *n, const char *id)
{
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = xstrdup(id);
}

void
ids_del(char **v, size_t *n, const char *id)
{
	size_t	 i, k;

	for (i = 0, k = 0; i < *n; i++) {
		if (strcmp(v[i], id) == 0)
			free(v[i]);
		else
			v[k++] = v[i];
	}
	*n = k;
}

void
ids_sort(char **v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_id);
}

int
ids_has(char *const *v, size_t n, const char *id)
{
	if (n == 0)
		return 0;
	return bsearch(&id, v, n, sizeof(*v), cmp_id) != NULL;
}

void
ids_free(char **v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
