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
 * Where each inbox item stands in the review, as the content repository's
 * work tree says: the receipts file (received, draft, rejected), the
 * draft's report file and the approvals over its current blob, counted
 * as gen counts them, and whether the running reviewer's own approval
 * counts.  Used by list, show, status, reject, purge, draft, decided
 * and diff.
 */

#ifndef NM_QUEUE_H
#define NM_QUEUE_H

#include <stddef.h>

#include "report.h"

struct record;
struct recipient;
struct receipts;

enum queue_state {
	Q_UNKNOWN,	/* no content repository to ask */
	Q_NEW,		/* not in the receipts file */
	Q_RECEIVED,	/* "received": acknowledged, not decided */
	Q_DRAFT,	/* drafted; no approval counts yet */
	Q_APPROVED,	/* approvals, fewer than min_approvals */
	Q_PUBLISHED,	/* min_approvals or more: gen publishes it */
	Q_REJECTED,	/* "rejected": not published */
	Q_STATE_MAX
};

struct queue {
	struct receipts		*rc;		/* NULL if Q_UNKNOWN for all */
	struct recipient	*rv;		/* the reviewers file */
	size_t			 nrv;
	int			 min_approvals;
	void			*repo;		/* git_repository */
	char			*workdir;	/* its work tree, with '/' */
	char			*cpath;		/* content folder ("." ok) */
	char			*receipts;	/* path of the receipts file */
	/*
	 * The reviewer running the command, for queue_item.mine: the name
	 * and Ed25519 public key of the key file, borrowed; NULL if not
	 * set (queue_me()).
	 */
	const char		*me;
	const unsigned char	*me_pk;
};

enum queue_mine {
	Q_MINE_NONE,	/* no approval of mine */
	Q_MINE_VALID,	/* mine counts: over the current text */
	Q_MINE_VOID	/* mine is over an earlier text: void */
};

struct queue_item {
	enum queue_state	 state;
	/* Q_DRAFT, Q_APPROVED, Q_PUBLISHED: the report's id. */
	char			 report[REPORT_ID_MAX + 1];
	/* Its file (relative to the work tree), or "" if it is missing. */
	char			 file[1024];
	size_t			 approvals;	/* valid on the current blob */
	const char		*reason;	/* Q_REJECTED; NULL if none */
	enum queue_mine		 mine;		/* after queue_me() */
};

/*
 * Opens the content repository repo (its work tree) with the content
 * folder path (NULL: "content").  If required is 0 and repo is not a
 * repository, logs a note and leaves q empty, so that every item is
 * Q_UNKNOWN; otherwise that is an error.  Reads the receipts file, the
 * reviewers file and min_approvals of nearmiss.ini (each may be
 * missing).  0 or -1 (logged).  queue_close() in both cases.
 */
int		 queue_open(struct queue *q, const char *repo,
		    const char *path, int required);
void		 queue_close(struct queue *q);
/*
 * Tells queue_state() who runs the command, so that it says whether
 * their own approval of a draft counts or was voided by an edit.  name
 * and sign_pk (32 bytes) are borrowed: they must outlive q.
 */
void		 queue_me(struct queue *q, const char *name,
		    const unsigned char *sign_pk);
/* Where the item with record r stands. */
void		 queue_state(struct queue_item *out, const struct queue *q,
		    const struct record *r);
/* "new", "received", "draft", ... */
const char	*queue_state_name(enum queue_state);
/* 1 if the item is decided for good: Q_PUBLISHED or Q_REJECTED. */
int		 queue_decided(enum queue_state);
/*
 * The path of the receipts file relative to the work tree, as
 * rv_commit() wants it, into out.  0 or -1 (logged).
 */
int		 queue_receipts_rel(char *out, size_t outsz,
		    const struct queue *q);

#endif /* NM_QUEUE_H */
