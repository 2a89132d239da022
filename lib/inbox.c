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
 * Sealing submissions (a random secretstream key sealed to each
 * reviewer, the padded record encrypted under it) and the durable write
 * protocol of the inbox, after qmail's maildir and OpenSMTPD's queue:
 * temp file, write, fsync, rename, fsync of the directory, and only then
 * success.  Nothing here decrypts or holds a secret key.
 */

#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "buf.h"
#include "file.h"
#include "inbox.h"
#include "log.h"
#include "recipients.h"

#define DAY_SECONDS	86400
#define NAME_TRIES	16
#define PURGE_DAYS_MAX	(100 * 366)

/* A caller of sync_new() waiting for its rename to be made durable. */
struct waiter {
	struct waiter	*next;
	int		 done;
	int		 rc;
};

struct inbox {
	char			*dir;		/* for messages */
	int			 tmpfd;
	int			 newfd;
	const struct inbox_sys	*sys;
	/* Group commit of new/: callers queue up while one fsyncs. */
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	struct waiter		*pending;
	int			 syncing;
};

/*
 * The stream key and state, and the padded plaintext after them: one
 * guarded allocation (each costs several system calls).  Byte arrays
 * only, as sodium_malloc() does not align.
 */
struct sealer {
	unsigned char	 key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
	crypto_secretstream_xchacha20poly1305_state state;
	unsigned char	 pad[];
};

static int	sys_openat(int, const char *, int, mode_t);
static time_t	midnight(time_t);
static int	name_valid(const char *);
static int	open_subdir(int, const char *, const char *);
static int	sweep(struct inbox *);
static int	write_all(const struct inbox_sys *, int, const void *, size_t);
static int	store(struct inbox *, const struct buf *, time_t,
		    char [INBOX_NAME_LEN + 1]);
static int	sync_new(struct inbox *);

static const struct inbox_sys real_sys = {
	sys_openat, write, fchmod, futimens, fsync, close, renameat
};

/* openat() is variadic; the table wants a fixed signature. */
static int
sys_openat(int fd, const char *path, int flags, mode_t mode)
{
	return openat(fd, path, flags, mode);
}

/* 00:00 UTC of t's day. */
static time_t
midnight(time_t t)
{
	time_t	 r;

	r = t % DAY_SECONDS;
	if (r < 0)
		r += DAY_SECONDS;
	return t - r;
}

