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
 * nearmiss-review receive: records "received" in the receipts file for
 * every item this key opens that the file does not know yet, and commits
 * it in one commit, so that the public status page can tell submitters
 * their report arrived.  Damaged items are reported and left out.
 */

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "commit.h"
#include "keys.h"
#include "log.h"
#include "queue.h"
#include "receipts.h"
#include "record.h"
#include "review.h"
#include "rv.h"

struct receive_ctx {
	struct queue	 q;
	size_t		 added;
	size_t		 seen;
};

static void	receive_usage(FILE *);
static int	receive_one(const char *, struct record *, void *);

static void
receive_usage(FILE *f)
{
	fprintf(f, "usage: nearmiss-review receive [-K keyfile] -i inbox "
	    "[-r repo] [-p path]\n");
}

static int
receive_one(const char *id, struct record *r, void *arg)
{
	struct receive_ctx	*c = arg;
	struct queue_item	 qi;

	c->seen++;
	queue_state(&qi, &c->q, r);
	if (qi.state != Q_NEW)
		return 0;
	if (receipts_set(c->q.rc, r->receipt, RECEIPT_RECEIVED, NULL) != 0)
		return -1;
	log_info("item %s: received", id);
	c->added++;
	return 0;
}

int
review_receive(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct receive_ctx c;
	struct rv_args	 a = RV_ARGS_INIT;
	struct keypair	*kp = NULL;
	const char	*paths[1];
	char		 rel[PATH_MAX], msg[128];
	unsigned long	 nw;
	int		 ch, rc = 2;

	memset(&c, 0, sizeof(c));
	optind = 0;
	while ((ch = getopt_long(argc, argv, "hK:i:r:p:", longopts,
	    NULL)) != -1) {
		if (rv_args_opt(&a, ch, optarg))
			continue;
		switch (ch) {
		case 'h':
			receive_usage(stdout);
			rc = 0;
			goto out;
		default:
			receive_usage(stderr);
			goto out;
		}
	}
	if (optind != argc || a.inbox == NULL) {
		receive_usage(stderr);
		goto out;
	}
	rc = 1;
	if (rv_start(&kp, NULL, &c.q, &a, NULL, 1) != 0)
		goto out;
	nw = log_nwarnings();
	if (rv_items(a.inbox, kp, receive_one, &c) != 0)
		goto out;
	if (c.added > 0) {
		if (receipts_write(c.q.rc, c.q.receipts) != 0 ||
		    queue_receipts_rel(rel, sizeof(rel), &c.q) != 0)
			goto out;
		paths[0] = rel;
		snprintf(msg, sizeof(msg), "receipts: %zu submission%s "
		    "received", c.added, c.added == 1 ? "" : "s");
		if (rv_commit(c.q.workdir, paths, 1, msg) != 0)
			goto out;
		log_info("next: git pull, then git push, so that the others "
		    "see it (nearmiss-review(1), WORKING TOGETHER)");
	}
	printf("%zu item%s newly received, %zu known already\n", c.added,
	    c.added == 1 ? "" : "s", c.seen - c.added);
	if (log_nwarnings() == nw)
		rc = 0;
out:
	queue_close(&c.q);
	keypair_free(kp);
	return rc;
}
