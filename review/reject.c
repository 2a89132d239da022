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
 * nearmiss-review reject ID [--reason TEXT]: records "rejected" for the
 * item's receipt hash in the content repository's receipts file and
 * commits it, so the public status page says "not published" (and the
 * reason, which is public too).  A report that gen already publishes is
 * not rejected here.
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

static void	reject_usage(FILE *);

static void
reject_usage(FILE *f)
{
	fprintf(f, "usage: nearmiss-review reject [-K keyfile] -i inbox "
	    "[-r repo] [-p path]\n"
	    "                              [--reason text] id\n");
}

int
review_reject(int argc, char *argv[])
{
	enum { OPT_REASON = 256 };
	static const struct option longopts[] = {
		{ "reason", required_argument, NULL, OPT_REASON },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct queue	 q;
	struct queue_item qi;
	struct record	 r;
	struct rv_args	 a = RV_ARGS_INIT;
	struct keypair	*kp = NULL;
	const char	*reason = NULL, *id;
	const char	*paths[1];
	char		 rel[PATH_MAX];
	int		 ch, rc = 2;

	memset(&q, 0, sizeof(q));
	memset(&r, 0, sizeof(r));
	optind = 0;
	while ((ch = getopt_long(argc, argv, "hK:i:r:p:", longopts,
	    NULL)) != -1) {
		if (rv_args_opt(&a, ch, optarg))
			continue;
		switch (ch) {
		case OPT_REASON:
			reason = optarg;
			break;
		case 'h':
			reject_usage(stdout);
			rc = 0;
			goto out;
		default:
			reject_usage(stderr);
			goto out;
		}
	}
	if (argc - optind != 1 || a.inbox == NULL) {
		reject_usage(stderr);
		goto out;
	}
	id = argv[optind];
	if (rv_id_arg(id) != 0)
		goto out;
	rc = 1;
	if (rv_start(&kp, &r, &q, &a, id, 1) != 0)
		goto out;
	queue_state(&qi, &q, &r);
	if (qi.state == Q_PUBLISHED) {
		log_warnx("item %s: already approved for publication as %s; "
		    "not rejected (remove the report and its approvals "
		    "first)", id, qi.report);
		goto out;
	}
	if (receipts_set(q.rc, r.receipt, RECEIPT_REJECTED, reason) != 0)
		goto out;
	if (receipts_write(q.rc, q.receipts) != 0)
		goto out;
	if (queue_receipts_rel(rel, sizeof(rel), &q) != 0)
		goto out;
	paths[0] = rel;
	if (rv_commit(q.workdir, paths, 1, "receipts: a submission will not "
	    "be published") != 0)
		goto out;
	printf("rejected item %s: its status reads \"not published\"%s\n",
	    id, reason != NULL && *reason != '\0' ? ", with the reason" : "");
	if (qi.file[0] != '\0')
		log_info("the draft %s is still in the work tree: delete it "
		    "if nothing of it is to be published", qi.file);
	log_info("next: git pull, then git push, so that the others see "
	    "it (nearmiss-review(1), WORKING TOGETHER)");
	rc = 0;
out:
	queue_close(&q);
	record_free(&r);
	keypair_free(kp);
	return rc;
}
