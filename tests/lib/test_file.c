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
 * Unit tests of lib/file.c: atomic and exclusive writes (content, mode,
 * no temporary left behind, nothing left on failure), bounded reads,
 * mkdir -p, rm -r without following symlinks, and file_path truncation.
 */

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "file.h"
#include "harness.h"
#include "nm.h"

static char	 top[1024];

/* Helpers */

static const char *
p(const char *rel)
{
	static char	 path[4][sizeof(top) + 256];
	static int	 i;

	i = (i + 1) % 4;
	snprintf(path[i], sizeof(path[i]), "%s/%s", top, rel);
	return path[i];
}

/* Number of entries in dir (without . and ..), or -1. */
static int
count_entries(const char *dir)
{
	DIR		*d;
	struct dirent	*e;
	int		 n = 0;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 &&
		    strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/* Number of entries of dir whose name contains ".tmp-". */
static int
count_temps(const char *dir)
{
	DIR		*d;
	struct dirent	*e;
	int		 n = 0;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strstr(e->d_name, ".tmp-") != NULL)
			n++;
	closedir(d);
	return n;
}

static int
exists(const char *path)
{
	struct stat	 st;

	return lstat(path, &st) == 0;
}

static int
mode_of(const char *path)
{
	struct stat	 st;

	if (stat(path, &st) == -1)
		return -1;
	return (int)(st.st_mode & 07777);
}

/* The content of path, or "(error)". */
static const char *
content(const char *path)
{
	static char	 text[4096];
	struct buf	 b = BUF_INIT;

	if (file_read(&b, path, sizeof(text) - 1) != 0)
		snprintf(text, sizeof(text), "(error)");
	else
		snprintf(text, sizeof(text), "%s", b.data);
	buf_free(&b);
	return text;
}

/* Tests */

static void
test_write_atomic(void)
{
	OK(file_mkdirs(p("w"), 0755) == 0);
	INT_EQ(file_write(p("w/a.txt"), "hello\n", 6, 0644, FILE_ATOMIC), 0);
	STR_EQ(content(p("w/a.txt")), "hello\n");
	INT_EQ(mode_of(p("w/a.txt")), 0644);
	INT_EQ(count_entries(p("w")), 1);
	INT_EQ(count_temps(p("w")), 0);
	/* The final mode is the one asked for, not the temp file's 0600. */
	INT_EQ(file_write(p("w/b.txt"), "x", 1, 0640,
	    FILE_ATOMIC | FILE_SYNC), 0);
	INT_EQ(mode_of(p("w/b.txt")), 0640);
	INT_EQ(file_write(p("w/c.txt"), "", 0, 0600, FILE_ATOMIC), 0);
	INT_EQ(mode_of(p("w/c.txt")), 0600);
	STR_EQ(content(p("w/c.txt")), "");
	/* Atomic writes replace an existing file. */
	INT_EQ(file_write(p("w/a.txt"), "replaced", 8, 0644, FILE_ATOMIC), 0);
	STR_EQ(content(p("w/a.txt")), "replaced");
	INT_EQ(count_entries(p("w")), 3);
	INT_EQ(count_temps(p("w")), 0);
	/* Binary data with NULs is written as is. */
	INT_EQ(file_write(p("w/bin"), "a\0b", 3, 0644, FILE_ATOMIC), 0);
	{
		struct buf b = BUF_INIT;

		INT_EQ(file_read(&b, p("w/bin"), 10), 0);
		INT_EQ(b.len, 3);
		OK(b.len == 3 && memcmp(b.data, "a\0b", 3) == 0);
		buf_free(&b);
	}
}

static void
test_write_excl(void)
{
	const char	*err;

	OK(file_mkdirs(p("x"), 0755) == 0);
	INT_EQ(file_write(p("x/f"), "first", 5, 0644, 0), 0);
	STR_EQ(content(p("x/f")), "first");
	/* Without FILE_ATOMIC an existing file is never overwritten. */
	cap_start();
	INT_EQ(file_write(p("x/f"), "second", 6, 0644, 0), -1);
	err = cap_end();
	OK(strstr(err, "x/f") != NULL);
	OK(strstr(err, "File exists") != NULL);
	STR_EQ(content(p("x/f")), "first");
	INT_EQ(count_entries(p("x")), 1);
	INT_EQ(file_write(p("x/g"), "s", 1, 0644, FILE_SYNC), 0);
	STR_EQ(content(p("x/g")), "s");
	INT_EQ(count_temps(p("x")), 0);
}

static void
test_write_mkdirs(void)
{
	INT_EQ(file_write(p("m/a/b/c/f.html"), "<p>", 3, 0644,
	    FILE_ATOMIC | FILE_MKDIRS), 0);
	STR_EQ(content(p("m/a/b/c/f.html")), "<p>");
	INT_EQ(mode_of(p("m/a/b")), 0755);
	INT_EQ(file_write(p("m/x/y/g"), "g", 1, 0644, FILE_MKDIRS), 0);
	STR_EQ(content(p("m/x/y/g")), "g");
	/* Without FILE_MKDIRS a missing folder fails, leaving nothing. */
	cap_start();
	INT_EQ(file_write(p("m/none/f"), "x", 1, 0644, FILE_ATOMIC), -1);
	INT_EQ(file_write(p("m/none/g"), "x", 1, 0644, 0), -1);
	cap_end();
	OK(!exists(p("m/none")));
	INT_EQ(count_entries(p("m")), 2);
}

