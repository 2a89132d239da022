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
 * Reading the content from git with libgit2: the tree at a ref, never
 * the working tree, so an uncommitted draft cannot be published; works
 * on bare repositories.  Paths of report files are checked before use.
 * The one exception is --drafts, a private preview: the content folder
 * of the work tree is copied into an in-memory object store (nothing is
 * written to the repository) and read from there like any tree.
 */

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <git2.h>
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>
#include <git2/sys/repository.h>

#include "buf.h"
#include "file.h"
#include "gen.h"
#include "log.h"
#include "nm.h"

#define DRAFTS_DEPTH_MAX	32
#define DRAFTS_FILE_MAX		(16 * 1024 * 1024)

struct walk {
	struct srcfile	*v;
	size_t		 n;
	const char	*sub;
	int		 errors;
	const char	*prefix;	/* content path, for messages */
};

int
report_path_ok(const char *path, char *id, size_t idsz)
{
	const char	*file;
	size_t		 n;
	int		 i;

	if (strncmp(path, "reports/", 8) != 0)
		return 0;
	path += 8;
	for (i = 0; i < 4; i++)
		if (path[i] < '0' || path[i] > '9')
			return 0;
	if (path[4] != '/')
		return 0;
	file = path + 5;
	n = strlen(file);
	if (n < 4 || strcmp(file + n - 3, ".md") != 0 || n - 3 >= idsz)
		return 0;
	memcpy(id, file, n - 3);
	id[n - 3] = '\0';
	return report_id_valid(id);
}

static int
walk_cb(const char *root, const git_tree_entry *e, void *payload)
{
	struct walk	*w = payload;
	struct buf	 b = BUF_INIT;
	git_filemode_t	 mode = git_tree_entry_filemode(e);
	char		 id[REPORT_ID_MAX + 1];

	if (mode == GIT_FILEMODE_TREE)
		return 0;
	buf_printf(&b, "%s/%s/%s%s", w->prefix, w->sub, root,
	    git_tree_entry_name(e));
	if (mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE) {
		log_at(b.data, 0, "not a regular file (symlinks and "
		    "submodules are not allowed)");
		w->errors++;
		buf_free(&b);
		return 0;
	}
	if (strcmp(w->sub, "reports") == 0 &&
	    !report_path_ok(b.data + strlen(w->prefix) + 1, id, sizeof(id))) {
		log_at(b.data, 0, "not a report file name (expected "
		    "reports/<yyyy>/<id>.md, id of lowercase letters, digits "
		    "and hyphens, with at least one digit)");
		w->errors++;
		buf_free(&b);
		return 0;
	}
	w->v = xreallocarray(w->v, w->n + 1, sizeof(*w->v));
	w->v[w->n].path = xstrdup(b.data + strlen(w->prefix) + 1);
	buf_free(&b);
	git_oid_cpy(&w->v[w->n].oid, git_tree_entry_id(e));
	w->n++;
	return 0;
}

static int
cmp_src(const void *a, const void *b)
{
	return strcmp(((const struct srcfile *)a)->path,
	    ((const struct srcfile *)b)->path);
}

int
repo_list(struct srcfile **out, size_t *nout, const struct gitsrc *src,
    const char *sub)
{
	git_tree	*tree = NULL, *subtree = NULL;
	git_tree_entry	*e = NULL;
	struct walk	 w;
	int		 rc = -1, err;

	memset(&w, 0, sizeof(w));
	w.sub = sub;
	w.prefix = src->path;
	*out = NULL;
	*nout = 0;
	if (git_tree_lookup(&tree, src->repo, &src->tree) != 0) {
		git_fail("content tree");
		goto out;
	}
	if ((err = git_tree_entry_bypath(&e, tree, sub)) != 0) {
		if (err == GIT_ENOTFOUND)
			rc = 0;
		else
			git_fail(sub);
		goto out;
	}
	if (git_tree_entry_type(e) != GIT_OBJECT_TREE) {
		log_warnx("%s/%s: not a folder", src->path, sub);
		goto out;
	}
	if (git_tree_lookup(&subtree, src->repo, git_tree_entry_id(e)) != 0) {
		git_fail(sub);
		goto out;
	}
	if (git_tree_walk(subtree, GIT_TREEWALK_PRE, walk_cb, &w) != 0) {
		git_fail(sub);
		goto out;
	}
	qsort(w.v, w.n, sizeof(*w.v), cmp_src);
	rc = w.errors ? -1 : 0;
out:
	if (rc == 0 || w.errors) {
		*out = w.v;
		*nout = w.n;
	} else
		srcfiles_free(w.v, w.n);
	git_tree_entry_free(e);
	git_tree_free(subtree);
	git_tree_free(tree);
	return rc;
}

