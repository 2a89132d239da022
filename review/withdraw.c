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
 * nearmiss-review withdraw: one reviewer's signed withdrawal of a
 * report (lib/approval.h), recorded in PATH/approvals/YYYY/ID and
 * committed.  At its next build nearmiss-gen leaves the report out,
 * every version approved so far; only min_approvals new approvals
 * publish it again.  The reason stays in the repository: gen never
 * publishes it.
 */

#include <sys/stat.h>

#include <dirent.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "approval.h"
#include "buf.h"
#include "commit.h"
#include "config.h"
#include "file.h"
#include "gitlog.h"
#include "keys.h"
#include "log.h"
#include "nm.h"
#include "recipients.h"
#include "report.h"
#include "review.h"
#include "rv.h"

static void	withdraw_usage(FILE *);
static int	find_year(char *, const char *, const char *);

static void
withdraw_usage(FILE *f)
{
	fprintf(f, "usage: nearmiss-review withdraw [-K keyfile] [-r repo] "
	    "[-p path] id --reason text\n");
}

/*
 * The year folder <yyyy> of report id: the one of dir/reports/ that
 * holds id.md, else of dir/approvals/ that holds id.  0, or -1 (logged)
 * if there is none.
 */
static int
find_year(char *year, const char *dir, const char *id)
{
	static const char *const subs[] = { "reports", "approvals" };
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;
	char		 p[PATH_MAX];
	size_t		 s;
	int		 found = 0;

	for (s = 0; s < NM_NELEM(subs) && !found; s++) {
		if (file_path(p, sizeof(p), "%s/%s", dir, subs[s]) != 0)
			return -1;
		if ((d = opendir(p)) == NULL)
			continue;
		while (!found && (de = readdir(d)) != NULL) {
			if (strlen(de->d_name) != 4 ||
			    strspn(de->d_name, "0123456789") != 4)
				continue;
			if (file_path(p, sizeof(p), "%s/%s/%s/%s%s", dir,
			    subs[s], de->d_name, id, s == 0 ? ".md" : "") !=
			    0)
				continue;
			if (lstat(p, &st) == 0 && S_ISREG(st.st_mode)) {
				memcpy(year, de->d_name, 5);
				found = 1;
			}
		}
		closedir(d);
	}
	if (!found)
		log_warnx("%s: no such report (no %s/reports/<yyyy>/%s.md)",
		    id, dir, id);
	return found ? 0 : -1;
}