static void
test_write_fails(void)
{
	struct rlimit	 old, rl;
	const char	*err;
	char		 big[4096];
	int		 rc;

	/* A parent that is a regular file. */
	OK(file_write(p("notdir"), "x", 1, 0644, 0) == 0);
	cap_start();
	INT_EQ(file_write(p("notdir/f"), "x", 1, 0644, FILE_ATOMIC), -1);
	INT_EQ(file_write(p("notdir/f"), "x", 1, 0644,
	    FILE_ATOMIC | FILE_MKDIRS), -1);
	cap_end();
	/* A read-only folder (root ignores modes: use procfs then). */
	OK(file_mkdirs(p("ro"), 0755) == 0);
	chmod(p("ro"), 0555);
	cap_start();
	if (geteuid() != 0) {
		INT_EQ(file_write(p("ro/f"), "x", 1, 0644, FILE_ATOMIC), -1);
		INT_EQ(file_write(p("ro/g"), "x", 1, 0644, 0), -1);
		INT_EQ(count_entries(p("ro")), 0);
	} else {
		INT_EQ(file_write("/proc/self/nearmiss-test", "x", 1, 0644,
		    FILE_ATOMIC), -1);
		INT_EQ(file_write("/proc/self/nearmiss-test", "x", 1, 0644,
		    0), -1);
		OK(!exists("/proc/self/nearmiss-test"));
	}
	err = cap_end();
	OK(err[0] != '\0');
	chmod(p("ro"), 0755);
	/*
	 * A write that fails half way (file size limit): the temporary or
	 * the exclusive file is removed, the old file is untouched.
	 */
	memset(big, 'b', sizeof(big));
	OK(file_mkdirs(p("full"), 0755) == 0);
	OK(file_write(p("full/old"), "old", 3, 0644, 0) == 0);
	getrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, SIG_IGN);
	rl = old;
	rl.rlim_cur = 100;
	setrlimit(RLIMIT_FSIZE, &rl);
	cap_start();
	rc = file_write(p("full/old"), big, sizeof(big), 0644, FILE_ATOMIC);
	INT_EQ(rc, -1);
	rc = file_write(p("full/new"), big, sizeof(big), 0644, 0);
	INT_EQ(rc, -1);
	rc = file_write(p("full/new2"), big, sizeof(big), 0644,
	    FILE_ATOMIC | FILE_SYNC);
	INT_EQ(rc, -1);
	err = cap_end();
	setrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, SIG_DFL);
	OK(strstr(err, "write ") != NULL);
	STR_EQ(content(p("full/old")), "old");
	INT_EQ(count_entries(p("full")), 1);
	INT_EQ(count_temps(p("full")), 0);
	OK(!exists(p("full/new")));
}

static void
test_read(void)
{
	struct buf	 b = BUF_INIT;
	const char	*err;
	char		 data[1000];

	memset(data, 'r', sizeof(data));
	OK(file_mkdirs(p("r"), 0755) == 0);
	OK(file_write(p("r/f"), data, sizeof(data), 0644, 0) == 0);
	INT_EQ(file_read(&b, p("r/f"), 1000), 0);
	INT_EQ(b.len, 1000);
	OK(b.data[b.len] == '\0');
	buf_free(&b);
	/* One byte over the cap. */
	cap_start();
	INT_EQ(file_read(&b, p("r/f"), 999), NM_ETOOBIG);
	err = cap_end();
	OK(strstr(err, "larger than 999 bytes") != NULL);
	buf_free(&b);
	cap_start();
	INT_EQ(file_read(&b, p("r/f"), 0), NM_ETOOBIG);
	cap_end();
	buf_free(&b);
	/* A missing file is not logged. */
	cap_start();
	INT_EQ(file_read(&b, p("r/missing"), 100), NM_ENOTFOUND);
	err = cap_end();
	STR_EQ(err, "");
	INT_EQ(b.len, 0);
	/* Appends to what the buffer holds. */
	OK(file_write(p("r/small"), "def", 3, 0644, 0) == 0);
	buf_addstr(&b, "abc");
	INT_EQ(file_read(&b, p("r/small"), 3), 0);
	STR_EQ(b.data, "abcdef");
	buf_free(&b);
	/* An empty file within a zero cap. */
	OK(file_write(p("r/empty"), "", 0, 0644, 0) == 0);
	INT_EQ(file_read(&b, p("r/empty"), 0), 0);
	INT_EQ(b.len, 0);
	/* A directory is not a regular file. */
	cap_start();
	INT_EQ(file_read(&b, p("r"), 100), -1);
	err = cap_end();
	OK(strstr(err, "not a regular file") != NULL);
	buf_free(&b);
}