void
srcfiles_free(struct srcfile *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(v[i].path);
	free(v);
}

int
repo_read(struct buf *out, git_repository *repo, const git_oid *oid,
    size_t max, const char *path)
{
	git_blob	*blob = NULL;
	git_odb		*odb = NULL;
	git_object_t	 type;
	size_t		 size;
	int		 err;

	/* Check the size from the header before inflating the object. */
	if (git_repository_odb(&odb, repo) != 0)
		return git_fail(path);
	err = git_odb_read_header(&size, &type, odb, oid);
	git_odb_free(odb);
	if (err != 0)
		return git_fail(path);
	if (size > max) {
		log_at(path, 0, "larger than %zu bytes", max);
		return NM_ETOOBIG;
	}
	if (git_blob_lookup(&blob, repo, oid) != 0)
		return git_fail(path);
	size = (size_t)git_blob_rawsize(blob);
	buf_add(out, git_blob_rawcontent(blob), (size_t)size);
	git_blob_free(blob);
	return 0;
}

static int	 cmp_name(const void *, const void *);
static int	 worktree_tree(git_oid *, git_repository *, git_repository *,
		    const char *, const char *, int);
static int	 content_config(struct gitsrc *, const char *);

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Writes the folder dir of the work tree (rel: its path in the work
 * tree, "" for the top) into mem as a tree, as git would: files as
 * blobs, symbolic links as links (which gen then refuses, as in a
 * commit), no empty folders.  Dot files and what the repository
 * ignores are left out.  *out is zero when nothing was kept.
 * XXX Files are taken as they are: .gitattributes filters are not
 * applied, so a repository that uses them may see approvals void here
 * that count in a commit.
 */
static int
worktree_tree(git_oid *out, git_repository *mem, git_repository *real,
    const char *dir, const char *rel, int depth)
{
	git_treebuilder	*bld = NULL;
	struct dirent	*de;
	struct stat	 st;
	struct buf	 data = BUF_INIT;
	DIR		*d = NULL;
	git_oid		 oid;
	char		**names = NULL, path[PATH_MAX], sub[PATH_MAX];
	char		 link[PATH_MAX];
	size_t		 n = 0, i;
	ssize_t		 ll;
	int		 rc = -1, ign;

	memset(out, 0, sizeof(*out));
	if (depth > DRAFTS_DEPTH_MAX) {
		log_warnx("%s: folders nested too deep", dir);
		return -1;
	}
	if ((d = opendir(dir)) == NULL) {
		log_warn("%s", dir);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		names = xreallocarray(names, n + 1, sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_name);
	if (git_treebuilder_new(&bld, mem, NULL) != 0) {
		git_fail(dir);
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (file_path(path, sizeof(path), "%s/%s", dir,
		    names[i]) != 0 || file_path(sub, sizeof(sub), "%s%s%s",
		    rel, *rel != '\0' ? "/" : "", names[i]) != 0)
			goto out;
		if (lstat(path, &st) == -1) {
			log_warn("%s", path);
			goto out;
		}
		if (git_ignore_path_is_ignored(&ign, real, sub) == 0 && ign)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (worktree_tree(&oid, mem, real, path, sub,
			    depth + 1) != 0)
				goto out;
			if (git_oid_is_zero(&oid))
				continue;
			if (git_treebuilder_insert(NULL, bld, names[i], &oid,
			    GIT_FILEMODE_TREE) != 0) {
				git_fail(path);
				goto out;
			}
		} else if (S_ISREG(st.st_mode)) {
			buf_reset(&data);
			if (file_read(&data, path, DRAFTS_FILE_MAX) != 0)
				goto out;
			if (git_blob_create_from_buffer(&oid, mem, data.data,
			    data.len) != 0 || git_treebuilder_insert(NULL,
			    bld, names[i], &oid, st.st_mode & S_IXUSR ?
			    GIT_FILEMODE_BLOB_EXECUTABLE :
			    GIT_FILEMODE_BLOB) != 0) {
				git_fail(path);
				goto out;
			}
		} else if (S_ISLNK(st.st_mode)) {
			if ((ll = readlink(path, link, sizeof(link))) < 0 ||
			    (size_t)ll >= sizeof(link)) {
				log_warn("%s", path);
				goto out;
			}
			if (git_blob_create_from_buffer(&oid, mem, link,
			    (size_t)ll) != 0 || git_treebuilder_insert(NULL,
			    bld, names[i], &oid, GIT_FILEMODE_LINK) != 0) {
				git_fail(path);
				goto out;
			}
		}
		/* Sockets, fifos and devices: not content. */
	}
	if (git_treebuilder_entrycount(bld) > 0 &&
	    git_treebuilder_write(out, bld) != 0) {
		git_fail(dir);
		goto out;
	}
	rc = 0;
out:
	git_treebuilder_free(bld);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	buf_free(&data);
	return rc;
}

