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
 * nearmiss-review merge-receipts BASE OURS THEIRS: git's merge driver
 * for the receipts file.  Two reviewers who record decisions in two
 * clones change different lines of one sorted file, often next to each
 * other, and git's own merge stops at such lines.  This merges entry by
 * entry, by receipt hash: a side that changed an entry wins over one that
 * did not, "received" gives way to a decision, and two different
 * decisions for one submission, or one report id for two submissions,
 * are conflicts.  The result is written over OURS, as git wants it.
 */

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "log.h"
#include "receipts.h"
#include "review.h"

static void	merge_usage(FILE *);
static int	same(const struct receipt_entry *,
		    const struct receipt_entry *);
static int	merge_one(struct receipts *, const unsigned char *,
		    const struct receipt_entry *, const struct receipt_entry *,
		    const struct receipt_entry *);

static void
merge_usage(FILE *f)
{
	fprintf(f, "usage: nearmiss-review merge-receipts base ours theirs\n");
}

/* 1 if a and b (either may be NULL: no entry) say the same. */
static int
same(const struct receipt_entry *a, const struct receipt_entry *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	if (a->state != b->state)
		return 0;
	if (a->arg == NULL || b->arg == NULL)
		return a->arg == b->arg;
	return strcmp(a->arg, b->arg) == 0;
}

/*
 * Puts into out what the entry for hash h becomes, from its base o, ours
 * a and theirs b.  0, or 1 on a conflict (logged; ours is kept), or -1.
 */
static int
merge_one(struct receipts *out, const unsigned char *h,
    const struct receipt_entry *o, const struct receipt_entry *a,
    const struct receipt_entry *b)
{
	const struct receipt_entry	*w;
	char				 hex[65];
	int				 conflict = 0;

	if (same(a, b) || same(o, b))
		w = a;
	else if (same(o, a))
		w = b;
	else if (a != NULL && b != NULL && a->state == RECEIPT_RECEIVED)
		w = b;
	else if (a != NULL && b != NULL && b->state == RECEIPT_RECEIVED)
		w = a;
	else {
		sodium_bin2hex(hex, sizeof(hex), h, 32);
		log_warnx("receipts: %s: \"%s%s%s\" here, \"%s%s%s\" in the "
		    "other branch: keep one", hex,
		    a != NULL ? receipts_state_name(a->state) : "(deleted)",
		    a != NULL && a->arg != NULL ? " " : "",
		    a != NULL && a->arg != NULL ? a->arg : "",
		    b != NULL ? receipts_state_name(b->state) : "(deleted)",
		    b != NULL && b->arg != NULL ? " " : "",
		    b != NULL && b->arg != NULL ? b->arg : "");
		w = a;
		conflict = 1;
	}
	if (w == NULL)
		return conflict;
	if (receipts_set(out, h, w->state, w->arg) != 0)
		return -1;
	return conflict;
}

int
review_merge_receipts(int argc, char *argv[])
{
	struct receipts			*set[3] = { NULL, NULL, NULL };
	struct receipts			*out = NULL, *done = NULL;
	const struct receipt_entry	*e;
	size_t				 i, j;
	int				 r, rc = 2, conflicts = 0;

	if (argc == 2 && (strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0)) {
		merge_usage(stdout);
		return 0;
	}
	if (argc != 4) {
		merge_usage(stderr);
		return 2;
	}
	rc = 1;
	for (i = 0; i < 3; i++)
		if (receipts_load(&set[i], argv[i + 1]) != 0)
			goto out;
	out = receipts_new();
	done = receipts_new();
	for (i = 0; i < 3; i++) {
		for (j = 0; j < receipts_count(set[i]); j++) {
			e = receipts_at(set[i], j);
			if (receipts_find(done, e->hash) != NULL)
				continue;
			if (receipts_set(done, e->hash, RECEIPT_RECEIVED,
			    NULL) != 0)
				goto out;
			if ((r = merge_one(out, e->hash,
			    receipts_find(set[0], e->hash),
			    receipts_find(set[1], e->hash),
			    receipts_find(set[2], e->hash))) == -1)
				goto out;
			conflicts += r;
		}
	}
	/* One report id for two submissions: drafted at once in two clones. */
	for (j = 0; j < receipts_count(out); j++) {
		e = receipts_at(out, j);
		if (e->state == RECEIPT_DRAFT &&
		    receipts_by_report(out, e->arg) != e) {
			log_warnx("receipts: report id %s is given to two "
			    "submissions: draft one of them again under a new "
			    "id", e->arg);
			conflicts++;
		}
	}
	if (receipts_write(out, argv[2]) != 0)
		goto out;
	if (conflicts == 0)
		rc = 0;
out:
	for (i = 0; i < 3; i++)
		receipts_free(set[i]);
	receipts_free(out);
	receipts_free(done);
	return rc;
}
