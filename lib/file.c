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
 * Atomic file writes (temp + fsync + rename, as OpenSMTPD's maildir
 * delivery), bounded reads, mkdir -p and rm -r.
 */

#define _GNU_SOURCE	/* nftw FTW_ACTIONRETVAL-free use, O_CLOEXEC */

#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "file.h"
#include "log.h"
#include "nm.h"

static int	open_bounded(const char *, size_t, size_t *);
static int	parent_of(char *, size_t, const char *);
static int	rm_entry(const char *, const struct stat *, int, struct FTW *);

static int
parent_of(char *out, size_t outsz, const char *path)
{
	const char	*slash;
	size_t		 n;

	if ((slash = strrchr(path, '/')) == NULL) {
		if (outsz < 2)
			return -1;
		out[0] = '.';
		out[1] = '\0';
		return 0;
	}
	n = slash == path ? 1 : (size_t)(slash - path);
	if (n >= outsz)
		return -1;
	memcpy(out, path, n);
	out[n] = '\0';
	return 0;
}

int
file_write_all(int fd, const void *data, size_t len)
{
	const char	*p = data;
	ssize_t		 n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
file_path(char *out, size_t outsz, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(out, outsz, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= outsz) {
		log_warnx("%.64s...: %s", out, strerror(ENAMETOOLONG));
		return -1;
	}
	return 0;
}

int
file_sync_dir(const char *path)
{
	int	 fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		log_warn("%s", path);
		return -1;
	}
	if (fsync(fd) == -1) {
		log_warn("fsync %s", path);
		goto out;
	}
	rc = 0;
out:
	close(fd);
	return rc;
}

int
file_mkdirs(const char *path, mode_t mode)
{
	char	 tmp[PATH_MAX];
	char	*p;
	int	 n;

	n = snprintf(tmp, sizeof(tmp), "%s", path);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		log_warnx("%s: %s", path, strerror(ENAMETOOLONG));
		return -1;
	}
	for (p = tmp + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		if (p[-1] == '/') {
			if (*p == '\0')
				break;
			continue;
		}
		*p = '\0';
		if (mkdir(tmp, mode) == -1) {
			struct stat st;

			if (errno != EEXIST || stat(tmp, &st) == -1 ||
			    !S_ISDIR(st.st_mode)) {
				if (errno == EEXIST)
					errno = ENOTDIR;
				log_warn("mkdir %s", tmp);
				return -1;
			}
		}
		if (p - tmp == n)
			break;
		*p = '/';
	}
	return 0;
}

int
file_write(const char *path, const void *data, size_t len, mode_t mode,
    int flags)
{
	char	 tmp[PATH_MAX], dir[PATH_MAX];
	const char	*target = path;
	int		 fd = -1, rc = -1, n, renamed = 0;

	if (parent_of(dir, sizeof(dir), path) == -1) {
		log_warnx("%s: %s", path, strerror(ENAMETOOLONG));
		return -1;
	}
	if ((flags & FILE_MKDIRS) && file_mkdirs(dir, 0755) == -1)
		return -1;
	if (flags & FILE_ATOMIC) {
		n = snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", path);
		if (n < 0 || (size_t)n >= sizeof(tmp)) {
			log_warnx("%s: %s", path, strerror(ENAMETOOLONG));
			return -1;
		}
		/* mkostemp opens with O_EXCL and mode 0600. */
		if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
			log_warn("%s", tmp);
			return -1;
		}
		target = tmp;
	} else {
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		    mode);
		if (fd == -1) {
			log_warn("%s", path);
			return -1;
		}
	}
	if (file_write_all(fd, data, len) == -1) {
		log_warn("write %s", target);
		goto out;
	}
	if ((flags & FILE_ATOMIC) && fchmod(fd, mode) == -1) {
		log_warn("chmod %s", target);
		goto out;
	}
	if ((flags & FILE_SYNC) && fsync(fd) == -1) {
		log_warn("fsync %s", target);
		goto out;
	}
	if (close(fd) == -1) {
		fd = -1;
		log_warn("close %s", target);
		goto out;
	}
	fd = -1;
	if ((flags & FILE_ATOMIC) && rename(tmp, path) == -1) {
		log_warn("rename %s", path);
		goto out;
	}
	/* Complete from here on: a failed directory sync must not unlink. */
	renamed = 1;
	if ((flags & (FILE_ATOMIC | FILE_SYNC)) == (FILE_ATOMIC | FILE_SYNC) &&
	    file_sync_dir(dir) == -1)
		goto out;
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	if (rc == -1 && !renamed)
		unlink(target);
	return rc;
}

