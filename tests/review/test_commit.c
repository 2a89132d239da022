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
 * Unit tests of review/commit.c: the paths rv_commit() accepts and
 * refuses (before libgit2 sees them), and a commit in a scratch
 * repository: only the given paths, the bot identity, midnight UTC, a
 * removed file, and the refusals leaving HEAD where it was.
 */

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>

#include "commit.h"
#include "harness.h"
#include "log.h"

static char	 dir[] = "/tmp/test_commit.XXXXXX";

static void	 put(const char *, const char *);
static int	 commit1(const char *);
static void	 test_paths(void);
static void	 test_commit(void);

static void
put(const char *rel, const char *text)
{
	char	 path[512];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	if ((f = fopen(path, "w")) == NULL || fputs(text, f) == EOF ||
	    fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

/* rv_commit() of one path, its messages captured. */
static int
commit1(const char *path)
{
	const char	*paths[1];
	int		 rc;

	paths[0] = path;
	cap_start();
	rc = rv_commit(dir, paths, 1, "test");
	(void)cap_end();
	return rc;
}

static void
test_paths(void)
{
	static const char *const good[] = {
		"a", "content/reports/2024/2024-0001.md", "a.git", "x/.gitx",
		".github/x", "..a", "a..", "content/approvals/2024/2024-0001",
		"a b", "é",
	};
	static const char *const bad[] = {
		"", "/", "/etc/passwd", "a/", "/a", "a//b", ".", "./a", "a/.",
		"..", "../a", "a/..", "a/../b", ".git", ".git/config",
		"a/.git/b", ".GIT/x", ".Git", ".git.", ".git ", "a/.git. /b",
		"git~1/x", "GIT~1", "a\\b", "a\tb", "a\nb", "a\rb", "\x7f",
		"a\x01", NULL,
	};
	size_t	 i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!rv_path_ok(good[i])) {
			fprintf(stderr, "refused: \"%s\"\n", good[i]);
			OK(0);
		} else
			OK(1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (rv_path_ok(bad[i])) {
			fprintf(stderr, "accepted: \"%s\"\n", bad[i]);
			OK(0);
		} else
			OK(1);
}

static void
test_commit(void)
{
	git_repository	*r = NULL;
	git_commit	*c = NULL;
	git_tree	*t = NULL;
	git_index	*idx = NULL;
	git_oid		 head;
	const git_signature *s;
	const char	*two[2] = { "a.txt", "sub/b.txt" };
	time_t		 now;
	char		 path[512];

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	if (git_repository_init(&r, dir, 0) != 0)
		exit(1);
	snprintf(path, sizeof(path), "%s/sub", dir);
	mkdir(path, 0755);
	put("a.txt", "a\n");
	put("sub/b.txt", "b\n");
	put("other.txt", "other\n");
	/* Refusals on an unborn HEAD leave it unborn. */
	INT_EQ(commit1("/etc/passwd"), -1);
	INT_EQ(commit1("../a.txt"), -1);
	INT_EQ(commit1(".git/config"), -1);
	INT_EQ(commit1("sub/../a.txt"), -1);
	INT_EQ(commit1(""), -1);
	cap_start();
	INT_EQ(rv_commit(dir, two, 0, "none"), -1);
	(void)cap_end();
	INT_EQ(git_repository_head_unborn(r), 1);
	/* The first commit: two paths, other.txt left out. */
	now = time(NULL);
	INT_EQ(rv_commit(dir, two, 2, "first"), 0);
	INT_EQ(git_reference_name_to_id(&head, r, "HEAD"), 0);
	INT_EQ(git_commit_lookup(&c, r, &head), 0);
	INT_EQ(git_commit_parentcount(c), 0);
	STR_EQ(git_commit_message(c), "first\n");
	s = git_commit_author(c);
	STR_EQ(s->name, "nearmiss");
	STR_EQ(s->email, "nearmiss@invalid");
	INT_EQ(s->when.offset, 0);
	INT_EQ(s->when.time % 86400, 0);
	OK(s->when.time <= now && now - s->when.time < 86400 + 5);
	s = git_commit_committer(c);
	STR_EQ(s->name, "nearmiss");
	INT_EQ(s->when.time % 86400, 0);
	INT_EQ(git_commit_tree(&t, c), 0);
	INT_EQ(git_tree_entrycount(t), 2);	/* a.txt, sub */
	git_tree_free(t);
	git_commit_free(c);
	/* A path that is gone from the work tree is removed. */
	snprintf(path, sizeof(path), "%s/a.txt", dir);
	unlink(path);
	INT_EQ(commit1("a.txt"), 0);
	INT_EQ(git_reference_name_to_id(&head, r, "HEAD"), 0);
	INT_EQ(git_commit_lookup(&c, r, &head), 0);
	INT_EQ(git_commit_parentcount(c), 1);
	INT_EQ(git_commit_tree(&t, c), 0);
	INT_EQ(git_tree_entrycount(t), 1);
	git_tree_free(t);
	git_commit_free(c);
	/* Nothing changed: no commit. */
	INT_EQ(commit1("sub/b.txt"), 0);
	{
		git_oid	 again;

		INT_EQ(git_reference_name_to_id(&again, r, "HEAD"), 0);
		OK(git_oid_equal(&again, &head));
	}
	/* A missing path that was never committed: nothing either. */
	INT_EQ(commit1("never.txt"), 0);
	/* A folder, or a symbolic link, is not a file to commit. */
	INT_EQ(commit1("sub"), -1);
	snprintf(path, sizeof(path), "%s/link", dir);
	if (symlink("/etc/passwd", path) != 0)
		exit(1);
	INT_EQ(commit1("link"), -1);
	snprintf(path, sizeof(path), "%s/ldir", dir);
	if (symlink("/etc", path) != 0)
		exit(1);
	INT_EQ(commit1("ldir/passwd"), -1);
	/* The index follows the committed paths, and only them. */
	INT_EQ(git_repository_index(&idx, r), 0);
	INT_EQ(git_index_read(idx, 1), 0);
	OK(git_index_get_bypath(idx, "sub/b.txt", 0) != NULL);
	OK(git_index_get_bypath(idx, "a.txt", 0) == NULL);
	OK(git_index_get_bypath(idx, "other.txt", 0) == NULL);
	git_index_free(idx);
	git_repository_free(r);
	/* Not a repository. */
	cap_start();
	INT_EQ(rv_commit("/nonexistent/nowhere", two, 1, "x"), -1);
	(void)cap_end();
}

int
main(void)
{
	char	 cmd[600];
	int	 rc;

	log_init("test_commit", LOG_TO_STDERR);
	git_libgit2_init();
	git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_GLOBAL, "");
	test_paths();
	test_commit();
	git_libgit2_shutdown();
	rc = DONE("test_commit");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		rc = 1;
	return rc;
}
