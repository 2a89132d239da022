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
 * Unit tests of lib/inbox.c on the intake side (sealing and storing;
 * opening is tests/review/test_open.c): names, modes, day-only times,
 * size buckets, the tmp/ sweep, purge by age, and a failure injected at
 * every storage call in turn, which must leave tmp/ and new/ empty.
 */

#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "buf.h"
#include "file.h"
#include "harness.h"
#include "inbox.h"
#include "nm.h"
#include "recipients.h"
#include "record.h"

/* 2026-03-14 14:53:20 UTC, and that day's midnight. */
#define NOW		((time_t)1773500000)
#define MIDNIGHT	((time_t)1773446400)
#define DAY		86400

static char		 top[64];
static char		 dir[128];
static struct recipient	 rcpt[3];

/* Fault injection: fail storage call number fail_at with fail_errno. */
static int	 ncalls, fail_at, fail_errno, write_max, nfsync;

static int
t_fail(void)
{
	if (++ncalls == fail_at) {
		errno = fail_errno;
		return 1;
	}
	return 0;
}

static int
t_openat(int fd, const char *path, int flags, mode_t mode)
{
	return t_fail() ? -1 : openat(fd, path, flags, mode);
}

static ssize_t
t_write(int fd, const void *p, size_t n)
{
	if (t_fail())
		return -1;
	if (write_max > 0 && n > (size_t)write_max)
		n = (size_t)write_max;
	return write(fd, p, n);
}

static int
t_fchmod(int fd, mode_t mode)
{
	return t_fail() ? -1 : fchmod(fd, mode);
}

static int
t_futimens(int fd, const struct timespec *ts)
{
	return t_fail() ? -1 : futimens(fd, ts);
}

static int
t_fsync(int fd)
{
	nfsync++;
	return t_fail() ? -1 : fsync(fd);
}

static int
t_close(int fd)
{
	if (t_fail()) {
		close(fd);
		return -1;
	}
	return close(fd);
}

static int
t_renameat(int a, const char *p, int b, const char *q)
{
	return t_fail() ? -1 : renameat(a, p, b, q);
}

static const struct inbox_sys tsys = {
	t_openat, t_write, t_fchmod, t_futimens, t_fsync, t_close,
	t_renameat
};

/* Number of entries of sub (tmp or new); *first gets one name. */
static int
count(const char *sub, char *first, size_t firstsz)
{
	char		 path[256];
	DIR		*d;
	struct dirent	*de;
	int		 n = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (n++ == 0 && first != NULL)
			snprintf(first, firstsz, "%.255s", de->d_name);
	}
	closedir(d);
	return n;
}

/* Empties new/ (and tmp/) between tests. */
static void
clean(void)
{
	char	 path[256];

	snprintf(path, sizeof(path), "%s/new", dir);
	file_remove_tree(path);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/tmp", dir);
	file_remove_tree(path);
	mkdir(path, 0700);
}

/* 1 if the n bytes at p contain the string s. */
static int
contains(const char *p, size_t n, const char *s)
{
	size_t	 i, sl = strlen(s);

	for (i = 0; i + sl <= n; i++)
		if (memcmp(p + i, s, sl) == 0)
			return 1;
	return 0;
}

