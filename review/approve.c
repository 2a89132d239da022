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
 * nearmiss-review approve: checks report files as gen would, runs the
 * de-identification lint, signs each file's git blob id with the
 * reviewer's Ed25519 key with a revision number (lib/approval.h),
 * records the approval in PATH/approvals/YYYY/ID beside the lines of
 * earlier versions (they keep the published version published until
 * this one is approved) and commits reports and approvals in one
 * commit.  All files pass, or nothing is written.  Each file is read
 * once: the bytes checked and linted are the bytes whose blob id is
 * signed.  The lint is a second pair of eyes: the reviewer's reading is
 * the check.
 */

#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>

#include "approval.h"
#include "buf.h"
#include "commit.h"
#include "config.h"
#include "file.h"
#include "keys.h"
#include "lint.h"
#include "gitlog.h"
#include "log.h"
#include "md.h"
#include "nm.h"
#include "receipts.h"
#include "recipients.h"
#include "render.h"
#include "report.h"
#include "review.h"
#include "rv.h"

#define APPROVE_FILES_MAX	1000
#define ACCEPT_MAX		256
#define REPORT_BYTES_MAX	(MD_BODY_MAX + REPORT_FM_MAX + 64)

/* One report to approve. */
struct item {
	const char	*arg;		/* as given */
	char		 rel[PATH_MAX];	/* in the work tree */
	char		 full[PATH_MAX];
	char		 arel[PATH_MAX];	/* its approvals file */
	char		 afull[PATH_MAX];
	char		 id[REPORT_ID_MAX + 1];
	char		 blob[GIT_OID_HEXSZ + 1];
	unsigned long	 rev;		/* the revision signed */
	struct buf	 text;		/* the file as read, once */
	struct approvals as;
};

static void	approve_usage(FILE *);
static int	locate(struct item *, const char *, const char *,
		    const char *);
static int	check_report(struct item *, const struct config *,
		    const struct lint_accept *, size_t);
static int	hash_text(git_oid *, git_repository *, const struct item *);
static void	summary(const struct item *, const struct recipient *,
		    size_t, const struct config *);

static void
approve_usage(FILE *f)
{
	fprintf(f, "usage: nearmiss-review approve [-K keyfile] [-r repo] "
	    "[-p path]\n"
	    "                               [--accept kind:text ...] "
	    "file ...\n"
	    "The lint is a second pair of eyes, never the only check: "
	    "read every\nreport yourself before you approve it.\n");
}

/*
 * Finds where arg lies in the work tree (workdir: its real path, with a
 * trailing '/'): it must be a regular file
 * PATH/reports/<yyyy>/<id>.md, reached without symbolic links leaving
 * the tree.  Fills it->rel, full, id, arel and afull.  0 or -1 (logged).
 */
