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
 * The state of inbox items in the review, read from the content
 * repository's work tree: the receipts file, the reports the drafts
 * became, and their approvals, which count only over the report's
 * current blob (git_repository_hashfile(), as approve signs it).
 */

#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>

#include "approval.h"
#include "buf.h"
#include "config.h"
#include "file.h"
#include "gitlog.h"
#include "log.h"
#include "nm.h"
#include "queue.h"
#include "receipts.h"
#include "recipients.h"
#include "record.h"
#include "report.h"
#include "rv.h"

#define INI_MAX		(256 * 1024)

static const char *const state_names[Q_STATE_MAX] = {
	"unknown", "new", "received", "draft", "approved", "published", "rejected"
};

static int	find_report(struct queue_item *, const struct queue *,
		    char *, size_t);
static enum queue_mine mine(const struct queue *, const struct approvals *,
		    const char *, const char *);

int
queue_open(struct queue *q, const char *repo, const char *path,
    int required)
{
	git_repository	*r = NULL;
	struct config	 cfg;
	struct buf	 b = BUF_INIT;
	struct stat	 st;
	char		 p[PATH_MAX], real[PATH_MAX];
	int		 err, rc = -1;

	memset(q, 0, sizeof(*q));
	memset(&cfg, 0, sizeof(cfg));
	q->min_approvals = 2;
	if (path == NULL)
		path = "content";
	if (strcmp(path, ".") != 0 && !rv_rel_ok(path, strlen(path))) {
		log_warnx("-p %s: refused: the content folder must be a "
		    "relative path inside the repository, without \".\", "
		    "\"..\" or \".git\" components", path);
		return -1;
	}
	git_start();
	if (git_repository_open_ext(&r, repo, GIT_REPOSITORY_OPEN_NO_SEARCH,
	    NULL) != 0) {
		git_libgit2_shutdown();
		if (!required) {
			log_info("%s: not a git repository: decisions are not "
			    "shown (give -r REPO)", repo);
			return 0;
		}
		return git_fail(repo);
	}
	q->repo = r;
	if (git_repository_workdir(r) == NULL ||
	    realpath(git_repository_workdir(r), real) == NULL) {
		log_warnx("%s: no work tree (a bare repository?)", repo);
		goto out;
	}
	q->workdir = xstrdup(real);
	q->cpath = xstrdup(path);
	if (rv_content_path(p, sizeof(p), real, path, NULL) == -1)
		goto out;
	if (stat(p, &st) == -1 || !S_ISDIR(st.st_mode)) {
		log_warnx("%s: no content folder %s in the repository (-p)",
		    repo, path);
		goto out;
	}
	if (rv_content_path(p, sizeof(p), real, path, RECEIPTS_FILE) == -1)
		goto out;
	q->receipts = xstrdup(p);
	if (receipts_load(&q->rc, p) != 0)
		goto out;
	if (rv_content_path(p, sizeof(p), real, path, "reviewers") == -1)
		goto out;
	if (access(p, F_OK) == -1 && errno == ENOENT)
		log_info("%s: not found: no approval counts", p);
	else if (recipients_load(&q->rv, &q->nrv, p) != 0)
		goto out;
	if (rv_content_path(p, sizeof(p), real, path, "nearmiss.ini") == -1)
		goto out;
	if ((err = file_read(&b, p, INI_MAX)) == 0) {
		if (config_parse(&cfg, p, b.data, b.len) != 0)
			goto out;
		q->min_approvals = cfg.min_approvals;
	} else if (err != NM_ENOTFOUND)
		goto out;
	rc = 0;
out:
	config_free(&cfg);
	buf_free(&b);
	return rc;
}

void
queue_close(struct queue *q)
{
	if (q->repo != NULL) {
		git_repository_free(q->repo);
		git_libgit2_shutdown();
	}
	receipts_free(q->rc);
	free(q->rv);
	free(q->workdir);
	free(q->cpath);
	free(q->receipts);
	memset(q, 0, sizeof(*q));
}

/*
 * Finds the report out->report in the folders PATH/reports/<yyyy>/ of
 * the work tree; sets out->file (relative to the work tree) and the
 * approvals file's full path in afull.  0 if found, -1 if not.
 */
