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
 * The publish step: a full build swaps its staging folder in with one
 * renameat2(RENAME_EXCHANGE); an incremental one stages changed files
 * and renames them into place after one sync.  Also the output lock,
 * which keeps two builds off one output, and the build day's time that
 * every file and folder of the site gets (out_write(), site_stamp()).
 */

#define _GNU_SOURCE	/* renameat2, syncfs */

#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "build.h"
#include "file.h"
#include "gen.h"
#include "index.h"
#include "log.h"

/*
 * The time of everything gen writes into the site: midnight UTC of the
 * day of the build, taken once per run.  A web server sends a file's
 * time as Last-Modified; the build's own second would tell anyone when
 * each report went out.
 */
static pthread_once_t	 day_once = PTHREAD_ONCE_INIT;
static struct timespec	 day[2];	/* atime, mtime */

static void
day_init(void)
{
	time_t	 now = time(NULL);

	/* POSIX time has no leap seconds: every day is 86400 of them. */
	day[0].tv_sec = now - now % 86400;
	day[0].tv_nsec = 0;
	day[1] = day[0];
}

/* Gives path (relative to the folder fd) the build day's time. */
static int
stamp_at(int fd, const char *path)
{
	pthread_once(&day_once, day_init);
	if (utimensat(fd, path, day, AT_SYMLINK_NOFOLLOW) == -1) {
		log_warn("%s", path);
		return -1;
	}
	return 0;
}

/*
 * Gives the folders from path's parent up to the one whose path is the
 * first toplen bytes of path the build day's time.
 */
static int
stamp_parents(const char *path, size_t toplen)
{
	char	 dir[PATH_MAX], *slash;

	if (file_path(dir, sizeof(dir), "%s", path) != 0)
		return -1;
	while ((slash = strrchr(dir, '/')) != NULL &&
	    (size_t)(slash - dir) >= toplen) {
		*slash = '\0';
		if (stamp_at(AT_FDCWD, dir) != 0)
			return -1;
	}
	return 0;
}

/*
 * Gives the folder open as fd (path, a PATH_MAX buffer, for messages) and
 * every folder under it the build day's time; closes fd.  A folder with
 * two links holds no folder (each adds one) and is not opened: most are
 * those of the report pages.
 */
static int
stamp_tree(int fd, char *path, size_t len)
{
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	int		 sub, rc = 0, w;

	pthread_once(&day_once, day_init);
	if ((d = fdopendir(fd)) == NULL) {
		log_warn("%s", path);
		close(fd);
		return -1;
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN))
			continue;
		w = snprintf(path + len, PATH_MAX - len, "/%s", de->d_name);
		if (w < 0 || (size_t)w >= PATH_MAX - len) {
			path[len] = '\0';
			log_warnx("%s: a name too long in it", path);
			rc = -1;
			break;
		}
		if (fstatat(dirfd(d), de->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) == -1) {
			log_warn("%s", path);
			rc = -1;
		} else if (S_ISDIR(st.st_mode) && st.st_nlink == 2) {
			if (utimensat(dirfd(d), de->d_name, day,
			    AT_SYMLINK_NOFOLLOW) == -1) {
				log_warn("%s", path);
				rc = -1;
			}
		} else if (S_ISDIR(st.st_mode)) {
			if ((sub = openat(dirfd(d), de->d_name, O_RDONLY |
			    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
				log_warn("%s", path);
				rc = -1;
			} else
				rc = stamp_tree(sub, path, len + (size_t)w);
		}
		path[len] = '\0';
	}
	if (rc == 0 && futimens(dirfd(d), day) == -1) {
		log_warn("%s", path);
		rc = -1;
	}
	closedir(d);
	return rc;
}

/* Writes data to the next numbered file of the staging folder. */
static int
publish_add(struct publish *p, const char *dst, const struct buf *data)
{
	char	 tmp[PATH_MAX];
	size_t	 n;

	pthread_mutex_lock(&p->lock);
	n = p->n++;
	p->tmp = xreallocarray(p->tmp, p->n, sizeof(char *));
	p->dst = xreallocarray(p->dst, p->n, sizeof(char *));
	p->tmp[n] = p->dst[n] = NULL;
	pthread_mutex_unlock(&p->lock);
	if (file_path(tmp, sizeof(tmp), "%s/%zu", p->tmpdir, n) != 0 ||
	    out_write(tmp, data, 0) != 0)
		return -1;
	pthread_mutex_lock(&p->lock);
	p->tmp[n] = xstrdup(tmp);
	p->dst[n] = xstrdup(dst);
	pthread_mutex_unlock(&p->lock);
	return 0;
}

