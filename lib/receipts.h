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
 * The status of each submission by the SHA-256 of its receipt code:
 * content/receipts (beside nearmiss.ini), one line per submission,
 * sorted by hash, written by nearmiss-review and read by nearmiss-gen
 * to publish the status index.  See nearmiss-content(5).
 *
 *	HASH64HEX received
 *	HASH64HEX draft REPORT-ID
 *	HASH64HEX rejected[ REASON...]
 */

#ifndef NM_RECEIPTS_H
#define NM_RECEIPTS_H

#include <stddef.h>

#define RECEIPTS_FILE		"receipts"	/* beside nearmiss.ini */
#define RECEIPTS_MAX		(64 * 1024 * 1024)	/* whole file */
#define RECEIPTS_REASON_MAX	500	/* bytes of a rejection reason */

enum receipt_state { RECEIPT_RECEIVED, RECEIPT_DRAFT, RECEIPT_REJECTED };

struct receipt_entry {
	unsigned char		 hash[32];
	enum receipt_state	 state;
	/*
	 * RECEIPT_DRAFT: the report id (report_id_valid()).
	 * RECEIPT_REJECTED: the reason, single-line UTF-8 without control
	 * characters, at most RECEIPTS_REASON_MAX bytes, or NULL if none.
	 * RECEIPT_RECEIVED: NULL.
	 */
	char			*arg;
};

struct receipts;

/*
 * Parses a receipts file (len bytes of data; name is used in messages).
 * The format is strict: 64 lowercase hex digits, one space, a known
 * state, its argument as above, LF at the end of every line, hashes in
 * strictly ascending order (so each at most once), no blank lines.
 * Returns 0 with *out set (caller receipts_free()s), or -1 after logging
 * "name:line: what is wrong" (*out left NULL).
 */
int	receipts_parse(struct receipts **out, const char *name,
	    const char *data, size_t len);
/* Reads and parses the file at path; a missing file is an empty set. */
int	receipts_load(struct receipts **out, const char *path);
/* The entry for hash h, or NULL. */
const struct receipt_entry *receipts_find(const struct receipts *,
	    const unsigned char h[32]);
/* The (first by hash) draft entry whose report id is id, or NULL. */
const struct receipt_entry *receipts_by_report(const struct receipts *,
	    const char *id);
/*
 * Adds or replaces the entry for hash h.  arg is copied; it must suit
 * the state as described above (NULL or "" for received; a rejected
 * entry with NULL or "" has no reason).  Returns 0, or -1 (logged) if arg
 * is not acceptable.
 */
int	receipts_set(struct receipts *, const unsigned char h[32],
	    enum receipt_state, const char *arg);
size_t	receipts_count(const struct receipts *);
/* Entry i (0 <= i < receipts_count()), in ascending hash order. */
const struct receipt_entry *receipts_at(const struct receipts *, size_t i);
/* Writes the set, sorted, atomically (FILE_ATOMIC | FILE_SYNC). 0 or -1. */
int	receipts_write(const struct receipts *, const char *path);
/* An empty set (caller receipts_free()s). */
struct receipts *receipts_new(void);
/* Frees the set; NULL is a no-op. */
void	receipts_free(struct receipts *);
/* The state's name in the file ("received", "draft", "rejected"). */
const char *receipts_state_name(enum receipt_state);

#endif /* NM_RECEIPTS_H */