static int
locate(struct item *it, const char *workdir, const char *path,
    const char *arg)
{
	struct stat	 st;
	char		 dir[PATH_MAX], real[PATH_MAX], year[5];
	const char	*base, *slash, *sub, *rest;
	size_t		 wl = strlen(workdir), pl = strlen(path), n;

	it->arg = arg;
	if (lstat(arg, &st) == -1) {
		log_warn("%s", arg);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		log_warnx("%s: not a regular file", arg);
		return -1;
	}
	if ((slash = strrchr(arg, '/')) == NULL) {
		memcpy(dir, ".", 2);
		base = arg;
	} else {
		n = slash == arg ? 1 : (size_t)(slash - arg);
		if (n >= sizeof(dir)) {
			log_warnx("%s: path too long", arg);
			return -1;
		}
		memcpy(dir, arg, n);
		dir[n] = '\0';
		base = slash + 1;
	}
	if (realpath(dir, real) == NULL) {
		log_warn("%s", dir);
		return -1;
	}
	if (strncmp(real, workdir, wl - 1) != 0 ||
	    (real[wl - 1] != '/' && real[wl - 1] != '\0')) {
		log_warnx("%s: not in the work tree of the repository (%s)",
		    arg, workdir);
		return -1;
	}
	rest = real[wl - 1] == '\0' ? "" : real + wl;
	if (file_path(it->rel, sizeof(it->rel), "%s%s%s", rest,
	    *rest != '\0' ? "/" : "", base) != 0)
		return -1;
	if (!rv_path_ok(it->rel)) {
		log_warnx("%s: refused: not a path that may be committed "
		    "(\".git\", \".\", \"..\" or control characters)", arg);
		return -1;
	}
	/* PATH/reports/<yyyy>/<id>.md */
	sub = it->rel;
	if (strcmp(path, ".") != 0) {
		if (strncmp(sub, path, pl) != 0 || sub[pl] != '/') {
			log_warnx("%s: not in the content folder %s/ of the "
			    "repository", arg, path);
			return -1;
		}
		sub += pl + 1;
	}
	n = strlen(sub);
	if (strncmp(sub, "reports/", 8) != 0 || n < 8 + 5 + 4 ||
	    strspn(sub + 8, "0123456789") != 4 || sub[12] != '/' ||
	    strchr(sub + 13, '/') != NULL ||
	    strcmp(sub + n - 3, ".md") != 0 ||
	    n - 3 - 13 > REPORT_ID_MAX) {
		log_warnx("%s: not a report file (expected %s/reports/"
		    "<yyyy>/<id>.md)", arg, path);
		return -1;
	}
	memcpy(year, sub + 8, 4);
	year[4] = '\0';
	memcpy(it->id, sub + 13, n - 3 - 13);
	it->id[n - 3 - 13] = '\0';
	if (!report_id_valid(it->id)) {
		log_warnx("%s: \"%s\" is not a report id (lowercase letters, "
		    "digits and hyphens, with a digit)", arg, it->id);
		return -1;
	}
	if (file_path(it->full, sizeof(it->full), "%s%s", workdir,
	    it->rel) != 0 ||
	    file_path(it->arel, sizeof(it->arel), "%s%sapprovals/%s/%s",
	    strcmp(path, ".") != 0 ? path : "", strcmp(path, ".") != 0 ?
	    "/" : "", year, it->id) != 0 ||
	    file_path(it->afull, sizeof(it->afull), "%s%s", workdir,
	    it->arel) != 0)
		return -1;
	return 0;
}

/*
 * Reads the file into it->text, then the checks gen makes (front
 * matter, body, id = file name) and the lint, on those bytes.  Returns
 * 0, or -1 with the problems logged or printed.
 */
static int
check_report(struct item *it, const struct config *cfg,
    const struct lint_accept *acc, size_t nacc)
{
	struct render	 ctx;
	struct report	 r;
	size_t		 found = 0;
	int		 rc = -1, err;

	/* The checks render no page: no arena. */
	render_init(&ctx, NULL);
	memset(&r, 0, sizeof(r));
	if ((err = file_read(&it->text, it->full, REPORT_BYTES_MAX)) != 0) {
		if (err == NM_ENOTFOUND)
			log_warnx("%s: not found", it->arg);
		goto out;
	}
	if (report_parse(&r, cfg, it->rel, it->text.data, it->text.len) != 0)
		goto out;
	if (strcmp(r.id, it->id) != 0) {
		log_at(it->rel, r.id_line, "id: \"%s\" does not match the "
		    "file name (reports/<yyyy>/%s.md)", r.id, r.id);
		goto out;
	}
	if (md_render_report(&ctx.md, it->rel, r.body_line, r.body,
	    r.body_len) != 0)
		goto out;
	if (lint_mem(it->full, it->text.data, it->text.len, acc, nacc,
	    stderr, &found) != 0)
		goto out;
	if (found > 0) {
		log_warnx("%s: %zu lint finding%s not accepted: replace the "
		    "identifiers with [brackets], or accept each with "
		    "--accept KIND:TEXT", it->arg, found,
		    found == 1 ? "" : "s");
		goto out;
	}
	rc = 0;
out:
	report_free(&r);
	render_free(&ctx);
	return rc;
}

/*
 * The blob id of it->text as git will store the file (its attributes'
 * filters applied, as git_repository_hashfile() would), so that what is
 * signed is what was linted, not a second read of the file.  0 or -1
 * (logged).
 */
static int
hash_text(git_oid *out, git_repository *repo, const struct item *it)
{
	git_filter_list	*fl = NULL;
	git_buf		 fb = GIT_BUF_INIT;
	const char	*data = it->text.data;
	size_t		 len = it->text.len;
	int		 rc = -1;

	if (git_filter_list_load(&fl, repo, NULL, it->rel, GIT_FILTER_TO_ODB,
	    GIT_FILTER_DEFAULT) != 0) {
		git_fail(it->arg);
		goto out;
	}
	if (fl != NULL) {
		if (git_filter_list_apply_to_buffer(&fb, fl, it->text.data,
		    it->text.len) != 0) {
			git_fail(it->arg);
			goto out;
		}
		data = fb.ptr;
		len = fb.size;
	}
	if (git_odb_hash(out, data, len, GIT_OBJECT_BLOB) != 0) {
		git_fail(it->arg);
		goto out;
	}
	rc = 0;
out:
	git_buf_dispose(&fb);
	git_filter_list_free(fl);
	return rc;
}

