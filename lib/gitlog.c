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

/* Reporting libgit2 failures, and starting it (see gitlog.h). */

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "file.h"
#include "gitlog.h"
#include "log.h"

int
git_fail(const char *what)
{
	const git_error	*e = git_error_last();

	log_warnx("%s: %s", what, e != NULL && e->message != NULL ?
	    e->message : "unknown libgit2 error");
	return -1;
}

void
git_start(void)
{
	git_libgit2_init();
	git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_SYSTEM, "");
	git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_GLOBAL, "");
	git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_XDG, "");
}

int
git_open_worktree(git_repository **repo, const char *path, char *workdir,
    size_t sz)
{
	char	 p[PATH_MAX];

	if (git_repository_open_ext(repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH,
	    NULL) != 0)
		return git_fail(path);
	if (git_repository_workdir(*repo) == NULL ||
	    realpath(git_repository_workdir(*repo), p) == NULL ||
	    file_path(workdir, sz, "%s%s", p,
	    strcmp(p, "/") == 0 ? "" : "/") != 0) {
		log_warnx("%s: no work tree (a bare repository?)", path);
		return -1;
	}
	return 0;
}
