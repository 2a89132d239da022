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
 * The encrypted inbox: sealing a submission to the reviewers' public
 * keys and storing it durably in DIR/new/ through DIR/tmp/, and expiring
 * old items.  The item format is nearmiss-inbox(5).  Intake links this
 * module, so it seals only: it holds no secret key and never decrypts
 * (review/open.c does that).  No global state; one struct inbox may be
 * shared by threads.
 */

#ifndef NM_INBOX_H
#define NM_INBOX_H

#include <sys/types.h>

#include <stddef.h>
#include <time.h>

/* The item format (nearmiss-inbox(5)). */
#define INBOX_VERSION		1
#define INBOX_PREFIX_BYTES	2	/* version and recipient count */
#define INBOX_SLOT_BYTES	80	/* 32-byte key + crypto_box_SEALBYTES */
#define INBOX_HEADER_BYTES	24	/* secretstream header */
#define INBOX_TAG_BYTES		17	/* secretstream ABYTES */
#define INBOX_BLOCK		4096	/* padding block size */
#define INBOX_PLAIN_MAX		(11 * 1024 * 1024)	/* RECORD_MAX */
/* inbox_item_size(INBOX_RECIPIENTS_MAX, INBOX_PLAIN_MAX) fits. */
#define INBOX_ITEM_MAX		(12 * 1024 * 1024)
#define INBOX_RECIPIENTS_MAX	255
#define INBOX_NAME_LEN		32	/* lowercase hex characters */

/*
 * "Temporary failure, nothing stored": the caller answers 503 or exits
 * with EX_TEMPFAIL and the sender tries again.  Distinct from the codes
 * of nm.h.
 */
#define INBOX_ETEMP		(-75)

struct buf;
struct inbox;
struct recipient;

/* One submission for inbox_put_many(). */
struct inbox_msg {
	const void	*plain;		/* in: the encoded record */
	size_t		 len;		/* in: at most INBOX_PLAIN_MAX */
	char		 name[INBOX_NAME_LEN + 1];	/* out: if rc is 0 */
	int		 rc;		/* out: as inbox_put() returns */
};

/*
 * The storage calls of inbox_put(), replaceable by tests to inject
 * faults (EIO, ENOSPC, short writes, EINTR) at each call in turn.
 */
struct inbox_sys {
	int	(*openat)(int, const char *, int, mode_t);
	ssize_t	(*write)(int, const void *, size_t);
	int	(*fchmod)(int, mode_t);
	int	(*futimens)(int, const struct timespec *);
	int	(*fsync)(int);
	int	(*close)(int);
	int	(*renameat)(int, const char *, int, const char *);
};

/*
 * Opens the inbox at dir, which must exist: creates dir/tmp and dir/new
 * (mode 0700) if they are missing, refuses them if they are not
 * directories (symbolic links included), and empties dir/tmp, whose
 * files are leftovers of writes that a crash interrupted, unless another
 * process or struct inbox has the inbox open (a lock on tmp/, held until
 * inbox_close(), tells).  Caller frees *out with inbox_close().  Returns
 * 0 or -1 (logged).
 */
int	inbox_open(struct inbox **out, const char *dir);
/* Closes the inbox.  NULL is a no-op. */
void	inbox_close(struct inbox *);
/*
 * The size of the item that sealing len bytes to n recipients gives:
 * 2 + 80 n + 24 + 4096 k + 17, where k = len / 4096 + 1.
 */
size_t	inbox_item_size(size_t n, size_t len);
/*
 * Seals len bytes of plain (at most INBOX_PLAIN_MAX) to the n recipients
 * (1 to INBOX_RECIPIENTS_MAX) and appends the item to out (ciphertext
 * only; the plaintext and the stream key live in guarded memory and are
 * wiped).  Returns 0, or -1 (logged) if len is too big or a recipient's
 * public key is unusable.
 */
int	inbox_seal(struct buf *out, const struct recipient *, size_t n,
	    const void *plain, size_t len);
/*
 * Seals plain as inbox_seal() does and stores it as dir/new/NAME with
 * the durable protocol: an O_EXCL file in tmp/ (mode 0600), written
 * completely, its times set to midnight UTC of now's day, fsynced,
 * closed, renamed into new/, and new/ fsynced.  Only then does it return
 * 0 and write the item's 32-character name to name.  Concurrent callers
 * share one fsync of new/ (group commit).  Returns INBOX_ETEMP (logged,
 * with no submission content) if storing failed, in which case neither
 * tmp/ nor new/ holds anything of it; -1 (logged) for a submission that
 * can never be stored (as inbox_seal()).
 */
int	inbox_put(struct inbox *, const struct recipient *, size_t n,
	    const void *plain, size_t len, time_t now,
	    char name[INBOX_NAME_LEN + 1]);
/*
 * Stores nmsg submissions as inbox_put() does, with one fsync of new/
 * for all of them: for a caller that gathers requests and acknowledges
 * them together.  Sets each msgs[i].rc and, when it is 0, msgs[i].name.
 * Returns 0 if every one was stored, else the first failing rc.
 */
int	inbox_put_many(struct inbox *, const struct recipient *, size_t n,
	    struct inbox_msg *msgs, size_t nmsg, time_t now);
/*
 * Deletes the items of dir/new that are at least days days old: those
 * whose mtime (the midnight they were received) is at or before
 * now - days * 86400.  Files whose names are not item names are left
 * alone.  Syncs new/ if anything was removed, and sets *removed (may be
 * NULL) to the count.  Returns 0 or -1 (logged).
 */
int	inbox_purge(const char *dir, int days, time_t now, size_t *removed);
/*
 * For tests only: replaces the storage calls of ib (NULL restores the
 * real ones).  sys must outlive ib.
 */
void	inbox_set_sys(struct inbox *ib, const struct inbox_sys *sys);

#endif /* NM_INBOX_H */
