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
 * nm-sign: approvals for the gen suites, made with test reviewer keys
 * derived from fixed seeds (test1 ... test9), so that fixtures pass the
 * two-person rule without nearmiss-review.
 *	nm-sign [-r LIST] [-s LIST] DIR
 *		DIR is a content folder on disk: writes DIR/reviewers (the
 *		keys of -r, default 1,2; "-" for none) and, for every
 *		DIR/reports/<yyyy>/<id>.md, DIR/approvals/<yyyy>/<id> signed
 *		by the keys of -s (default 1,2) over the file's blob id.
 *	nm-sign -g REF [-p PATH] [-r LIST] [-s LIST] REPO
 *		the same for the content folder PATH (default content) of
 *		the tree at branch REF of REPO (bare or not): commits the
 *		result on REF without touching a work tree.
 *	nm-sign -l N ID BLOB
 *		prints the approval line of key N for report ID at BLOB.
 */

#include <sys/stat.h>

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>
#include <sodium.h>

#include "approval.h"
#include "buf.h"
#include "file.h"
#include "keys.h"
#include "log.h"
#include "recipients.h"
#include "report.h"

#define KEYS_MAX	9

static struct keypair	 keys[KEYS_MAX + 1];

static void
usage(void)
{
	fprintf(stderr, "usage: nm-sign [-r list] [-s list] content-dir\n"
	    "       nm-sign -g ref [-p path] [-r list] [-s list] repo\n"
	    "       nm-sign -l n id blob\n");
	exit(2);
}

static void
key_make(int n)
{
	struct keypair	*k = &keys[n];
	unsigned char	 seed[32];
	char		 s[64];

	snprintf(s, sizeof(s), "nearmiss test reviewer %d", n);
	crypto_generichash(seed, sizeof(seed), (unsigned char *)s, strlen(s),
	    NULL, 0);
	crypto_sign_seed_keypair(k->sign_pk, k->sign_sk, seed);
	crypto_box_seed_keypair(k->box_pk, k->box_sk, seed);
	snprintf(k->name, sizeof(k->name), "test%d", n);
}

/* "1,2,3" into flags; "-" is none. */
static void
list_parse(int *on, const char *s)
{
	memset(on, 0, sizeof(int) * (KEYS_MAX + 1));
	if (strcmp(s, "-") == 0)
		return;
	for (; *s != '\0'; s++) {
		if (*s == ',')
			continue;
		if (*s < '1' || *s > '0' + KEYS_MAX)
			usage();
		on[*s - '0'] = 1;
	}
}

static void
reviewers_text(struct buf *out, const int *on)
{
	struct recipient r;
	int		 n;

	for (n = 1; n <= KEYS_MAX; n++)
		if (on[n]) {
			keypair_public(&r, &keys[n]);
			recipient_line(out, &r);
		}
}

/* The approvals file of report id at blob hex, signed by the keys on. */
static void
approvals_text(struct buf *out, const int *on, const char *id,
    const char *hex)
{
	struct approvals as;
	struct approval	 a;
	int		 n;

	memset(&as, 0, sizeof(as));
	for (n = 1; n <= KEYS_MAX; n++)
		if (on[n]) {
			if (approval_sign(&a, &keys[n], id, hex) != 0)
				exit(1);
			approvals_set(&as, &a);
		}
	approvals_format(out, &as);
	approvals_free(&as);
}

/* Signs every report of the content folder dir on disk. */
static int
sign_dir(const char *dir, const int *sign)
{
	DIR		*yd, *rd;
	struct dirent	*y, *r;
	struct buf	 data = BUF_INIT, text = BUF_INIT;
	git_oid		 oid;
	char		 path[PATH_MAX], hex[GIT_OID_HEXSZ + 1];
	char		 id[REPORT_ID_MAX + 1];
	size_t		 n;

	if (file_path(path, sizeof(path), "%s/reports", dir) != 0)
		return -1;
	if ((yd = opendir(path)) == NULL)
		return 0;
	while ((y = readdir(yd)) != NULL) {
		if (y->d_name[0] == '.')
			continue;
		if (file_path(path, sizeof(path), "%s/reports/%s", dir,
		    y->d_name) != 0 || (rd = opendir(path)) == NULL)
			continue;
		while ((r = readdir(rd)) != NULL) {
			n = strlen(r->d_name);
			if (n < 4 || n - 3 > REPORT_ID_MAX ||
			    strcmp(r->d_name + n - 3, ".md") != 0)
				continue;
			memcpy(id, r->d_name, n - 3);
			id[n - 3] = '\0';
			if (!report_id_valid(id))
				continue;
			buf_reset(&data);
			if (file_path(path, sizeof(path), "%s/reports/%s/%s",
			    dir, y->d_name, r->d_name) != 0 ||
			    file_read(&data, path, 64 << 20) != 0)
				return -1;
			git_odb_hash(&oid, data.data, data.len,
			    GIT_OBJECT_BLOB);
			git_oid_tostr(hex, sizeof(hex), &oid);
			buf_reset(&text);
			approvals_text(&text, sign, id, hex);
			if (file_path(path, sizeof(path),
			    "%s/approvals/%s/%s", dir, y->d_name, id) != 0 ||
			    file_write(path, text.data, text.len, 0644,
			    FILE_ATOMIC | FILE_MKDIRS) != 0)
				return -1;
		}
		closedir(rd);
	}
	closedir(yd);
	buf_free(&data);
	buf_free(&text);
	return 0;
}