static int
find_report(struct queue_item *out, const struct queue *q, char *afull,
    size_t afullsz)
{
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	char		 dir[PATH_MAX], rel[PATH_MAX], p[PATH_MAX];
	int		 found = 0;

	if (rv_content_path(dir, sizeof(dir), q->workdir, q->cpath,
	    "reports") == -1 || (d = opendir(dir)) == NULL)
		return -1;
	while (!found && (de = readdir(d)) != NULL) {
		if (strlen(de->d_name) != 4 ||
		    strspn(de->d_name, "0123456789") != 4)
			continue;
		if (file_path(rel, sizeof(rel), "reports/%s/%s.md",
		    de->d_name, out->report) == -1 || rv_content_path(p, sizeof(p), q->workdir, q->cpath,
		    rel) == -1 || lstat(p, &st) == -1 || !S_ISREG(st.st_mode))
			continue;
		if ((strcmp(q->cpath, ".") == 0 ? file_path(out->file,
		    sizeof(out->file), "%s", rel) : file_path(out->file,
		    sizeof(out->file), "%s/%s", q->cpath, rel)) == -1 ||
		    file_path(rel, sizeof(rel), "approvals/%s/%s", de->d_name,
		    out->report) == -1 || rv_content_path(afull, afullsz,
		    q->workdir, q->cpath, rel) == -1) {
			out->file[0] = '\0';
			continue;
		}
		found = 1;
	}
	closedir(d);
	return found ? 0 : -1;
}

void
queue_me(struct queue *q, const char *name, const unsigned char *sign_pk)
{
	q->me = name;
	q->me_pk = sign_pk;
}

/*
 * Whether the approvals as of report id hold one of q->me's over blob
 * (the current text), or only over an earlier one.  Lines that do not
 * verify with q->me_pk are not the reviewer's.
 */
static enum queue_mine
mine(const struct queue *q, const struct approvals *as, const char *id,
    const char *blob)
{
	enum queue_mine	 m = Q_MINE_NONE;
	size_t		 i;

	if (q->me == NULL || q->me_pk == NULL)
		return Q_MINE_NONE;
	for (i = 0; i < as->n; i++) {
		if (strcmp(as->v[i].name, q->me) != 0 ||
		    !approval_verify(&as->v[i], q->me_pk, id))
			continue;
		if (strcmp(as->v[i].blob, blob) == 0)
			return Q_MINE_VALID;
		m = Q_MINE_VOID;
	}
	return m;
}

void
queue_state(struct queue_item *out, const struct queue *q,
    const struct record *r)
{
	const struct receipt_entry	*e;
	struct approval_count		 c;
	struct approvals		 as;
	git_oid				 oid;
	char				 afull[PATH_MAX];
	char				 hex[GIT_OID_HEXSZ + 1];

	memset(out, 0, sizeof(*out));
	if (q->rc == NULL) {
		out->state = Q_UNKNOWN;
		return;
	}
	if ((e = receipts_find(q->rc, r->receipt)) == NULL) {
		out->state = Q_NEW;
		return;
	}
	switch (e->state) {
	case RECEIPT_RECEIVED:
		out->state = Q_RECEIVED;
		return;
	case RECEIPT_REJECTED:
		out->state = Q_REJECTED;
		out->reason = e->arg;
		return;
	case RECEIPT_DRAFT:
		break;
	}
	out->state = Q_DRAFT;
	snprintf(out->report, sizeof(out->report), "%s",
	    e->arg != NULL ? e->arg : "");
	if (!report_id_valid(out->report) ||
	    find_report(out, q, afull, sizeof(afull)) == -1)
		return;
	if (git_repository_hashfile(&oid, q->repo, out->file,
	    GIT_OBJECT_BLOB, NULL) != 0) {
		git_fail(out->file);
		return;
	}
	git_oid_tostr(hex, sizeof(hex), &oid);
	memset(&as, 0, sizeof(as));
	if (approvals_load(&as, afull) == 0) {
		approvals_count(&c, &as, q->rv, q->nrv, out->report, hex);
		out->approvals = c.valid;
		out->mine = mine(q, &as, out->report, hex);
	}
	approvals_free(&as);
	if (out->approvals >= (size_t)q->min_approvals)
		out->state = Q_PUBLISHED;
	else if (out->approvals > 0)
		out->state = Q_APPROVED;
}

const char *
queue_state_name(enum queue_state s)
{
	return s < Q_STATE_MAX ? state_names[s] : "?";
}

int
queue_decided(enum queue_state s)
{
	return s == Q_PUBLISHED || s == Q_REJECTED;
}

int
queue_receipts_rel(char *out, size_t outsz, const struct queue *q)
{
	if (strcmp(q->cpath, ".") == 0)
		return file_path(out, outsz, "%s", RECEIPTS_FILE);
	return file_path(out, outsz, "%s/%s", q->cpath, RECEIPTS_FILE);
}
