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
 * rv_commit(): commits a few paths of the content repository's work
 * tree on HEAD through libgit2, as the fixed bot identity at midnight
 * UTC.  The new tree is HEAD's tree with only those paths updated, so
 * other staged or unstaged changes stay out of the commit and in place.
 */

#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <git2.h>

#include "buf.h"
#include "commit.h"
#include "file.h"
#include "gitlog.h"
#include "log.h"
#include "nm.h"

#define COMMIT_PATHS_MAX	4096

static int	 cmp_str(const void *, const void *);
static int	 workdir_check(const char *, const char *, struct stat *);

int
rv_path_ok(const char *path)
{
	const char	*p, *c;
	size_t		 n;

	if (path == NULL || *path == '\0' || *path == '/')
		return 0;
	for (p = path; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '\\')
			return 0;
	if (p - path > PATH_MAX / 2)
		return 0;
	for (c = path; ; c += n + 1) {
		n = strcspn(c, "/");
		if (n == 0 || (n == 1 && c[0] == '.') ||
		    (n == 2 && c[0] == '.' && c[1] == '.'))
			return 0;
		/* ".git", and what some file systems take for it. */
		if ((n >= 4 && strncasecmp(c, ".git", 4) == 0 &&
		    strspn(c + 4, ". ") == n - 4) ||
		    (n == 5 && strncasecmp(c, "git~1", 5) == 0))
			return 0;
		if (c[n] == '\0')
			break;
	}
	return 1;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * lstat()s workdir/path after checking that no folder on the way is a
 * symbolic link (which could take the commit outside the work tree).
 * Returns 0 with *st filled, NM_ENOTFOUND if path does not exist, or -1
 * (logged).
 */
static int
workdir_check(const char *workdir, const char *path, struct stat *st)
{
	char	 full[PATH_MAX], *slash;
	size_t	 base;

	if (file_path(full, sizeof(full), "%s%s", workdir, path) != 0)
		return -1;
	base = strlen(workdir);
	for (slash = strchr(full + base, '/'); slash != NULL;
	    slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (lstat(full, st) == -1) {
			if (errno == ENOENT) {
				*slash = '/';
				return NM_ENOTFOUND;
			}
			log_warn("%s", full);
			return -1;
		}
		if (!S_ISDIR(st->st_mode)) {
			log_warnx("%s: not a folder (a symbolic link?)", full);
			return -1;
		}
		*slash = '/';
	}
	if (lstat(full, st) == -1) {
		if (errno == ENOENT || errno == ENOTDIR)
			return NM_ENOTFOUND;
		log_warn("%s", full);
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		log_warnx("%s: not a regular file", full);
		return -1;
	}
	return 0;
}

int
rv_commit(const char *repo, const char *const *paths, size_t n,
    const char *message)
{
	git_repository	*r = NULL;
	git_reference	*head = NULL;
	git_commit	*parent = NULL;
	git_tree	*base = NULL, *tree = NULL;
	git_tree_entry	*te = NULL;
	git_index	*index = NULL;
	git_signature	*sig = NULL;
	git_tree_update	*up = NULL;
	git_oid		 tree_id, commit_id;
	struct stat	 st;
	struct buf	 msg = BUF_INIT;
	const git_commit *parents[1];
	const char	*workdir;
	char		**v = NULL;
	size_t		 i, k, nup = 0;
	time_t		 now;
	int		 rc = -1, err, unborn, inited = 0;

	if (n == 0 || n > COMMIT_PATHS_MAX) {
		log_warnx("%s: nothing to commit, or too many paths", repo);
		return -1;
	}
	for (i = 0; i < n; i++)
		if (!rv_path_ok(paths[i])) {
			log_warnx("\"%s\": refused: paths to commit must be "
			    "relative, inside the work tree, without \".\", "
			    "\"..\" or \".git\" components or control "
			    "characters", paths[i]);
			return -1;
		}
	/* Sorted, each once: git_tree_create_updated() wants no repeats. */
	v = xcalloc(n, sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = (char *)paths[i];
	qsort(v, n, sizeof(*v), cmp_str);
	for (i = 1, k = 1; i < n; i++)
		if (strcmp(v[i], v[k - 1]) != 0)
			v[k++] = v[i];
	n = k;

	git_start();
	inited = 1;
	if (git_repository_open_ext(&r, repo, GIT_REPOSITORY_OPEN_NO_SEARCH,
	    NULL) != 0) {
		git_fail(repo);
		goto out;
	}
	if ((workdir = git_repository_workdir(r)) == NULL) {
		log_warnx("%s: a bare repository has no work tree to commit "
		    "from", repo);
		goto out;
	}
	if ((unborn = git_repository_head_unborn(r)) < 0) {
		git_fail("HEAD");
		goto out;
	}
	if (!unborn) {
		if (git_repository_head(&head, r) != 0 ||
		    git_reference_peel((git_object **)&parent, head,
		    GIT_OBJECT_COMMIT) != 0 ||
		    git_commit_tree(&base, parent) != 0) {
			git_fail("HEAD");
			goto out;
		}
	}

	up = xcalloc(n, sizeof(*up));
	for (i = 0; i < n; i++) {
		if ((err = workdir_check(workdir, v[i], &st)) == -1)
			goto out;
		if (err == NM_ENOTFOUND) {
			/* Gone from the work tree: gone from the commit. */
			git_tree_entry_free(te);
			te = NULL;
			if (base == NULL ||
			    git_tree_entry_bypath(&te, base, v[i]) != 0)
				continue;
			up[nup].action = GIT_TREE_UPDATE_REMOVE;
			up[nup].path = v[i];
			nup++;
			continue;
		}
		/* The blob as git would store it (filters applied). */
		if (git_blob_create_from_workdir(&up[nup].id, r, v[i]) != 0) {
			git_fail(v[i]);
			goto out;
		}
		up[nup].action = GIT_TREE_UPDATE_UPSERT;
		up[nup].filemode = st.st_mode & S_IXUSR ?
		    GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
		up[nup].path = v[i];
		nup++;
	}
	if (git_tree_create_updated(&tree_id, r, base, nup, up) != 0) {
		git_fail("new tree");
		goto out;
	}
	if (base != NULL && git_oid_equal(&tree_id, git_tree_id(base))) {
		log_info("%s: nothing changed; no commit made", repo);
		rc = 0;
		goto out;
	}
	if (git_tree_lookup(&tree, r, &tree_id) != 0) {
		git_fail("new tree");
		goto out;
	}

	/* Who and when: nobody in particular, on this day. */
	now = time(NULL);
	if (git_signature_new(&sig, RV_COMMIT_NAME, RV_COMMIT_EMAIL,
	    (git_time_t)(now - now % 86400), 0) != 0) {
		git_fail("signature");
		goto out;
	}
	buf_addstr(&msg, message);
	if (msg.len == 0 || msg.data[msg.len - 1] != '\n')
		buf_addch(&msg, '\n');
	parents[0] = parent;
	if (git_commit_create(&commit_id, r, "HEAD", sig, sig, NULL,
	    msg.data, tree, parent != NULL ? 1 : 0, parents) != 0) {
		git_fail("commit");
		goto out;
	}

	/*
	 * The index follows the commit for these paths only, so that
	 * "git status" shows them clean and leaves the rest as it was.
	 */
	if (git_repository_index(&index, r) != 0 ||
	    git_index_read(index, 0) != 0) {
		git_fail("index");
		goto out;
	}
	for (i = 0; i < nup; i++) {
		if (up[i].action == GIT_TREE_UPDATE_REMOVE)
			err = git_index_remove_bypath(index, up[i].path);
		else
			err = git_index_add_bypath(index, up[i].path);
		if (err != 0) {
			git_fail(up[i].path);
			goto out;
		}
	}
	if (git_index_write(index) != 0) {
		git_fail("index");
		goto out;
	}
	rc = 0;
out:
	git_index_free(index);
	git_signature_free(sig);
	git_tree_entry_free(te);
	git_tree_free(tree);
	git_tree_free(base);
	git_commit_free(parent);
	git_reference_free(head);
	git_repository_free(r);
	if (inited)
		git_libgit2_shutdown();
	buf_free(&msg);
	free(up);
	free(v);
	return rc;
}
