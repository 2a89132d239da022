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
 * The one way to write a file (atomically, through a temporary name in
 * the same directory), read a bounded file, create and remove trees.
 */

#ifndef NM_FILE_H
#define NM_FILE_H

#include <stddef.h>
#include <sys/types.h>

struct buf;

enum {
	/* Write to "path.tmp-XXXXXX" (O_EXCL, 0600), then rename. */
	FILE_ATOMIC = 1 << 0,
	/* fsync the file, and with FILE_ATOMIC the directory after rename. */
	FILE_SYNC = 1 << 1,
	/* Create missing parent directories (mode 0755). */
	FILE_MKDIRS = 1 << 2
};

/*
 * Writes len bytes of data to path with the given final mode.  Without
 * FILE_ATOMIC the file is created with O_EXCL (used inside a staging tree
 * nobody serves yet).  On any failure nothing is left behind under the
 * final name or a temporary one; the error is logged; returns -1.
 */
int	file_write(const char *path, const void *data, size_t len,
	    mode_t mode, int flags);
/*
 * Reads the whole file at path into out (appending).  Returns
 * NM_ENOTFOUND if it does not exist (not logged), NM_ETOOBIG if it is
 * larger than max (logged), -1 on other errors (logged).
 */
int	file_read(struct buf *out, const char *path, size_t max);

/* A file mapped read-only: len bytes at data, not NUL-ended. */
struct fmap {
	const char	*data;
	size_t		 len;
};

/*
 * Maps the whole file at path read-only into m (an empty file gives
 * len 0), with the returns of file_read().  Only for files that are
 * replaced by rename, never rewritten in place: a file cut short while
 * mapped would fault the reader (SIGBUS).
 */
int	file_map(struct fmap *m, const char *path, size_t max);
/* Unmaps m; it then holds no bytes.  Safe on an unmapped m. */
void	file_unmap(struct fmap *m);
/* Like mkdir -p.  Returns 0 or -1 (logged). */
int	file_mkdirs(const char *path, mode_t mode);
/* Like rm -rf without following symlinks.  Missing path is success. */
int	file_remove_tree(const char *path);
/* Writes all of data to fd, retrying on EINTR and short writes. */
int	file_write_all(int fd, const void *data, size_t len);
/*
 * snprintf into a path buffer; returns 0, or -1 (logged, ENAMETOOLONG)
 * if the result would not fit.
 */
int	file_path(char *out, size_t outsz, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* fsync()s the directory at path. */
int	file_sync_dir(const char *path);

#endif /* NM_FILE_H */
