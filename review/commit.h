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
 * Committing to the content repository through libgit2, with one fixed
 * bot identity and a day-granular date, so that the public history shows
 * neither who reviewed nor when to the minute.
 */

#ifndef NM_COMMIT_H
#define NM_COMMIT_H

#include <stddef.h>

#define RV_COMMIT_NAME	"nearmiss"
#define RV_COMMIT_EMAIL	"nearmiss@invalid"

/*
 * Stages the given paths (relative to the repo's work tree) as they are
 * in the work tree (a path that no longer exists is removed from the
 * index) and commits them on HEAD with the fixed bot identity
 * "nearmiss <nearmiss@invalid>" and today's date at 00:00:00 UTC +0000,
 * as author and committer; an unborn HEAD gets the first commit.  Paths
 * are validated (no absolute, "..", ".git", NUL, empty component) before
 * libgit2 sees them.  Nothing else of the index or the work tree is
 * touched.  Returns 0 or -1 (logged).
 */
int	rv_commit(const char *repo, const char *const *paths, size_t n,
	    const char *message);
/*
 * 1 if path (relative, '/'-separated) may be committed: not empty, not
 * absolute, no "." / ".." / empty component, no component named ".git"
 * (in any case), no NUL, backslash or control character.
 */
int	rv_path_ok(const char *path);

#endif /* NM_COMMIT_H */
