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
 * The one way a libgit2 failure is reported: the caller names what it
 * worked on, libgit2's last error says what went wrong.  Only the
 * programs that link libgit2 (gen and review) call it.
 */

#ifndef NM_GITLOG_H
#define NM_GITLOG_H

struct git_repository;

/* Logs "what: libgit2's last error message" and returns -1. */
int	git_fail(const char *what);
/*
 * Starts libgit2 without any system, global or XDG git configuration:
 * the programs read objects and commit as the bot, whatever the user's
 * git settings.  Pair with git_libgit2_shutdown().
 */
void	git_start(void);
/*
 * Opens the repository at path (not one in a folder above it) and writes
 * the real path of its work tree, ending in '/', to workdir: 0, or -1
 * after saying why (a bare repository has no work tree).
 */
int	git_open_worktree(struct git_repository **, const char *path,
	    char *workdir, size_t sz);

#endif /* NM_GITLOG_H */