int
publish_file(struct publish *p, const char *tmp, const char *dst)
{
	size_t	 n;

	pthread_mutex_lock(&p->lock);
	n = p->n++;
	p->tmp = xreallocarray(p->tmp, p->n, sizeof(char *));
	p->dst = xreallocarray(p->dst, p->n, sizeof(char *));
	p->tmp[n] = xstrdup(tmp);
	p->dst[n] = xstrdup(dst);
	pthread_mutex_unlock(&p->lock);
	return stamp_at(AT_FDCWD, tmp);
}

int
publish_init(struct publish *p, const char *outdir)
{
	if (file_path(p->tmpdir, sizeof(p->tmpdir), "%s/.nearmiss-tmp",
	    outdir) != 0 || file_remove_tree(p->tmpdir) != 0)
		return -1;
	if (mkdir(p->tmpdir, 0755) == -1) {
		log_warn("%s", p->tmpdir);
		return -1;
	}
	return 0;
}

int
publish_commit(struct publish *p, int sync)
{
	char	 dir[PATH_MAX], *slash;
	size_t	 i, top, toplen;

	if (sync && p->n > 0 && sync_tree(p->tmpdir) != 0)
		return -1;
	/* The output folder, which holds tmpdir. */
	slash = strrchr(p->tmpdir, '/');
	assert(slash != NULL);
	top = (size_t)(slash - p->tmpdir);
	for (i = 0; i < p->n; i++) {
		/* The rename changes the folder of dst: its time is reset. */
		slash = strrchr(p->dst[i], '/');
		assert(slash != NULL);
		toplen = (size_t)(slash - p->dst[i]);
		if (rename(p->tmp[i], p->dst[i]) == -1) {
			if (errno != ENOENT) {
				log_warn("rename %s", p->dst[i]);
				return -1;
			}
			/* A new page in a new folder. */
			snprintf(dir, sizeof(dir), "%s", p->dst[i]);
			if ((slash = strrchr(dir, '/')) != NULL)
				*slash = '\0';
			if (file_mkdirs(dir, 0755) != 0)
				return -1;
			if (rename(p->tmp[i], p->dst[i]) == -1) {
				log_warn("rename %s", p->dst[i]);
				return -1;
			}
			/* New folders change the ones above them too. */
			toplen = top;
		}
		if (stamp_parents(p->dst[i], toplen) != 0)
			return -1;
	}
	if (sync && p->n > 0 && sync_tree(p->tmpdir) != 0)
		return -1;
	return 0;
}

void
publish_free(struct publish *p)
{
	size_t	 i;

	if (p->tmpdir[0] != '\0')
		file_remove_tree(p->tmpdir);
	for (i = 0; i < p->n; i++) {
		free(p->tmp[i]);
		free(p->dst[i]);
	}
	free(p->tmp);
	free(p->dst);
	pthread_mutex_destroy(&p->lock);
	memset(p, 0, sizeof(*p));
}

int
write_out(struct publish *pub, const char *dir, const char *rel,
    const struct buf *data, int *changed)
{
	struct buf	 old = BUF_INIT;
	char		 path[PATH_MAX];
	int		 rc;

	*changed = 0;
	if (file_path(path, sizeof(path), "%s/%s", dir, rel) != 0)
		return -1;
	if (pub == NULL)
		return out_write(path, data, FILE_MKDIRS);
	rc = file_read(&old, path, PAGE_MAX * 64);
	if (rc == 0 && old.len == data->len &&
	    memcmp(old.data, data->data, data->len) == 0) {
		buf_free(&old);
		return 0;
	}
	buf_free(&old);
	*changed = 1;
	return publish_add(pub, path, data);
}

int
out_write(const char *path, const struct buf *data, int flags)
{
	if (file_write(path, data->data, data->len, 0644, flags) != 0)
		return -1;
	return stamp_at(AT_FDCWD, path);
}

int
out_stamp(const char *path)
{
	return stamp_at(AT_FDCWD, path);
}