int
review_withdraw(int argc, char *argv[])
{
	enum { OPT_REASON = 256 };
	static const struct option longopts[] = {
		{ "key", required_argument, NULL, 'K' },
		{ "repo", required_argument, NULL, 'r' },
		{ "path", required_argument, NULL, 'p' },
		{ "reason", required_argument, NULL, OPT_REASON },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct rv_args	 args = RV_ARGS_INIT;
	struct keypair	*kp = NULL;
	struct recipient *rv = NULL, me;
	struct approvals as;
	struct approval_pick pk;
	struct approval	 a;
	struct config	 cfg;
	struct buf	 b = BUF_INIT, msg = BUF_INIT;
	git_repository	*repo = NULL;
	const char	*reason = NULL, *id, *paths[1];
	char		 workdir[PATH_MAX], cdir[PATH_MAX], p[PATH_MAX];
	char		 arel[PATH_MAX], afull[PATH_MAX], year[5];
	size_t		 nrv = 0, i;
	int		 ch, rc = 2, err, inited = 0, listed = 0;

	memset(&as, 0, sizeof(as));
	memset(&cfg, 0, sizeof(cfg));
	optind = 0;
	while ((ch = getopt_long(argc, argv, "hK:r:p:", longopts,
	    NULL)) != -1) {
		if (rv_args_opt(&args, ch, optarg))
			continue;
		switch (ch) {
		case OPT_REASON:
			reason = optarg;
			break;
		case 'h':
			withdraw_usage(stdout);
			rc = 0;
			goto out;
		default:
			withdraw_usage(stderr);
			goto out;
		}
	}
	if (argc - optind != 1 || reason == NULL) {
		if (reason == NULL)
			log_warnx("--reason is required: why the report "
			    "comes off the site (kept in the repository, "
			    "never published)");
		withdraw_usage(stderr);
		goto out;
	}
	id = argv[optind];
	if (!report_id_valid(id)) {
		log_warnx("\"%s\" is not a report id", id);
		goto out;
	}
	if (strcmp(args.cpath, ".") != 0 && !rv_path_ok(args.cpath)) {
		log_warnx("-p %s: refused: the content folder must be a "
		    "relative path inside the repository", args.cpath);
		goto out;
	}
	rc = 1;

	git_start();
	inited = 1;
	if (git_open_worktree(&repo, args.repo, workdir, sizeof(workdir)) != 0)
		goto out;
	if (file_path(cdir, sizeof(cdir), "%s%s", workdir, args.cpath) != 0)
		goto out;

	/* The settings and reviewers as they are in the work tree. */
	if (file_path(p, sizeof(p), "%s/nearmiss.ini", cdir) != 0)
		goto out;
	if ((err = file_read(&b, p, 256 * 1024)) != 0) {
		if (err == NM_ENOTFOUND)
			log_warnx("%s: not found (is %s the content folder?)",
			    p, args.cpath);
		goto out;
	}
	if (config_parse(&cfg, p, b.data, b.len) != 0)
		goto out;
	buf_reset(&b);
	if (file_path(p, sizeof(p), "%s/reviewers", cdir) != 0)
		goto out;
	if ((err = file_read(&b, p, RECIPIENTS_FILE_MAX)) != 0) {
		if (err == NM_ENOTFOUND)
			log_warnx("%s/reviewers: not found", args.cpath);
		goto out;
	}
	if (!recipients_none(b.data, b.len) &&
	    recipients_parse(&rv, &nrv, p, b.data, b.len) != 0)
		goto out;
	if (rv_key_load(&kp, args.keyfile) != 0)
		goto out;
	keypair_public(&me, kp);
	for (i = 0; i < nrv; i++)
		if (strcmp(rv[i].name, me.name) == 0 &&
		    memcmp(rv[i].sign_pk, me.sign_pk, sizeof(me.sign_pk)) ==
		    0)
			listed = 1;
	/* Unlike an approval, a withdrawal that does not count is refused. */
	if (!listed) {
		log_warnx("%s/reviewers: no reviewer \"%s\" with this key: a "
		    "withdrawal counts only by a listed reviewer; nothing "
		    "written", args.cpath, me.name);
		goto out;
	}

	if (find_year(year, cdir, id) != 0)
		goto out;
	if (file_path(arel, sizeof(arel), "%s%sapprovals/%s/%s",
	    strcmp(args.cpath, ".") != 0 ? args.cpath : "",
	    strcmp(args.cpath, ".") != 0 ? "/" : "", year, id) != 0 ||
	    file_path(afull, sizeof(afull), "%s%s", workdir, arel) != 0)
		goto out;
	if (approvals_load(&as, afull) != 0) {
		log_warnx("%s: fix or remove the damaged approvals file first",
		    arel);
		goto out;
	}
	/* Every revision so far, the published one among them. */
	approvals_pick(&pk, &as, rv, nrv, id, NULL, cfg.min_approvals);
	if (withdrawal_sign(&a, kp, id, pk.maxrev, reason) != 0)
		goto out;
	approvals_add(&as, &a);
	if (as.n > APPROVALS_MAX) {
		log_warnx("%s: more than %d lines: remove the lines of old "
		    "revisions first", arel, APPROVALS_MAX);
		goto out;
	}
	buf_reset(&b);
	approvals_format(&b, &as);
	if (file_write(afull, b.data, b.len, 0644,
	    FILE_ATOMIC | FILE_SYNC | FILE_MKDIRS) != 0)
		goto out;
	paths[0] = arel;
	buf_printf(&msg, "Withdraw %s\n", id);
	if (rv_commit(workdir, paths, 1, msg.data) != 0) {
		log_warnx("the withdrawal is written but not committed");
		goto out;
	}
	printf("%s: withdrawn up to revision %lu%s; the next build leaves "
	    "it out, until %d new approval%s publish a later revision\n",
	    arel, pk.maxrev, pk.state == PICK_PUBLISH ? "" :
	    " (it was not published)", cfg.min_approvals,
	    cfg.min_approvals == 1 ? "" : "s");
	log_info("next: git pull, then git push, then build and deploy the "
	    "site (nearmiss-review(1), WORKING TOGETHER)");
	if (fflush(stdout) == EOF) {
		log_warn("stdout");
		goto out;
	}
	rc = 0;
out:
	approvals_free(&as);
	free(rv);
	keypair_free(kp);
	config_free(&cfg);
	git_repository_free(repo);
	if (inited)
		git_libgit2_shutdown();
	buf_free(&b);
	buf_free(&msg);
	return rc;
}