/* Prints what the report now has, and what gen will publish. */
static void
summary(const struct item *it, const struct recipient *rv, size_t nrv,
    const struct config *cfg)
{
	struct approval_count c;
	struct approval_pick pk;
	struct buf	 b = BUF_INIT;

	approvals_count(&c, &it->as, rv, nrv, it->id, it->blob);
	approvals_pick(&pk, &it->as, rv, nrv, it->id, it->blob,
	    cfg->min_approvals);
	buf_printf(&b, "%s: %zu approval%s on this version (revision %lu)",
	    it->rel, c.valid, c.valid == 1 ? "" : "s", it->rev);
	if (c.void_ > 0)
		buf_printf(&b, ", %zu on other versions", c.void_);
	if (c.unknown > 0)
		buf_printf(&b, ", %zu by a key not in reviewers", c.unknown);
	if (c.bad > 0)
		buf_printf(&b, ", %zu with a bad signature", c.bad);
	if (pk.state == PICK_PUBLISH && strcmp(pk.blob, it->blob) == 0)
		buf_printf(&b, "; meets min_approvals (%d): will be "
		    "published", cfg->min_approvals);
	else {
		if (c.valid < (size_t)cfg->min_approvals)
			buf_printf(&b, "; needs %zu more (min_approvals %d)",
			    (size_t)cfg->min_approvals - c.valid,
			    cfg->min_approvals);
		if (pk.state == PICK_PUBLISH)
			buf_printf(&b, "; revision %lu stays published "
			    "until then", pk.rev);
		else if (pk.state == PICK_WITHDRAWN)
			buf_printf(&b, "; withdrawn (revision %lu)",
			    pk.wrev);
	}
	printf("%s\n", b.data);
	buf_free(&b);
}