/*
 * Opens path to read it whole: the descriptor, its size in *size.
 * NM_ENOTFOUND if it does not exist (not logged), NM_ETOOBIG if it is
 * larger than max (logged), -1 on other errors (logged).
 */
static int
open_bounded(const char *path, size_t max, size_t *size)
{
	struct stat	 st;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return NM_ENOTFOUND;
		log_warn("%s", path);
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		log_warn("%s", path);
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		log_warnx("%s: not a regular file", path);
		close(fd);
		return -1;
	}
	if ((size_t)st.st_size > max) {
		log_warnx("%s: larger than %zu bytes", path, max);
		close(fd);
		return NM_ETOOBIG;
	}
	*size = (size_t)st.st_size;
	return fd;
}

int
file_read(struct buf *out, const char *path, size_t max)
{
	size_t		 total = 0, size;
	ssize_t		 n;
	int		 fd, rc = -1;

	if ((fd = open_bounded(path, max, &size)) < 0)
		return fd;
	/* Straight into the buffer: the size, and a little more if it grew. */
	buf_grow(out, size + 1);
	for (;;) {
		if (out->cap - out->len - 1 == 0)
			buf_grow(out, 65536);
		n = read(fd, out->data + out->len, out->cap - out->len - 1);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			out->data[out->len] = '\0';
			log_warn("read %s", path);
			goto out;
		}
		if (n == 0)
			break;
		total += (size_t)n;
		out->len += (size_t)n;
		out->data[out->len] = '\0';
		if (total > max) {
			log_warnx("%s: larger than %zu bytes", path, max);
			rc = NM_ETOOBIG;
			goto out;
		}
	}
	rc = 0;
out:
	close(fd);
	return rc;
}

int
file_map(struct fmap *m, const char *path, size_t max)
{
	size_t		 size;
	void		*p;
	int		 fd;

	m->data = "";
	m->len = 0;
	if ((fd = open_bounded(path, max, &size)) < 0)
		return fd;
	if (size == 0) {
		close(fd);
		return 0;
	}
	/*
	 * Populated at once: one call maps the file's cached pages, where
	 * faulting them in one by one costs far more on a virtual machine.
	 */
	p = mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		log_warn("mmap %s", path);
		return -1;
	}
	m->data = p;
	m->len = size;
	return 0;
}

void
file_unmap(struct fmap *m)
{
	if (m->len > 0)
		munmap((void *)(uintptr_t)m->data, m->len);
	m->data = "";
	m->len = 0;
}

static int
rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP) {
		if (rmdir(path) == -1 && errno != ENOENT) {
			log_warn("rmdir %s", path);
			return -1;
		}
		return 0;
	}
	if (unlink(path) == -1 && errno != ENOENT) {
		log_warn("unlink %s", path);
		return -1;
	}
	return 0;
}

int
file_remove_tree(const char *path)
{
	struct stat	 st;

	if (lstat(path, &st) == -1)
		return errno == ENOENT ? 0 : (log_warn("%s", path), -1);
	if (!S_ISDIR(st.st_mode)) {
		if (unlink(path) == -1) {
			log_warn("unlink %s", path);
			return -1;
		}
		return 0;
	}
	return nftw(path, rm_entry, 32, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : -1;
}
