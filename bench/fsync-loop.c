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
 * fsync-loop DIR SECONDS [BYTES]: this machine's limit for durable
 * inbox writes.  For SECONDS, one item after another: create
 * DIR/tmp/NAME with O_EXCL, write BYTES (5120), fsync, close, rename to
 * DIR/new/NAME, fsync DIR/new; the same calls as one inbox_put without
 * group commit.  DIR/tmp and DIR/new are made if missing and emptied at
 * the end.  Prints "ops N seconds S ops_per_s R".
 */

#define _POSIX_C_SOURCE 200809L

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
subdir(int dfd, const char *name)
{
	if (mkdirat(dfd, name, 0700) == -1 && errno != EEXIST)
		return -1;
	return openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static void
empty(int fd)
{
	DIR		*d;
	struct dirent	*de;
	int		 dfd;

	if ((dfd = dup(fd)) == -1 || (d = fdopendir(dfd)) == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			unlinkat(fd, de->d_name, 0);
	closedir(d);
}

int
main(int argc, char *argv[])
{
	static char	 data[1024 * 1024];
	char		 name[64];
	double		 secs, t0, t;
	unsigned long	 n = 0;
	size_t		 len = 5120, off;
	ssize_t		 w;
	int		 dfd, tmpfd, newfd, fd;

	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: fsync-loop DIR SECONDS [BYTES]\n");
		return 2;
	}
	secs = atof(argv[2]);
	if (argc == 4)
		len = strtoul(argv[3], NULL, 10);
	if (secs <= 0 || len == 0 || len > sizeof(data)) {
		fprintf(stderr, "fsync-loop: bad SECONDS or BYTES\n");
		return 2;
	}
	memset(data, 'x', len);
	if ((dfd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    (tmpfd = subdir(dfd, "tmp")) == -1 ||
	    (newfd = subdir(dfd, "new")) == -1) {
		perror(argv[1]);
		return 1;
	}
	t0 = now();
	do {
		snprintf(name, sizeof(name), "%08lu.%ld", n, (long)getpid());
		fd = openat(tmpfd, name, O_WRONLY | O_CREAT | O_EXCL |
		    O_CLOEXEC, 0600);
		if (fd == -1) {
			perror("open");
			return 1;
		}
		for (off = 0; off < len; off += (size_t)w)
			if ((w = write(fd, data + off, len - off)) == -1) {
				perror("write");
				return 1;
			}
		if (fsync(fd) == -1 || close(fd) == -1 ||
		    renameat(tmpfd, name, newfd, name) == -1 ||
		    fsync(newfd) == -1) {
			perror("fsync/rename");
			return 1;
		}
		n++;
		t = now() - t0;
	} while (t < secs);
	empty(newfd);
	empty(tmpfd);
	printf("ops %lu seconds %.2f ops_per_s %.1f\n", n, t, (double)n / t);
	return 0;
}