int
review_approve(int argc, char *argv[])
{
	enum { OPT_ACCEPT = 256 };
	static const struct option longopts[] = {
		{ "key", required_argument, NULL, 'K' },
		{ "repo", required_argument, NULL, 'r' },
		{ "path", required_argument, NULL, 'p' },
		{ "accept", required_argument, NULL, OPT_ACCEPT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct lint_accept acc[ACCEPT_MAX];
	struct keypair	*kp = NULL;
	struct recipient *rv = NULL, me;
	struct receipts	*rc_set = NULL;
	struct config	 cfg;
	struct item	*items = NULL;
	struct approval	 a;
	struct buf	 b = BUF_INIT, msg = BUF_INIT, rb = BUF_INIT;
	git_repository	*repo = NULL;
	git_oid		 oid;
	git_object	*obj = NULL;
	const char	**paths = NULL;
	struct rv_args	 args = RV_ARGS_INIT;
	char		 workdir[PATH_MAX], cp[PATH_MAX], p[PATH_MAX];
	char		 hex[GIT_OID_HEXSZ + 1], today[APPROVAL_DATE_LEN + 1];
	time_t		 now;
	struct tm	 tm;
	size_t		 nacc = 0, nitems = 0, nrv = 0, npaths = 0;
	size_t		 i, k, n;
	int		 ch, rc = 2, err, errors = 0, inited = 0, listed = 0;
	int		 receipts_mark = 0;

	memset(&cfg, 0, sizeof(cfg));
	optind = 0;
	while ((ch = getopt_long(argc, argv, "hK:r:p:", longopts,
	    NULL)) != -1) {
		/* No 'i' in the option string: there is no inbox here. */
		if (rv_args_opt(&args, ch, optarg))
			continue;
		switch (ch) {
		case OPT_ACCEPT:
			if (nacc == ACCEPT_MAX) {
				log_warnx("--accept: at most %d", ACCEPT_MAX);
				goto out;
			}
			if (lint_accept_parse(&acc[nacc], optarg) != 0)
				goto out;
			nacc++;
			break;
		case 'h':
			approve_usage(stdout);
			rc = 0;
			goto out;
		default:
			approve_usage(stderr);
			goto out;
		}
	}
	if (optind == argc || argc - optind > APPROVE_FILES_MAX) {
		approve_usage(stderr);
		goto out;
	}
	/* The content folder: "." or a relative path we could commit. */
	n = strlen(args.cpath);
	if (n == 0 || n >= sizeof(cp)) {
		log_warnx("-p: bad content path");
		goto out;
	}
	memcpy(cp, args.cpath, n + 1);
	while (n > 1 && cp[n - 1] == '/')
		cp[--n] = '\0';
	if (strcmp(cp, ".") != 0 && !rv_path_ok(cp)) {
		log_warnx("-p %s: refused: the content folder must be a "
		    "relative path inside the repository, without \".\", "
		    "\"..\" or \".git\" components", args.cpath);
		goto out;
	}
	rc = 1;

	git_start();
	inited = 1;
	if (git_open_worktree(&repo, args.repo, workdir, sizeof(workdir)) != 0)
		goto out;

	/* The settings and reviewers as they are in the work tree. */
	if (file_path(p, sizeof(p), "%s%s/nearmiss.ini", workdir, cp) != 0)
		goto out;
	if ((err = file_read(&b, p, 256 * 1024)) != 0) {
		if (err == NM_ENOTFOUND)
			log_warnx("%s: not found (is %s the content folder?)",
			    p, cp);
		goto out;
	}
	if (config_parse(&cfg, p, b.data, b.len) != 0)
		goto out;
	if (file_path(p, sizeof(p), "%s%s/reviewers", workdir, cp) != 0)
		goto out;
	if ((err = file_read(&rb, p, RECIPIENTS_FILE_MAX)) == NM_ENOTFOUND)
		log_warnx("%s/reviewers: not found: no approval counts "
		    "until the reviewers are listed there", cp);
	else if (err != 0)
		goto out;
	else if (recipients_none(rb.data, rb.len))
		log_warnx("%s/reviewers: lists no reviewer yet: no approval "
		    "counts until the reviewers are listed there", cp);
	else if (recipients_parse(&rv, &nrv, p, rb.data, rb.len) != 0)
		goto out;

	if (rv_key_load(&kp, args.keyfile) != 0)
		goto out;
	keypair_public(&me, kp);
	for (i = 0; i < nrv; i++)
		if (strcmp(rv[i].name, me.name) == 0 &&
		    memcmp(rv[i].sign_pk, me.sign_pk, sizeof(me.sign_pk)) ==
		    0)
			listed = 1;
	if (!listed && nrv > 0)
		log_warnx("%s/reviewers: no reviewer \"%s\" with this key: "
		    "the approval is recorded but does not count", cp,
		    me.name);

	/* 1. Every file: where it is, what it holds, its blob id. */
	items = xcalloc((size_t)(argc - optind), sizeof(*items));
	for (i = (size_t)optind; i < (size_t)argc; i++) {
		struct item *it = &items[nitems];

		buf_free(&it->text);
		if (locate(it, workdir, cp, argv[i]) != 0) {
			errors++;
			continue;
		}
		for (k = 0; k < nitems; k++)
			if (strcmp(items[k].rel, it->rel) == 0 ||
			    strcmp(items[k].id, it->id) == 0)
				break;
		if (k < nitems) {
			if (strcmp(items[k].rel, it->rel) != 0) {
				log_warnx("%s: the id %s is also %s", it->arg,
				    it->id, items[k].arg);
				errors++;
			}
			continue;
		}
		if (check_report(it, &cfg, acc, nacc) != 0) {
			errors++;
			continue;
		}
		/* The bytes linted, hashed as git will store them. */
		if (hash_text(&oid, repo, it) != 0) {
			errors++;
			continue;
		}
		git_oid_tostr(it->blob, sizeof(it->blob), &oid);
		if (approvals_load(&it->as, it->afull) != 0) {
			approvals_free(&it->as);
			log_warnx("%s: fix or remove the damaged approvals "
			    "file first", it->arel);
			errors++;
			continue;
		}
		/* Lines of earlier versions stay: the file can fill up. */
		if (it->as.n >= APPROVALS_MAX) {
			log_warnx("%s: %d lines, the most a file holds: remove "
			    "the lines of revisions older than the published "
			    "one first", it->arel, APPROVALS_MAX);
			approvals_free(&it->as);
			errors++;
			continue;
		}
		nitems++;
	}
	if (errors > 0) {
		log_warnx("nothing approved: %d file%s refused", errors,
		    errors == 1 ? "" : "s");
		goto out;
	}

	/*
	 * 2. Sign and record: the revision of the version's earlier
	 * approvals, or one above every revision so far; the day in UTC,
	 * like the commit's.
	 */
	now = time(NULL);
	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(today, sizeof(today), "%Y-%m-%d", &tm) == 0) {
		log_warnx("cannot tell the date");
		goto out;
	}
	for (i = 0; i < nitems; i++) {
		items[i].rev = approvals_next_rev(&items[i].as, rv, nrv,
		    items[i].id, items[i].blob, cfg.min_approvals);
		if (approval_sign_rev(&a, kp, items[i].id, items[i].blob,
		    items[i].rev, today) != 0)
			goto out;
		/* Approved before at this revision: keep that line's date. */
		for (k = 0; k < items[i].as.n; k++)
			if (items[i].as.v[k].kind == APPROVAL_V2 &&
			    items[i].as.v[k].rev == a.rev &&
			    strcmp(items[i].as.v[k].name, a.name) == 0 &&
			    strcmp(items[i].as.v[k].blob, a.blob) == 0)
				break;
		if (k == items[i].as.n)
			approvals_add(&items[i].as, &a);
		buf_reset(&b);
		approvals_format(&b, &items[i].as);
		if (file_write(items[i].afull, b.data, b.len, 0644,
		    FILE_ATOMIC | FILE_SYNC | FILE_MKDIRS) != 0)
			goto out;
	}

	/* 3. One commit: reports, approvals, and receipts that name them. */
	paths = xcalloc(nitems * 2 + 1, sizeof(*paths));
	for (i = 0; i < nitems; i++) {
		paths[npaths++] = items[i].rel;
		paths[npaths++] = items[i].arel;
	}
	if (file_path(p, sizeof(p), "%s%s/%s", workdir, cp,
	    RECEIPTS_FILE) != 0)
		goto out;
	if (receipts_load(&rc_set, p) != 0) {
		log_warnx("%s: damaged; not committed with the approval", p);
		rc_set = NULL;
	}
	for (i = 0; rc_set != NULL && i < nitems && !receipts_mark; i++)
		receipts_mark = receipts_by_report(rc_set, items[i].id) !=
		    NULL;
	if (receipts_mark) {
		if (file_path(cp + strlen(cp), sizeof(cp) - strlen(cp),
		    "/%s", RECEIPTS_FILE) != 0)
			goto out;
		paths[npaths++] = strcmp(cp, "./" RECEIPTS_FILE) == 0 ?
		    RECEIPTS_FILE : cp;
	}
	if (nitems == 1)
		buf_printf(&msg, "Approve %s\n", items[0].id);
	else {
		buf_printf(&msg, "Approve %zu reports\n\n", nitems);
		for (i = 0; i < nitems; i++)
			buf_printf(&msg, "%s\n", items[i].id);
	}
	if (rv_commit(workdir, paths, npaths, msg.data) != 0) {
		log_warnx("the approvals are written but not committed");
		goto out;
	}

	/* 4. The commit holds what was signed, or the approval is void. */
	for (i = 0; i < nitems; i++) {
		git_object_free(obj);
		obj = NULL;
		buf_reset(&b);
		buf_printf(&b, "HEAD:%s", items[i].rel);
		if (git_revparse_single(&obj, repo, b.data) != 0) {
			git_fail(b.data);
			goto out;
		}
		git_oid_tostr(hex, sizeof(hex), git_object_id(obj));
		if (strcmp(hex, items[i].blob) != 0) {
			log_warnx("%s: changed while it was being approved; "
			    "the approval is void: approve it again",
			    items[i].arg);
			goto out;
		}
	}
	for (i = 0; i < nitems; i++)
		summary(&items[i], rv, nrv, &cfg);
	/* What the signature means: a reviewer read it, not a program. */
	printf("The lint found nothing it knows; it misses what it does not "
	    "know (a rare name,\na nickname, a landmark): your reading, not "
	    "the lint, is the check.\n");
	log_info("next: git pull, then git push, so that the others see "
	    "it (nearmiss-review(1), WORKING TOGETHER)");
	if (fflush(stdout) == EOF) {
		log_warn("stdout");
		goto out;
	}
	rc = 0;
out:
	for (i = 0; items != NULL && i < (size_t)(argc - optind); i++) {
		approvals_free(&items[i].as);
		buf_free(&items[i].text);
	}
	free(items);
	free(paths);
	free(rv);
	receipts_free(rc_set);
	keypair_free(kp);
	config_free(&cfg);
	git_object_free(obj);
	git_repository_free(repo);
	if (inited)
		git_libgit2_shutdown();
	buf_free(&rb);
	buf_free(&b);
	buf_free(&msg);
	return rc;
}