/* Finds nearmiss.ini in the content tree of src (src->config). */
static int
content_config(struct gitsrc *src, const char *where)
{
	git_tree	*content = NULL;
	git_tree_entry	*ini = NULL;
	int		 rc = -1;

	if (git_tree_lookup(&content, src->repo, &src->tree) != 0) {
		git_fail(src->path);
		goto out;
	}
	if (git_tree_entry_bypath(&ini, content, "nearmiss.ini") != 0 ||
	    git_tree_entry_type(ini) != GIT_OBJECT_BLOB) {
		log_warnx("%s/nearmiss.ini: not found in %s%s", src->path,
		    where, src->odb != NULL ? "" : " (commit it first: only "
		    "committed content is published)");
		goto out;
	}
	git_oid_cpy(&src->config, git_tree_entry_id(ini));
	rc = 0;
out:
	git_tree_entry_free(ini);
	git_tree_free(content);
	return rc;
}

/* --drafts: the content folder of the work tree, in memory. */
static int
repo_open_worktree(struct gitsrc *src, const struct gen_opts *o)
{
	git_repository	*real = NULL;
	git_odb_backend	*mp = NULL;
	struct stat	 st;
	const char	*workdir;
	char		 dir[PATH_MAX];
	int		 rc = -1, top;

	if (git_repository_open_ext(&real, o->repo != NULL ? o->repo : ".",
	    o->repo != NULL ? GIT_REPOSITORY_OPEN_NO_SEARCH : 0,
	    NULL) != 0) {
		git_fail(o->repo != NULL ? o->repo : "git repository");
		goto out;
	}
	if ((workdir = git_repository_workdir(real)) == NULL) {
		log_warnx("%s: a bare repository has no work tree for "
		    "--drafts", git_repository_path(real));
		goto out;
	}
	top = strcmp(src->path, ".") == 0 || *src->path == '\0';
	if (file_path(dir, sizeof(dir), "%s%s", workdir, top ? "." :
	    src->path) != 0)
		goto out;
	if (lstat(dir, &st) == -1 || !S_ISDIR(st.st_mode)) {
		log_warnx("%s: no content folder \"%s\" in the work tree",
		    workdir, src->path);
		goto out;
	}
	src->gitdir = xstrdup(git_repository_path(real));
	if (git_odb_new(&src->odb) != 0 || git_mempack_new(&mp) != 0 ||
	    git_odb_add_backend(src->odb, mp, 999) != 0) {
		git_fail("in-memory object store");
		goto out;
	}
	mp = NULL;	/* the odb owns it */
	if (git_repository_wrap_odb(&src->repo, src->odb) != 0) {
		git_fail("in-memory object store");
		goto out;
	}
	if (worktree_tree(&src->tree, src->repo, real, dir, top ? "" :
	    src->path, 0) != 0)
		goto out;
	if (git_oid_is_zero(&src->tree)) {
		log_warnx("%s: the content folder is empty", dir);
		goto out;
	}
	if (content_config(src, "the work tree") != 0)
		goto out;
	rc = 0;
out:
	if (mp != NULL)
		mp->free(mp);
	git_repository_free(real);
	return rc;
}