int
out_copy(int to, const char *topath, int from, const char *frompath,
    off_t off, size_t n)
{
	char	*b = NULL;
	ssize_t	 r;
	size_t	 k;
	int	 rc = -1;

	/* In the kernel (a reflink where the file system can). */
	while (n > 0) {
		if ((r = copy_file_range(from, &off, to, NULL, n, 0)) == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EXDEV || errno == ENOSYS ||
			    errno == EINVAL || errno == EOPNOTSUPP)
				break;
			log_warn("%s", topath);
			return -1;
		}
		if (r == 0) {
			log_warnx("%s: shorter than it was", frompath);
			return -1;
		}
		n -= (size_t)r;
	}
	if (n == 0)
		return 0;
	b = xmalloc(1 << 20);
	while (n > 0) {
		k = n < (1 << 20) ? n : (1 << 20);
		if ((r = pread(from, b, k, off)) == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				log_warnx("%s: shorter than it was", frompath);
			else
				log_warn("%s", frompath);
			goto out;
		}
		if (file_write_all(to, b, (size_t)r) != 0) {
			log_warn("%s", topath);
			goto out;
		}
		off += r;
		n -= (size_t)r;
	}
	rc = 0;
out:
	free(b);
	return rc;
}

int
out_splice(const char *path, size_t off, size_t cut, const struct buf *data)
{
	struct stat	 sb;
	struct buf	 tail = BUF_INIT;
	struct iovec	 iov[2];
	ssize_t		 r, w;
	size_t		 n;
	int		 fd, rc = -1;

	if ((fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		log_warn("%s", path);
		return -1;
	}
	if (fstat(fd, &sb) == -1) {
		log_warn("%s", path);
		goto out;
	}
	if ((uint64_t)sb.st_size < (uint64_t)off + cut) {
		log_warnx("%s: shorter than the page written", path);
		goto out;
	}
	n = (size_t)sb.st_size - off - cut;
	buf_grow(&tail, n + 1);
	if ((r = pread(fd, tail.data, n, (off_t)(off + cut))) < 0 ||
	    (size_t)r != n) {
		log_warn("%s", path);
		goto out;
	}
	tail.len = n;
	iov[0].iov_base = data->data;
	iov[0].iov_len = data->len;
	iov[1].iov_base = tail.data;
	iov[1].iov_len = tail.len;
	/* One write of both; the file only shrinks if the slot does. */
	if ((w = pwritev(fd, iov, 2, (off_t)off)) < 0 ||
	    (size_t)w != data->len + n ||
	    (data->len < cut &&
	    ftruncate(fd, (off_t)(off + data->len + n)) == -1)) {
		log_warn("%s", path);
		goto out;
	}
	pthread_once(&day_once, day_init);
	if (futimens(fd, day) == -1) {
		log_warn("%s", path);
		goto out;
	}
	rc = 0;
out:
	close(fd);
	buf_free(&tail);
	return rc;
}

int
site_stamp(const char *outdir, int all)
{
	/* What an incremental build changes besides publish_commit(). */
	static const char *const changed[] = {
		STATE_FILE,		/* state_write() */
		IX_DIR "/x",		/* ix_prune() */
		IX_DIR "/m",
	};
	char	 path[PATH_MAX];
	size_t	 i;
	int	 fd;

	if (all) {
		if (file_path(path, sizeof(path), "%s", outdir) != 0)
			return -1;
		if ((fd = open(outdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
		    -1) {
			log_warn("%s", outdir);
			return -1;
		}
		if (stamp_tree(fd, path, strlen(path)) != 0)
			return -1;
	}
	pthread_once(&day_once, day_init);
	for (i = 0; i < sizeof(changed) / sizeof(changed[0]); i++) {
		if (file_path(path, sizeof(path), "%s/%s", outdir,
		    changed[i]) != 0)
			return -1;
		/* No search index (index = off) is no error. */
		if (utimensat(AT_FDCWD, path, day, AT_SYMLINK_NOFOLLOW) == -1 &&
		    errno != ENOENT) {
			log_warn("%s", path);
			return -1;
		}
	}
	/* The folder itself: the state file and .nearmiss-tmp changed it. */
	return stamp_at(AT_FDCWD, outdir);
}

int
remove_out(const char *dir, const char *rel)
{
	char	 path[PATH_MAX], *slash;
	size_t	 base = strlen(dir);
	int	 w;

	w = snprintf(path, sizeof(path), "%s/%s", dir, rel);
	if (w < 0 || (size_t)w >= sizeof(path))
		return -1;
	if (file_remove_tree(path) != 0)
		return -1;
	while ((slash = strrchr(path, '/')) != NULL &&
	    (size_t)(slash - path) > base) {
		*slash = '\0';
		if (rmdir(path) == -1)
			/* Not empty: the folder that changed. */
			return stamp_at(AT_FDCWD, path);
	}
	return stamp_at(AT_FDCWD, dir);
}

int
swap_in(const char *staging, const char *outdir)
{
	struct stat	 st;

	if (stat(outdir, &st) == -1) {
		if (errno != ENOENT) {
			log_warn("%s", outdir);
			return -1;
		}
		if (rename(staging, outdir) == -1) {
			log_warn("rename %s to %s", staging, outdir);
			return -1;
		}
		return 0;
	}
	if (renameat2(AT_FDCWD, staging, AT_FDCWD, outdir,
	    RENAME_EXCHANGE) == -1) {
		log_warn("exchange %s and %s", staging, outdir);
		return -1;
	}
	/* staging now holds the previous site. */
	return file_remove_tree(staging);
}

int
outdir_ok(const char *outdir)
{
	struct dirent	*de;
	DIR		*d;
	char		 path[PATH_MAX];
	int		 empty = 1;

	if ((d = opendir(outdir)) == NULL) {
		if (errno == ENOENT)
			return 0;
		log_warn("%s", outdir);
		return -1;
	}
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0) {
			empty = 0;
			break;
		}
	closedir(d);
	if (file_path(path, sizeof(path), "%s/%s", outdir, STATE_FILE) != 0)
		return -1;
	if (!empty && access(path, F_OK) == -1) {
		log_warnx("%s: exists and was not made by nearmiss-gen "
		    "(no %s); remove it or choose another output folder",
		    outdir, STATE_FILE);
		return -1;
	}
	return 0;
}

int
parent_sync(const char *path)
{
	char	 dir[PATH_MAX], *slash;

	if (file_path(dir, sizeof(dir), "%s", path) != 0)
		return -1;
	if ((slash = strrchr(dir, '/')) == NULL)
		return file_sync_dir(".");
	if (slash == dir)
		slash++;
	*slash = '\0';
	return file_sync_dir(dir);
}

int
side_path(char *out, size_t sz, const char *outdir, const char *suffix)
{
	size_t	 n = strlen(outdir);

	while (n > 1 && outdir[n - 1] == '/')
		n--;
	return file_path(out, sz, "%.*s%s", (int)n, outdir, suffix);
}

int
sync_tree(const char *dir)
{
	int	 fd, rc = 0;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		log_warn("%s", dir);
		return -1;
	}
	if (syncfs(fd) == -1) {
		log_warn("syncfs %s", dir);
		rc = -1;
	}
	close(fd);
	return rc;
}

int
lock_output(const char *outdir)
{
	struct dirent	*de;
	DIR		*d;
	char		 path[PATH_MAX], dir[PATH_MAX], *slash;
	const char	*base;
	size_t		 n;
	int		 fd;

	if (file_path(path, sizeof(path), "%s.lock", outdir) != 0)
		return -1;
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) == -1) {
		log_warn("%s", path);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		log_warnx("%s: another nearmiss-gen is building this output",
		    path);
		close(fd);
		return -1;
	}
	if (file_path(dir, sizeof(dir), "%s", outdir) != 0) {
		close(fd);
		return -1;
	}
	if ((slash = strrchr(dir, '/')) != NULL) {
		*slash = '\0';
		base = outdir + (slash - dir) + 1;
		if (dir[0] == '\0')
			memcpy(dir, "/", 2);
	} else {
		memcpy(dir, ".", 2);
		base = outdir;
	}
	n = strlen(base);
	if ((d = opendir(dir)) == NULL)
		return fd;
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, base, n) == 0 &&
		    strncmp(de->d_name + n, ".tmp-", 5) == 0 &&
		    strlen(de->d_name + n + 5) == 6 &&
		    file_path(path, sizeof(path), "%s/%s", dir,
		    de->d_name) == 0) {
			log_info("%s: removing what an interrupted build left",
			    path);
			file_remove_tree(path);
		}
	closedir(d);
	return fd;
}