struct gwalk {
	git_repository	*repo;
	const int	*sign;
	const char	*prefix;	/* content path + "/" or "" */
	git_tree_update	*up;
	size_t		 nup;
	char		**paths;
};

static int
gwalk_cb(const char *root, const git_tree_entry *e, void *arg)
{
	struct gwalk	*w = arg;
	struct buf	 text = BUF_INIT, p = BUF_INIT;
	const char	*name = git_tree_entry_name(e);
	char		 id[REPORT_ID_MAX + 1], hex[GIT_OID_HEXSZ + 1];
	size_t		 n = strlen(name);

	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB || strlen(root) != 5 ||
	    n < 4 || n - 3 > REPORT_ID_MAX || strcmp(name + n - 3, ".md") != 0)
		return 0;
	memcpy(id, name, n - 3);
	id[n - 3] = '\0';
	if (!report_id_valid(id))
		return 0;
	git_oid_tostr(hex, sizeof(hex), git_tree_entry_id(e));
	approvals_text(&text, w->sign, id, hex);
	buf_printf(&p, "%sapprovals/%s%s", w->prefix, root, id);
	w->up = xreallocarray(w->up, w->nup + 1, sizeof(*w->up));
	w->paths = xreallocarray(w->paths, w->nup + 1, sizeof(char *));
	memset(&w->up[w->nup], 0, sizeof(*w->up));
	if (git_blob_create_from_buffer(&w->up[w->nup].id, w->repo,
	    text.data, text.len) != 0)
		return -1;
	w->up[w->nup].action = GIT_TREE_UPDATE_UPSERT;
	w->up[w->nup].filemode = GIT_FILEMODE_BLOB;
	w->paths[w->nup] = buf_detach(&p, NULL);
	w->up[w->nup].path = w->paths[w->nup];
	w->nup++;
	buf_free(&text);
	return 0;
}