/* 1 if s is an item name: 32 lowercase hex characters. */
static int
name_valid(const char *s)
{
	size_t	 i;

	for (i = 0; i < INBOX_NAME_LEN; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[i] == '\0';
}

/*
 * Opens (creating it with mode 0700 if needed) the subdirectory sub of
 * the directory dirfd, which is called dir in messages.  A symbolic
 * link is refused.  Returns the descriptor or -1 (logged).
 */
static int
open_subdir(int dirfd, const char *dir, const char *sub)
{
	int	 fd;

	if (mkdirat(dirfd, sub, 0700) == -1 && errno != EEXIST) {
		log_warn("mkdir %s/%s", dir, sub);
		return -1;
	}
	fd = openat(dirfd, sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd == -1) {
		if (errno == ELOOP)
			errno = ENOTDIR;
		log_warn("%s/%s", dir, sub);
	}
	return fd;
}

/*
 * Removes everything from tmp/: files there are what crashed writes
 * left, and never were acknowledged.  Returns 0 or -1 (logged).
 */
static int
sweep(struct inbox *ib)
{
	DIR		*d = NULL;
	struct dirent	*de;
	size_t		 n = 0;
	int		 fd, rc = -1;

	if ((fd = dup(ib->tmpfd)) == -1 || (d = fdopendir(fd)) == NULL) {
		log_warn("%s/tmp", ib->dir);
		if (fd != -1)
			close(fd);
		goto out;
	}
	rc = 0;
	while ((errno = 0, de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (unlinkat(ib->tmpfd, de->d_name, 0) == 0 ||
		    ((errno == EISDIR || errno == EPERM) &&
		    unlinkat(ib->tmpfd, de->d_name, AT_REMOVEDIR) == 0)) {
			n++;
			continue;
		}
		log_warn("unlink %s/tmp/%.64s", ib->dir, de->d_name);
		rc = -1;
	}
	if (errno != 0) {
		log_warn("%s/tmp", ib->dir);
		rc = -1;
	}
	if (n > 0)
		log_info("%s/tmp: removed %zu unfinished items", ib->dir, n);
out:
	if (d != NULL)
		closedir(d);
	return rc;
}

/* Writes all of p, retrying EINTR and short writes. */
static int
write_all(const struct inbox_sys *sys, int fd, const void *p, size_t len)
{
	const unsigned char	*s = p;
	ssize_t			 n;

	while (len > 0) {
		if ((n = sys->write(fd, s, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Writes item to tmp/NAME under a fresh random name, with its times at
 * midnight UTC of now's day, syncs it and renames it to new/NAME (not
 * yet durable: see sync_new()).  On failure nothing is left in tmp/ or
 * new/.  Returns 0 or INBOX_ETEMP (logged).
 */
static int
store(struct inbox *ib, const struct buf *item, time_t now,
    char name[INBOX_NAME_LEN + 1])
{
	const struct inbox_sys	*sys = ib->sys;
	struct timespec		 ts[2];
	struct stat		 st;
	unsigned char		 rnd[INBOX_NAME_LEN / 2];
	int			 fd = -1, rc = INBOX_ETEMP, tries, created = 0;

	for (tries = 0; tries < NAME_TRIES; tries++) {
		randombytes_buf(rnd, sizeof(rnd));
		sodium_bin2hex(name, INBOX_NAME_LEN + 1, rnd, sizeof(rnd));
		fd = sys->openat(ib->tmpfd, name, O_WRONLY | O_CREAT | O_EXCL |
		    O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd == -1) {
			if (errno == EEXIST)
				continue;
			log_warn("create %s/tmp/%s", ib->dir, name);
			goto out;
		}
		created = 1;
		/* rename() would replace an item of the same name. */
		if (fstatat(ib->newfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1 &&
		    errno == ENOENT)
			break;
		close(fd);
		fd = -1;
		unlinkat(ib->tmpfd, name, 0);
		created = 0;
	}
	if (fd == -1) {
		log_warnx("%s: no free item name after %d tries", ib->dir,
		    NAME_TRIES);
		goto out;
	}
	if (write_all(sys, fd, item->data, item->len) == -1) {
		log_warn("write %s/tmp/%s", ib->dir, name);
		goto out;
	}
	/* umask may have taken bits away; it cannot have added any. */
	if (sys->fchmod(fd, 0600) == -1) {
		log_warn("chmod %s/tmp/%s", ib->dir, name);
		goto out;
	}
	/* Before fsync, so the day-only times are durable too. */
	ts[0].tv_sec = ts[1].tv_sec = midnight(now);
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	if (sys->futimens(fd, ts) == -1) {
		log_warn("set times of %s/tmp/%s", ib->dir, name);
		goto out;
	}
	if (sys->fsync(fd) == -1) {
		log_warn("fsync %s/tmp/%s", ib->dir, name);
		goto out;
	}
	if (sys->close(fd) == -1) {
		fd = -1;
		log_warn("close %s/tmp/%s", ib->dir, name);
		goto out;
	}
	fd = -1;
	if (sys->renameat(ib->tmpfd, name, ib->newfd, name) == -1) {
		log_warn("rename %s/tmp/%s to new/", ib->dir, name);
		goto out;
	}
	created = 0;
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	if (created)
		unlinkat(ib->tmpfd, name, 0);
	if (rc != 0)
		name[0] = '\0';
	return rc;
}

/*
 * Makes the renames into new/ done so far durable with one fsync of the
 * directory, shared by every thread that waits meanwhile: the first to
 * arrive syncs for all that queued before it started, the others wait
 * for a sync that started after they queued.  Returns 0 or INBOX_ETEMP
 * (logged once, by the thread that synced).
 */
static int
sync_new(struct inbox *ib)
{
	struct waiter	 self, *batch, *w, *next;
	int		 rc;

	self.done = 0;
	self.rc = INBOX_ETEMP;
	pthread_mutex_lock(&ib->lock);
	self.next = ib->pending;
	ib->pending = &self;
	while (!self.done) {
		if (ib->syncing) {
			pthread_cond_wait(&ib->cond, &ib->lock);
			continue;
		}
		ib->syncing = 1;
		batch = ib->pending;
		ib->pending = NULL;
		pthread_mutex_unlock(&ib->lock);
		rc = 0;
		if (ib->sys->fsync(ib->newfd) == -1) {
			log_warn("fsync %s/new", ib->dir);
			rc = INBOX_ETEMP;
		}
		pthread_mutex_lock(&ib->lock);
		/* A waiter may return once done is set: read next first. */
		for (w = batch; w != NULL; w = next) {
			next = w->next;
			w->rc = rc;
			w->done = 1;
		}
		ib->syncing = 0;
		pthread_cond_broadcast(&ib->cond);
	}
	rc = self.rc;
	pthread_mutex_unlock(&ib->lock);
	return rc;
}

int
inbox_open(struct inbox **out, const char *dir)
{
	struct inbox	*ib;
	int		 dirfd = -1, rc = -1;

	*out = NULL;
	if (sodium_init() == -1) {
		log_warnx("libsodium cannot be initialised");
		return -1;
	}
	ib = xcalloc(1, sizeof(*ib));
	ib->dir = xstrdup(dir);
	ib->tmpfd = ib->newfd = -1;
	ib->sys = &real_sys;
	if (pthread_mutex_init(&ib->lock, NULL) != 0 ||
	    pthread_cond_init(&ib->cond, NULL) != 0)
		fatalx("pthread init");
	if ((dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		log_warn("%s", dir);
		goto out;
	}
	if ((ib->tmpfd = open_subdir(dirfd, dir, "tmp")) == -1 ||
	    (ib->newfd = open_subdir(dirfd, dir, "new")) == -1)
		goto out;
	/*
	 * Every open inbox holds a shared lock on tmp/ until it is closed;
	 * tmp/ is swept only by an opener that can lock it alone, so that
	 * a mail delivery starting up never removes the file that a
	 * running form server (or another delivery) is writing.
	 */
	if (flock(ib->tmpfd, LOCK_EX | LOCK_NB) == 0) {
		if (sweep(ib) == -1)
			goto out;
	} else if (errno != EWOULDBLOCK) {
		log_warn("lock %s/tmp", dir);
		goto out;
	}
	if (flock(ib->tmpfd, LOCK_SH) == -1) {
		log_warn("lock %s/tmp", dir);
		goto out;
	}
	*out = ib;
	ib = NULL;
	rc = 0;
out:
	if (dirfd != -1)
		close(dirfd);
	inbox_close(ib);
	return rc;
}

void
inbox_close(struct inbox *ib)
{
	if (ib == NULL)
		return;
	if (ib->tmpfd != -1)
		close(ib->tmpfd);
	if (ib->newfd != -1)
		close(ib->newfd);
	pthread_mutex_destroy(&ib->lock);
	pthread_cond_destroy(&ib->cond);
	free(ib->dir);
	free(ib);
}

void
inbox_set_sys(struct inbox *ib, const struct inbox_sys *sys)
{
	ib->sys = sys != NULL ? sys : &real_sys;
}

size_t
inbox_item_size(size_t n, size_t len)
{
	return INBOX_PREFIX_BYTES + n * INBOX_SLOT_BYTES +
	    INBOX_HEADER_BYTES + (len / INBOX_BLOCK + 1) * INBOX_BLOCK +
	    INBOX_TAG_BYTES;
}

int
inbox_seal(struct buf *out, const struct recipient *rcpt, size_t n,
    const void *plain, size_t len)
{
	struct sealer		*s;
	unsigned char		*pad, *item;
	unsigned long long	 clen;
	size_t			 padcap, padlen, prefix, size, i;
	int			 rc = -1;

	assert(n >= 1 && n <= INBOX_RECIPIENTS_MAX);
	if (len > INBOX_PLAIN_MAX) {
		log_warnx("inbox: a submission of %zu bytes is more than %d",
		    len, INBOX_PLAIN_MAX);
		return -1;
	}
	padcap = (len / INBOX_BLOCK + 1) * INBOX_BLOCK;
	if ((s = sodium_malloc(sizeof(*s) + padcap)) == NULL)
		fatal("sodium_malloc");
	pad = s->pad;
	if (len > 0)
		memcpy(pad, plain, len);
	if (sodium_pad(&padlen, pad, len, INBOX_BLOCK, padcap) != 0 ||
	    padlen != padcap)
		fatalx("sodium_pad");
	size = inbox_item_size(n, len);
	prefix = INBOX_PREFIX_BYTES + n * INBOX_SLOT_BYTES;
	buf_grow(out, size);
	item = (unsigned char *)out->data + out->len;
	item[0] = INBOX_VERSION;
	item[1] = (unsigned char)n;
	crypto_secretstream_xchacha20poly1305_keygen(s->key);
	for (i = 0; i < n; i++) {
		if (crypto_box_seal(item + INBOX_PREFIX_BYTES +
		    i * INBOX_SLOT_BYTES, s->key, sizeof(s->key),
		    rcpt[i].box_pk) != 0) {
			log_warnx("inbox: recipient %s: unusable public key",
			    rcpt[i].name);
			goto out;
		}
	}
	if (crypto_secretstream_xchacha20poly1305_init_push(&s->state,
	    item + prefix, s->key) != 0)
		fatalx("crypto_secretstream_xchacha20poly1305_init_push");
	/* The version, count and sealed keys are authenticated too. */
	if (crypto_secretstream_xchacha20poly1305_push(&s->state,
	    item + prefix + INBOX_HEADER_BYTES, &clen, pad, padlen, item,
	    prefix, crypto_secretstream_xchacha20poly1305_TAG_FINAL) != 0)
		fatalx("crypto_secretstream_xchacha20poly1305_push");
	assert(prefix + INBOX_HEADER_BYTES + clen == size);
	out->len += size;
	out->data[out->len] = '\0';
	rc = 0;
out:
	sodium_free(s);
	return rc;
}

int
inbox_put(struct inbox *ib, const struct recipient *rcpt, size_t n,
    const void *plain, size_t len, time_t now,
    char name[INBOX_NAME_LEN + 1])
{
	struct inbox_msg	 m;
	int			 rc;

	m.plain = plain;
	m.len = len;
	rc = inbox_put_many(ib, rcpt, n, &m, 1, now);
	memcpy(name, m.name, sizeof(m.name));
	return rc;
}

int
inbox_put_many(struct inbox *ib, const struct recipient *rcpt, size_t n,
    struct inbox_msg *msgs, size_t nmsg, time_t now)
{
	struct buf	 item = BUF_INIT;
	size_t		 i, stored = 0;
	int		 rc = 0;

	for (i = 0; i < nmsg; i++) {
		msgs[i].name[0] = '\0';
		buf_reset(&item);
		if ((msgs[i].rc = inbox_seal(&item, rcpt, n, msgs[i].plain,
		    msgs[i].len)) == 0 &&
		    (msgs[i].rc = store(ib, &item, now, msgs[i].name)) == 0)
			stored++;
	}
	/* Not acknowledged, so not kept: the sender will try again. */
	if (stored > 0 && sync_new(ib) != 0)
		for (i = 0; i < nmsg; i++) {
			if (msgs[i].rc != 0)
				continue;
			unlinkat(ib->newfd, msgs[i].name, 0);
			msgs[i].name[0] = '\0';
			msgs[i].rc = INBOX_ETEMP;
		}
	for (i = 0; i < nmsg; i++)
		if (msgs[i].rc != 0) {
			rc = msgs[i].rc;
			break;
		}
	buf_free(&item);
	return rc;
}

int
inbox_purge(const char *dir, int days, time_t now, size_t *removed)
{
	DIR		*d = NULL;
	struct dirent	*de;
	struct stat	 st;
	char		 path[PATH_MAX];
	time_t		 cutoff;
	size_t		 n = 0;
	int		 fd = -1, dfd, rc = -1;

	if (removed != NULL)
		*removed = 0;
	if (days < 0 || days > PURGE_DAYS_MAX) {
		log_warnx("purge: %d days is out of range", days);
		return -1;
	}
	cutoff = now - (time_t)days * DAY_SECONDS;
	if (file_path(path, sizeof(path), "%s/new", dir) == -1)
		return -1;
	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1) {
		log_warn("%s", path);
		goto out;
	}
	if ((dfd = dup(fd)) == -1 || (d = fdopendir(dfd)) == NULL) {
		log_warn("%s", path);
		if (dfd != -1)
			close(dfd);
		goto out;
	}
	while ((errno = 0, de = readdir(d)) != NULL) {
		if (!name_valid(de->d_name))
			continue;
		if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1) {
			if (errno == ENOENT)
				continue;
			log_warn("%s/%s", path, de->d_name);
			goto out;
		}
		if (!S_ISREG(st.st_mode) || st.st_mtime > cutoff)
			continue;
		if (unlinkat(fd, de->d_name, 0) == -1 && errno != ENOENT) {
			log_warn("unlink %s/%s", path, de->d_name);
			goto out;
		}
		n++;
	}
	if (errno != 0) {
		log_warn("%s", path);
		goto out;
	}
	if (n > 0 && fsync(fd) == -1) {
		log_warn("fsync %s", path);
		goto out;
	}
	rc = 0;
out:
	if (removed != NULL)
		*removed = n;
	if (d != NULL)
		closedir(d);
	if (fd != -1)
		close(fd);
	return rc;
}