static void
test_mkdirs(void)
{
	const char	*err;

	INT_EQ(file_mkdirs(p("d/a/b/c"), 0755), 0);
	OK(exists(p("d/a/b/c")));
	/* Existing folders are fine. */
	INT_EQ(file_mkdirs(p("d/a/b/c"), 0755), 0);
	INT_EQ(file_mkdirs(p("d/a"), 0755), 0);
	/* Trailing and doubled slashes. */
	INT_EQ(file_mkdirs(p("d/t/"), 0755), 0);
	OK(exists(p("d/t")));
	INT_EQ(file_mkdirs(p("d//u//v"), 0755), 0);
	OK(exists(p("d/u/v")));
	INT_EQ(file_mkdirs("/", 0755), 0);
	/* A regular file in the way. */
	OK(file_write(p("d/file"), "x", 1, 0644, 0) == 0);
	cap_start();
	INT_EQ(file_mkdirs(p("d/file/sub"), 0755), -1);
	err = cap_end();
	OK(strstr(err, "mkdir") != NULL);
	/* Like mkdir -p: an existing file is not a directory. */
	cap_start();
	INT_EQ(file_mkdirs(p("d/file"), 0755), -1);
	cap_end();
}

static void
test_remove_tree(void)
{
	INT_EQ(file_write(p("rm/a/b/c/f"), "x", 1, 0644, FILE_MKDIRS), 0);
	INT_EQ(file_write(p("rm/a/g"), "x", 1, 0644, 0), 0);
	INT_EQ(file_mkdirs(p("rm/empty/deeper"), 0755), 0);
	/* A symlink to a folder outside: the link goes, not its target. */
	INT_EQ(file_write(p("keep/precious"), "p", 1, 0644, FILE_MKDIRS), 0);
	OK(symlink(p("keep"), p("rm/a/link")) == 0);
	OK(symlink(p("keep/precious"), p("rm/filelink")) == 0);
	INT_EQ(file_remove_tree(p("rm")), 0);
	OK(!exists(p("rm")));
	OK(exists(p("keep/precious")));
	STR_EQ(content(p("keep/precious")), "p");
	/* Missing is success; a plain file is removed. */
	INT_EQ(file_remove_tree(p("rm")), 0);
	INT_EQ(file_remove_tree(p("keep/precious")), 0);
	OK(!exists(p("keep/precious")));
	OK(exists(p("keep")));
	/* A symlink given directly is removed, its target kept. */
	INT_EQ(file_mkdirs(p("keep2/x"), 0755), 0);
	OK(symlink(p("keep2"), p("lnk")) == 0);
	INT_EQ(file_remove_tree(p("lnk")), 0);
	OK(!exists(p("lnk")));
	OK(exists(p("keep2/x")));
}

static void
test_path(void)
{
	char		 out[16];
	const char	*err;

	INT_EQ(file_path(out, sizeof(out), "%s/%d", "ab", 7), 0);
	STR_EQ(out, "ab/7");
	/* 15 bytes fit a 16-byte buffer, 16 do not. */
	INT_EQ(file_path(out, sizeof(out), "%s", "123456789012345"), 0);
	STR_EQ(out, "123456789012345");
	cap_start();
	INT_EQ(file_path(out, sizeof(out), "%s", "1234567890123456"), -1);
	err = cap_end();
	OK(strstr(err, "File name too long") != NULL);
	/* Still a terminated string after truncation. */
	OK(memchr(out, '\0', sizeof(out)) != NULL);
	cap_start();
	INT_EQ(file_path(out, sizeof(out), "%s/%s", "reports",
	    "2026-0042.md"), -1);
	cap_end();
}

static void
test_write_all(void)
{
	char	 got[8];
	int	 fds[2];

	OK(pipe(fds) == 0);
	INT_EQ(file_write_all(fds[1], "abcd", 4), 0);
	INT_EQ(file_write_all(fds[1], "", 0), 0);
	close(fds[1]);
	INT_EQ(read(fds[0], got, sizeof(got)), 4);
	OK(memcmp(got, "abcd", 4) == 0);
	close(fds[0]);
	/* A closed descriptor fails. */
	INT_EQ(file_write_all(fds[1], "x", 1), -1);
	INT_EQ(file_sync_dir(top), 0);
	cap_start();
	INT_EQ(file_sync_dir(p("no-such-dir")), -1);
	cap_end();
}

int
main(void)
{
	const char	*tmp;
	int		 rc;

	umask(022);
	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(top, sizeof(top), "%s/test_file.XXXXXX", tmp);
	if (mkdtemp(top) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_write_atomic();
	test_write_excl();
	test_write_mkdirs();
	test_write_fails();
	test_read();
	test_mkdirs();
	test_remove_tree();
	test_path();
	test_write_all();
	INT_EQ(file_remove_tree(top), 0);
	OK(!exists(top));
	rc = DONE("test_file");
	/* Seen even if the leak checker aborts at exit. */
	fflush(stdout);
	return rc;
}