static int
sign_git(const char *repodir, const char *ref, const char *path,
    const int *rev, const int *sign)
{
	git_repository	*repo = NULL;
	git_object	*obj = NULL;
	git_commit	*parent = NULL;
	git_tree	*root = NULL, *content = NULL, *tree = NULL;
	git_tree_entry	*e = NULL;
	git_signature	*sig = NULL;
	git_reference	*r = NULL;
	struct gwalk	 w;
	struct buf	 text = BUF_INIT, p = BUF_INIT;
	git_oid		 oid, coid;
	const git_commit *parents[1];
	int		 top = strcmp(path, ".") == 0;
	size_t		 i;

	memset(&w, 0, sizeof(w));
	if (git_repository_open_ext(&repo, repodir,
	    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) != 0 ||
	    git_revparse_single(&obj, repo, ref) != 0 ||
	    git_object_peel((git_object **)&parent, obj,
	    GIT_OBJECT_COMMIT) != 0 || git_commit_tree(&root, parent) != 0)
		goto fail;
	if (top)
		content = root, root = NULL;
	else if (git_tree_entry_bypath(&e, root, path) != 0 ||
	    git_tree_lookup(&content, repo, git_tree_entry_id(e)) != 0)
		goto fail;
	buf_printf(&p, "%s%s", top ? "" : path, top ? "" : "/");
	w.repo = repo;
	w.sign = sign;
	w.prefix = p.data;
	git_tree_entry_free(e);
	e = NULL;
	if (git_tree_entry_bypath(&e, content, "reports") == 0) {
		git_tree *rt = NULL;

		if (git_tree_lookup(&rt, repo, git_tree_entry_id(e)) != 0 ||
		    git_tree_walk(rt, GIT_TREEWALK_PRE, gwalk_cb, &w) != 0)
			goto fail;
		git_tree_free(rt);
	}
	reviewers_text(&text, rev);
	if (text.len > 0) {
		w.up = xreallocarray(w.up, w.nup + 1, sizeof(*w.up));
		w.paths = xreallocarray(w.paths, w.nup + 1, sizeof(char *));
		memset(&w.up[w.nup], 0, sizeof(*w.up));
		if (git_blob_create_from_buffer(&w.up[w.nup].id, repo,
		    text.data, text.len) != 0)
			goto fail;
		buf_reset(&text);
		buf_printf(&text, "%sreviewers", p.data);
		w.paths[w.nup] = buf_detach(&text, NULL);
		w.up[w.nup].action = GIT_TREE_UPDATE_UPSERT;
		w.up[w.nup].filemode = GIT_FILEMODE_BLOB;
		w.up[w.nup].path = w.paths[w.nup];
		w.nup++;
	}
	if (git_tree_create_updated(&oid, repo, top ? content : root, w.nup,
	    w.up) != 0 || git_tree_lookup(&tree, repo, &oid) != 0 ||
	    git_signature_new(&sig, "t", "t@example.invalid",
	    git_commit_time(parent) + 1, 0) != 0)
		goto fail;
	/* ref: a branch name, a full ref name or HEAD. */
	{
		git_reference *dw = NULL;

		if (git_reference_dwim(&dw, repo, ref) != 0 ||
		    git_reference_resolve(&r, dw) != 0)
			goto fail;
		git_reference_free(dw);
	}
	parents[0] = parent;
	if (git_commit_create(&coid, repo, git_reference_name(r), sig, sig,
	    NULL, "sign\n", tree, 1, parents) != 0)
		goto fail;
	for (i = 0; i < w.nup; i++)
		free(w.paths[i]);
	free(w.paths);
	free(w.up);
	git_reference_free(r);
	git_signature_free(sig);
	git_tree_free(tree);
	git_tree_free(content);
	git_tree_free(root);
	git_tree_entry_free(e);
	git_commit_free(parent);
	git_object_free(obj);
	git_repository_free(repo);
	buf_free(&text);
	buf_free(&p);
	return 0;
fail:
	fprintf(stderr, "nm-sign: %s\n", git_error_last() != NULL ?
	    git_error_last()->message : "failed");
	return -1;
}

int
main(int argc, char *argv[])
{
	struct approval	 a;
	struct approvals as;
	struct buf	 b = BUF_INIT;
	const char	*gref = NULL, *path = "content";
	int		 rev[KEYS_MAX + 1], sign[KEYS_MAX + 1], n, ch, rc;
	int		 line = 0;

	log_init(argv[0], LOG_TO_STDERR);
	if (sodium_init() == -1)
		return 1;
	for (n = 1; n <= KEYS_MAX; n++)
		key_make(n);
	list_parse(rev, "1,2");
	list_parse(sign, "1,2");
	while ((ch = getopt(argc, argv, "g:lp:r:s:")) != -1) {
		switch (ch) {
		case 'g':
			gref = optarg;
			break;
		case 'l':
			line = 1;
			break;
		case 'p':
			path = optarg;
			break;
		case 'r':
			list_parse(rev, optarg);
			break;
		case 's':
			list_parse(sign, optarg);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (line) {
		if (argc != 3 || (n = atoi(argv[0])) < 1 || n > KEYS_MAX)
			usage();
		if (approval_sign(&a, &keys[n], argv[1], argv[2]) != 0)
			return 1;
		memset(&as, 0, sizeof(as));
		approvals_set(&as, &a);
		approvals_format(&b, &as);
		fputs(b.data, stdout);
		approvals_free(&as);
		buf_free(&b);
		return 0;
	}
	if (argc != 1)
		usage();
	git_libgit2_init();
	if (gref != NULL)
		rc = sign_git(argv[0], gref, path, rev, sign);
	else {
		reviewers_text(&b, rev);
		rc = sign_dir(argv[0], sign);
		if (rc == 0 && b.len > 0) {
			char p[PATH_MAX];

			if (file_path(p, sizeof(p), "%s/reviewers",
			    argv[0]) != 0 || file_write(p, b.data, b.len,
			    0644, FILE_ATOMIC) != 0)
				rc = -1;
		}
		buf_free(&b);
	}
	git_libgit2_shutdown();
	return rc == 0 ? 0 : 1;
}