static int
hexname(const char *s)
{
	size_t	 i;

	for (i = 0; i < INBOX_NAME_LEN; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[i] == '\0';
}

static void
test_open(void)
{
	struct inbox	*ib, *other;
	struct stat	 st;
	char		 path[256];
	int		 fd;

	snprintf(dir, sizeof(dir), "%s/inbox", top);
	cap_start();
	INT_EQ(inbox_open(&ib, dir), -1);
	snprintf(path, sizeof(path), "nearmiss: %s: No such file or "
	    "directory\n", dir);
	STR_EQ(cap_end(), path);
	OK(ib == NULL);

	mkdir(dir, 0755);
	INT_EQ(inbox_open(&ib, dir), 0);
	snprintf(path, sizeof(path), "%s/tmp", dir);
	OK(lstat(path, &st) == 0 && S_ISDIR(st.st_mode) &&
	    (st.st_mode & 07777) == 0700);
	snprintf(path, sizeof(path), "%s/new", dir);
	OK(lstat(path, &st) == 0 && S_ISDIR(st.st_mode) &&
	    (st.st_mode & 07777) == 0700);
	inbox_close(ib);
	inbox_close(NULL);

	/* The sweep: whatever a crash left in tmp/ goes, new/ stays. */
	INT_EQ(inbox_open(&other, dir), 0);
	snprintf(path, sizeof(path), "%s/tmp/0123456789abcdef0123456789abcdef",
	    dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	OK(fd != -1 && write(fd, "partial", 7) == 7);
	close(fd);
	snprintf(path, sizeof(path), "%s/tmp/junk", dir);
	OK(symlink("/etc/passwd", path) == 0);
	snprintf(path, sizeof(path), "%s/tmp/emptydir", dir);
	OK(mkdir(path, 0700) == 0);
	snprintf(path, sizeof(path), "%s/new/0123456789abcdef0123456789abcdef",
	    dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	close(fd);
	INT_EQ(count("tmp", NULL, 0), 3);
	/* Not while another has the inbox open: it may be writing there. */
	INT_EQ(inbox_open(&ib, dir), 0);
	INT_EQ(count("tmp", NULL, 0), 3);
	inbox_close(ib);
	inbox_close(other);
	cap_start();
	INT_EQ(inbox_open(&ib, dir), 0);
	cap_end();
	INT_EQ(count("tmp", NULL, 0), 0);
	INT_EQ(count("new", NULL, 0), 1);
	OK(access("/etc/passwd", F_OK) == 0);
	inbox_close(ib);
	clean();

	/* A symbolic link or a file in place of tmp/ or new/. */
	snprintf(path, sizeof(path), "%s/new", dir);
	rmdir(path);
	OK(symlink(top, path) == 0);
	cap_start();
	INT_EQ(inbox_open(&ib, dir), -1);
	snprintf(path, sizeof(path), "nearmiss: %s/new: Not a directory\n",
	    dir);
	STR_EQ(cap_end(), path);
	snprintf(path, sizeof(path), "%s/new", dir);
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	close(fd);
	cap_start();
	INT_EQ(inbox_open(&ib, dir), -1);
	snprintf(path, sizeof(path), "nearmiss: %s/new: Not a directory\n",
	    dir);
	STR_EQ(cap_end(), path);
	clean();
}

static void
test_put(void)
{
	struct inbox	*ib;
	struct stat	 st;
	struct buf	 item = BUF_INIT;
	char		 name[INBOX_NAME_LEN + 1], first[300], path[256];
	char		 plain[3000], want[128];
	size_t		 n;

	memset(plain, 'M', sizeof(plain));
	memcpy(plain, "MARKER-plaintext", 16);
	INT_EQ(inbox_open(&ib, dir), 0);
	INT_EQ(inbox_put(ib, rcpt, 3, plain, 10, NOW, name), 0);
	OK(hexname(name));
	INT_EQ(count("new", first, sizeof(first)), 1);
	STR_EQ(first, name);
	INT_EQ(count("tmp", NULL, 0), 0);
	snprintf(path, sizeof(path), "%s/new/%s", dir, name);
	OK(lstat(path, &st) == 0 && S_ISREG(st.st_mode));
	INT_EQ(st.st_mode & 07777, 0600);
	INT_EQ(st.st_mtime, MIDNIGHT);
	INT_EQ(st.st_atime, MIDNIGHT);
	INT_EQ(st.st_mtim.tv_nsec, 0);
	INT_EQ(st.st_size, 2 + 3 * 80 + 24 + 4096 + 17);
	INT_EQ(inbox_item_size(3, 10), 2 + 3 * 80 + 24 + 4096 + 17);
	INT_EQ(file_read(&item, path, INBOX_ITEM_MAX), 0);
	INT_EQ((unsigned char)item.data[0], INBOX_VERSION);
	INT_EQ((unsigned char)item.data[1], 3);
	OK(!contains(item.data, item.len, "MARKER"));
	buf_free(&item);

	/* 10 and 3000 bytes fall in the same 4 KiB bucket. */
	INT_EQ(inbox_put(ib, rcpt, 3, plain, sizeof(plain), NOW, name), 0);
	snprintf(path, sizeof(path), "%s/new/%s", dir, name);
	OK(stat(path, &st) == 0);
	INT_EQ(st.st_size, 2 + 3 * 80 + 24 + 4096 + 17);
	INT_EQ(count("new", NULL, 0), 2);
	/* A different day gives that day's midnight; before 1970 too. */
	INT_EQ(inbox_put(ib, rcpt, 1, plain, 0, NOW + 3 * DAY - 1, name), 0);
	snprintf(path, sizeof(path), "%s/new/%s", dir, name);
	OK(stat(path, &st) == 0);
	INT_EQ(st.st_mtime, MIDNIGHT + 3 * DAY);
	INT_EQ(st.st_size, 2 + 80 + 24 + 4096 + 17);
	INT_EQ(inbox_put(ib, rcpt, 1, plain, 1, -1, name), 0);
	snprintf(path, sizeof(path), "%s/new/%s", dir, name);
	OK(stat(path, &st) == 0);
	INT_EQ(st.st_mtime, -DAY);
	INT_EQ(count("tmp", NULL, 0), 0);

	/* Too big: a permanent error, nothing stored. */
	n = (size_t)count("new", NULL, 0);
	cap_start();
	INT_EQ(inbox_put(ib, rcpt, 1, plain, INBOX_PLAIN_MAX + 1, NOW, name),
	    -1);
	snprintf(want, sizeof(want), "nearmiss: inbox: a submission of %d "
	    "bytes is more than %d\n", INBOX_PLAIN_MAX + 1, INBOX_PLAIN_MAX);
	STR_EQ(cap_end(), want);
	STR_EQ(name, "");
	INT_EQ(count("new", NULL, 0), n);
	INT_EQ(count("tmp", NULL, 0), 0);
	inbox_close(ib);
	clean();
}

static void
test_sizes(void)
{
	struct buf	 a = BUF_INIT, b = BUF_INIT;
	static char	 plain[INBOX_PLAIN_MAX];
	struct recipient bad;
	size_t		 len, i;
	static const size_t lens[] = {
		0, 1, 10, 3000, 4095, 4096, 4097, 8191, 8192, 65536,
		INBOX_PLAIN_MAX - 1, INBOX_PLAIN_MAX
	};

	INT_EQ(RECORD_MAX <= INBOX_PLAIN_MAX, 1);
	for (i = 0; i < NM_NELEM(lens); i++) {
		len = lens[i];
		buf_reset(&a);
		INT_EQ(inbox_seal(&a, rcpt, 2, plain, len), 0);
		INT_EQ(a.len, 2 + 2 * 80 + 24 + (len / 4096 + 1) * 4096 + 17);
		INT_EQ(a.len, inbox_item_size(2, len));
		OK(a.len <= INBOX_ITEM_MAX);
	}
	INT_EQ(inbox_item_size(255, INBOX_PLAIN_MAX) <= INBOX_ITEM_MAX, 1);
	/* Fresh keys each time: the same plaintext seals differently. */
	buf_reset(&a);
	INT_EQ(inbox_seal(&a, rcpt, 1, "same", 4), 0);
	INT_EQ(inbox_seal(&b, rcpt, 1, "same", 4), 0);
	INT_EQ(a.len, b.len);
	OK(memcmp(a.data, b.data, a.len) != 0);
	/* Appends to what out holds. */
	buf_reset(&a);
	buf_addstr(&a, "head");
	INT_EQ(inbox_seal(&a, rcpt, 1, "x", 1), 0);
	INT_EQ(a.len, 4 + inbox_item_size(1, 1));
	OK(memcmp(a.data, "head", 4) == 0 && a.data[a.len] == '\0');
	/* A low-order public key cannot be sealed to. */
	memset(&bad, 0, sizeof(bad));
	snprintf(bad.name, sizeof(bad.name), "zero");
	buf_reset(&a);
	cap_start();
	INT_EQ(inbox_seal(&a, &bad, 1, "x", 1), -1);
	STR_EQ(cap_end(), "nearmiss: inbox: recipient zero: unusable public "
	    "key\n");
	buf_free(&a);
	buf_free(&b);
}

/* A storage failure: INBOX_ETEMP, and nothing left in tmp/ or new/. */
static void
test_fail_dirs(void)
{
	struct inbox	*ib;
	char		 name[INBOX_NAME_LEN + 1], path[256];
	const char	*e;

	INT_EQ(inbox_open(&ib, dir), 0);
	snprintf(path, sizeof(path), "%s/new", dir);
	OK(rmdir(path) == 0);
	cap_start();
	INT_EQ(inbox_put(ib, rcpt, 2, "MARKER secret", 13, NOW, name),
	    INBOX_ETEMP);
	e = cap_end();
	OK(strncmp(e, "nearmiss: rename ", 17) == 0);
	OK(strstr(e, " to new/: No such file or directory\n") != NULL);
	OK(strstr(e, "MARKER") == NULL);
	STR_EQ(name, "");
	INT_EQ(count("tmp", NULL, 0), 0);
	INT_EQ(count("new", NULL, 0), -1);
	inbox_close(ib);
	clean();

	INT_EQ(inbox_open(&ib, dir), 0);
	snprintf(path, sizeof(path), "%s/tmp", dir);
	OK(rmdir(path) == 0);
	cap_start();
	INT_EQ(inbox_put(ib, rcpt, 2, "MARKER secret", 13, NOW, name),
	    INBOX_ETEMP);
	e = cap_end();
	OK(strncmp(e, "nearmiss: create ", 17) == 0);
	INT_EQ(count("new", NULL, 0), 0);
	inbox_close(ib);
	clean();

	/* Permissions do not stop root, so this part needs another user. */
	if (geteuid() != 0) {
		INT_EQ(inbox_open(&ib, dir), 0);
		snprintf(path, sizeof(path), "%s/new", dir);
		OK(chmod(path, 0500) == 0);
		cap_start();
		INT_EQ(inbox_put(ib, rcpt, 2, "x", 1, NOW, name),
		    INBOX_ETEMP);
		cap_end();
		INT_EQ(count("tmp", NULL, 0), 0);
		INT_EQ(count("new", NULL, 0), 0);
		chmod(path, 0700);
		inbox_close(ib);
		clean();
	}
}

/*
 * Fails each storage call of one put in turn with each errno; EINTR on
 * a write and short writes are retried and must succeed.
 */
static void
test_faults(void)
{
	struct inbox	*ib;
	char		 name[INBOX_NAME_LEN + 1];
	static const int errs[] = { EIO, ENOSPC, EDQUOT, EINTR };
	int		 k, i, total, rc, nnew, bad = 0, ok = 0;

	INT_EQ(inbox_open(&ib, dir), 0);
	inbox_set_sys(ib, &tsys);
	ncalls = fail_at = 0;
	INT_EQ(inbox_put(ib, rcpt, 2, "x", 1, NOW, name), 0);
	total = ncalls;
	/* open, write, fchmod, futimens, fsync, close, rename, fsync. */
	INT_EQ(total, 8);
	clean();
	inbox_close(ib);
	for (i = 0; i < (int)NM_NELEM(errs); i++) {
		for (k = 1; k <= total; k++) {
			INT_EQ(inbox_open(&ib, dir), 0);
			inbox_set_sys(ib, &tsys);
			ncalls = 0;
			fail_at = k;
			fail_errno = errs[i];
			cap_start();
			rc = inbox_put(ib, rcpt, 2, "MARKER", 6, NOW, name);
			if (strstr(cap_end(), "MARKER") != NULL)
				bad++;
			nnew = count("new", NULL, 0);
			if (count("tmp", NULL, 0) != 0)
				bad++;
			if (errs[i] == EINTR && k == 2) {
				/* The write is retried. */
				if (rc != 0 || nnew != 1)
					bad++;
			} else if (rc != INBOX_ETEMP || nnew != 0 ||
			    name[0] != '\0')
				bad++;
			/* And the next one succeeds. */
			fail_at = 0;
			if (inbox_put(ib, rcpt, 2, "y", 1, NOW, name) != 0 ||
			    count("new", NULL, 0) != nnew + 1)
				bad++;
			else
				ok++;
			inbox_close(ib);
			clean();
		}
	}
	INT_EQ(bad, 0);
	INT_EQ(ok, total * (int)NM_NELEM(errs));

	/* Short writes of 1000 bytes are resumed. */
	INT_EQ(inbox_open(&ib, dir), 0);
	inbox_set_sys(ib, &tsys);
	ncalls = fail_at = 0;
	write_max = 1000;
	INT_EQ(inbox_put(ib, rcpt, 1, "z", 1, NOW, name), 0);
	INT_EQ(ncalls, 7 + 5);	/* 4219 bytes in 5 writes */
	write_max = 0;
	INT_EQ(count("new", NULL, 0), 1);
	inbox_set_sys(ib, NULL);
	inbox_close(ib);
	clean();
}

static void
test_put_many(void)
{
	struct inbox	*ib;
	struct inbox_msg m[5];
	char		 big[10];
	size_t		 i;

	memset(m, 0, sizeof(m));
	for (i = 0; i < NM_NELEM(m); i++) {
		m[i].plain = "many";
		m[i].len = 4;
	}
	m[3].plain = big;
	m[3].len = INBOX_PLAIN_MAX + 1;
	INT_EQ(inbox_open(&ib, dir), 0);
	inbox_set_sys(ib, &tsys);
	ncalls = fail_at = nfsync = 0;
	cap_start();
	INT_EQ(inbox_put_many(ib, rcpt, 3, m, NM_NELEM(m), NOW), -1);
	cap_end();
	/* Four file fsyncs, one shared fsync of new/. */
	INT_EQ(nfsync, 5);
	INT_EQ(m[0].rc, 0);
	INT_EQ(m[3].rc, -1);
	STR_EQ(m[3].name, "");
	INT_EQ(m[4].rc, 0);
	OK(hexname(m[4].name) && strcmp(m[0].name, m[4].name) != 0);
	INT_EQ(count("new", NULL, 0), 4);
	clean();

	/* The shared fsync fails: every item is withdrawn. */
	m[3].len = 4;
	ncalls = 0;
	fail_at = 5 * 6 + 1;
	fail_errno = EIO;
	cap_start();
	INT_EQ(inbox_put_many(ib, rcpt, 3, m, NM_NELEM(m), NOW), INBOX_ETEMP);
	cap_end();
	for (i = 0; i < NM_NELEM(m); i++) {
		INT_EQ(m[i].rc, INBOX_ETEMP);
		STR_EQ(m[i].name, "");
	}
	INT_EQ(count("new", NULL, 0), 0);
	INT_EQ(count("tmp", NULL, 0), 0);
	fail_at = 0;
	inbox_close(ib);
	clean();
}

struct thr {
	struct inbox	*ib;
	int		 fails;
};

static void *
putter(void *arg)
{
	struct thr	*t = arg;
	char		 name[INBOX_NAME_LEN + 1];
	int		 i;

	for (i = 0; i < 25; i++)
		if (inbox_put(t->ib, rcpt, 3, "thread", 6, NOW, name) != 0 ||
		    !hexname(name))
			t->fails++;
	return NULL;
}

static void
test_threads(void)
{
	struct inbox	*ib;
	pthread_t	 tid[4];
	struct thr	 t[4];
	int		 i;

	INT_EQ(inbox_open(&ib, dir), 0);
	for (i = 0; i < 4; i++) {
		t[i].ib = ib;
		t[i].fails = 0;
		OK(pthread_create(&tid[i], NULL, putter, &t[i]) == 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(tid[i], NULL);
		INT_EQ(t[i].fails, 0);
	}
	INT_EQ(count("new", NULL, 0), 100);
	INT_EQ(count("tmp", NULL, 0), 0);
	inbox_close(ib);
	clean();
}

static void
test_purge(void)
{
	struct inbox	*ib;
	char		 name[INBOX_NAME_LEN + 1], keep[INBOX_NAME_LEN + 1];
	char		 path[256];
	struct timespec	 ts[2];
	size_t		 removed;
	int		 fd;

	INT_EQ(inbox_open(&ib, dir), 0);
	INT_EQ(inbox_put(ib, rcpt, 1, "a", 1, NOW, name), 0);
	INT_EQ(inbox_put(ib, rcpt, 1, "b", 1, NOW + 10 * DAY, name), 0);
	INT_EQ(inbox_put(ib, rcpt, 1, "c", 1, NOW + 20 * DAY, keep), 0);
	inbox_close(ib);
	/* Not an item name: left alone however old. */
	snprintf(path, sizeof(path), "%s/new/README", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ts[0].tv_sec = ts[1].tv_sec = 0;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	OK(futimens(fd, ts) == 0);
	close(fd);
	INT_EQ(count("new", NULL, 0), 4);

	/*
	 * 15 days back from just before day 25 reaches the item of day 0;
	 * from day 25 on, the item of day 10 too.
	 */
	INT_EQ(inbox_purge(dir, 15, MIDNIGHT + 25 * DAY - 1, &removed), 0);
	INT_EQ(removed, 1);
	INT_EQ(count("new", NULL, 0), 3);
	INT_EQ(inbox_purge(dir, 15, MIDNIGHT + 25 * DAY, &removed), 0);
	INT_EQ(removed, 1);
	INT_EQ(count("new", NULL, 0), 2);
	snprintf(path, sizeof(path), "%s/new/%s", dir, keep);
	OK(access(path, F_OK) == 0);
	INT_EQ(inbox_purge(dir, 15, MIDNIGHT + 25 * DAY + 1, NULL), 0);
	/* The day-20 item at exactly 30 days. */
	INT_EQ(inbox_purge(dir, 30, MIDNIGHT + 50 * DAY - 1, &removed), 0);
	INT_EQ(removed, 0);
	INT_EQ(inbox_purge(dir, 30, MIDNIGHT + 50 * DAY, &removed), 0);
	INT_EQ(removed, 1);
	INT_EQ(count("new", NULL, 0), 1);

	cap_start();
	INT_EQ(inbox_purge(dir, -1, NOW, &removed), -1);
	STR_EQ(cap_end(), "nearmiss: purge: -1 days is out of range\n");
	snprintf(path, sizeof(path), "%s/none", top);
	cap_start();
	INT_EQ(inbox_purge(path, 1, NOW, &removed), -1);
	cap_end();
	INT_EQ(removed, 0);
	clean();
}

int
main(void)
{
	unsigned char	 sk[32];
	size_t		 i;

	if (sodium_init() == -1)
		return 1;
	for (i = 0; i < NM_NELEM(rcpt); i++) {
		crypto_box_keypair(rcpt[i].box_pk, sk);
		snprintf(rcpt[i].name, sizeof(rcpt[i].name), "r%zu", i);
	}
	snprintf(top, sizeof(top), "/tmp/test_inbox.XXXXXX");
	if (mkdtemp(top) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_open();
	test_put();
	test_sizes();
	test_fail_dirs();
	test_faults();
	test_put_many();
	test_threads();
	test_purge();
	file_remove_tree(top);
	return DONE("test_inbox");
}