int
repo_open(struct gitsrc *src, const struct gen_opts *o)
{
	git_object	*obj = NULL;
	git_commit	*commit = NULL;
	git_tree	*root = NULL;
	git_tree_entry	*e = NULL, *ini = NULL;
	git_tree	*content = NULL;
	size_t		 n;
	int		 rc = -1;

	memset(src, 0, sizeof(*src));
	src->path = xstrdup(o->path);
	n = strlen(src->path);
	while (n > 1 && src->path[n - 1] == '/')
		src->path[--n] = '\0';
	if (o->drafts) {
		if (repo_open_worktree(src, o) != 0) {
			repo_close(src);
			return -1;
		}
		return 0;
	}
	if (git_repository_open_ext(&src->repo, o->repo != NULL ? o->repo :
	    ".", o->repo != NULL ? GIT_REPOSITORY_OPEN_NO_SEARCH : 0,
	    NULL) != 0) {
		git_fail(o->repo != NULL ? o->repo : "git repository");
		goto out;
	}
	src->gitdir = xstrdup(git_repository_path(src->repo));
	if (git_revparse_single(&obj, src->repo, o->ref) != 0) {
		git_fail(o->ref);
		goto out;
	}
	if (git_object_peel((git_object **)&commit, obj,
	    GIT_OBJECT_COMMIT) != 0) {
		git_fail(o->ref);
		goto out;
	}
	git_oid_cpy(&src->commit, git_commit_id(commit));
	if (git_commit_tree(&root, commit) != 0) {
		git_fail(o->ref);
		goto out;
	}
	if (strcmp(src->path, ".") == 0 || *src->path == '\0')
		git_oid_cpy(&src->tree, git_tree_id(root));
	else {
		if (git_tree_entry_bypath(&e, root, src->path) != 0 ||
		    git_tree_entry_type(e) != GIT_OBJECT_TREE) {
			log_warnx("%s: no folder \"%s\" in the tree of %s",
			    src->gitdir, src->path, o->ref);
			goto out;
		}
		git_oid_cpy(&src->tree, git_tree_entry_id(e));
	}
	if (git_tree_lookup(&content, src->repo, &src->tree) != 0) {
		git_fail(src->path);
		goto out;
	}
	if (git_tree_entry_bypath(&ini, content, "nearmiss.ini") != 0 ||
	    git_tree_entry_type(ini) != GIT_OBJECT_BLOB) {
		log_warnx("%s/nearmiss.ini: not found in %s (commit it "
		    "first: only committed content is published)", src->path,
		    o->ref);
		goto out;
	}
	git_oid_cpy(&src->config, git_tree_entry_id(ini));
	rc = 0;
out:
	git_tree_entry_free(ini);
	git_tree_free(content);
	git_tree_entry_free(e);
	git_tree_free(root);
	git_commit_free(commit);
	git_object_free(obj);
	if (rc == -1)
		repo_close(src);
	return rc;
}

int
repo_reopen(git_repository **out, const struct gitsrc *src)
{
	/* --drafts: another handle on the shared in-memory store. */
	if (src->odb != NULL) {
		if (git_repository_wrap_odb(out, src->odb) != 0)
			return git_fail("in-memory object store");
		return 0;
	}
	if (git_repository_open_ext(out, src->gitdir,
	    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) != 0)
		return git_fail(src->gitdir);
	return 0;
}

void
repo_close(struct gitsrc *src)
{
	git_repository_free(src->repo);
	git_odb_free(src->odb);
	free(src->gitdir);
	free(src->path);
	memset(src, 0, sizeof(*src));
}

int
repo_changes(struct change **out, size_t *nout, const struct gitsrc *src,
    const git_oid *old)
{
	git_tree	*a = NULL, *b = NULL;
	git_diff	*diff = NULL;
	git_diff_options opts;
	const git_diff_delta *d;
	struct change	*v = NULL;
	size_t		 i, n = 0, nd;
	int		 rc = -1;

	*out = NULL;
	*nout = 0;
	if (git_tree_lookup(&a, src->repo, old) != 0) {
		rc = NM_ENOTFOUND;
		goto out;
	}
	if (git_tree_lookup(&b, src->repo, &src->tree) != 0) {
		git_fail("content tree");
		goto out;
	}
	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	opts.flags = GIT_DIFF_SKIP_BINARY_CHECK;
	if (git_diff_tree_to_tree(&diff, src->repo, a, b, &opts) != 0) {
		git_fail("tree diff");
		goto out;
	}
	nd = git_diff_num_deltas(diff);
	for (i = 0; i < nd; i++) {
		d = git_diff_get_delta(diff, i);
		v = xreallocarray(v, n + 2, sizeof(*v));
		if (d->status == GIT_DELTA_DELETED ||
		    d->status == GIT_DELTA_RENAMED) {
			v[n].path = xstrdup(d->old_file.path);
			v[n].deleted = 1;
			n++;
			if (d->status == GIT_DELTA_DELETED)
				continue;
		}
		v[n].path = xstrdup(d->new_file.path);
		v[n].deleted = 0;
		git_oid_cpy(&v[n].oid, &d->new_file.id);
		v[n].mode = d->new_file.mode;
		n++;
	}
	*out = v;
	*nout = n;
	rc = 0;
out:
	git_diff_free(diff);
	git_tree_free(a);
	git_tree_free(b);
	return rc;
}

void
changes_free(struct change *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(v[i].path);
	free(v);
}
